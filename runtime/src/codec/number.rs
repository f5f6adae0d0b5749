//! Numbers (N): the integer and float codecs, their text, and decoding from number text.

use aws_sdk_dynamodb::types::AttributeValue;

use super::decimal::{Decimal, check_number};
use super::key::{canonical_integer, round_trip_key};
use super::{
    ByteVec, FromAttributeValue, IntoAttributeValue, KeyAttribute, ScalarType, SetElement,
    SetEntry, SetKind, TtlAttribute, ValueDecoder, ValueSource, VersionAttribute,
};
use crate::error::{DecodeError, EncodeError};

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
pub(super) fn integer_text(value: impl itoa::Integer) -> String {
    itoa::Buffer::new().format(value).to_owned()
}

/// Parses DynamoDB's decimal text as an integer, accepting an integral `1.000` or `1E+2` form.
/// `None` for anything that is not a decimal number, is not integral, or does not fit `T`.
pub(super) fn parse_integer<T: std::str::FromStr>(text: &str) -> Option<T> {
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
    if decimal.is_negative() {
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

/// Whether number text names a number other than zero.
fn is_nonzero(text: &str) -> bool {
    Decimal::parse(text).is_some_and(|decimal| !decimal.is_zero())
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
                    Ok(v) if v.is_finite() && (v != 0.0 || !is_nonzero(n)) => Ok(v),
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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn floats_refuse_a_nonzero_number_that_reads_as_zero() {
        for zero in ["0", "-0", "0.000e-400", "+0e99999999999999999999"] {
            assert_eq!(f64::from_number(zero), Ok(0.0), "{zero}");
        }
        for tiny in ["1e-400", "-0.0001e-320"] {
            assert!(f64::from_number(tiny).is_err(), "{tiny}");
        }
        assert!(f32::from_number("1e-50").is_err());
    }
}
