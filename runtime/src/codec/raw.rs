//! Values stored as they are: booleans (BOOL), and raw `AttributeValue`s passed through.

use aws_sdk_dynamodb::types::AttributeValue;

use super::{FromAttributeValue, IntoAttributeValue};
use crate::error::{DecodeError, EncodeError};

impl IntoAttributeValue for bool {
    #[inline]
    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, EncodeError> {
        Ok(Some(AttributeValue::Bool(*self)))
    }
}

impl FromAttributeValue for bool {
    #[inline]
    fn from_attribute_value(value: AttributeValue) -> Result<Self, DecodeError> {
        match value {
            AttributeValue::Bool(b) => Ok(b),
            other => Err(DecodeError::wrong_type("a boolean (BOOL)", &other)),
        }
    }
}

impl IntoAttributeValue for AttributeValue {
    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, EncodeError> {
        Ok(Some(self.clone()))
    }
}

impl FromAttributeValue for AttributeValue {
    fn from_attribute_value(value: AttributeValue) -> Result<Self, DecodeError> {
        Ok(value)
    }
}
