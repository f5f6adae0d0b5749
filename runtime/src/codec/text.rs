//! Strings (S): `String` and `str`.

use aws_sdk_dynamodb::types::AttributeValue;

use super::{
    FromAttributeValue, IntoAttributeValue, KeyAttribute, PrefixKey, ScalarType, SetElement,
    SetEntry, SetKind, ValueDecoder, ValueSource,
};
use crate::error::{DecodeError, EncodeError};

impl IntoAttributeValue for String {
    #[inline]
    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, EncodeError> {
        Ok(Some(AttributeValue::S(self.clone())))
    }
}

impl IntoAttributeValue for str {
    #[inline]
    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, EncodeError> {
        Ok(Some(AttributeValue::S(self.to_owned())))
    }
}

impl FromAttributeValue for String {
    #[inline]
    fn from_attribute_value(value: AttributeValue) -> Result<Self, DecodeError> {
        match value {
            AttributeValue::S(s) => Ok(s),
            other => Err(DecodeError::wrong_type("a string (S)", &other)),
        }
    }
    /// Every string is written back as itself.
    fn from_key_value(value: AttributeValue) -> Result<Self, DecodeError> {
        Self::from_attribute_value(value)
    }
    fn from_value_source<S: ValueSource>(source: S) -> Result<Self, DecodeError> {
        source.decode(Text)
    }
}

impl KeyAttribute for String {
    const SCALAR_TYPE: ScalarType = ScalarType::String;
}
impl PrefixKey for String {}

/// Decodes a `String`, taking a string's text as it comes.
struct Text;

impl ValueDecoder for Text {
    type Out = String;
    fn string(self, text: std::borrow::Cow<'_, str>) -> Result<String, DecodeError> {
        Ok(text.into_owned())
    }
    fn value(self, value: AttributeValue) -> Result<String, DecodeError> {
        String::from_attribute_value(value)
    }
}

impl SetElement for String {
    const KIND: SetKind = SetKind::String;
    fn to_set_entry(&self) -> Result<SetEntry, EncodeError> {
        Ok(SetEntry::Text(self.clone()))
    }
    fn from_set_entry(entry: SetEntry) -> Result<Self, DecodeError> {
        match entry {
            SetEntry::Text(t) => Ok(t),
            SetEntry::Bytes(_) => Err(DecodeError::custom("expected a string set member")),
        }
    }
}
