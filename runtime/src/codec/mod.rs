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

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasher, Hash};

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;

use crate::error::{DecodeError, EncodeError};

mod ext;
mod identity;
#[doc(hidden)]
pub use ext::serde_bridge;
mod parts;
#[cfg(test)]
mod props;

pub(crate) use identity::{KeyIdentity, same_key_value};
pub use parts::{IntoKeyParts, KeyField, KeyParts};

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

    /// Decodes a value found inside a list or map, where `NULL` stands for an absent value.
    #[doc(hidden)]
    fn from_nested(value: AttributeValue) -> Result<Self, DecodeError> {
        match value {
            AttributeValue::Null(true) => Self::from_missing().ok_or_else(DecodeError::missing),
            other => Self::from_attribute_value(other),
        }
    }
}

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
struct Attribute<T> {
    default: bool,
    _type: std::marker::PhantomData<fn() -> T>,
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

/// Decodes a `Vec<T>` from a list, element by element.
struct ListOf<T>(std::marker::PhantomData<T>);

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

/// A number type decoded from DynamoDB's number text.
trait FromNumber: FromAttributeValue {
    fn from_number(text: &str) -> Result<Self, DecodeError>;
}

/// Decodes numbers from their text, anything else as `from_attribute_value` does.
struct Number<T>(std::marker::PhantomData<T>);

impl<T: FromNumber> ValueDecoder for Number<T> {
    type Out = T;
    fn number(self, text: &str) -> Result<T, DecodeError> {
        T::from_number(text)
    }
    fn value(self, value: AttributeValue) -> Result<T, DecodeError> {
        T::from_attribute_value(value)
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

/// Which DynamoDB scalar type a key attribute has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScalarType {
    /// S
    String,
    /// N
    Number,
    /// B
    Binary,
}

impl ScalarType {
    /// The SDK's name for this type.
    pub fn to_sdk(self) -> aws_sdk_dynamodb::types::ScalarAttributeType {
        use aws_sdk_dynamodb::types::ScalarAttributeType as S;
        match self {
            ScalarType::String => S::S,
            ScalarType::Number => S::N,
            ScalarType::Binary => S::B,
        }
    }
}

/// A type a partition or sort key can have: it is stored as a string, a number or binary.
///
/// A table key field is read only in the form its type writes: a value that decodes but would
/// be written back as other text (so as another key) is a [`DecodeError`]. A type whose decoder
/// accepts several texts of one value (any case, any offset) therefore reads only its own text
/// as a key, and any text elsewhere.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a DynamoDB key attribute",
    label = "a key must be stored as a string (S), a number (N) or binary (B)",
    note = "key attributes can be `String`, any integer or float, `Vec<u8>`, `bytes::Bytes`, or a type implementing `KeyAttribute`; `bool`, `Option`, lists, sets, maps and tuples cannot be keys (a key of several attributes takes a tuple of values, one per attribute)"
)]
pub trait KeyAttribute:
    IntoAttributeValue + FromAttributeValue + Clone + Send + Sync + 'static
{
    /// The DynamoDB type of the key attribute.
    const SCALAR_TYPE: ScalarType;
}

/// Decodes the value of a table key attribute: what `from_item` and `from_key_item` call for
/// the partition and sort key fields.
///
/// A key is only read in the form its type writes: a value whose text `to_attribute_value`
/// would write differently (a timestamp stored as `2024-05-01T12:00:00Z` where the type writes
/// nine fractional digits, an uppercase UUID, a number with more digits than an `f64` keeps)
/// would be written back as another key, so that a `put` of what was read adds a second item
/// and a `delete` deletes nothing. Such a value is a [`DecodeError`] naming the form found and
/// the form expected. The value is decoded, encoded again and compared as DynamoDB compares
/// keys, so numbers are compared by value (`1.50` and `1.5` are one key).
#[doc(hidden)]
pub fn decode_key<T>(value: AttributeValue) -> Result<T, DecodeError>
where
    T: FromAttributeValue + IntoAttributeValue,
{
    T::from_key_value(value)
}

/// [`decode_key`] the long way: decoded, written again, compared.
fn round_trip_key<T>(value: AttributeValue) -> Result<T, DecodeError>
where
    T: FromAttributeValue + IntoAttributeValue,
{
    let decoded = T::from_attribute_value(value.clone())?;
    let written = match decoded.to_attribute_value() {
        Ok(Some(written)) => written,
        Ok(None) => {
            return Err(DecodeError::custom(
                "the key value read writes back as no attribute at all",
            ));
        }
        Err(e) => {
            return Err(DecodeError::custom(format!(
                "the key value read cannot be written back: {e}"
            )));
        }
    };
    if same_key_value(&written, &value) {
        return Ok(decoded);
    }
    Err(DecodeError::invalid_value(
        format!(
            "a key in the form its type writes, `{}` (another form would be written back as another key, addressing another item)",
            key_text(&written)
        ),
        &key_text(&value),
    ))
}

/// True for integer text in the one form integers are written: digits without a leading zero,
/// an optional `-`, and no `-0`; and at most 38 digits, as DynamoDB keeps (a 128-bit integer
/// beyond cannot be written back, so it takes the long way and is refused there).
fn canonical_integer(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    (1..=38).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
        && text != "-0"
}

/// A key value as text for messages: a string or number as it is, binary as hex.
fn key_text(value: &AttributeValue) -> String {
    match value {
        AttributeValue::S(s) => s.clone(),
        AttributeValue::N(n) => n.clone(),
        AttributeValue::B(b) => {
            let hex: String = b
                .as_ref()
                .iter()
                .map(|byte| format!("{byte:02x}"))
                .collect();
            format!("0x{hex}")
        }
        other => crate::error::type_name(other).to_owned(),
    }
}

/// A key type stored as a string or binary: the only ones `begins_with` applies to.
#[diagnostic::on_unimplemented(
    message = "`begins_with` needs a string or binary sort key, and `{Self}` is not one",
    label = "`begins_with` is not defined for this sort key",
    note = "DynamoDB only supports `begins_with` on S and B sort keys; use `between`, `ge` or `lt` for numbers"
)]
pub trait PrefixKey: KeyAttribute {}

/// An attribute that can hold a time-to-live: epoch seconds as a number.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot hold a time to live",
    label = "`ttl` must name an integer field (epoch seconds), optionally in an `Option`",
    note = "DynamoDB's TTL reads a number of seconds since the Unix epoch"
)]
pub trait TtlAttribute {}

/// An attribute that can hold an optimistic-locking version: an integer.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a version attribute",
    label = "`#[dynamo(version)]` needs an integer field",
    note = "the version is a counter that every write increments"
)]
pub trait VersionAttribute: Copy + Default {
    /// The next version (saturating: a version never wraps around).
    fn next(self) -> Self;
    /// True when this is the value of a model that was never stored.
    fn is_initial(self) -> bool;
}

/// A type a `#[dynamo(created_at)]` or `#[dynamo(updated_at)]` field can have: an instant, set
/// by the writer. Implemented for `chrono::DateTime<chrono::Utc>` (feature `chrono`) and
/// `time::OffsetDateTime` (feature `time`), each plain or in an `Option`; not meant to be
/// implemented elsewhere.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a `created_at` or `updated_at` timestamp",
    label = "a timestamp field must be an instant",
    note = "use `chrono::DateTime<chrono::Utc>` (feature `chrono`) or `time::OffsetDateTime` (feature `time`), or either in an `Option`; a date such as `chrono::NaiveDate` or a number is not a timestamp"
)]
pub trait Timestamp: IntoAttributeValue + Sized {
    /// The instant `now`, as this type.
    fn at(now: std::time::SystemTime) -> Self;

    /// True when the field holds no instant (an `Option` that is `None`).
    fn is_unset(&self) -> bool;

    /// The instant `now`, encoded as this type stores it.
    fn encode_at(now: std::time::SystemTime) -> Result<AttributeValue, EncodeError> {
        Self::at(now)
            .to_attribute_value()?
            .ok_or_else(|| EncodeError::new("a timestamp encoded as no value"))
    }
}

/// Which part of a key a value is: DynamoDB bounds the two differently (see
/// [`KeyRole::max_size`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyRole {
    /// The partition (hash) key of the table or of an index.
    Partition,
    /// The sort (range) key of the table or of an index.
    Sort,
}

impl KeyRole {
    /// The largest value DynamoDB takes in this role, in bytes: 2,048 for a partition key,
    /// 1,024 for a sort key (a string's UTF-8 bytes, binary's bytes).
    pub const fn max_size(self) -> usize {
        self.limit().max()
    }

    /// The [`Limit`](crate::Limit) a value over [`max_size`](Self::max_size) exceeds.
    pub const fn limit(self) -> crate::error::Limit {
        match self {
            KeyRole::Partition => crate::error::Limit::PartitionKeySize,
            KeyRole::Sort => crate::error::Limit::SortKeySize,
        }
    }
}

/// DynamoDB's deepest nesting of lists and maps: 32 levels, the item itself counting as the
/// first (an attribute holds lists or maps at most 31 deep).
pub const MAX_NESTING_DEPTH: usize = crate::error::Limit::NestingDepth.max();

/// Checks that a top-level attribute's value is nested no deeper than DynamoDB stores: an
/// [`EncodeError`] naming the path of the list or map past the limit otherwise. Called by
/// `to_item` on every attribute, without recursion, so a value of any depth is safe to check.
#[doc(hidden)]
pub fn check_nesting(value: &AttributeValue) -> Result<(), EncodeError> {
    check_nesting_at(value, 1)
}

/// [`check_nesting`] for a value placed at `level` (1 for a top-level attribute, one more per
/// path segment: an update's `SET meta.a[2] = :v` places it at 3).
pub(crate) fn check_nesting_at(value: &AttributeValue, level: usize) -> Result<(), EncodeError> {
    let deepest = nesting_depth(value, level);
    if deepest <= MAX_NESTING_DEPTH {
        return Ok(());
    }
    // Over the limit (rare): walk again, keeping paths, to name the first list or map whose
    // contents lie past it.
    #[derive(Clone, Copy)]
    enum Step<'a> {
        Index(usize),
        Key(&'a str),
    }
    let mut stack = vec![(value, level, Vec::new())];
    let mut at: Vec<Step<'_>> = Vec::new();
    while let Some((value, level, path)) = stack.pop() {
        if level >= MAX_NESTING_DEPTH {
            at = path;
            break;
        }
        let child = |step| {
            let mut path = path.clone();
            path.push(step);
            path
        };
        match value {
            AttributeValue::L(items) => {
                for (i, item) in items.iter().enumerate().rev() {
                    if is_container(item) {
                        stack.push((item, level + 1, child(Step::Index(i))));
                    }
                }
            }
            AttributeValue::M(map) => {
                for (key, item) in map {
                    if is_container(item) {
                        stack.push((item, level + 1, child(Step::Key(key))));
                    }
                }
            }
            _ => {}
        }
    }
    let mut error = EncodeError::exceeds(crate::error::Limit::NestingDepth, deepest);
    for step in at.iter().rev() {
        error = match *step {
            Step::Index(i) => error.at_index(i),
            Step::Key(k) => error.at(k),
        };
    }
    Err(error)
}

fn is_container(value: &AttributeValue) -> bool {
    matches!(value, AttributeValue::L(_) | AttributeValue::M(_))
}

/// The deepest level a value reaches when placed at `level`: `level` for a scalar or a set, one
/// more for each list or map on its deepest chain. Iterative: no stack overflow on any input.
pub(crate) fn nesting_depth(value: &AttributeValue, level: usize) -> usize {
    if !is_container(value) {
        return level;
    }
    let mut deepest = level;
    let mut stack = vec![(value, level)];
    while let Some((value, level)) = stack.pop() {
        // A list or map at `level` holds values one level down.
        let inner = level + 1;
        deepest = deepest.max(inner);
        let below = |item: &&AttributeValue| is_container(item);
        match value {
            AttributeValue::L(items) => {
                stack.extend(items.iter().filter(below).map(|item| (item, inner)));
            }
            AttributeValue::M(map) => {
                stack.extend(map.values().filter(below).map(|item| (item, inner)));
            }
            _ => {}
        }
    }
    deepest
}

/// The size DynamoDB bounds for a key value: a string's UTF-8 bytes, binary's bytes; `None` for
/// anything else (numbers are bounded by the number limits).
pub(crate) fn key_value_size(value: &AttributeValue) -> Option<usize> {
    match value {
        AttributeValue::S(s) => Some(s.len()),
        AttributeValue::B(b) => Some(b.as_ref().len()),
        _ => None,
    }
}

/// Checks a key attribute's value as DynamoDB will: a string or binary key (of the table or of
/// an index) cannot be empty, and cannot be longer than its role allows (2,048 bytes for a
/// partition key, 1,024 for a sort key). Called wherever a key is built or sent (writes, gets,
/// batch reads, query key conditions), so such a key is an [`EncodeError`] before sending, not
/// a rejected request (which, in a batch, would fail 24 other writes with it). Numbers are
/// bounded by the number limits, checked when they are encoded.
#[doc(hidden)]
pub fn check_key_value(value: &AttributeValue, role: KeyRole) -> Result<(), EncodeError> {
    let Some(len) = key_value_size(value) else {
        return Ok(());
    };
    if len == 0 {
        let empty = match value {
            AttributeValue::B(_) => "empty binary",
            _ => "an empty string",
        };
        return Err(EncodeError::new(format!(
            "a key attribute cannot be {empty}: DynamoDB rejects empty keys"
        )));
    }
    if len > role.max_size() {
        return Err(EncodeError::exceeds(role.limit(), len));
    }
    Ok(())
}

/// A value that converts into a key of type `T`: `T` itself, and `&str` / `&String` for
/// `String` keys. Unlike `Into<T>`, it lets an integer literal take the key's type.
#[diagnostic::on_unimplemented(
    message = "this value must be of type `{T}`, and `{Self}` is not",
    label = "expected `{T}`, the type of this key or field",
    note = "keys, conditions and updates take the field's own type; a `String` also takes `&str` or `&String`, a `Vec<u8>` also takes `&[u8]`"
)]
pub trait IntoKey<T> {
    /// Converts into the key type.
    fn into_key(self) -> T;
}

impl<T> IntoKey<T> for T {
    fn into_key(self) -> T {
        self
    }
}

impl IntoKey<String> for &str {
    fn into_key(self) -> String {
        self.to_owned()
    }
}

impl IntoKey<String> for &String {
    fn into_key(self) -> String {
        self.clone()
    }
}

impl IntoKey<Vec<u8>> for &[u8] {
    fn into_key(self) -> Vec<u8> {
        self.to_vec()
    }
}

/// Wraps an absent nested value as `NULL`, since lists and maps cannot have holes.
fn nested(value: Option<AttributeValue>) -> AttributeValue {
    value.unwrap_or(AttributeValue::Null(true))
}

// ---------------------------------------------------------------------------------------------
// Strings and booleans

impl IntoAttributeValue for String {
    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, EncodeError> {
        Ok(Some(AttributeValue::S(self.clone())))
    }
}

impl IntoAttributeValue for str {
    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, EncodeError> {
        Ok(Some(AttributeValue::S(self.to_owned())))
    }
}

impl FromAttributeValue for String {
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

impl IntoAttributeValue for bool {
    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, EncodeError> {
        Ok(Some(AttributeValue::Bool(*self)))
    }
}

impl FromAttributeValue for bool {
    fn from_attribute_value(value: AttributeValue) -> Result<Self, DecodeError> {
        match value {
            AttributeValue::Bool(b) => Ok(b),
            other => Err(DecodeError::wrong_type("a boolean (BOOL)", &other)),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Numbers

/// A decimal number as text, split into its parts: `-12.50e3` is negative, digits `1250`,
/// with the decimal point 2 digits in, times 10^3.
struct Decimal<'a> {
    negative: bool,
    int_part: &'a str,
    frac_part: &'a str,
    exponent: i64,
}

impl<'a> Decimal<'a> {
    /// Splits `text`; `None` unless it is `[+-]digits[.digits][(e|E)[+-]digits]` with at least
    /// one mantissa digit.
    fn parse(text: &'a str) -> Option<Self> {
        let (negative, unsigned) = match text.as_bytes().first()? {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
            Some(at) => {
                let exp = &unsigned[at + 1..];
                let digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                // An exponent beyond i64 is clamped: any non-zero value is out of range then.
                let exponent = exp.parse::<i64>().unwrap_or(if exp.starts_with('-') {
                    i64::MIN
                } else {
                    i64::MAX
                });
                (&unsigned[..at], exponent)
            }
            None => (unsigned, 0),
        };
        let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if int_part.len() + frac_part.len() == 0
            || !digits_only(int_part)
            || !digits_only(frac_part)
        {
            return None;
        }
        Some(Decimal {
            negative,
            int_part,
            frac_part,
            exponent,
        })
    }

    /// The mantissa's digits without leading zeros, and where the decimal point falls in them
    /// (digits before the point; negative or beyond the digits when the exponent moves it).
    /// `None` for zero.
    fn significant(&self) -> Option<(impl Iterator<Item = u8> + '_, usize, i64)> {
        let leading_zeros = self
            .int_part
            .bytes()
            .chain(self.frac_part.bytes())
            .take_while(|&b| b == b'0')
            .count();
        let total = self.int_part.len() + self.frac_part.len();
        if leading_zeros == total {
            return None;
        }
        let digits = self
            .int_part
            .bytes()
            .chain(self.frac_part.bytes())
            .skip(leading_zeros);
        // Lengths of a `str` fit in an i64; the exponent saturates.
        let point =
            (self.int_part.len() as i64 - leading_zeros as i64).saturating_add(self.exponent);
        Some((digits, total - leading_zeros, point))
    }
}

/// Checks a decimal string against DynamoDB's number limits: at most 38 significant digits and
/// a magnitude in [1e-130, 1e126).
pub(crate) fn check_number(text: &str) -> Result<(), String> {
    let decimal = Decimal::parse(text).ok_or_else(|| "not a decimal number".to_owned())?;
    let Some((digits, len, point)) = decimal.significant() else {
        return Ok(()); // zero
    };
    let mut trailing_zeros = 0;
    for digit in digits {
        trailing_zeros = if digit == b'0' { trailing_zeros + 1 } else { 0 };
    }
    let significant = len - trailing_zeros;
    if significant > 38 {
        return Err(format!(
            "{significant} significant digits (DynamoDB keeps at most 38)"
        ));
    }
    // Decimal exponent of the leading significant digit.
    let magnitude = point.saturating_sub(1);
    if magnitude >= 126 {
        return Err("a magnitude of 1e126 or more (DynamoDB's limit)".to_owned());
    }
    if magnitude < -130 {
        return Err("a magnitude below 1e-130 (DynamoDB's limit)".to_owned());
    }
    Ok(())
}

/// The one text DynamoDB keeps for a number, whatever text it was sent: plain decimal, no sign
/// on zero, no leading zeros, no trailing zeros after the point, the exponent folded in
/// (`-0` and `0.000` are `0`, `007` is `7`, `1.50` is `1.5`, `1.5E+2` is `150`, `1E-3` is
/// `0.001`). Two number texts name the same key exactly when their normal forms are equal.
///
/// A number beyond DynamoDB's magnitudes (which it refuses to store) keeps its exponent
/// (`1E+200`), so that the text stays short; it still names one number. `None` for text that
/// is not a decimal number.
pub(crate) fn normal_number(text: &str) -> Option<String> {
    let decimal = Decimal::parse(text)?;
    let Some((digits, _, point)) = decimal.significant() else {
        return Some("0".to_owned());
    };
    let mut digits: Vec<u8> = digits.collect();
    while digits.last() == Some(&b'0') {
        digits.pop();
    }
    let len = digits.len() as i64;
    let mut out = String::with_capacity(digits.len() + 8);
    if decimal.negative {
        out.push('-');
    }
    let push_digits = |out: &mut String, digits: &[u8]| {
        out.extend(digits.iter().map(|&d| char::from(d)));
    };
    // DynamoDB's magnitudes: from 1e-130 (point -129) to below 1e126 (point 126).
    if !(-129..=126).contains(&point) {
        push_digits(&mut out, &digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            push_digits(&mut out, &digits[1..]);
        }
        out.push('E');
        out.push_str(&(point.saturating_sub(1)).to_string());
    } else if point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', point.unsigned_abs() as usize));
        push_digits(&mut out, &digits);
    } else if point >= len {
        push_digits(&mut out, &digits);
        out.extend(std::iter::repeat_n('0', (point - len) as usize));
    } else {
        let (whole, fraction) = digits.split_at(point as usize);
        push_digits(&mut out, whole);
        out.push('.');
        push_digits(&mut out, fraction);
    }
    Some(out)
}

/// The shortest decimal text that reads back as `value` (Rust's `Display`, never an exponent),
/// formatted on the stack and allocated once at its exact length.
fn float_text(value: &impl std::fmt::Display) -> String {
    use std::fmt::Write;

    /// A fixed buffer; `Err` when the text does not fit.
    struct Stack {
        buffer: [u8; 48],
        len: usize,
    }

    impl Write for Stack {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            let end = self.len + s.len();
            let slot = self.buffer.get_mut(self.len..end).ok_or(std::fmt::Error)?;
            slot.copy_from_slice(s.as_bytes());
            self.len = end;
            Ok(())
        }
    }

    let mut stack = Stack {
        buffer: [0; 48],
        len: 0,
    };
    match write!(stack, "{value}") {
        // Only whole `str`s were copied in, so the bytes are UTF-8.
        Ok(()) => String::from_utf8_lossy(&stack.buffer[..stack.len]).into_owned(),
        // Long texts (magnitudes beyond 1e47 or below 1e-40) are rare: let `String` grow.
        Err(_) => value.to_string(),
    }
}

/// The decimal text of an integer that cannot exceed DynamoDB's 38 digits.
fn integer_text(value: impl itoa::Integer) -> String {
    itoa::Buffer::new().format(value).to_owned()
}

/// Parses DynamoDB's decimal text as an integer, accepting an integral `1.000` or `1E+2` form.
/// `None` for anything that is not a decimal number, is not integral, or does not fit `T`.
fn parse_integer<T: std::str::FromStr>(text: &str) -> Option<T> {
    // The plain form first: what this crate and DynamoDB write for an integer.
    if let Ok(v) = text.parse::<T>() {
        return Some(v);
    }
    let decimal = Decimal::parse(text)?;
    let Some((digits, len, point)) = decimal.significant() else {
        return "0".parse().ok();
    };
    // No integer type holds more than 39 digits; this also bounds the text built below.
    if !(1..=40).contains(&point) {
        return None;
    }
    let point = point as usize;
    let mut whole = String::with_capacity(point + 1);
    if decimal.negative {
        whole.push('-');
    }
    let mut digits = digits;
    for _ in 0..point {
        whole.push(char::from(digits.next().unwrap_or(b'0')));
    }
    // Whatever is after the decimal point must be zeros.
    if len > point && !digits.all(|b| b == b'0') {
        return None;
    }
    whole.parse().ok()
}

macro_rules! integer_codec {
    ($($t:ty),*) => {$(
        impl IntoAttributeValue for $t {
            fn to_attribute_value(&self) -> Result<Option<AttributeValue>, EncodeError> {
                let mut buffer = itoa::Buffer::new();
                let text = buffer.format(*self);
                // Only 128-bit values can exceed 38 digits.
                if text.len() > 38 {
                    check_number(text).map_err(|why| EncodeError::new(format!("{self} has {why}")))?;
                }
                Ok(Some(AttributeValue::N(text.to_owned())))
            }
        }

        impl FromNumber for $t {
            fn from_number(n: &str) -> Result<Self, DecodeError> {
                parse_integer::<$t>(n).ok_or_else(|| {
                    DecodeError::invalid_value(concat!("an integer that fits ", stringify!($t)), n)
                })
            }
        }

        impl FromAttributeValue for $t {
            fn from_attribute_value(value: AttributeValue) -> Result<Self, DecodeError> {
                match value {
                    AttributeValue::N(n) => <$t as FromNumber>::from_number(&n),
                    other => Err(DecodeError::wrong_type("a number (N)", &other)),
                }
            }
            /// Integer text as an integer writes it is read directly; any other the long way.
            fn from_key_value(value: AttributeValue) -> Result<Self, DecodeError> {
                match &value {
                    AttributeValue::N(n) if canonical_integer(n) => {
                        <$t as FromNumber>::from_number(n)
                    }
                    _ => round_trip_key(value),
                }
            }
            fn from_value_source<S: ValueSource>(source: S) -> Result<Self, DecodeError> {
                source.decode(Number::<$t>(std::marker::PhantomData))
            }
        }

        impl KeyAttribute for $t {
            const SCALAR_TYPE: ScalarType = ScalarType::Number;
        }

        impl TtlAttribute for $t {}

        impl VersionAttribute for $t {
            fn next(self) -> Self {
                self.saturating_add(1)
            }
            fn is_initial(self) -> bool {
                self == 0
            }
        }

        impl SetElement for $t {
            const KIND: SetKind = SetKind::Number;
            fn to_set_entry(&self) -> Result<SetEntry, EncodeError> {
                match IntoAttributeValue::to_attribute_value(self)? {
                    Some(AttributeValue::N(n)) => Ok(SetEntry::Text(n)),
                    _ => Err(EncodeError::new("a number did not encode as N")),
                }
            }
            fn from_set_entry(entry: SetEntry) -> Result<Self, DecodeError> {
                Self::from_attribute_value(entry.into_number())
            }
        }
    )*};
}

integer_codec!(i16, i32, i64, i128, isize, u16, u32, u64, u128, usize);

// `i8` and `u8` are written out: `u8` must make `Vec<u8>` binary.
macro_rules! byte_codec {
    ($($t:ty),*) => {$(
        impl KeyAttribute for $t {
            const SCALAR_TYPE: ScalarType = ScalarType::Number;
        }
        impl TtlAttribute for $t {}
        impl VersionAttribute for $t {
            fn next(self) -> Self {
                self.saturating_add(1)
            }
            fn is_initial(self) -> bool {
                self == 0
            }
        }
        impl FromNumber for $t {
            fn from_number(n: &str) -> Result<Self, DecodeError> {
                parse_integer::<$t>(n).ok_or_else(|| {
                    DecodeError::invalid_value(concat!("an integer that fits ", stringify!($t)), n)
                })
            }
        }

        impl FromAttributeValue for $t {
            fn from_attribute_value(value: AttributeValue) -> Result<Self, DecodeError> {
                match value {
                    AttributeValue::N(n) => <$t as FromNumber>::from_number(&n),
                    other => Err(DecodeError::wrong_type("a number (N)", &other)),
                }
            }
            fn from_value_source<S: ValueSource>(source: S) -> Result<Self, DecodeError> {
                source.decode(Number::<$t>(std::marker::PhantomData))
            }
            fn vec_from_attribute_value(value: AttributeValue) -> Result<Vec<Self>, DecodeError> {
                <$t as ByteVec>::decode_vec(value)
            }
            fn vec_from_value_source<S: ValueSource>(source: S) -> Result<Vec<Self>, DecodeError> {
                <$t as ByteVec>::decode_vec(source.value()?)
            }
            fn vec_from_missing() -> Option<Vec<Self>> {
                <$t as ByteVec>::missing_vec()
            }
        }
        impl IntoAttributeValue for $t {
            fn to_attribute_value(&self) -> Result<Option<AttributeValue>, EncodeError> {
                Ok(Some(AttributeValue::N(integer_text(*self))))
            }
            fn slice_to_attribute_value(items: &[Self]) -> Result<Option<AttributeValue>, EncodeError> {
                <$t as ByteVec>::encode_slice(items)
            }
        }
    )*};
}

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

byte_codec!(i8, u8);

impl SetElement for i8 {
    const KIND: SetKind = SetKind::Number;
    fn to_set_entry(&self) -> Result<SetEntry, EncodeError> {
        Ok(SetEntry::Text(integer_text(*self)))
    }
    fn from_set_entry(entry: SetEntry) -> Result<Self, DecodeError> {
        Self::from_attribute_value(entry.into_number())
    }
}

impl SetElement for u8 {
    const KIND: SetKind = SetKind::Number;
    fn to_set_entry(&self) -> Result<SetEntry, EncodeError> {
        Ok(SetEntry::Text(integer_text(*self)))
    }
    fn from_set_entry(entry: SetEntry) -> Result<Self, DecodeError> {
        Self::from_attribute_value(entry.into_number())
    }
}

/// Whether the mantissa of a decimal text has a digit other than 0.
fn has_nonzero_digit(text: &str) -> bool {
    text.split(['e', 'E'])
        .next()
        .is_some_and(|m| m.bytes().any(|b| matches!(b, b'1'..=b'9')))
}

macro_rules! float_codec {
    ($($t:ty),*) => {$(
        impl IntoAttributeValue for $t {
            fn to_attribute_value(&self) -> Result<Option<AttributeValue>, EncodeError> {
                if !self.is_finite() {
                    return Err(EncodeError::new(format!(
                        "{self} is not a finite number; DynamoDB numbers cannot be NaN or infinite"
                    )));
                }
                let text = float_text(self);
                // Well inside DynamoDB's range (every finite f32 is), the text needs no check:
                // a float has at most 17 significant digits.
                let magnitude = f64::from(self.abs());
                if !(magnitude == 0.0 || (1e-129..1e125).contains(&magnitude)) {
                    check_number(&text)
                        .map_err(|why| EncodeError::new(format!("{self:e} has {why}")))?;
                }
                Ok(Some(AttributeValue::N(text)))
            }
        }

        impl FromNumber for $t {
            fn from_number(n: &str) -> Result<Self, DecodeError> {
                match n.parse::<$t>() {
                    // A non-zero number too small for the type would read as 0: refuse it,
                    // as a number too large is refused.
                    Ok(v) if v.is_finite() && (v != 0.0 || !has_nonzero_digit(n)) => Ok(v),
                    _ => Err(DecodeError::invalid_value(
                        concat!("a finite number that fits ", stringify!($t)),
                        n,
                    )),
                }
            }
        }

        impl FromAttributeValue for $t {
            fn from_attribute_value(value: AttributeValue) -> Result<Self, DecodeError> {
                match value {
                    AttributeValue::N(n) => <$t as FromNumber>::from_number(&n),
                    other => Err(DecodeError::wrong_type("a number (N)", &other)),
                }
            }
            fn from_value_source<S: ValueSource>(source: S) -> Result<Self, DecodeError> {
                source.decode(Number::<$t>(std::marker::PhantomData))
            }
        }

        impl KeyAttribute for $t {
            const SCALAR_TYPE: ScalarType = ScalarType::Number;
        }

        impl SetElement for $t {
            const KIND: SetKind = SetKind::Number;
            fn to_set_entry(&self) -> Result<SetEntry, EncodeError> {
                match IntoAttributeValue::to_attribute_value(self)? {
                    Some(AttributeValue::N(n)) => Ok(SetEntry::Text(n)),
                    _ => Err(EncodeError::new("a number did not encode as N")),
                }
            }
            fn from_set_entry(entry: SetEntry) -> Result<Self, DecodeError> {
                Self::from_attribute_value(entry.into_number())
            }
        }
    )*};
}

float_codec!(f32, f64);

// ---------------------------------------------------------------------------------------------
// Binary

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

// ---------------------------------------------------------------------------------------------
// Containers

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

// ---------------------------------------------------------------------------------------------
// Sets

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
    fn into_number(self) -> AttributeValue {
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
    let entries: Vec<SetEntry> = match (T::KIND, value) {
        (SetKind::String, AttributeValue::Ss(v)) | (SetKind::Number, AttributeValue::Ns(v)) => {
            v.into_iter().map(SetEntry::Text).collect()
        }
        (SetKind::Binary, AttributeValue::Bs(v)) => v
            .into_iter()
            .map(|b| SetEntry::Bytes(b.into_inner()))
            .collect(),
        (kind, other) => {
            let expected = match kind {
                SetKind::String => "a string set (SS)",
                SetKind::Number => "a number set (NS)",
                SetKind::Binary => "a binary set (BS)",
            };
            return Err(DecodeError::wrong_type(expected, &other));
        }
    };
    entries
        .into_iter()
        .enumerate()
        .map(|(i, e)| T::from_set_entry(e).map_err(|e| e.at_index(i)))
        .collect()
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

// ---------------------------------------------------------------------------------------------
// List elements

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

// ---------------------------------------------------------------------------------------------
// Raw attribute values pass through untouched.

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

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the `number` fuzz target (fuzz/): a 39-digit integer key in the form integers
    /// are written was read by the fast path, though it cannot be written back (DynamoDB keeps
    /// 38 digits). A key must decode only when it writes back as the same key.
    #[test]
    fn fuzz_number_integer_keys_beyond_38_digits_do_not_decode() {
        let crash = b"340282366920938463463374607431768211455";
        let text = std::str::from_utf8(crash).unwrap();
        let key = AttributeValue::N(text.to_owned());
        assert!(
            u128::from_attribute_value(key.clone()).is_ok(),
            "an attribute reads"
        );
        let err = decode_key::<u128>(key).unwrap_err();
        assert!(err.to_string().contains("cannot be written back"), "{err}");
        let min = AttributeValue::N(i128::MIN.to_string());
        assert!(decode_key::<i128>(min).is_err());
        // 39 digits that DynamoDB keeps (38 of them zeros) still make a key.
        let wide = 10u128.pow(38);
        assert_eq!(
            decode_key::<u128>(AttributeValue::N(wide.to_string())),
            Ok(wide)
        );
        assert_eq!(decode_key::<u128>(AttributeValue::N("12".into())), Ok(12));
    }

    #[test]
    fn number_limits() {
        assert!(check_number("0").is_ok());
        assert!(check_number("-12.50").is_ok());
        assert!(check_number(&"9".repeat(38)).is_ok());
        assert!(check_number(&"9".repeat(39)).is_err());
        assert!(check_number(&format!("1{}", "0".repeat(125))).is_ok());
        assert!(check_number(&format!("1{}", "0".repeat(126))).is_err());
        assert!(check_number("1e-130").is_ok());
        assert!(check_number("1e-131").is_err());
        assert!(check_number("123e9223372036854775807").is_err());
        assert!(check_number("0.0001e-9223372036854775808").is_err());
        assert!(check_number("12abc").is_err());
    }

    #[test]
    fn normal_numbers() {
        for (text, normal) in [
            ("0", "0"),
            ("-0", "0"),
            ("+0.000", "0"),
            ("0e99999999999999999999", "0"),
            ("007", "7"),
            ("-007.500", "-7.5"),
            ("1.50", "1.5"),
            ("1.5E+2", "150"),
            ("1.5e2", "150"),
            ("15E-1", "1.5"),
            ("1E-3", "0.001"),
            ("0.001", "0.001"),
            ("100", "100"),
            ("1e2", "100"),
            ("123.456e1", "1234.56"),
            (".5", "0.5"),
            ("5.", "5"),
        ] {
            assert_eq!(normal_number(text).as_deref(), Some(normal), "{text}");
        }
        // DynamoDB's extremes are written out in full.
        let tiny = normal_number("1e-130").unwrap();
        assert_eq!(tiny, format!("0.{}1", "0".repeat(129)));
        let big = normal_number("9.9e125").unwrap();
        assert_eq!(big, format!("99{}", "0".repeat(124)));
        let digits38 = "12345678901234567890123456789012345678";
        assert_eq!(
            normal_number(&format!("{digits38}e-38")).unwrap(),
            format!("0.{digits38}")
        );
        // Beyond them the exponent stays, and the text stays short.
        assert_eq!(normal_number("1e-131").as_deref(), Some("1E-131"));
        assert_eq!(normal_number("-12.5e200").as_deref(), Some("-1.25E201"));
        assert!(normal_number("1e9223372036854775807").unwrap().len() < 24);
        for garbage in ["", "-", "1e", "abc", "NaN", "1.2.3"] {
            assert_eq!(normal_number(garbage), None, "{garbage:?}");
        }
    }

    #[test]
    fn integral_forms() {
        assert_eq!(parse_integer::<i64>("12"), Some(12));
        assert_eq!(parse_integer::<i64>("12.000"), Some(12));
        assert_eq!(parse_integer::<i64>("1.2E+1"), Some(12));
        assert_eq!(parse_integer::<i64>("-3e2"), Some(-300));
        assert_eq!(parse_integer::<i64>("1.5"), None);
        assert_eq!(parse_integer::<u8>("256"), None);
        assert_eq!(parse_integer::<u8>("-1"), None);
        assert_eq!(parse_integer::<i64>("NaN"), None);
        assert_eq!(parse_integer::<i64>("1e999999999999"), None);
        assert_eq!(parse_integer::<i64>("0e999999999999999999999"), Some(0));
        assert_eq!(parse_integer::<i64>("0.00012e5"), Some(12));
        // Not numbers at all: these used to read as 0.
        for garbage in ["", "-", "+", ".", "e5", "-e1", "1e", "1e+", "--1"] {
            assert_eq!(parse_integer::<i64>(garbage), None, "{garbage:?}");
        }
        // Exponents at the edge of i64 must not overflow.
        assert_eq!(parse_integer::<i64>("11e9223372036854775807"), None);
        assert_eq!(parse_integer::<i64>("1e-9223372036854775808"), None);
    }

    fn lists(levels: usize) -> AttributeValue {
        let mut value = AttributeValue::S("x".into());
        for _ in 0..levels {
            value = AttributeValue::L(vec![AttributeValue::N("1".into()), value]);
        }
        value
    }

    #[test]
    fn nesting_is_checked_at_the_limit_and_names_the_path() {
        // The item is level 1: an attribute holds 31 lists, 32 levels in all (both local
        // servers accept 31 and refuse 32, which is DynamoDB's "32 levels").
        assert_eq!(nesting_depth(&lists(31), 1), 32);
        assert!(check_nesting(&lists(31)).is_ok());
        let err = check_nesting(&lists(32)).unwrap_err().at("d");
        assert_eq!(err.limit(), Some(crate::error::Limit::NestingDepth));
        assert_eq!(
            err.exceeded(),
            Some((crate::error::Limit::NestingDepth, 33))
        );
        // The 32nd list, whose contents are level 33: `d` and 31 `[1]`s.
        assert_eq!(err.path(), format!("d{}", "[1]".repeat(31)));
        assert!(err.to_string().contains("33 levels"), "{err}");
        // Maps count as lists do, and a value set deeper in a path counts its path.
        let mut map = AttributeValue::S("x".into());
        for _ in 0..29 {
            map = AttributeValue::M([("k".to_owned(), map)].into());
        }
        assert!(check_nesting_at(&map, 3).is_ok());
        let err = check_nesting_at(&map, 4).unwrap_err();
        assert_eq!(err.path(), "k.".repeat(28).trim_end_matches('.'));
        // Scalars and sets are no level of their own.
        assert!(check_nesting_at(&AttributeValue::Ss(vec!["a".into()]), 32).is_ok());
    }

    #[test]
    fn nesting_of_any_depth_is_measured_without_recursion() {
        // Deep enough to overflow a recursive walk on a test thread's stack; the value is
        // taken apart by hand below, since dropping it is recursive too.
        let depth = 200_000;
        let value = lists(depth);
        assert_eq!(nesting_depth(&value, 1), depth + 1);
        let err = check_nesting(&value).unwrap_err();
        assert_eq!(err.exceeded().map(|e| e.1), Some(depth + 1));
        let mut value = value;
        while let AttributeValue::L(mut items) = value {
            value = items.pop().unwrap();
        }
    }
}
