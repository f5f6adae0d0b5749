//! Stream records from their JSON form: Lambda events of DynamoDB Streams or of Kinesis Data
//! Streams, and the DynamoDB change documents Kinesis records carry (feature `json`).
//!
//! The reading is lenient per record and strict per value: a record with an unknown attribute
//! type, bad base64, a number written as a JSON number, or a field of the wrong JSON type is
//! still read to its end, and becomes an error for that record alone (naming its sequence
//! number, the image and the attribute), so that one bad record fails alone. Only text that is
//! not JSON at all fails the whole batch. Attribute values go straight into
//! `aws_sdk_dynamodb::types::AttributeValue`, with no intermediate representation.

use std::fmt;
use std::time::{Duration, SystemTime};

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use base64::Engine as _;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::codec::Item;
use crate::error::{Error, Image, RecordError, Result};

use super::convert::{MAX_DEPTH, Step, step};
use super::record::{RawRecord, UserIdentity};

const BASE64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

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
        serde_json::from_slice(json).map_err(|e| Error::StreamRecord {
            sequence_number: None,
            problem: RecordError::Malformed(format!(
                "the event is not a Lambda event of stream records: {e}"
            )),
        })
    }
}

impl<'de> serde::Deserialize<'de> for Batch {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct BatchVisitor;
        impl<'de> Visitor<'de> for BatchVisitor {
            type Value = Batch;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Lambda event with a `Records` array")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Batch, A::Error> {
                let mut records = None;
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    if key.0 == "Records" {
                        records = Some(map.next_value_seed(RecordsSeed)?);
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(Batch {
                    records: records.ok_or_else(|| de::Error::missing_field("Records"))?,
                })
            }
        }
        deserializer.deserialize_map(BatchVisitor)
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
    let mut de = serde_json::Deserializer::from_slice(data);
    let parsed = RecordSeed { kinesis: true }
        .deserialize(&mut de)
        .and_then(|r| de.end().map(|()| r));
    match parsed {
        Ok(Ok(mut raw)) => {
            raw.sequence_number = Some(sequence_number.to_owned());
            Ok(raw)
        }
        Ok(Err(Error::StreamRecord { problem, .. })) => Err(Error::StreamRecord {
            sequence_number: Some(sequence_number.to_owned()),
            problem,
        }),
        Ok(Err(other)) => Err(other),
        Err(e) => Err(Error::StreamRecord {
            sequence_number: Some(sequence_number.to_owned()),
            problem: RecordError::Malformed(format!(
                "the Kinesis record's data is not a DynamoDB change document: {e}"
            )),
        }),
    }
}

/// A map key, borrowed from the input when it can be.
struct Key<'de>(std::borrow::Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(
                self,
                v: &'de str,
            ) -> std::result::Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// The `Records` array.
struct RecordsSeed;

impl<'de> DeserializeSeed<'de> for RecordsSeed {
    type Value = Vec<Result<RawRecord>>;
    fn deserialize<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<Self::Value, D::Error> {
        struct RecordsVisitor;
        impl<'de> Visitor<'de> for RecordsVisitor {
            type Value = Vec<Result<RawRecord>>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of records")
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(16));
                while let Some(record) = seq.next_element_seed(RecordSeed { kinesis: false })? {
                    out.push(record);
                }
                Ok(out)
            }
        }
        deserializer.deserialize_seq(RecordsVisitor)
    }
}

/// What went wrong inside a value: the path below it (`[2].owner`) and the reason.
type Bad = (String, String);

/// A value read leniently: `Err` holds what was wrong, the input having been read past it.
type Lenient<T> = std::result::Result<T, Bad>;

/// Reads and discards whatever value comes, for a value of the wrong JSON type.
fn found<'de, A: MapAccess<'de>>(mut map: A) -> std::result::Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

fn found_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> std::result::Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

fn bad<T>(reason: impl Into<String>) -> Lenient<T> {
    Err((String::new(), reason.into()))
}

/// Implements the visitor methods for every JSON type that `$what` does not accept, each giving
/// a `Lenient` error after reading the value to its end.
macro_rules! reject_others {
    ($what:literal; $($skip:ident),*) => {
        reject_others!(@one $what; visit_bool, bool, "a boolean"; $($skip),*);
        reject_others!(@one $what; visit_i64, i64, "a number"; $($skip),*);
        reject_others!(@one $what; visit_u64, u64, "a number"; $($skip),*);
        reject_others!(@one $what; visit_f64, f64, "a number"; $($skip),*);
        reject_others!(@str $what; $($skip),*);
        reject_others!(@unit $what; $($skip),*);
        reject_others!(@map $what; $($skip),*);
        reject_others!(@seq $what; $($skip),*);
    };
    (@one $what:literal; $method:ident, $ty:ty, $name:literal; $($skip:ident),*) => {
        reject_others!(@if_not $method; $($skip),*; {
            fn $method<E: de::Error>(self, _: $ty) -> std::result::Result<Self::Value, E> {
                Ok(bad(concat!("expected ", $what, ", found ", $name)))
            }
        });
    };
    (@str $what:literal; $($skip:ident),*) => {
        reject_others!(@if_not visit_str; $($skip),*; {
            fn visit_str<E: de::Error>(self, _: &str) -> std::result::Result<Self::Value, E> {
                Ok(bad(concat!("expected ", $what, ", found a string")))
            }
        });
    };
    (@unit $what:literal; $($skip:ident),*) => {
        reject_others!(@if_not visit_unit; $($skip),*; {
            fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
                Ok(bad(concat!("expected ", $what, ", found null")))
            }
        });
    };
    (@map $what:literal; $($skip:ident),*) => {
        reject_others!(@if_not visit_map; $($skip),*; {
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> std::result::Result<Self::Value, A::Error> {
                found(map)?;
                Ok(bad(concat!("expected ", $what, ", found an object")))
            }
        });
    };
    (@seq $what:literal; $($skip:ident),*) => {
        reject_others!(@if_not visit_seq; $($skip),*; {
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> std::result::Result<Self::Value, A::Error> {
                found_seq(seq)?;
                Ok(bad(concat!("expected ", $what, ", found an array")))
            }
        });
    };
    (@if_not $method:ident; $($skip:ident),*; $body:tt) => {
        reject_others!(@check $method; [$($skip)*]; $body);
    };
    (@check $method:ident; []; { $($body:tt)* }) => { $($body)* };
    (@check visit_bool; [visit_bool $($rest:ident)*]; $body:tt) => {};
    (@check visit_i64; [visit_i64 $($rest:ident)*]; $body:tt) => {};
    (@check visit_u64; [visit_u64 $($rest:ident)*]; $body:tt) => {};
    (@check visit_f64; [visit_f64 $($rest:ident)*]; $body:tt) => {};
    (@check visit_str; [visit_str $($rest:ident)*]; $body:tt) => {};
    (@check visit_unit; [visit_unit $($rest:ident)*]; $body:tt) => {};
    (@check visit_map; [visit_map $($rest:ident)*]; $body:tt) => {};
    (@check visit_seq; [visit_seq $($rest:ident)*]; $body:tt) => {};
    (@check $method:ident; [$other:ident $($rest:ident)*]; $body:tt) => {
        reject_others!(@check $method; [$($rest)*]; $body);
    };
}

/// A string (`null` reads as absent).
struct Str;

impl<'de> DeserializeSeed<'de> for Str {
    type Value = Lenient<Option<String>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Str {
    type Value = Lenient<Option<String>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
        Ok(Ok(Some(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<Self::Value, E> {
        Ok(Ok(Some(v)))
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(Ok(None))
    }
    reject_others!("a string"; visit_str, visit_unit);
}

/// A number, or a string holding one (`ApproximateCreationDateTime` comes both ways).
struct Number;

impl<'de> DeserializeSeed<'de> for Number {
    type Value = Lenient<Option<f64>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Number {
    type Value = Lenient<Option<f64>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Self::Value, E> {
        Ok(Ok(Some(v as f64)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Self::Value, E> {
        Ok(Ok(Some(v as f64)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Self::Value, E> {
        Ok(Ok(Some(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
        Ok(match v.trim().parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(Some(n)),
            _ => bad(format!("expected a number, found {v:?}")),
        })
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(Ok(None))
    }
    reject_others!("a number"; visit_i64, visit_u64, visit_f64, visit_str, visit_unit);
}

/// A boolean.
struct Bool;

impl<'de> DeserializeSeed<'de> for Bool {
    type Value = Lenient<bool>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Bool {
    type Value = Lenient<bool>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> std::result::Result<Self::Value, E> {
        Ok(Ok(v))
    }
    reject_others!("a boolean"; visit_bool);
}

/// A list of strings (`SS`, `NS`), or of base64 strings (`BS`).
struct Strings {
    base64: bool,
}

enum StringList {
    Text(Vec<String>),
    Binary(Vec<Blob>),
}

impl<'de> DeserializeSeed<'de> for Strings {
    type Value = Lenient<StringList>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strings {
    type Value = Lenient<StringList>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of strings")
    }
    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut text = Vec::new();
        let mut binary = Vec::new();
        let mut problem = None;
        let mut i = 0;
        while let Some(value) = seq.next_element_seed(Str)? {
            match value {
                Ok(Some(s)) if self.base64 => match BASE64.decode(s.as_bytes()) {
                    Ok(bytes) => binary.push(Blob::new(bytes)),
                    Err(e) => {
                        problem.get_or_insert_with(|| {
                            (format!("[{i}]"), format!("invalid base64: {e}"))
                        });
                    }
                },
                Ok(Some(s)) => text.push(s),
                Ok(None) => {
                    problem.get_or_insert_with(|| {
                        (format!("[{i}]"), "expected a string, found null".to_owned())
                    });
                }
                Err((_, reason)) => {
                    problem.get_or_insert_with(|| (format!("[{i}]"), reason));
                }
            }
            i += 1;
        }
        Ok(match problem {
            Some(p) => Err(p),
            None if self.base64 => Ok(StringList::Binary(binary)),
            None => Ok(StringList::Text(text)),
        })
    }
    reject_others!("an array of strings"; visit_seq);
}

/// One attribute value in DynamoDB's JSON (`{"S": "..."}`, `{"M": {...}}`, ...).
#[derive(Clone, Copy)]
struct Value {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Value {
    type Value = Lenient<AttributeValue>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Value {
    type Value = Lenient<AttributeValue>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an attribute value such as {\"S\": \"text\"}")
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let Some(tag) = map.next_key::<Key<'de>>()? else {
            return Ok(bad("an attribute value with no type"));
        };
        let value: Lenient<AttributeValue> = match tag.0.as_ref() {
            "S" => map.next_value_seed(Str)?.and_then(|s| match s {
                Some(s) => Ok(AttributeValue::S(s)),
                None => bad("`S` is null"),
            }),
            "N" => map.next_value_seed(Str)?.and_then(|s| match s {
                Some(s) => Ok(AttributeValue::N(s)),
                None => bad("`N` is null"),
            }),
            "B" => map.next_value_seed(Str)?.and_then(|s| match s {
                Some(s) => BASE64
                    .decode(s.as_bytes())
                    .map(|b| AttributeValue::B(Blob::new(b)))
                    .map_err(|e| (String::new(), format!("invalid base64: {e}"))),
                None => bad("`B` is null"),
            }),
            "BOOL" => map.next_value_seed(Bool)?.map(AttributeValue::Bool),
            "NULL" => map.next_value_seed(Bool)?.map(AttributeValue::Null),
            "SS" => map
                .next_value_seed(Strings { base64: false })?
                .map(|l| match l {
                    StringList::Text(v) => AttributeValue::Ss(v),
                    StringList::Binary(v) => AttributeValue::Bs(v),
                }),
            "NS" => map
                .next_value_seed(Strings { base64: false })?
                .map(|l| match l {
                    StringList::Text(v) => AttributeValue::Ns(v),
                    StringList::Binary(v) => AttributeValue::Bs(v),
                }),
            "BS" => map
                .next_value_seed(Strings { base64: true })?
                .map(|l| match l {
                    StringList::Binary(v) => AttributeValue::Bs(v),
                    StringList::Text(v) => AttributeValue::Ss(v),
                }),
            "M" if self.depth >= MAX_DEPTH => {
                map.next_value::<IgnoredAny>()?;
                bad(format!("nested deeper than {MAX_DEPTH} levels"))
            }
            "L" if self.depth >= MAX_DEPTH => {
                map.next_value::<IgnoredAny>()?;
                bad(format!("nested deeper than {MAX_DEPTH} levels"))
            }
            "M" => map
                .next_value_seed(Attributes {
                    depth: self.depth + 1,
                })?
                .and_then(|m| {
                    m.map(AttributeValue::M)
                        .ok_or_else(|| (String::new(), "`M` is null".to_owned()))
                }),
            "L" => map
                .next_value_seed(List {
                    depth: self.depth + 1,
                })?
                .map(AttributeValue::L),
            other => {
                let other = other.to_owned();
                map.next_value::<IgnoredAny>()?;
                bad(format!(
                    "unknown attribute type {other:?} (expected S, N, B, BOOL, NULL, M, L, SS, NS or BS)"
                ))
            }
        };
        if map.next_key::<IgnoredAny>()?.is_some() {
            map.next_value::<IgnoredAny>()?;
            found(map)?;
            return Ok(bad("an attribute value with more than one type"));
        }
        Ok(value)
    }

    reject_others!("an attribute value such as {\"S\": \"text\"}"; visit_map);
}

/// The `M` of an attribute value, or an image: attribute names to values (`null` is absent).
struct Attributes {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Attributes {
    type Value = Lenient<Option<Item>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Attributes {
    type Value = Lenient<Option<Item>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of attribute values")
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut item = Item::with_capacity(map.size_hint().unwrap_or(8));
        let mut problem: Option<Bad> = None;
        while let Some(name) = map.next_key::<String>()? {
            match map.next_value_seed(Value { depth: self.depth })? {
                Ok(value) => {
                    item.insert(name, value);
                }
                Err((path, reason)) => {
                    if problem.is_none() {
                        problem = Some((step(path, Step::Key(&name)), reason));
                    }
                }
            }
        }
        Ok(match problem {
            Some(p) => Err(p),
            None => Ok(Some(item)),
        })
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(Ok(None))
    }
    reject_others!("an object of attribute values"; visit_map, visit_unit);
}

/// The `L` of an attribute value.
struct List {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for List {
    type Value = Lenient<Vec<AttributeValue>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for List {
    type Value = Lenient<Vec<AttributeValue>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of attribute values")
    }
    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut list = Vec::with_capacity(seq.size_hint().unwrap_or(4));
        let mut problem: Option<Bad> = None;
        let mut i = 0;
        while let Some(value) = seq.next_element_seed(Value { depth: self.depth })? {
            match value {
                Ok(value) => list.push(value),
                Err((path, reason)) => {
                    if problem.is_none() {
                        problem = Some((step(path, Step::Index(i)), reason));
                    }
                }
            }
            i += 1;
        }
        Ok(match problem {
            Some(p) => Err(p),
            None => Ok(list),
        })
    }
    reject_others!("an array of attribute values"; visit_seq);
}

/// `userIdentity`.
struct Identity;

impl<'de> DeserializeSeed<'de> for Identity {
    type Value = Lenient<Option<UserIdentity>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

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
                "type" | "Type" => &mut identity.type_,
                "principalId" | "PrincipalId" => &mut identity.principal_id,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            match map.next_value_seed(Str)? {
                Ok(value) => *slot = value.unwrap_or_default(),
                Err((_, reason)) => {
                    problem.get_or_insert_with(|| (format!("userIdentity.{}", key.0), reason));
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

/// One record of a `Records` array (DynamoDB Streams or Kinesis shape), or the change document
/// inside a Kinesis record (`kinesis: true`: times in milliseconds or microseconds).
struct RecordSeed {
    kinesis: bool,
}

/// The problems of a record, in the order found; the first is reported.
#[derive(Default)]
struct Problems(Option<RecordError>);

impl Problems {
    fn field(&mut self, field: &str, reason: String) {
        if self.0.is_none() {
            self.0 = Some(RecordError::Malformed(format!("`{field}`: {reason}")));
        }
    }
    fn image(&mut self, image: Image, (path, reason): Bad) {
        if self.0.is_none() {
            self.0 = Some(RecordError::InvalidAttribute {
                image,
                path: path.trim_start_matches('.').to_owned(),
                reason,
            });
        }
    }
}

impl<'de> DeserializeSeed<'de> for RecordSeed {
    type Value = Result<RawRecord>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

/// The fields of a Kinesis record that matter here.
#[derive(Default)]
struct KinesisFields {
    data: Option<String>,
    sequence_number: Option<String>,
}

impl<'de> Visitor<'de> for RecordSeed {
    type Value = Result<RawRecord>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a stream record")
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut raw = RawRecord::default();
        let mut problems = Problems::default();
        let mut has_change = false;
        let mut kinesis: Option<KinesisFields> = None;
        let mut precision_micros = None;
        let mut time = None;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let key = key.0;
            let text = |raw_value: Lenient<Option<String>>, problems: &mut Problems| match raw_value
            {
                Ok(v) => v,
                Err((_, reason)) => {
                    problems.field(&key, reason);
                    None
                }
            };
            match key.as_ref() {
                "eventName" => {
                    raw.event_name =
                        text(map.next_value_seed(Str)?, &mut problems).unwrap_or_default()
                }
                "eventID" => raw.event_id = text(map.next_value_seed(Str)?, &mut problems),
                "eventSourceARN" => {
                    raw.event_source_arn = text(map.next_value_seed(Str)?, &mut problems)
                }
                "tableName" => raw.table_name = text(map.next_value_seed(Str)?, &mut problems),
                "userIdentity" => match map.next_value_seed(Identity)? {
                    Ok(identity) => raw.user_identity = identity,
                    Err((_, reason)) => problems.field("userIdentity", reason),
                },
                "dynamodb" => {
                    has_change = true;
                    let change = map.next_value_seed(ChangeSeed)?;
                    match change {
                        Ok(change) => {
                            raw.keys = change.keys;
                            raw.new_image = change.new_image;
                            raw.old_image = change.old_image;
                            raw.sequence_number = change.sequence_number;
                            raw.size_bytes = change.size_bytes;
                            raw.view_type = change.view_type;
                            time = change.time;
                            precision_micros = change.precision_micros;
                            if let Some(problem) = change.problem {
                                problems.0.get_or_insert(problem);
                            }
                        }
                        Err((_, reason)) => problems.field("dynamodb", reason),
                    }
                }
                "kinesis" if !self.kinesis => match map.next_value_seed(KinesisSeed)? {
                    Ok(fields) => kinesis = Some(fields),
                    Err((_, reason)) => problems.field("kinesis", reason),
                },
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if let Some(fields) = kinesis {
            return Ok(kinesis_record(fields));
        }
        raw.approximate_creation_time =
            time.and_then(|t| creation_time(t, self.kinesis, precision_micros));
        if let Some(problem) = problems.0 {
            return Ok(Err(raw.error(problem)));
        }
        if !has_change {
            return Ok(Err(raw.error(RecordError::Malformed(
                "it has no `dynamodb` section".to_owned(),
            ))));
        }
        Ok(Ok(raw))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> std::result::Result<Self::Value, A::Error> {
        found_seq(seq)?;
        Ok(Err(Error::StreamRecord {
            sequence_number: None,
            problem: RecordError::Malformed("a record is an array, not an object".to_owned()),
        }))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> std::result::Result<Self::Value, E> {
        Ok(Err(not_an_object("a string")))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> std::result::Result<Self::Value, E> {
        Ok(Err(not_an_object("a number")))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> std::result::Result<Self::Value, E> {
        Ok(Err(not_an_object("a number")))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<Self::Value, E> {
        Ok(Err(not_an_object("a number")))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<Self::Value, E> {
        Ok(Err(not_an_object("a boolean")))
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(Err(not_an_object("null")))
    }
}

fn not_an_object(found: &str) -> Error {
    Error::StreamRecord {
        sequence_number: None,
        problem: RecordError::Malformed(format!("a record is {found}, not an object")),
    }
}

/// A Kinesis record of a Lambda event: its data decoded and read as a change document.
fn kinesis_record(fields: KinesisFields) -> Result<RawRecord> {
    let Some(sequence_number) = fields.sequence_number else {
        return Err(Error::StreamRecord {
            sequence_number: None,
            problem: RecordError::Malformed("the Kinesis record has no sequence number".to_owned()),
        });
    };
    let malformed = |what: String| Error::StreamRecord {
        sequence_number: Some(sequence_number.clone()),
        problem: RecordError::Malformed(what),
    };
    let data = fields
        .data
        .ok_or_else(|| malformed("the Kinesis record has no data".to_owned()))?;
    let bytes = BASE64
        .decode(data.as_bytes())
        .map_err(|e| malformed(format!("the Kinesis record's data is not base64: {e}")))?;
    from_kinesis_data(&bytes, &sequence_number)
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

/// The `dynamodb` section of a record.
struct ChangeSeed;

#[derive(Default)]
struct Change {
    keys: Option<Item>,
    new_image: Option<Item>,
    old_image: Option<Item>,
    sequence_number: Option<String>,
    size_bytes: Option<u64>,
    view_type: Option<String>,
    time: Option<f64>,
    precision_micros: Option<bool>,
    problem: Option<RecordError>,
}

impl<'de> DeserializeSeed<'de> for ChangeSeed {
    type Value = Lenient<Change>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ChangeSeed {
    type Value = Lenient<Change>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the `dynamodb` section of a stream record")
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut change = Change::default();
        let mut problems = Problems::default();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let image = match key.0.as_ref() {
                "Keys" => Some(Image::Keys),
                "NewImage" => Some(Image::NewImage),
                "OldImage" => Some(Image::OldImage),
                _ => None,
            };
            if let Some(image) = image {
                let item = match map.next_value_seed(Attributes { depth: 0 })? {
                    Ok(item) => item,
                    Err(bad) => {
                        problems.image(image, bad);
                        None
                    }
                };
                match image {
                    Image::Keys => change.keys = item,
                    Image::NewImage => change.new_image = item,
                    Image::OldImage => change.old_image = item,
                }
                continue;
            }
            let field = format!("dynamodb.{}", key.0);
            match key.0.as_ref() {
                "SequenceNumber" => match map.next_value_seed(Str)? {
                    Ok(v) => change.sequence_number = v,
                    Err((_, reason)) => problems.field(&field, reason),
                },
                "StreamViewType" => match map.next_value_seed(Str)? {
                    Ok(v) => change.view_type = v,
                    Err((_, reason)) => problems.field(&field, reason),
                },
                "SizeBytes" => match map.next_value_seed(Number)? {
                    Ok(v) => change.size_bytes = v.filter(|n| *n >= 0.0).map(|n| n as u64),
                    Err((_, reason)) => problems.field(&field, reason),
                },
                "ApproximateCreationDateTime" => match map.next_value_seed(Number)? {
                    Ok(v) => change.time = v,
                    Err((_, reason)) => problems.field(&field, reason),
                },
                "ApproximateCreationDateTimePrecision" => match map.next_value_seed(Str)? {
                    Ok(v) => {
                        change.precision_micros = v.map(|p| p.eq_ignore_ascii_case("MICROSECOND"))
                    }
                    Err((_, reason)) => problems.field(&field, reason),
                },
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        change.problem = problems.0;
        Ok(Ok(change))
    }
    reject_others!("the `dynamodb` section of a stream record"; visit_map);
}

/// The `kinesis` section of a Lambda Kinesis record.
struct KinesisSeed;

impl<'de> DeserializeSeed<'de> for KinesisSeed {
    type Value = Lenient<KinesisFields>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

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
                Err((_, reason)) => {
                    problem.get_or_insert_with(|| (format!("kinesis.{}", key.0), reason));
                }
            }
        }
        Ok(match problem {
            Some((field, reason)) => Err((String::new(), format!("`{field}`: {reason}"))),
            None => Ok(fields),
        })
    }
    reject_others!("the `kinesis` section of a Kinesis record"; visit_map);
}
