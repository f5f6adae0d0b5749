//! Stream records from their JSON form: Lambda events of DynamoDB Streams or of Kinesis Data
//! Streams, and the DynamoDB change documents Kinesis records carry (feature `json`).
//!
//! The reading is lenient per record and strict per value: a record with an unknown attribute
//! type, bad base64, a number written as a JSON number, or a field of the wrong JSON type is
//! still read to its end, and becomes an error for that record alone (naming its sequence
//! number, the image and the attribute), so that one bad record fails alone (values nested
//! deeper than 40 levels too: DynamoDB allows 32). Only text that is not a JSON event at all
//! fails the whole batch. JSON that serde_json cannot hold while reading (a number beyond
//! `f64`, a lone UTF-16 surrogate) fails its record alone through `from_json`, which reads the
//! records again one by one; through the `Deserialize` impls (as `lambda_runtime` uses them),
//! which cannot read twice, it fails the batch. Neither DynamoDB nor Lambda writes such JSON.
//!
//! Both readers agree on every input: a name repeated in an image or a map keeps its last
//! value, and of several wrong fields the first declared in the model is reported (of a map's
//! wrong entries, the smallest key).
//!
//! Two readers share this: [`Batch`] reads records as [`RawRecord`]s (items of attribute
//! values), for a router; [`EventBatch`] reads them straight into one model's events, decoding
//! each image into the model as it is read, with no item in between.

mod check;
mod typed;
mod value;

use std::borrow::Cow;
use std::fmt;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::codec::Item;
use crate::error::{Error, Image, RecordError, Result};

use super::record::{EventName, Meta, RawRecord, UserIdentity, table_from_arn};
use value::{
    Attributes, BASE64, Bad, Key, Lenient, Number, Str, Text, found_seq, reject_others,
    seed_is_visitor,
};

pub use typed::EventBatch;

/// A batch of stream records as a Lambda function receives it (`{"Records": [...]}`), from
/// DynamoDB Streams or from Kinesis Data Streams for DynamoDB. Each record is read on its own:
/// one that is malformed is an `Err` in its place, with its sequence number when it has one.
#[derive(Debug, Default)]
pub struct Batch {
    /// The records, in the order of the event.
    pub records: Vec<Result<RawRecord>>,
}

impl Batch {
    /// Reads a Lambda event from JSON. Only text that is not a JSON object with a `Records`
    /// array is an error here; a malformed record is an `Err` in `records`.
    pub fn from_json(json: &[u8]) -> Result<Self> {
        parse_event::<Raw>(json).map(|records| Batch { records })
    }
}

impl<'de> serde::Deserialize<'de> for Batch {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        deserializer
            .deserialize_map(EventVisitor(RecordsSeed::<Raw>(std::marker::PhantomData)))
            .map(|records| Batch { records })
    }
}

/// Reads a whole event. The text is checked to be UTF-8 once, so that strings need no check
/// of their own.
fn parse_event<T: Target>(json: &[u8]) -> Result<Vec<T::Out>> {
    let malformed = |e: &dyn fmt::Display| Error::StreamRecord {
        sequence_number: None,
        problem: RecordError::Malformed(format!(
            "the event is not a Lambda event of stream records: {e}"
        )),
    };
    let text = std::str::from_utf8(json).map_err(|e| malformed(&e))?;
    let mut de = serde_json::Deserializer::from_str(text);
    let read = de
        .deserialize_map(EventVisitor(RecordsSeed::<T>(std::marker::PhantomData)))
        .and_then(|records| de.end().map(|()| records));
    match read {
        Ok(records) => Ok(records),
        // Valid JSON that serde_json cannot hold while it reads (a number beyond `f64`, a lone
        // UTF-16 surrogate, nesting past its limit) must fail its record alone: the records are
        // read again one by one. Only text that is not such an event at all fails the batch.
        Err(e) => one_by_one::<T>(text).ok_or_else(|| malformed(&e)),
    }
}

/// The records of an event read each on its own: `None` when the text is not an event.
fn one_by_one<T: Target>(text: &str) -> Option<Vec<T::Out>> {
    let mut de = serde_json::Deserializer::from_str(text);
    let records: Vec<&serde_json::value::RawValue> = de
        .deserialize_map(EventVisitor(std::marker::PhantomData))
        .ok()?;
    de.end().ok()?;
    let read = |record: &serde_json::value::RawValue| {
        let mut de = serde_json::Deserializer::from_str(record.get());
        let seed = RecordSeed::<T> {
            kinesis: None,
            target: std::marker::PhantomData,
        };
        seed.deserialize(&mut de)
            .and_then(|r| de.end().map(|()| r))
            .unwrap_or_else(|e| {
                T::failed(Error::StreamRecord {
                    sequence_number: sequence_of(record.get()),
                    problem: RecordError::Malformed(format!(
                        "the record holds JSON that cannot be read: {e}"
                    )),
                })
            })
    };
    Some(records.into_iter().map(read).collect())
}

/// The sequence number of a record that cannot be read (DynamoDB Streams or Kinesis shape),
/// found skipping everything else.
fn sequence_of(record: &str) -> Option<String> {
    /// The record, or its `dynamodb` or `kinesis` section (`inner`).
    struct Find {
        inner: bool,
    }
    impl<'de> Visitor<'de> for Find {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a stream record")
        }
        fn visit_map<A: MapAccess<'de>>(
            self,
            mut map: A,
        ) -> std::result::Result<Self::Value, A::Error> {
            let mut found = None;
            while let Some(key) = map.next_key::<Key<'de>>()? {
                match (self.inner, key.0.as_ref()) {
                    (false, "dynamodb" | "kinesis") => {
                        if let Ok(Some(seq)) = map.next_value_seed(FindSeed { inner: true }) {
                            found = Some(seq);
                        }
                    }
                    (true, "SequenceNumber" | "sequenceNumber") => {
                        found = map.next_value::<Option<String>>().ok().flatten();
                    }
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            Ok(found)
        }
    }
    struct FindSeed {
        inner: bool,
    }
    impl<'de> DeserializeSeed<'de> for FindSeed {
        type Value = Option<String>;
        fn deserialize<D: Deserializer<'de>>(
            self,
            d: D,
        ) -> std::result::Result<Self::Value, D::Error> {
            d.deserialize_map(Find { inner: self.inner })
        }
    }
    let mut de = serde_json::Deserializer::from_str(record);
    FindSeed { inner: false }
        .deserialize(&mut de)
        .ok()
        .flatten()
}

/// How the records' images are read: kept as items ([`Raw`]) or decoded into a model.
trait Target {
    /// The images read so far.
    type Images: Default;
    /// A record, read.
    type Out;

    /// Reads one image (the value of `Keys`, `NewImage` or `OldImage`); `Some` is what is wrong
    /// with it.
    fn image<'de, D: Deserializer<'de>>(
        images: &mut Self::Images,
        which: Image,
        value: D,
    ) -> std::result::Result<Option<Box<Bad>>, D::Error>;

    /// Whether the event source ARN is kept (else only the table name in it).
    const KEEP_ARN: bool;

    /// The record, from its metadata and its images.
    fn finish(meta: Meta, images: Self::Images) -> Self::Out;

    /// A record that could not be read.
    fn failed(error: Error) -> Self::Out;
}

/// Records with their images as items.
struct Raw;

impl Target for Raw {
    type Images = [Option<Item>; 3];
    type Out = Result<RawRecord>;

    fn image<'de, D: Deserializer<'de>>(
        images: &mut Self::Images,
        which: Image,
        value: D,
    ) -> std::result::Result<Option<Box<Bad>>, D::Error> {
        Ok(match (Attributes { depth: 0 }).deserialize(value)? {
            Ok(item) => {
                images[slot(which)] = item;
                None
            }
            Err(bad) => Some(bad),
        })
    }

    const KEEP_ARN: bool = true;

    fn finish(meta: Meta, images: Self::Images) -> Self::Out {
        Ok(meta.into_raw(images))
    }

    fn failed(error: Error) -> Self::Out {
        Err(error)
    }
}

/// The index of an image in `[Keys, NewImage, OldImage]`.
fn slot(which: Image) -> usize {
    match which {
        Image::Keys => 0,
        Image::NewImage => 1,
        Image::OldImage => 2,
    }
}

/// A record of a Lambda Kinesis event (`aws_lambda_events`) carrying a DynamoDB change.
#[cfg(feature = "lambda")]
pub(crate) fn from_kinesis_record(
    record: &aws_lambda_events::event::kinesis::KinesisEventRecord,
) -> Result<RawRecord> {
    from_kinesis_data(&record.kinesis.data.0, &record.kinesis.sequence_number)
}

/// The DynamoDB change document a Kinesis record carries, with the Kinesis sequence number.
pub(crate) fn from_kinesis_data(data: &[u8], sequence_number: &str) -> Result<RawRecord> {
    kinesis_data::<Raw>(data, sequence_number)
}

fn kinesis_data<T: Target>(data: &[u8], sequence_number: &str) -> T::Out {
    let mut de = serde_json::Deserializer::from_slice(data);
    let parsed = (RecordSeed::<T> {
        kinesis: Some(sequence_number),
        target: std::marker::PhantomData,
    })
    .deserialize(&mut de)
    .and_then(|r| de.end().map(|()| r));
    match parsed {
        Ok(record) => record,
        Err(e) => T::failed(Error::StreamRecord {
            sequence_number: Some(sequence_number.to_owned()),
            problem: RecordError::Malformed(format!(
                "the Kinesis record's data is not a DynamoDB change document: {e}"
            )),
        }),
    }
}

/// The event object: its `Records` array, read with the seed.
struct EventVisitor<S>(S);

impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for EventVisitor<S> {
    type Value = S::Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Lambda event with a `Records` array")
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut seed = Some(self.0);
        let mut records = None;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            if key.0 == "Records" {
                let seed = seed
                    .take()
                    .ok_or_else(|| de::Error::duplicate_field("Records"))?;
                records = Some(map.next_value_seed(seed)?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        records.ok_or_else(|| de::Error::missing_field("Records"))
    }
}

/// The `Records` array.
struct RecordsSeed<T>(std::marker::PhantomData<T>);

impl<'de, T: Target> DeserializeSeed<'de> for RecordsSeed<T> {
    type Value = Vec<T::Out>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: Target> Visitor<'de> for RecordsSeed<T> {
    type Value = Vec<T::Out>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of records")
    }
    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(64).min(1024));
        let seed = || RecordSeed::<T> {
            kinesis: None,
            target: std::marker::PhantomData,
        };
        while let Some(record) = seq.next_element_seed(seed())? {
            out.push(record);
        }
        Ok(out)
    }
}

/// `userIdentity`.
struct Identity;

impl<'de> Visitor<'de> for Identity {
    type Value = Lenient<Option<UserIdentity>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a user identity")
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut identity = UserIdentity::default();
        let mut problem = None;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let slot = match key.0.as_ref() {
                // Lambda's spelling, and the Streams API's
                "type" | "Type" => &mut identity.identity_type,
                "principalId" | "PrincipalId" => &mut identity.principal_id,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            match map.next_value_seed(Str)? {
                Ok(value) => *slot = value.unwrap_or_default(),
                Err(e) => {
                    problem.get_or_insert_with(|| {
                        Bad::new(format!("`userIdentity.{}`: {}", key.0, e.reason))
                    });
                }
            }
        }
        Ok(match problem {
            Some(p) => Err(p),
            None => Ok(Some(identity)),
        })
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(Ok(None))
    }
    reject_others!("a user identity"; visit_map, visit_unit);
}

/// The problems of a record, in the order found; the first is reported.
#[derive(Default)]
struct Problems(Option<RecordError>);

impl Problems {
    fn field(&mut self, field: &str, reason: &str) {
        if self.0.is_none() {
            self.0 = Some(RecordError::Malformed(format!("`{field}`: {reason}")));
        }
    }
    fn image(&mut self, image: Image, bad: Bad) {
        if self.0.is_none() {
            let Bad { path, reason } = bad;
            self.0 = Some(RecordError::InvalidAttribute {
                image,
                path: path.trim_start_matches('.').to_owned(),
                reason,
            });
        }
    }
}

/// The fields of a Kinesis record that matter here.
#[derive(Default)]
struct KinesisFields {
    data: Option<String>,
    sequence_number: Option<String>,
    /// A field of the wrong type (the sequence number, when read, still names the record).
    problem: Option<String>,
}

/// A record as read: its metadata, its images, and what was wrong with it.
struct Parsed<I> {
    meta: Meta,
    /// The table named in the event source ARN, when the ARN itself is not kept.
    arn_table: Option<String>,
    images: I,
    problems: Problems,
    has_change: bool,
    kinesis: Option<KinesisFields>,
    time: Option<f64>,
    precision_micros: Option<bool>,
}

/// The record from what was read: a Kinesis record's data read in turn, the creation time in
/// its unit, the first problem as the record's error. `kinesis` is the Kinesis sequence number
/// of a change document read from a Kinesis record.
fn complete<T: Target>(parsed: Parsed<T::Images>, kinesis: Option<&str>) -> T::Out {
    if let Some(fields) = parsed.kinesis {
        return kinesis_record::<T>(fields);
    }
    let Parsed {
        mut meta,
        arn_table,
        images,
        problems,
        has_change,
        time,
        precision_micros,
        ..
    } = parsed;
    if let Some(sequence_number) = kinesis {
        meta.sequence_number = Some(sequence_number.to_owned());
    }
    if meta.table_name.is_none() {
        meta.table_name = arn_table;
    }
    meta.approximate_creation_time =
        time.and_then(|t| creation_time(t, kinesis.is_some(), precision_micros));
    if let Some(problem) = problems.0 {
        return T::failed(meta.error(problem));
    }
    if !has_change {
        return T::failed(meta.error(RecordError::Malformed(
            "it has no `dynamodb` section".to_owned(),
        )));
    }
    T::finish(meta, images)
}

/// A record that is not an object.
fn not_an_object<T: Target>(what: &str) -> T::Out {
    T::failed(Error::StreamRecord {
        sequence_number: None,
        problem: RecordError::Malformed(format!("a record is {what}, not an object")),
    })
}

/// One record of a `Records` array (DynamoDB Streams or Kinesis shape), or the change document
/// inside a Kinesis record (`kinesis`: its sequence number; times in milliseconds or
/// microseconds).
struct RecordSeed<'a, T> {
    kinesis: Option<&'a str>,
    target: std::marker::PhantomData<T>,
}

impl<'de, T: Target> Visitor<'de> for RecordSeed<'_, T> {
    type Value = T::Out;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a stream record")
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut parsed = Parsed {
            meta: Meta::default(),
            arn_table: None,
            images: T::Images::default(),
            problems: Problems::default(),
            has_change: false,
            kinesis: None,
            time: None,
            precision_micros: None,
        };
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let field = key.0;
            let text = |value: Lenient<Option<Cow<'de, str>>>, problems: &mut Problems| match value
            {
                Ok(v) => v,
                Err(e) => {
                    problems.field(&field, &e.reason);
                    None
                }
            };
            match field.as_ref() {
                "eventName" => {
                    let name = text(map.next_value_seed(Text)?, &mut parsed.problems);
                    parsed.meta.event_name = EventName::parse(name.as_deref().unwrap_or_default());
                }
                "eventID" => {
                    parsed.meta.event_id =
                        text(map.next_value_seed(Text)?, &mut parsed.problems).map(Cow::into_owned);
                }
                "eventSourceARN" => {
                    let arn = text(map.next_value_seed(Text)?, &mut parsed.problems);
                    if T::KEEP_ARN {
                        parsed.meta.event_source_arn = arn.map(Cow::into_owned);
                    } else {
                        parsed.arn_table =
                            arn.as_deref().and_then(table_from_arn).map(str::to_owned);
                    }
                }
                "tableName" => {
                    parsed.meta.table_name =
                        text(map.next_value_seed(Text)?, &mut parsed.problems).map(Cow::into_owned);
                }
                "userIdentity" => match map.next_value_seed(Identity)? {
                    Ok(identity) => parsed.meta.user_identity = identity,
                    Err(e) => parsed.problems.field("userIdentity", &e.reason),
                },
                "dynamodb" => {
                    parsed.has_change = true;
                    if let Err(e) = map.next_value_seed(ChangeSeed::<T> {
                        parsed: &mut parsed,
                    })? {
                        parsed.problems.field("dynamodb", &e.reason);
                    }
                }
                "kinesis" if self.kinesis.is_none() => match map.next_value_seed(KinesisSeed)? {
                    Ok(fields) => parsed.kinesis = Some(fields),
                    Err(e) => parsed.problems.field("kinesis", &e.reason),
                },
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(complete::<T>(parsed, self.kinesis))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> std::result::Result<Self::Value, A::Error> {
        found_seq(seq)?;
        Ok(not_an_object::<T>("an array"))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> std::result::Result<Self::Value, E> {
        Ok(not_an_object::<T>("a string"))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> std::result::Result<Self::Value, E> {
        Ok(not_an_object::<T>("a number"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> std::result::Result<Self::Value, E> {
        Ok(not_an_object::<T>("a number"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<Self::Value, E> {
        Ok(not_an_object::<T>("a number"))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<Self::Value, E> {
        Ok(not_an_object::<T>("a boolean"))
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(not_an_object::<T>("null"))
    }
}

/// A Kinesis record of a Lambda event: its data decoded and read as a change document.
fn kinesis_record<T: Target>(fields: KinesisFields) -> T::Out {
    let Some(sequence_number) = fields.sequence_number else {
        return T::failed(Error::StreamRecord {
            sequence_number: None,
            problem: RecordError::Malformed("the Kinesis record has no sequence number".to_owned()),
        });
    };
    let malformed = |what: String| {
        T::failed(Error::StreamRecord {
            sequence_number: Some(sequence_number.clone()),
            problem: RecordError::Malformed(what),
        })
    };
    if let Some(problem) = fields.problem {
        return malformed(problem);
    }
    let Some(data) = fields.data else {
        return malformed("the Kinesis record has no data".to_owned());
    };
    match BASE64.decode(data.as_bytes()) {
        Ok(bytes) => kinesis_data::<T>(&bytes, &sequence_number),
        Err(e) => malformed(format!("the Kinesis record's data is not base64: {e}")),
    }
}

/// The creation time: seconds in DynamoDB Streams records; milliseconds, or microseconds when
/// the table is set to that precision, in Kinesis payloads. A Kinesis payload that does not say
/// which is read by magnitude: microseconds since 1970 pass 10^14 in 1973, milliseconds not
/// until the year 5138.
fn creation_time(value: f64, kinesis: bool, precision_micros: Option<bool>) -> Option<SystemTime> {
    // beyond 2^53 an f64 holds no exact integer, and no real time is that far out
    if !value.is_finite() || !(0.0..9.0e15).contains(&value) {
        return None;
    }
    let per_second: u64 = if !kinesis {
        1
    } else if precision_micros.unwrap_or(value >= 1e14) {
        1_000_000
    } else {
        1_000
    };
    // whole units as integers, so that milliseconds stay exact; the fraction to nanoseconds
    let whole = value.trunc() as u64;
    let fraction = value - value.trunc();
    let nanos_per_unit = 1_000_000_000 / per_second;
    let nanos =
        (whole % per_second) * nanos_per_unit + (fraction * nanos_per_unit as f64).round() as u64;
    let duration = Duration::from_secs(whole / per_second) + Duration::from_nanos(nanos);
    SystemTime::UNIX_EPOCH.checked_add(duration)
}

/// A view type's name, without allocating the four DynamoDB has.
fn view_name(name: Cow<'_, str>) -> Cow<'static, str> {
    match name.as_ref() {
        "NEW_AND_OLD_IMAGES" => Cow::Borrowed("NEW_AND_OLD_IMAGES"),
        "NEW_IMAGE" => Cow::Borrowed("NEW_IMAGE"),
        "OLD_IMAGE" => Cow::Borrowed("OLD_IMAGE"),
        "KEYS_ONLY" => Cow::Borrowed("KEYS_ONLY"),
        other => Cow::Owned(other.to_owned()),
    }
}

/// The `dynamodb` section of a record: read into the record being parsed.
struct ChangeSeed<'a, T: Target> {
    parsed: &'a mut Parsed<T::Images>,
}

/// One image of the `dynamodb` section, read by the target.
struct ImageSeed<'a, T: Target> {
    images: &'a mut T::Images,
    which: Image,
}

impl<'de, T: Target> DeserializeSeed<'de> for ImageSeed<'_, T> {
    type Value = Option<Box<Bad>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        T::image(self.images, self.which, d)
    }
}

impl<'de, T: Target> Visitor<'de> for ChangeSeed<'_, T> {
    type Value = Lenient<()>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the `dynamodb` section of a stream record")
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let parsed = self.parsed;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let which = match key.0.as_ref() {
                "Keys" => Some(Image::Keys),
                "NewImage" => Some(Image::NewImage),
                "OldImage" => Some(Image::OldImage),
                _ => None,
            };
            if let Some(which) = which {
                let seed = ImageSeed::<T> {
                    images: &mut parsed.images,
                    which,
                };
                if let Some(bad) = map.next_value_seed(seed)? {
                    parsed.problems.image(which, *bad);
                }
                continue;
            }
            let problem = |e: Box<Bad>, problems: &mut Problems| {
                problems.field(&format!("dynamodb.{}", key.0), &e.reason);
            };
            match key.0.as_ref() {
                "SequenceNumber" => match map.next_value_seed(Str)? {
                    Ok(v) => parsed.meta.sequence_number = v,
                    Err(e) => problem(e, &mut parsed.problems),
                },
                "StreamViewType" => match map.next_value_seed(Text)? {
                    Ok(v) => parsed.meta.view_type = v.map(view_name),
                    Err(e) => problem(e, &mut parsed.problems),
                },
                "SizeBytes" => match map.next_value_seed(Number)? {
                    Ok(v) => parsed.meta.size_bytes = v.filter(|n| *n >= 0.0).map(|n| n as u64),
                    Err(e) => problem(e, &mut parsed.problems),
                },
                "ApproximateCreationDateTime" => match map.next_value_seed(Number)? {
                    Ok(v) => parsed.time = v,
                    Err(e) => problem(e, &mut parsed.problems),
                },
                "ApproximateCreationDateTimePrecision" => match map.next_value_seed(Str)? {
                    Ok(v) => {
                        parsed.precision_micros = v.map(|p| p.eq_ignore_ascii_case("MICROSECOND"));
                    }
                    Err(e) => problem(e, &mut parsed.problems),
                },
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Ok(()))
    }
    reject_others!("the `dynamodb` section of a stream record"; visit_map);
}

/// The `kinesis` section of a Lambda Kinesis record.
struct KinesisSeed;

impl<'de> Visitor<'de> for KinesisSeed {
    type Value = Lenient<KinesisFields>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the `kinesis` section of a Kinesis record")
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut fields = KinesisFields::default();
        let mut problem = None;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let slot = match key.0.as_ref() {
                "data" => &mut fields.data,
                "sequenceNumber" => &mut fields.sequence_number,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            match map.next_value_seed(Str)? {
                Ok(v) => *slot = v,
                Err(e) => {
                    problem.get_or_insert_with(|| {
                        Bad::new(format!("`kinesis.{}`: {}", key.0, e.reason))
                    });
                }
            }
        }
        fields.problem = problem.map(|p| p.reason);
        Ok(Ok(fields))
    }
    reject_others!("the `kinesis` section of a Kinesis record"; visit_map);
}

// Each of these reads any JSON value: the seed is its own visitor.
seed_is_visitor!(
    impl[] Identity,
    impl[T: Target] RecordSeed<'_, T>,
    impl[T: Target] ChangeSeed<'_, T>,
    impl[] KinesisSeed,
);
