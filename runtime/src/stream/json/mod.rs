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
mod record;
mod typed;
mod value;

use self::record::RecordSeed;

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
