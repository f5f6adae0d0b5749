//! Attribute values read only to check them, building nothing: for the attributes and images
//! a typed read does not decode, which must still be valid DynamoDB data.

use std::fmt;

use base64::Engine as _;
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::super::convert::{MAX_DEPTH, Step};
use super::value::{BASE64, Bad, Bool, Key, Lenient, bad, found, reject_others, seed_is_visitor};

/// An attribute value read only to check it, building nothing: for attributes and images that
/// are not decoded, which must still be valid DynamoDB data.
#[derive(Clone, Copy)]
pub(super) struct Check {
    pub(super) depth: usize,
}

impl<'de> Visitor<'de> for Check {
    type Value = Lenient<()>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an attribute value such as {\"S\": \"text\"}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let Some(tag) = map.next_key::<Key<'de>>()? else {
            return Ok(bad("an attribute value with no type"));
        };
        let value = match tag.0.as_ref() {
            "S" => map.next_value_seed(CheckText::tagged("S"))?,
            "N" => map.next_value_seed(CheckText::tagged("N"))?,
            "B" => map.next_value_seed(CheckText::tagged("B"))?,
            "BOOL" | "NULL" => map.next_value_seed(Bool)?.map(|_| ()),
            "SS" | "NS" => map.next_value_seed(CheckTexts { base64: false })?,
            "BS" => map.next_value_seed(CheckTexts { base64: true })?,
            "M" | "L" if self.depth >= MAX_DEPTH => {
                map.next_value::<IgnoredAny>()?;
                bad(format!("nested deeper than {MAX_DEPTH} levels"))
            }
            "M" => map.next_value_seed(CheckMap {
                depth: self.depth + 1,
                image: false,
            })?,
            "L" => map.next_value_seed(CheckList {
                depth: self.depth + 1,
            })?,
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

/// A string (base64 when `base64`), checked. `tag` is the type of the attribute value it is
/// (`S`, `N`, `B`), for the message when it is null; `None` for a member of a set.
#[derive(Clone, Copy)]
struct CheckText {
    base64: bool,
    tag: Option<&'static str>,
}

impl CheckText {
    fn tagged(tag: &'static str) -> Self {
        CheckText {
            base64: tag == "B",
            tag: Some(tag),
        }
    }
}

impl<'de> Visitor<'de> for CheckText {
    type Value = Lenient<()>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(if self.base64 {
            BASE64
                .decode(v.as_bytes())
                .map(|_| ())
                .map_err(|e| Bad::new(format!("invalid base64: {e}")))
        } else {
            Ok(())
        })
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        // worded as when the value is read (`tagged`)
        Ok(match self.tag {
            Some(tag) => bad(format!("`{tag}` is null")),
            None => bad("expected a string, found null"),
        })
    }
    reject_others!("a string"; visit_str, visit_unit);
}

/// An array of strings, checked.
struct CheckTexts {
    base64: bool,
}

impl<'de> Visitor<'de> for CheckTexts {
    type Value = Lenient<()>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of strings")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut problem = None;
        let mut i = 0;
        let each = CheckText {
            base64: self.base64,
            tag: None,
        };
        while let Some(checked) = seq.next_element_seed(each)? {
            if let Err(e) = checked {
                problem.get_or_insert_with(|| e.under(Step::Index(i)));
            }
            i += 1;
        }
        Ok(problem.map_or(Ok(()), Err))
    }
    reject_others!("an array of strings"; visit_seq);
}

/// The `M` of an attribute value, or an image (`image`: then null is no image), checked.
pub(super) struct CheckMap {
    pub(super) depth: usize,
    pub(super) image: bool,
}

impl<'de> Visitor<'de> for CheckMap {
    type Value = Lenient<()>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of attribute values")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut problem = None;
        while let Some(name) = map.next_key::<Key<'de>>()? {
            if let Err(e) = map.next_value_seed(Check { depth: self.depth })? {
                problem.get_or_insert_with(|| e.under(Step::Key(&name.0)));
            }
        }
        Ok(problem.map_or(Ok(()), Err))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        // worded as when the value is read (`tagged`, `Attributes`)
        Ok(if self.image {
            Ok(())
        } else {
            bad("`M` is null")
        })
    }
    reject_others!("an object of attribute values"; visit_map, visit_unit);
}

/// The `L` of an attribute value, checked.
struct CheckList {
    depth: usize,
}

impl<'de> Visitor<'de> for CheckList {
    type Value = Lenient<()>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of attribute values")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut problem = None;
        let mut i = 0;
        while let Some(checked) = seq.next_element_seed(Check { depth: self.depth })? {
            if let Err(e) = checked {
                problem.get_or_insert_with(|| e.under(Step::Index(i)));
            }
            i += 1;
        }
        Ok(problem.map_or(Ok(()), Err))
    }
    reject_others!("an array of attribute values"; visit_seq);
}

// Each of these reads any JSON value: the seed is its own visitor.
seed_is_visitor!(
    impl[] Check,
    impl[] CheckText,
    impl[] CheckTexts,
    impl[] CheckMap,
    impl[] CheckList,
);
