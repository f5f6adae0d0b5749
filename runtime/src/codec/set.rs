//! Sets (SS, NS, BS): `HashSet` and `BTreeSet` of [`SetElement`]s.

use std::collections::{BTreeSet, HashSet};
use std::hash::{BuildHasher, Hash};

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;

use super::{FromAttributeValue, IntoAttributeValue, SetSource, ValueDecoder, ValueSource};
use crate::error::{DecodeError, EncodeError};

/// Which set type a set element makes.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetKind {
    String,
    Number,
    Binary,
}

/// One member of a set, before it is grouped into SS / NS / BS.
#[doc(hidden)]
pub enum SetEntry {
    Text(String),
    Bytes(Vec<u8>),
}

impl SetEntry {
    pub(super) fn into_number(self) -> AttributeValue {
        match self {
            SetEntry::Text(t) => AttributeValue::N(t),
            SetEntry::Bytes(b) => AttributeValue::B(Blob::new(b)),
        }
    }
}

/// A type that can be a member of a DynamoDB set: strings (SS), numbers (NS), binary (BS).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be stored in a DynamoDB set",
    note = "sets hold strings (SS), numbers (NS) or binary (BS); use a `Vec` for a list of anything else"
)]
pub trait SetElement: Sized {
    /// The set type this element makes.
    #[doc(hidden)]
    const KIND: SetKind;
    /// Encodes one member.
    #[doc(hidden)]
    fn to_set_entry(&self) -> Result<SetEntry, EncodeError>;
    /// Decodes one member.
    #[doc(hidden)]
    fn from_set_entry(entry: SetEntry) -> Result<Self, DecodeError>;
}

fn encode_set<'a, T: SetElement + 'a>(
    len: usize,
    items: impl Iterator<Item = &'a T>,
) -> Result<Option<AttributeValue>, EncodeError> {
    if len == 0 {
        return Ok(None); // DynamoDB has no empty set: store nothing.
    }
    let (mut texts, mut blobs) = match T::KIND {
        SetKind::Binary => (Vec::new(), Vec::with_capacity(len)),
        SetKind::String | SetKind::Number => (Vec::with_capacity(len), Vec::new()),
    };
    for (i, item) in items.enumerate() {
        match item.to_set_entry().map_err(|e| e.at_index(i))? {
            SetEntry::Text(t) => texts.push(t),
            SetEntry::Bytes(b) => blobs.push(Blob::new(b)),
        }
    }
    Ok(Some(match T::KIND {
        SetKind::String => AttributeValue::Ss(texts),
        SetKind::Number => AttributeValue::Ns(texts),
        SetKind::Binary => AttributeValue::Bs(blobs),
    }))
}

fn decode_set<T: SetElement, C: FromIterator<T>>(value: AttributeValue) -> Result<C, DecodeError> {
    // member by member straight into `C`, with no list of entries in between
    let member = |i: usize, entry: SetEntry| T::from_set_entry(entry).map_err(|e| e.at_index(i));
    match (T::KIND, value) {
        (SetKind::String, AttributeValue::Ss(v)) | (SetKind::Number, AttributeValue::Ns(v)) => v
            .into_iter()
            .enumerate()
            .map(|(i, text)| member(i, SetEntry::Text(text)))
            .collect(),
        (SetKind::Binary, AttributeValue::Bs(v)) => v
            .into_iter()
            .enumerate()
            .map(|(i, b)| member(i, SetEntry::Bytes(b.into_inner())))
            .collect(),
        (kind, other) => {
            let expected = match kind {
                SetKind::String => "a string set (SS)",
                SetKind::Number => "a number set (NS)",
                SetKind::Binary => "a binary set (BS)",
            };
            Err(DecodeError::wrong_type(expected, &other))
        }
    }
}

impl<T: SetElement + Eq + Hash, S: BuildHasher> IntoAttributeValue for HashSet<T, S> {
    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, EncodeError> {
        encode_set(self.len(), self.iter())
    }
}

impl<T: SetElement + Eq + Hash, S: BuildHasher + Default> FromAttributeValue for HashSet<T, S> {
    fn from_attribute_value(value: AttributeValue) -> Result<Self, DecodeError> {
        decode_set(value)
    }
    fn from_value_source<V: ValueSource>(source: V) -> Result<Self, DecodeError> {
        source.decode(SetOf::<Self, T>(std::marker::PhantomData))
    }
    fn from_missing() -> Option<Self> {
        Some(HashSet::default())
    }
}

impl<T: SetElement + Ord> IntoAttributeValue for BTreeSet<T> {
    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, EncodeError> {
        encode_set(self.len(), self.iter())
    }
}

impl<T: SetElement + Ord> FromAttributeValue for BTreeSet<T> {
    fn from_attribute_value(value: AttributeValue) -> Result<Self, DecodeError> {
        decode_set(value)
    }
    fn from_value_source<V: ValueSource>(source: V) -> Result<Self, DecodeError> {
        source.decode(SetOf::<Self, T>(std::marker::PhantomData))
    }
    fn from_missing() -> Option<Self> {
        Some(BTreeSet::new())
    }
}

/// Decodes a set of `T`s member by member into `C`.
struct SetOf<C, T>(std::marker::PhantomData<fn() -> (C, T)>);

impl<C, T> ValueDecoder for SetOf<C, T>
where
    C: FromAttributeValue + FromIterator<T>,
    T: SetElement,
{
    type Out = C;
    fn set<S: SetSource>(self, kind: SetKind, mut members: S) -> Result<C, DecodeError> {
        if kind != T::KIND {
            // the error `from_attribute_value` gives, naming the set found
            return C::from_attribute_value(members.value()?);
        }
        let mut failed = None;
        let mut index = 0;
        let collected = std::iter::from_fn(|| {
            let member = members.next()?;
            let decoded = member
                .and_then(T::from_set_entry)
                .map_err(|e| e.at_index(index));
            index += 1;
            match decoded {
                Ok(member) => Some(member),
                Err(e) => {
                    failed = Some(e);
                    None
                }
            }
        })
        .collect::<C>();
        match failed {
            Some(e) => Err(e),
            None => Ok(collected),
        }
    }
    fn value(self, value: AttributeValue) -> Result<C, DecodeError> {
        C::from_attribute_value(value)
    }
}
