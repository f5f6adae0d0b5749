//! What the derive's generated code calls for each field (through `__private::field`): one
//! generic function per step, so that a model's expansion is one call per field and the work
//! (error paths, checks, missing values) is compiled once here instead of once per model.
//! Not a public API.
//!
//! The helpers take no trait bounds: generated code passes them what it computed through a
//! trait-qualified path spanned on the field's type (`<T as FromAttributeValue>::from_missing`),
//! so that a type without the impl is one error on the field, as the trait's own message.

use aws_sdk_dynamodb::types::AttributeValue;

use super::nesting::check_nesting;
use super::{FieldSource, Item, KeyRole, check_key_value};
use crate::error::{DecodeError, EncodeError};

/// A field while an item is decoded: `None` until its attribute is found, then the value or
/// the error (kept, so that errors are reported in field order and the last attribute of a
/// name wins).
pub type Slot<T> = Option<Result<T, DecodeError>>;

/// `to_item`: stores a field's encoding under `name`, after checking its nesting depth;
/// nothing for no value (`None`, an empty set). Inline: it is the hot path of `to_item`, which
/// wrote this code in place before.
#[inline]
pub fn store(
    encoded: Result<Option<AttributeValue>, EncodeError>,
    name: &str,
    item: &mut Item,
) -> Result<(), EncodeError> {
    if let Some(value) = encoded.map_err(|e| e.at(name))? {
        check_nesting(&value).map_err(|e| e.at(name))?;
        item.insert(String::from(name), value);
    }
    Ok(())
}

/// `to_key_item`: stores a key field's encoding (`role`: partition or sort key), which must be
/// a value DynamoDB accepts as a key, under `name`.
pub fn store_key(
    encoded: Result<Option<AttributeValue>, EncodeError>,
    name: &str,
    role: KeyRole,
    item: &mut Item,
) -> Result<(), EncodeError> {
    match encoded.map_err(|e| e.at(name))? {
        Some(value) => {
            check_key_value(&value, role).map_err(|e| e.at(name))?;
            item.insert(String::from(name), value);
            Ok(())
        }
        None => Err(EncodeError::new("a key attribute cannot be absent").at(name)),
    }
}

/// `from_key_item`: the key field `name` of `item`, through `decode` (`decode_key::<T>`).
pub fn key_from_item<T>(
    item: &Item,
    name: &str,
    decode: fn(AttributeValue) -> Result<T, DecodeError>,
) -> Result<T, DecodeError> {
    match item.get(name) {
        Some(value) => decode(value.clone()).map_err(|e| e.at(name)),
        None => Err(DecodeError::missing().at(name)),
    }
}

/// The decoder: the slot of an attribute decoded as `from_item_attribute` decodes it (`None`:
/// no value, for a `#[dynamo(default)]` field's `NULL`).
pub fn read<T>(decoded: Result<Option<T>, DecodeError>, name: &str) -> Slot<T> {
    decoded.map_err(|e| e.at(name)).transpose()
}

/// The decoder: the slot of the attribute `source` just named, built and decoded by `decode`
/// (the serde bridge's `decode_attribute::<T>`; `default`: a `#[dynamo(default)]` field).
pub fn read_value<T, F: FieldSource>(
    source: &mut F,
    decode: fn(AttributeValue, bool) -> Result<Option<T>, DecodeError>,
    default: bool,
    name: &str,
) -> Slot<T> {
    source
        .take_value()
        .and_then(|value| decode(value, default))
        .map_err(|e| e.at(name))
        .transpose()
}

/// The decoder, at the end: the field from its slot, or with no attribute found, the type's
/// missing value (`missing`: `FromAttributeValue::from_missing`), or an error saying it is
/// missing.
pub fn finish<T>(slot: Slot<T>, missing: fn() -> Option<T>, name: &str) -> Result<T, DecodeError> {
    match slot {
        Some(result) => result,
        None => missing().ok_or_else(|| DecodeError::missing().at(name)),
    }
}

/// The decoder, at the end, for a `#[dynamo(default)]` field: `default()` with no attribute.
pub fn finish_default<T>(slot: Slot<T>, default: fn() -> T) -> Result<T, DecodeError> {
    match slot {
        Some(result) => result,
        None => Ok(default()),
    }
}

/// A projection column's decoder: the attribute (`None` when absent) decoded by `decode`
/// (`from_item_attribute`, or the serde bridge's), else the type's missing value (`missing`).
/// The column adds the attribute's name to an error.
pub fn column<T>(
    value: Option<AttributeValue>,
    decode: fn(AttributeValue, bool) -> Result<Option<T>, DecodeError>,
    missing: fn() -> Option<T>,
) -> Result<T, DecodeError> {
    match value.and_then(|v| decode(v, false).transpose()) {
        Some(result) => result,
        None => missing().ok_or_else(DecodeError::missing),
    }
}

/// A projection column's decoder for a table key field (`decode`: `decode_key::<T>`).
pub fn key_column<T>(
    value: Option<AttributeValue>,
    decode: fn(AttributeValue) -> Result<T, DecodeError>,
    missing: fn() -> Option<T>,
) -> Result<T, DecodeError> {
    match value {
        Some(value) => decode(value),
        None => missing().ok_or_else(DecodeError::missing),
    }
}

/// A projection column's decoder for a `#[dynamo(default)]` field: a `NULL` or absent
/// attribute is `default()`.
pub fn default_column<T>(
    value: Option<AttributeValue>,
    decode: fn(AttributeValue, bool) -> Result<Option<T>, DecodeError>,
    default: fn() -> T,
) -> Result<T, DecodeError> {
    match value.and_then(|v| decode(v, true).transpose()) {
        Some(result) => result,
        None => Ok(default()),
    }
}
