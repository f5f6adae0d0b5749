//! Binary (B): `Vec<u8>` (through `u8`'s [`ByteVec`]) and `bytes::Bytes`.

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;

use super::number::integer_text;
use super::{
    FromAttributeValue, IntoAttributeValue, KeyAttribute, PrefixKey, ScalarType, SetElement,
    SetEntry, SetKind,
};
use crate::error::{DecodeError, EncodeError};

/// How a `Vec` of a byte-sized integer is stored: binary for `u8`, a list for `i8`.
#[doc(hidden)]
pub trait ByteVec: Sized {
    fn encode_slice(items: &[Self]) -> Result<Option<AttributeValue>, EncodeError>;
    fn decode_vec(value: AttributeValue) -> Result<Vec<Self>, DecodeError>;
    fn missing_vec() -> Option<Vec<Self>>;
}

impl ByteVec for u8 {
    fn encode_slice(items: &[u8]) -> Result<Option<AttributeValue>, EncodeError> {
        Ok(Some(AttributeValue::B(Blob::new(items.to_vec()))))
    }
    fn decode_vec(value: AttributeValue) -> Result<Vec<u8>, DecodeError> {
        match value {
            AttributeValue::B(b) => Ok(b.into_inner()),
            other => Err(DecodeError::wrong_type("binary (B)", &other)),
        }
    }
    fn missing_vec() -> Option<Vec<u8>> {
        None // binary is a scalar: it has no missing value
    }
}

impl ByteVec for i8 {
    fn encode_slice(items: &[i8]) -> Result<Option<AttributeValue>, EncodeError> {
        let list = items
            .iter()
            .map(|v| AttributeValue::N(integer_text(*v)))
            .collect();
        Ok(Some(AttributeValue::L(list)))
    }
    fn decode_vec(value: AttributeValue) -> Result<Vec<i8>, DecodeError> {
        match value {
            AttributeValue::L(list) => list
                .into_iter()
                .enumerate()
                .map(|(i, v)| i8::from_attribute_value(v).map_err(|e| e.at_index(i)))
                .collect(),
            other => Err(DecodeError::wrong_type("a list (L)", &other)),
        }
    }
    fn missing_vec() -> Option<Vec<i8>> {
        Some(Vec::new())
    }
}

impl KeyAttribute for Vec<u8> {
    const SCALAR_TYPE: ScalarType = ScalarType::Binary;
}
impl PrefixKey for Vec<u8> {}

impl IntoAttributeValue for bytes::Bytes {
    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, EncodeError> {
        Ok(Some(AttributeValue::B(Blob::new(self.to_vec()))))
    }
}

impl FromAttributeValue for bytes::Bytes {
    fn from_attribute_value(value: AttributeValue) -> Result<Self, DecodeError> {
        match value {
            AttributeValue::B(b) => Ok(bytes::Bytes::from(b.into_inner())),
            other => Err(DecodeError::wrong_type("binary (B)", &other)),
        }
    }
}

impl KeyAttribute for bytes::Bytes {
    const SCALAR_TYPE: ScalarType = ScalarType::Binary;
}
impl PrefixKey for bytes::Bytes {}

impl SetElement for Vec<u8> {
    const KIND: SetKind = SetKind::Binary;
    fn to_set_entry(&self) -> Result<SetEntry, EncodeError> {
        Ok(SetEntry::Bytes(self.clone()))
    }
    fn from_set_entry(entry: SetEntry) -> Result<Self, DecodeError> {
        match entry {
            SetEntry::Bytes(b) => Ok(b),
            SetEntry::Text(_) => Err(DecodeError::custom("expected a binary set member")),
        }
    }
}

impl SetElement for bytes::Bytes {
    const KIND: SetKind = SetKind::Binary;
    fn to_set_entry(&self) -> Result<SetEntry, EncodeError> {
        Ok(SetEntry::Bytes(self.to_vec()))
    }
    fn from_set_entry(entry: SetEntry) -> Result<Self, DecodeError> {
        Vec::<u8>::from_set_entry(entry).map(bytes::Bytes::from)
    }
}
