//! How a value reaches its decoder: the sources of items, values, lists, maps and sets a
//! decoder reads (an `AttributeValue`, or a stream record's JSON read in place) and the
//! [`ValueDecoder`] a type hands them to.

use aws_sdk_dynamodb::types::AttributeValue;

use super::{FromAttributeValue, Item, SetEntry, SetKind};
use crate::error::DecodeError;

/// The attributes of an item, one at a time, for a decoder that matches them by name: with the
/// `json` feature, an image of a stream record read straight from its JSON, without building an
/// `Item` first. Implemented by the runtime; the derive's decoder uses it.
#[doc(hidden)]
pub trait FieldSource {
    /// The next attribute's name; `None` at the end.
    fn next_name(&mut self) -> Option<&str>;

    /// The value of the attribute just named, for a type to decode.
    type Value<'a>: ValueSource
    where
        Self: 'a;

    /// The value of the attribute just named.
    fn value(&mut self) -> Self::Value<'_>;

    /// The value of the attribute just named, as it is.
    fn take_value(&mut self) -> Result<AttributeValue, DecodeError> {
        self.value().value()
    }

    /// Passes over the value of the attribute just named.
    fn skip(&mut self);

    /// Every attribute left, as an item.
    fn rest(&mut self) -> Result<Item, DecodeError> {
        let mut item = Item::new();
        while let Some(name) = self.next_name() {
            let name = name.to_owned();
            let value = self.take_value()?;
            item.insert(name, value);
        }
        Ok(item)
    }
}

/// One value to decode, which may not be an `AttributeValue` yet: a stream image's value read
/// straight from JSON gives number text without allocating it.
#[doc(hidden)]
pub trait ValueSource: Sized {
    /// The value, built.
    fn value(self) -> Result<AttributeValue, DecodeError>;

    /// Hands the value to `decoder`: its number text when it is a number (N), else the value
    /// built.
    fn decode<D: ValueDecoder>(self, decoder: D) -> Result<D::Out, DecodeError> {
        decoder.value(self.value()?)
    }
}

/// What a [`ValueSource`] hands a value to.
#[doc(hidden)]
pub trait ValueDecoder: Sized {
    /// What it decodes.
    type Out;

    /// A number (N), as its text.
    fn number(self, text: &str) -> Result<Self::Out, DecodeError> {
        self.value(AttributeValue::N(text.to_owned()))
    }

    /// A string (S).
    fn string(self, text: std::borrow::Cow<'_, str>) -> Result<Self::Out, DecodeError> {
        self.value(AttributeValue::S(text.into_owned()))
    }

    /// A list (L), element by element.
    fn list<L: ListSource>(self, list: L) -> Result<Self::Out, DecodeError> {
        self.value(list.value()?)
    }

    /// A map (M), entry by entry.
    fn map<M: MapSource>(self, map: M) -> Result<Self::Out, DecodeError> {
        self.value(map.value()?)
    }

    /// A set (SS, NS or BS: `kind`), member by member.
    fn set<S: SetSource>(self, kind: SetKind, members: S) -> Result<Self::Out, DecodeError> {
        let _ = kind;
        self.value(members.value()?)
    }

    /// Any value.
    fn value(self, value: AttributeValue) -> Result<Self::Out, DecodeError>;
}

/// The entries of a map (M) being read.
#[doc(hidden)]
pub trait MapSource: Sized {
    /// The entries left, built into a map.
    fn value(self) -> Result<AttributeValue, DecodeError>;

    /// The next entry: its key and its value decoded as `T` found inside a map (`NULL` is an
    /// absent value); `None` at the end. The outer error is a map that cannot be read on; the
    /// inner one is the value's, with the path inside the value.
    #[allow(clippy::type_complexity)]
    fn next<T: FromAttributeValue>(
        &mut self,
    ) -> Option<Result<(String, Result<T, DecodeError>), DecodeError>>;
}

/// The members of a set (SS, NS or BS) being read.
#[doc(hidden)]
pub trait SetSource: Sized {
    /// The members left, built into a set.
    fn value(self) -> Result<AttributeValue, DecodeError>;

    /// The next member (text, or bytes for BS); `None` at the end.
    fn next(&mut self) -> Option<Result<SetEntry, DecodeError>>;
}

/// A map whose entries are being read, as a value for a type to decode.
#[doc(hidden)]
pub struct OpenMap<M>(pub M);

impl<M: MapSource> ValueSource for OpenMap<M> {
    fn value(self) -> Result<AttributeValue, DecodeError> {
        self.0.value()
    }

    fn decode<D: ValueDecoder>(self, decoder: D) -> Result<D::Out, DecodeError> {
        decoder.map(self.0)
    }
}

/// A string whose text was read already.
#[doc(hidden)]
pub struct StringText<'a>(pub std::borrow::Cow<'a, str>);

impl ValueSource for StringText<'_> {
    fn value(self) -> Result<AttributeValue, DecodeError> {
        Ok(AttributeValue::S(self.0.into_owned()))
    }

    fn decode<D: ValueDecoder>(self, decoder: D) -> Result<D::Out, DecodeError> {
        decoder.string(self.0)
    }
}

/// The elements of a list (L) being read.
#[doc(hidden)]
pub trait ListSource: Sized {
    /// The elements left, built into a list.
    fn value(self) -> Result<AttributeValue, DecodeError>;

    /// The next element decoded as `T` found inside a list (`NULL` is an absent value, as
    /// [`FromAttributeValue::from_nested`] reads it); `None` at the end.
    fn next<T: FromAttributeValue>(&mut self) -> Option<Result<T, DecodeError>>;
}

/// A list whose elements are being read, as a value for a type to decode.
#[doc(hidden)]
pub struct OpenList<L>(pub L);

impl<L: ListSource> ValueSource for OpenList<L> {
    fn value(self) -> Result<AttributeValue, DecodeError> {
        self.0.value()
    }

    fn decode<D: ValueDecoder>(self, decoder: D) -> Result<D::Out, DecodeError> {
        decoder.list(self.0)
    }
}

/// Decodes a value found inside a list or map, as `from_nested` does.
#[doc(hidden)]
pub struct Nested<T>(std::marker::PhantomData<T>);

impl<T> Nested<T> {
    /// The decoder.
    pub fn new() -> Self {
        Nested(std::marker::PhantomData)
    }
}

impl<T> Default for Nested<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: FromAttributeValue> ValueDecoder for Nested<T> {
    type Out = T;
    fn number(self, text: &str) -> Result<T, DecodeError> {
        T::from_value_source(NumberText(text))
    }
    fn string(self, text: std::borrow::Cow<'_, str>) -> Result<T, DecodeError> {
        T::from_value_source(StringText(text))
    }
    fn list<L: ListSource>(self, list: L) -> Result<T, DecodeError> {
        T::from_value_source(OpenList(list))
    }
    fn map<M: MapSource>(self, map: M) -> Result<T, DecodeError> {
        T::from_value_source(OpenMap(map))
    }
    fn value(self, value: AttributeValue) -> Result<T, DecodeError> {
        T::from_nested(value)
    }
}

/// The decoder of [`FromAttributeValue::from_item_attribute`]: values pass on to `T` as they
/// come, `NULL` is no value.
pub(super) struct Attribute<T> {
    pub(super) default: bool,
    pub(super) _type: std::marker::PhantomData<fn() -> T>,
}

impl<T: FromAttributeValue> ValueDecoder for Attribute<T> {
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
    fn set<S: SetSource>(self, kind: SetKind, members: S) -> Result<Option<T>, DecodeError> {
        T::from_value_source(OpenSet(kind, members)).map(Some)
    }
    fn value(self, value: AttributeValue) -> Result<Option<T>, DecodeError> {
        match value {
            AttributeValue::Null(true) if self.default => Ok(None),
            AttributeValue::Null(true) => match T::from_missing() {
                Some(missing) => Ok(Some(missing)),
                None => T::from_attribute_value(AttributeValue::Null(true)).map(Some),
            },
            other => T::from_attribute_value(other).map(Some),
        }
    }
}

/// A value already built is a source of itself.
impl ValueSource for AttributeValue {
    fn value(self) -> Result<AttributeValue, DecodeError> {
        Ok(self)
    }
}

/// A set whose members are being read, as a value for a type to decode.
#[doc(hidden)]
pub struct OpenSet<S>(pub SetKind, pub S);

impl<S: SetSource> ValueSource for OpenSet<S> {
    fn value(self) -> Result<AttributeValue, DecodeError> {
        self.1.value()
    }

    fn decode<D: ValueDecoder>(self, decoder: D) -> Result<D::Out, DecodeError> {
        decoder.set(self.0, self.1)
    }
}

/// A number whose text was read already.
#[doc(hidden)]
pub struct NumberText<'a>(pub &'a str);

impl ValueSource for NumberText<'_> {
    fn value(self) -> Result<AttributeValue, DecodeError> {
        Ok(AttributeValue::N(self.0.to_owned()))
    }

    fn decode<D: ValueDecoder>(self, decoder: D) -> Result<D::Out, DecodeError> {
        decoder.number(self.0)
    }
}
