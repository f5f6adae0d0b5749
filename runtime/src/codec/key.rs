//! Key attributes: the types a key can have ([`KeyAttribute`], [`ScalarType`]), decoding a
//! key only in the form its type writes ([`decode_key`]), and the checks DynamoDB makes of
//! a key value ([`KeyRole`], [`check_key_value`]).

use aws_sdk_dynamodb::types::AttributeValue;

use super::{FromAttributeValue, IntoAttributeValue, same_key_value};
use crate::error::{DecodeError, EncodeError};

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
pub(super) fn round_trip_key<T>(value: AttributeValue) -> Result<T, DecodeError>
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
pub(super) fn canonical_integer(text: &str) -> bool {
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
}
