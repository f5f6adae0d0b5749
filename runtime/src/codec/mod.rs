//! Conversion between Rust values and DynamoDB attribute values, with no serde in the middle.
//!
//! The derive calls [`IntoAttributeValue`] and [`FromAttributeValue`] once per field. Implement
//! them for your own types to store them; [`KeyAttribute`] marks the types a key can have.
//!
//! Choices made where DynamoDB leaves room:
//! - `Option::None` is stored as an absent attribute (as `NULL` inside lists and maps).
//! - Sets (`HashSet` / `BTreeSet`) become SS / NS / BS. DynamoDB has no empty set, so an empty
//!   set is stored as an absent attribute (as `NULL` inside lists and maps).
//! - An absent attribute and a `NULL` one are read alike, as no value: `None` for an `Option`,
//!   empty for a set, a list (`Vec`) or a map, `Default` for a `#[dynamo(default)]` field
//!   ([`FromAttributeValue::from_missing`]). Other programs write `NULL` where this crate
//!   writes nothing (boto3's `None`, the JS DocumentClient's `null`). Any other field needs a
//!   value: an absent one is a [`DecodeError`] saying it is missing, a `NULL` one a
//!   [`DecodeError`] saying `NULL` was found. So an `Option` of a set (or of an `Option`) reads
//!   `Some(empty)` back as `None`: DynamoDB stores both as nothing.
//! - Numbers keep DynamoDB's limits: 38 significant digits, magnitude between 1e-130 and
//!   under 1e126. A value outside them (`u128::MAX`, `f64::NAN`, `1e300`) is an [`EncodeError`]
//!   before anything is sent. Decoding an integer checks its range and never truncates: an
//!   integral `1.2E+1` or `12.000` reads as 12, while `1.5`, `300` into a `u8`, or text that is
//!   not a decimal number (`""`, `"-"`, `"12abc"`) is a [`DecodeError`].
//! - `chrono` / `time` timestamps are stored as RFC 3339 in UTC with nine fractional digits
//!   (`2024-02-29T23:59:59.123456789Z`), so that text order is time order; years outside
//!   0000-9999 are an [`EncodeError`].
//! - `Vec<u8>` and `bytes::Bytes` are binary (B); any other `Vec<T>` is a list (L).

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

use crate::error::{DecodeError, EncodeError};

mod bytes;
mod container;
mod decimal;
mod ext;
#[doc(hidden)]
pub mod field;
mod identity;
mod key;
mod nesting;
mod number;
mod parts;
#[cfg(test)]
mod props;
mod raw;
mod roles;
mod set;
mod source;
mod text;

pub use container::ListElement;
pub use key::{IntoKey, KeyAttribute, KeyRole, PrefixKey, ScalarType};
pub use nesting::MAX_NESTING_DEPTH;
pub use parts::{IntoKeyParts, KeyField, KeyParts};
pub use roles::{Timestamp, TtlAttribute, VersionAttribute};
pub use set::SetElement;

// Public but hidden from the docs: what generated code calls (through `__private`), and the
// plumbing of the traits above.
#[doc(hidden)]
pub use bytes::ByteVec;
#[doc(hidden)]
pub use ext::serde_bridge;
#[doc(hidden)]
pub use key::{check_key_value, decode_key};
#[doc(hidden)]
pub use nesting::check_nesting;
#[doc(hidden)]
pub use set::{SetEntry, SetKind};
#[doc(hidden)]
pub use source::{
    FieldSource, ListSource, MapSource, Nested, NumberText, OpenList, OpenMap, OpenSet, SetSource,
    StringText, ValueDecoder, ValueSource,
};

// For the rest of the runtime.
pub(crate) use decimal::{Decimal, check_number, normal_number};
pub(crate) use identity::{KeyIdentity, same_key_value};
pub(crate) use key::key_value_size;
pub(crate) use nesting::check_nesting_at;

// For the traits' default methods below.
use container::ListOf;
use key::round_trip_key;
use source::Attribute;

/// A DynamoDB item: attribute names to values.
pub type Item = HashMap<String, AttributeValue>;

/// A Rust value that can be stored as a DynamoDB attribute value.
///
/// `Ok(None)` means "store nothing": the attribute is left out of the item (an `Option::None`,
/// an empty set).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be stored as a DynamoDB attribute",
    label = "no `IntoAttributeValue` for this type",
    note = "implement `IntoAttributeValue` and `FromAttributeValue` for it, derive `DynamoValue` if it is a unit enum, or store it through serde with `#[dynamo(serde)]` on the field"
)]
pub trait IntoAttributeValue {
    /// Encodes the value.
    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, EncodeError>;

    /// Encodes a slice of values as one attribute. A list (L) unless overridden: `u8` overrides
    /// it so that `Vec<u8>` is binary (B).
    #[doc(hidden)]
    fn slice_to_attribute_value(items: &[Self]) -> Result<Option<AttributeValue>, EncodeError>
    where
        Self: Sized,
    {
        let mut list = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            list.push(nested(
                item.to_attribute_value().map_err(|e| e.at_index(i))?,
            ));
        }
        Ok(Some(AttributeValue::L(list)))
    }
}

/// A Rust value that can be read back from a DynamoDB attribute value.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be read from a DynamoDB attribute",
    label = "no `FromAttributeValue` for this type",
    note = "implement `IntoAttributeValue` and `FromAttributeValue` for it, derive `DynamoValue` if it is a unit enum, or store it through serde with `#[dynamo(serde)]` on the field"
)]
pub trait FromAttributeValue: Sized {
    /// Decodes the value. Any mismatch is a [`DecodeError`], never a panic.
    fn from_attribute_value(value: AttributeValue) -> Result<Self, DecodeError>;

    /// The value of an absent (or `NULL`) attribute, or `None` when the attribute is required.
    /// `None` for an `Option`, empty for collections; scalars have none.
    fn from_missing() -> Option<Self> {
        None
    }

    /// The value of an absent `Vec<Self>`: empty for a list, none for `Vec<u8>` (binary, a
    /// scalar).
    #[doc(hidden)]
    fn vec_from_missing() -> Option<Vec<Self>> {
        Some(Vec::new())
    }

    /// Decodes a list (or, for `u8`, binary) into a `Vec`.
    #[doc(hidden)]
    fn vec_from_attribute_value(value: AttributeValue) -> Result<Vec<Self>, DecodeError> {
        match value {
            AttributeValue::L(list) => list
                .into_iter()
                .enumerate()
                .map(|(i, v)| Self::from_nested(v).map_err(|e| e.at_index(i)))
                .collect(),
            other => Err(DecodeError::wrong_type("a list (L)", &other)),
        }
    }

    /// Decodes a `Vec` from a [`ValueSource`]: a list, element by element (`u8` and `i8`
    /// build the value, as `vec_from_attribute_value` reads it).
    #[doc(hidden)]
    fn vec_from_value_source<S: ValueSource>(source: S) -> Result<Vec<Self>, DecodeError> {
        source.decode(ListOf::<Self>(std::marker::PhantomData))
    }

    /// Decodes a value from a [`ValueSource`], which may read it without building an
    /// `AttributeValue` (numbers straight from a stream record's JSON text). The result is the
    /// one `from_attribute_value` gives.
    #[doc(hidden)]
    fn from_value_source<S: ValueSource>(source: S) -> Result<Self, DecodeError> {
        Self::from_attribute_value(source.value()?)
    }

    /// Decodes the value of a table key attribute, in the form this type writes only (see
    /// [`decode_key`]). By default the value is decoded, written again and compared; types
    /// whose every accepted text is the one they write (strings) or that can tell it cheaply
    /// (integers) skip that.
    #[doc(hidden)]
    fn from_key_value(value: AttributeValue) -> Result<Self, DecodeError>
    where
        Self: IntoAttributeValue,
    {
        round_trip_key(value)
    }

    /// Decodes a model's attribute: what the derive's decoder calls for each attribute of an
    /// item. `NULL` is no value, as an absent attribute is: for a `#[dynamo(default)]` field
    /// (`default`) it is `Ok(None)`, so that the field is filled as if the attribute were not
    /// there; otherwise it is [`from_missing`](Self::from_missing), and for a type without a
    /// missing value (a scalar that must have one) the error `from_attribute_value` gives for
    /// `NULL`, which names what was found.
    #[doc(hidden)]
    fn from_item_attribute<S: ValueSource>(
        source: S,
        default: bool,
    ) -> Result<Option<Self>, DecodeError> {
        source.decode(Attribute::<Self> {
            default,
            _type: std::marker::PhantomData,
        })
    }

    /// The derive's decoder: the slot of the attribute `source` just named, decoded as
    /// [`from_item_attribute`](Self::from_item_attribute) decodes it, errors under `name` (see
    /// [`field::read`](crate::codec::field::read)). A method, so that generated code names it
    /// through the trait, spanned on the field's type.
    #[doc(hidden)]
    fn __read<F: FieldSource>(source: &mut F, default: bool, name: &str) -> field::Slot<Self> {
        field::read(Self::from_item_attribute(source.value(), default), name)
    }

    /// The derive's `from_item`: the slot of an attribute's `value`, decoded as
    /// [`from_item_attribute`](Self::from_item_attribute) decodes it, errors under `name`.
    #[doc(hidden)]
    fn __read_value(value: AttributeValue, default: bool, name: &str) -> field::Slot<Self> {
        field::read(Self::from_item_attribute(value, default), name)
    }

    /// The derive's decoder, at the end: the field from its slot, or with no attribute found,
    /// [`from_missing`](Self::from_missing), or an error saying `name` is missing.
    #[doc(hidden)]
    fn __finish(slot: field::Slot<Self>, name: &str) -> Result<Self, DecodeError> {
        field::finish(slot, Self::from_missing, name)
    }

    /// A projection column's decoder for a field of this type (see
    /// [`field::column`](crate::codec::field::column)): a method, so that generated code names
    /// it through the trait, spanned on the field's type.
    #[doc(hidden)]
    fn __column(value: Option<AttributeValue>) -> Result<Self, DecodeError> {
        field::column(
            value,
            Self::from_item_attribute::<AttributeValue>,
            Self::from_missing,
        )
    }

    /// A projection column's decoder for a table key field of this type.
    #[doc(hidden)]
    fn __key_column(value: Option<AttributeValue>) -> Result<Self, DecodeError>
    where
        Self: IntoAttributeValue,
    {
        field::key_column(value, Self::from_key_value, Self::from_missing)
    }

    /// Decodes a value found inside a list or map, where `NULL` stands for an absent value.
    #[doc(hidden)]
    fn from_nested(value: AttributeValue) -> Result<Self, DecodeError> {
        match value {
            AttributeValue::Null(true) => Self::from_missing().ok_or_else(DecodeError::missing),
            other => Self::from_attribute_value(other),
        }
    }
}

/// Wraps an absent nested value as `NULL`, since lists and maps cannot have holes.
#[inline]
fn nested(value: Option<AttributeValue>) -> AttributeValue {
    value.unwrap_or(AttributeValue::Null(true))
}
