//! Attribute values read leniently from DynamoDB's JSON (`{"S": "..."}`, `{"M": {...}}`, ...):
//! a value of the wrong shape is read to its end and becomes an error for its record, with the
//! path inside the value, so that the rest of the event reads on.

use std::fmt;

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use base64::Engine as _;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::codec::Item;

use super::super::convert::{MAX_DEPTH, Step, step};

pub(super) const BASE64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// A map key, borrowed from the input when it can be.
pub(super) struct Key<'de>(pub(super) std::borrow::Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// What went wrong inside a value: the path below it (`[2].owner`) and the reason. Boxed in
/// [`Lenient`], so that results stay as small as the values they carry.
#[derive(Debug)]
pub(super) struct Bad {
    pub(super) path: String,
    pub(super) reason: String,
}

impl Bad {
    pub(super) fn new(reason: impl Into<String>) -> Box<Bad> {
        Box::new(Bad {
            path: String::new(),
            reason: reason.into(),
        })
    }

    /// The same problem one step further out.
    pub(super) fn under(mut self: Box<Self>, at: Step<'_>) -> Box<Self> {
        self.path = step(std::mem::take(&mut self.path), at);
        self
    }
}

/// A value read leniently: `Err` holds what was wrong, the input having been read past it.
pub(super) type Lenient<T> = Result<T, Box<Bad>>;

/// Reads and discards whatever value comes, for a value of the wrong JSON type.
pub(super) fn found<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

pub(super) fn found_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

pub(super) fn bad<T>(reason: impl Into<String>) -> Lenient<T> {
    Err(Bad::new(reason))
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
            fn $method<E: ::serde::de::Error>(self, _: $ty) -> std::result::Result<Self::Value, E> {
                Ok($crate::stream::json::value::bad(concat!("expected ", $what, ", found ", $name)))
            }
        });
    };
    (@str $what:literal; $($skip:ident),*) => {
        reject_others!(@if_not visit_str; $($skip),*; {
            fn visit_str<E: ::serde::de::Error>(self, _: &str) -> std::result::Result<Self::Value, E> {
                Ok($crate::stream::json::value::bad(concat!("expected ", $what, ", found a string")))
            }
        });
    };
    (@unit $what:literal; $($skip:ident),*) => {
        reject_others!(@if_not visit_unit; $($skip),*; {
            fn visit_unit<E: ::serde::de::Error>(self) -> std::result::Result<Self::Value, E> {
                Ok($crate::stream::json::value::bad(concat!("expected ", $what, ", found null")))
            }
        });
    };
    (@map $what:literal; $($skip:ident),*) => {
        reject_others!(@if_not visit_map; $($skip),*; {
            fn visit_map<A: ::serde::de::MapAccess<'de>>(self, map: A) -> std::result::Result<Self::Value, A::Error> {
                $crate::stream::json::value::found(map)?;
                Ok($crate::stream::json::value::bad(concat!("expected ", $what, ", found an object")))
            }
        });
    };
    (@seq $what:literal; $($skip:ident),*) => {
        reject_others!(@if_not visit_seq; $($skip),*; {
            fn visit_seq<A: ::serde::de::SeqAccess<'de>>(self, seq: A) -> std::result::Result<Self::Value, A::Error> {
                $crate::stream::json::value::found_seq(seq)?;
                Ok($crate::stream::json::value::bad(concat!("expected ", $what, ", found an array")))
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

pub(super) use reject_others;

/// Implements `DeserializeSeed` for visitors that read any JSON value: each is its own seed.
/// `impl[bounds] Type` per visitor (`impl[] Str`, `impl[D: ValueDecoder] Decode<D>`).
macro_rules! seed_is_visitor {
    ($(impl[$($bounds:tt)*] $ty:ty),* $(,)?) => {$(
        impl<'de, $($bounds)*> ::serde::de::DeserializeSeed<'de> for $ty {
            type Value = <Self as ::serde::de::Visitor<'de>>::Value;
            fn deserialize<__D: ::serde::de::Deserializer<'de>>(
                self,
                deserializer: __D,
            ) -> ::core::result::Result<Self::Value, __D::Error> {
                deserializer.deserialize_any(self)
            }
        }
    )*};
}

pub(super) use seed_is_visitor;

/// A string (`null` reads as absent).
pub(super) struct Str;

impl<'de> Visitor<'de> for Str {
    type Value = Lenient<Option<String>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Ok(Some(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Ok(Some(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Ok(None))
    }
    reject_others!("a string"; visit_str, visit_unit);
}

/// A number, or a string holding one (`ApproximateCreationDateTime` comes both ways).
pub(super) struct Number;

impl<'de> Visitor<'de> for Number {
    type Value = Lenient<Option<f64>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Ok(Some(v as f64)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Ok(Some(v as f64)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Ok(Some(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(match v.trim().parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(Some(n)),
            _ => bad(format!("expected a number, found {v:?}")),
        })
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Ok(None))
    }
    reject_others!("a number"; visit_i64, visit_u64, visit_f64, visit_str, visit_unit);
}

/// A boolean.
pub(super) struct Bool;

impl<'de> Visitor<'de> for Bool {
    type Value = Lenient<bool>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
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

impl<'de> Visitor<'de> for Strings {
    type Value = Lenient<StringList>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of strings")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
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
                            Bad::new(format!("invalid base64: {e}")).under(Step::Index(i))
                        });
                    }
                },
                Ok(Some(s)) => text.push(s),
                Ok(None) => {
                    problem.get_or_insert_with(|| {
                        Bad::new("expected a string, found null").under(Step::Index(i))
                    });
                }
                Err(e) => {
                    problem.get_or_insert_with(|| e.under(Step::Index(i)));
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
pub(super) struct Value {
    pub(super) depth: usize,
}

impl<'de> Visitor<'de> for Value {
    type Value = Lenient<AttributeValue>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an attribute value such as {\"S\": \"text\"}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let Some(tag) = map.next_key::<Key<'de>>()? else {
            return Ok(bad("an attribute value with no type"));
        };
        let value = tagged(&tag.0, &mut map, self.depth)?;
        Ok(match only_one(map)? {
            Some(bad) => Err(bad),
            None => value,
        })
    }

    reject_others!("an attribute value such as {\"S\": \"text\"}"; visit_map);
}

/// The value of an attribute value whose type `tag` was read.
pub(super) fn tagged<'de, A: MapAccess<'de>>(
    tag: &str,
    map: &mut A,
    depth: usize,
) -> Result<Lenient<AttributeValue>, A::Error> {
    Ok(match tag {
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
                .map_err(|e| Bad::new(format!("invalid base64: {e}"))),
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
        "M" if depth >= MAX_DEPTH => {
            map.next_value::<IgnoredAny>()?;
            bad(format!("nested deeper than {MAX_DEPTH} levels"))
        }
        "L" if depth >= MAX_DEPTH => {
            map.next_value::<IgnoredAny>()?;
            bad(format!("nested deeper than {MAX_DEPTH} levels"))
        }
        "M" => map
            .next_value_seed(Attributes { depth: depth + 1 })?
            .and_then(|m| {
                m.map(AttributeValue::M)
                    .ok_or_else(|| Bad::new("`M` is null"))
            }),
        "L" => map
            .next_value_seed(List { depth: depth + 1 })?
            .map(AttributeValue::L),
        other => {
            let other = other.to_owned();
            map.next_value::<IgnoredAny>()?;
            bad(format!(
                "unknown attribute type {other:?} (expected S, N, B, BOOL, NULL, M, L, SS, NS or BS)"
            ))
        }
    })
}

/// Reads what follows an attribute value's one type: anything is a problem.
pub(super) fn only_one<'de, A: MapAccess<'de>>(mut map: A) -> Result<Option<Box<Bad>>, A::Error> {
    if map.next_key::<IgnoredAny>()?.is_some() {
        map.next_value::<IgnoredAny>()?;
        found(map)?;
        return Ok(Some(Bad::new("an attribute value with more than one type")));
    }
    Ok(None)
}

/// The `M` of an attribute value, or an image: attribute names to values (`null` is absent).
pub(super) struct Attributes {
    pub(super) depth: usize,
}

impl<'de> Visitor<'de> for Attributes {
    type Value = Lenient<Option<Item>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of attribute values")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // a hint is the input's word: a bounded one
        let mut item = Item::with_capacity(map.size_hint().unwrap_or(8).min(64));
        let mut problem: Option<Box<Bad>> = None;
        while let Some(name) = map.next_key::<String>()? {
            match map.next_value_seed(Value { depth: self.depth })? {
                Ok(value) => {
                    item.insert(name, value);
                }
                Err(e) => {
                    if problem.is_none() {
                        problem = Some(e.under(Step::Key(&name)));
                    }
                }
            }
        }
        Ok(match problem {
            Some(p) => Err(p),
            None => Ok(Some(item)),
        })
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Ok(None))
    }
    reject_others!("an object of attribute values"; visit_map, visit_unit);
}

/// The `L` of an attribute value.
struct List {
    depth: usize,
}

impl<'de> Visitor<'de> for List {
    type Value = Lenient<Vec<AttributeValue>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of attribute values")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut list = Vec::with_capacity(seq.size_hint().unwrap_or(4).min(64));
        let mut problem: Option<Box<Bad>> = None;
        let mut i = 0;
        while let Some(value) = seq.next_element_seed(Value { depth: self.depth })? {
            match value {
                Ok(value) => list.push(value),
                Err(e) => {
                    if problem.is_none() {
                        problem = Some(e.under(Step::Index(i)));
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

/// The text of a number or string (`N`, `S`: the tag), borrowed from the input when it can
/// be.
pub(super) struct TagText(pub(super) &'static str);

impl<'de> Visitor<'de> for TagText {
    type Value = Lenient<std::borrow::Cow<'de, str>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Ok(std::borrow::Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Ok(std::borrow::Cow::Owned(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Ok(std::borrow::Cow::Owned(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(bad(format!("`{}` is null", self.0)))
    }
    reject_others!("a string"; visit_str, visit_unit);
}

/// A string, borrowed from the input when it can be (`null` reads as absent).
pub(super) struct Text;

impl<'de> Visitor<'de> for Text {
    type Value = Lenient<Option<std::borrow::Cow<'de, str>>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Ok(Some(std::borrow::Cow::Borrowed(v))))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Ok(Some(std::borrow::Cow::Owned(v.to_owned()))))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Ok(Some(std::borrow::Cow::Owned(v))))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Ok(None))
    }
    reject_others!("a string"; visit_str, visit_unit);
}

// Each of these reads any JSON value: the seed is its own visitor.
seed_is_visitor!(
    impl[] Str,
    impl[] Number,
    impl[] Bool,
    impl[] Strings,
    impl[] Value,
    impl[] Attributes,
    impl[] List,
    impl[] TagText,
    impl[] Text,
);
