//! Values holding others: references, `Box`, `Option`, lists (`Vec`, slices) and maps
//! (`HashMap`, `BTreeMap` keyed by `String`), and [`ListElement`], the types whose `Vec` is
//! a list.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::BuildHasher;

use aws_sdk_dynamodb::types::AttributeValue;

use super::{
    FromAttributeValue, IntoAttributeValue, ListSource, MapSource, NumberText, OpenList, OpenMap,
    StringText, TtlAttribute, ValueDecoder, ValueSource, nested,
};
use crate::error::{DecodeError, EncodeError};

impl<T: IntoAttributeValue + ?Sized> IntoAttributeValue for &T {
    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, EncodeError> {
        (**self).to_attribute_value()
    }
}

impl<T: IntoAttributeValue + ?Sized> IntoAttributeValue for Box<T> {
    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, EncodeError> {
        (**self).to_attribute_value()
    }
}

impl<T: FromAttributeValue> FromAttributeValue for Box<T> {
    fn from_attribute_value(value: AttributeValue) -> Result<Self, DecodeError> {
        T::from_attribute_value(value).map(Box::new)
    }
    fn from_missing() -> Option<Self> {
        T::from_missing().map(Box::new)
    }
}

impl<T: IntoAttributeValue> IntoAttributeValue for Option<T> {
    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, EncodeError> {
        match self {
            Some(v) => v.to_attribute_value(),
            None => Ok(None),
        }
    }
}

impl<T: FromAttributeValue> FromAttributeValue for Option<T> {
    fn from_attribute_value(value: AttributeValue) -> Result<Self, DecodeError> {
        match value {
            AttributeValue::Null(true) => Ok(None),
            other => T::from_attribute_value(other).map(Some),
        }
    }
    fn from_value_source<S: ValueSource>(source: S) -> Result<Self, DecodeError> {
        source.decode(Optional::<T>(std::marker::PhantomData))
    }
    fn from_missing() -> Option<Self> {
        Some(None)
    }
}

impl<T: TtlAttribute> TtlAttribute for Option<T> {}

impl<T: IntoAttributeValue> IntoAttributeValue for Vec<T> {
    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, EncodeError> {
        T::slice_to_attribute_value(self)
    }
}

impl<T: IntoAttributeValue> IntoAttributeValue for [T] {
    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, EncodeError> {
        T::slice_to_attribute_value(self)
    }
}

impl<T: FromAttributeValue> FromAttributeValue for Vec<T> {
    fn from_value_source<S: ValueSource>(source: S) -> Result<Self, DecodeError> {
        T::vec_from_value_source(source)
    }
    fn from_attribute_value(value: AttributeValue) -> Result<Self, DecodeError> {
        T::vec_from_attribute_value(value)
    }
    fn from_missing() -> Option<Self> {
        T::vec_from_missing()
    }
}

fn encode_map<'a, T: IntoAttributeValue + 'a>(
    len: usize,
    entries: impl Iterator<Item = (&'a String, &'a T)>,
) -> Result<Option<AttributeValue>, EncodeError> {
    let mut map = HashMap::with_capacity(len);
    for (k, v) in entries {
        map.insert(
            k.clone(),
            nested(v.to_attribute_value().map_err(|e| e.at(k))?),
        );
    }
    Ok(Some(AttributeValue::M(map)))
}

fn decode_map<T: FromAttributeValue, C: FromIterator<(String, T)>>(
    value: AttributeValue,
) -> Result<C, DecodeError> {
    match value {
        AttributeValue::M(map) => {
            // every entry is tried, so that the error reported (the smallest key's) does not
            // hang on the map's order
            let mut failed: Option<(String, DecodeError)> = None;
            let collected = map
                .into_iter()
                .filter_map(|(k, v)| match T::from_nested(v) {
                    Ok(v) => Some((k, v)),
                    Err(e) => {
                        if failed.as_ref().is_none_or(|(first, _)| k < *first) {
                            let e = e.at(&k);
                            failed = Some((k, e));
                        }
                        None
                    }
                })
                .collect();
            match failed {
                Some((_, e)) => Err(e),
                None => Ok(collected),
            }
        }
        other => Err(DecodeError::wrong_type("a map (M)", &other)),
    }
}

impl<T: IntoAttributeValue, S: BuildHasher> IntoAttributeValue for HashMap<String, T, S> {
    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, EncodeError> {
        encode_map(self.len(), self.iter())
    }
}

impl<T: FromAttributeValue, S: BuildHasher + Default> FromAttributeValue for HashMap<String, T, S> {
    fn from_attribute_value(value: AttributeValue) -> Result<Self, DecodeError> {
        decode_map(value)
    }
    fn from_value_source<V: ValueSource>(source: V) -> Result<Self, DecodeError> {
        source.decode(MapOf::<Self, T>(std::marker::PhantomData))
    }
    fn from_missing() -> Option<Self> {
        Some(HashMap::default())
    }
}

impl<T: IntoAttributeValue> IntoAttributeValue for BTreeMap<String, T> {
    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, EncodeError> {
        encode_map(self.len(), self.iter())
    }
}

impl<T: FromAttributeValue> FromAttributeValue for BTreeMap<String, T> {
    fn from_attribute_value(value: AttributeValue) -> Result<Self, DecodeError> {
        decode_map(value)
    }
    fn from_value_source<V: ValueSource>(source: V) -> Result<Self, DecodeError> {
        source.decode(MapOf::<Self, T>(std::marker::PhantomData))
    }
    fn from_missing() -> Option<Self> {
        Some(BTreeMap::new())
    }
}

/// Decodes a `Vec<T>` from a list, element by element.
pub(super) struct ListOf<T>(pub(super) std::marker::PhantomData<T>);

impl<T: FromAttributeValue> ValueDecoder for ListOf<T> {
    type Out = Vec<T>;
    fn list<L: ListSource>(self, mut list: L) -> Result<Vec<T>, DecodeError> {
        let mut out = Vec::new();
        while let Some(element) = list.next::<T>() {
            let index = out.len();
            out.push(element.map_err(|e| e.at_index(index))?);
        }
        Ok(out)
    }
    fn value(self, value: AttributeValue) -> Result<Vec<T>, DecodeError> {
        T::vec_from_attribute_value(value)
    }
}

/// Decodes an `Option<T>`, passing number text on to `T`.
struct Optional<T>(std::marker::PhantomData<T>);

impl<T: FromAttributeValue> ValueDecoder for Optional<T> {
    type Out = Option<T>;
    fn number(self, text: &str) -> Result<Option<T>, DecodeError> {
        T::from_value_source(NumberText(text)).map(Some)
    }
    fn string(self, text: std::borrow::Cow<'_, str>) -> Result<Option<T>, DecodeError> {
        T::from_value_source(StringText(text)).map(Some)
    }
    fn list<L: ListSource>(self, list: L) -> Result<Option<T>, DecodeError> {
        T::from_value_source(OpenList(list)).map(Some)
    }
    fn map<M: MapSource>(self, map: M) -> Result<Option<T>, DecodeError> {
        T::from_value_source(OpenMap(map)).map(Some)
    }
    fn value(self, value: AttributeValue) -> Result<Option<T>, DecodeError> {
        Option::<T>::from_attribute_value(value)
    }
}

/// Decodes a map of `T`s entry by entry into `C`.
struct MapOf<C, T>(std::marker::PhantomData<fn() -> (C, T)>);

impl<C, T> ValueDecoder for MapOf<C, T>
where
    C: FromAttributeValue + FromIterator<(String, T)>,
    T: FromAttributeValue,
{
    type Out = C;
    /// As [`decode_map`] does on a map value: a key given twice keeps its last value, and of
    /// the entries that fail, the one with the smallest key is reported.
    fn map<M: MapSource>(self, mut map: M) -> Result<C, DecodeError> {
        let mut broken = None;
        let mut failed: BTreeMap<String, DecodeError> = BTreeMap::new();
        let collected = std::iter::from_fn(|| {
            loop {
                match map.next::<T>()? {
                    Ok((key, Ok(value))) => {
                        if !failed.is_empty() {
                            failed.remove(&key);
                        }
                        return Some((key, value));
                    }
                    Ok((key, Err(e))) => {
                        let e = e.at(&key);
                        failed.insert(key, e);
                    }
                    Err(e) => {
                        broken = Some(e);
                        return None;
                    }
                }
            }
        })
        .collect::<C>();
        match (broken, failed.into_values().next()) {
            (Some(e), _) | (None, Some(e)) => Err(e),
            (None, None) => Ok(collected),
        }
    }
    fn value(self, value: AttributeValue) -> Result<C, DecodeError> {
        C::from_attribute_value(value)
    }
}

/// A type whose `Vec` is stored as a list (L): every type with a codec but `u8`, since a
/// `Vec<u8>` is binary (B).
///
/// The list operations of paths and updates (`at`, `append`, `prepend`, `contains_element` on a
/// `Vec`) ask for it, so that they do not compile on binary, where DynamoDB would reject them or,
/// worse, evaluate them to false (`contains` on binary is never true, so a guard
/// `!contains_element(..)` would always pass). Implement it (it has no methods) for a type of
/// your own that you store in lists; `#[derive(DynamoValue)]` does.
#[diagnostic::on_unimplemented(
    message = "list operations need a DynamoDB list (L), and `Vec<{Self}>` is not known to be one",
    label = "not known to be a list (L)",
    note = "`Vec<u8>` is stored as binary (B): `at`, `append`, `prepend` and `contains_element` would be rejected or never match on it; compare it whole (`eq`), or use `begins_with` or `size()`, and store a list of small numbers as `Vec<u16>`",
    note = "a type of your own stored in lists implements `dynamo_types::ListElement` (it has no methods)"
)]
pub trait ListElement {}

macro_rules! list_element {
    ($($t:ty),* $(,)?) => {$( impl ListElement for $t {} )*};
}

list_element!(
    String,
    bool,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    u16,
    u32,
    u64,
    u128,
    usize,
    f32,
    f64,
    bytes::Bytes,
    AttributeValue,
);
impl<T> ListElement for Option<T> {}
impl<T: ?Sized> ListElement for Box<T> {}
impl<T> ListElement for Vec<T> {}
impl<T, S> ListElement for HashSet<T, S> {}
impl<T> ListElement for BTreeSet<T> {}
impl<T, S> ListElement for HashMap<String, T, S> {}
impl<T> ListElement for BTreeMap<String, T> {}
#[cfg(feature = "chrono")]
list_element!(chrono::DateTime<chrono::Utc>, chrono::NaiveDate);
#[cfg(feature = "time")]
list_element!(time::OffsetDateTime);
#[cfg(feature = "uuid")]
list_element!(uuid::Uuid);
