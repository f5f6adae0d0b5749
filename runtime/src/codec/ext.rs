//! Codecs for types of optional crates: `chrono`, `time`, `uuid` (each behind its feature) and
//! the serde bridge (feature `serde`).

#[cfg(any(feature = "chrono", feature = "time", feature = "uuid"))]
use aws_sdk_dynamodb::types::AttributeValue;

#[cfg(any(feature = "chrono", feature = "time", feature = "uuid"))]
use super::{FromAttributeValue, IntoAttributeValue, KeyAttribute, PrefixKey, ScalarType};
#[cfg(any(feature = "chrono", feature = "time", feature = "uuid"))]
use crate::error::{DecodeError, EncodeError};

/// Implements the codec for a type stored as a string (S) through `to_string` and a parser.
#[cfg(any(feature = "chrono", feature = "time", feature = "uuid"))]
macro_rules! string_codec {
    ($t:ty, $expected:literal, |$v:ident| $encode:expr, |$s:ident| $decode:expr) => {
        impl IntoAttributeValue for $t {
            fn to_attribute_value(&self) -> Result<Option<AttributeValue>, EncodeError> {
                let $v = self;
                let text: Result<String, EncodeError> = $encode;
                Ok(Some(AttributeValue::S(text?)))
            }
        }

        impl FromAttributeValue for $t {
            fn from_attribute_value(value: AttributeValue) -> Result<Self, DecodeError> {
                match value {
                    AttributeValue::S($s) => {
                        let parsed: Option<$t> = $decode;
                        parsed.ok_or_else(|| DecodeError::invalid_value($expected, &$s))
                    }
                    other => Err(DecodeError::wrong_type("a string (S)", &other)),
                }
            }
        }

        impl KeyAttribute for $t {
            const SCALAR_TYPE: ScalarType = ScalarType::String;
        }
        impl PrefixKey for $t {}
    };
}

// Timestamps are RFC 3339 strings in UTC with all nine fractional digits, so that the text
// order of a sort key is the time order. RFC 3339 has four-digit years only: an instant outside
// years 0000-9999 is an encode error rather than a string that would not parse back.
#[cfg(any(feature = "chrono", feature = "time"))]
fn check_year(year: i32) -> Result<(), EncodeError> {
    if (0..=9999).contains(&year) {
        Ok(())
    } else {
        Err(EncodeError::new(format!(
            "year {year} is outside 0000-9999, which RFC 3339 and YYYY-MM-DD text can hold"
        )))
    }
}

#[cfg(feature = "chrono")]
string_codec!(
    chrono::DateTime<chrono::Utc>,
    "an RFC 3339 timestamp",
    |v| {
        check_year(chrono::Datelike::year(v))?;
        Ok(v.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true))
    },
    |s| chrono::DateTime::parse_from_rfc3339(&s)
        .ok()
        .map(|d| d.with_timezone(&chrono::Utc))
);

/// `Timestamp` for an instant type and for it in an `Option`.
#[cfg(any(feature = "chrono", feature = "time"))]
macro_rules! timestamp {
    ($t:ty) => {
        impl super::Timestamp for $t {
            fn at(now: std::time::SystemTime) -> Self {
                <$t>::from(now)
            }
            fn is_unset(&self) -> bool {
                false
            }
        }

        impl super::Timestamp for Option<$t> {
            fn at(now: std::time::SystemTime) -> Self {
                Some(<$t>::from(now))
            }
            fn is_unset(&self) -> bool {
                self.is_none()
            }
        }
    };
}

#[cfg(feature = "chrono")]
timestamp!(chrono::DateTime<chrono::Utc>);

#[cfg(feature = "chrono")]
string_codec!(
    chrono::NaiveDate,
    "a date as YYYY-MM-DD",
    |v| {
        use chrono::Datelike;
        check_year(v.year())?;
        Ok(format!("{:04}-{:02}-{:02}", v.year(), v.month(), v.day()))
    },
    |s| chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()
);

#[cfg(feature = "time")]
string_codec!(
    time::OffsetDateTime,
    "an RFC 3339 timestamp",
    |v| {
        // The same text as for chrono: UTC, `Z`, nine fractional digits (time's own Rfc3339
        // formatter drops trailing zeros, which breaks text order).
        let v = v.checked_to_offset(time::UtcOffset::UTC).ok_or_else(|| {
            EncodeError::new("the instant in UTC is outside the years time supports")
        })?;
        check_year(v.year())?;
        Ok(format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z",
            v.year(),
            u8::from(v.month()),
            v.day(),
            v.hour(),
            v.minute(),
            v.second(),
            v.nanosecond()
        ))
    },
    |s| time::OffsetDateTime::parse(&s, &time::format_description::well_known::Rfc3339).ok()
);

#[cfg(feature = "time")]
timestamp!(time::OffsetDateTime);

#[cfg(feature = "uuid")]
string_codec!(
    uuid::Uuid,
    "a UUID",
    |v| Ok(v.hyphenated().to_string()),
    |s| uuid::Uuid::parse_str(&s).ok()
);

/// The serde bridge: `#[dynamo(serde)]` on a field stores it through `serde_dynamo`.
#[cfg(feature = "serde")]
#[doc(hidden)]
pub mod serde_bridge {
    use aws_sdk_dynamodb::types::AttributeValue;

    use crate::error::{DecodeError, EncodeError};

    /// Encodes any `Serialize` value. Its numbers keep DynamoDB's limits, as the crate's own
    /// codec's do: serde_dynamo writes any float's text (`NaN`, `inf`, `1e300` written out),
    /// which DynamoDB would refuse, failing the whole request (in a batch, its 24 other writes
    /// too).
    pub fn encode<T: serde::Serialize>(value: &T) -> Result<Option<AttributeValue>, EncodeError> {
        let av: serde_dynamo::AttributeValue =
            serde_dynamo::to_attribute_value(value).map_err(EncodeError::new)?;
        let av: AttributeValue = av.into();
        check_numbers(&av)?;
        Ok(match av {
            AttributeValue::Null(true) => None,
            other => Some(other),
        })
    }

    /// Checks every number in `value` against DynamoDB's limits (38 significant digits,
    /// magnitudes from 1e-130 to below 1e126), naming the path of the first one outside them.
    fn check_numbers(value: &AttributeValue) -> Result<(), EncodeError> {
        let check = |n: &str| {
            crate::codec::check_number(n).map_err(|why| {
                EncodeError::new(format!("`{n}` is not a number DynamoDB can store: {why}"))
            })
        };
        match value {
            AttributeValue::N(n) => check(n),
            AttributeValue::Ns(members) => members
                .iter()
                .enumerate()
                .try_for_each(|(i, n)| check(n).map_err(|e| e.at_index(i))),
            AttributeValue::L(list) => list
                .iter()
                .enumerate()
                .try_for_each(|(i, v)| check_numbers(v).map_err(|e| e.at_index(i))),
            AttributeValue::M(map) => map
                .iter()
                .try_for_each(|(k, v)| check_numbers(v).map_err(|e| e.at(k))),
            _ => Ok(()),
        }
    }

    /// Decodes any `Deserialize` value.
    pub fn decode<T: serde::de::DeserializeOwned>(value: AttributeValue) -> Result<T, DecodeError> {
        serde_dynamo::from_attribute_value(value).map_err(DecodeError::custom)
    }

    /// The value of an absent attribute: what serde makes of `NULL` (`None` for an `Option`).
    pub fn decode_missing<T: serde::de::DeserializeOwned>() -> Option<T> {
        serde_dynamo::from_attribute_value(AttributeValue::Null(true)).ok()
    }

    /// Decodes a model's attribute, as [`FromAttributeValue::from_item_attribute`](crate::FromAttributeValue::from_item_attribute)
    /// does: a `NULL` of a `#[dynamo(default)]` field (`default`) is `Ok(None)`, no value;
    /// otherwise serde reads `NULL` as it reads an absent attribute.
    pub fn decode_attribute<T: serde::de::DeserializeOwned>(
        value: AttributeValue,
        default: bool,
    ) -> Result<Option<T>, DecodeError> {
        match value {
            AttributeValue::Null(true) if default => Ok(None),
            other => decode(other).map(Some),
        }
    }
}

/// Stands in for the serde bridge when the `serde` feature is off, so that
/// `#[dynamo(serde)]` is one error on the field's type that says which feature to turn on.
#[cfg(not(feature = "serde"))]
#[doc(hidden)]
pub mod serde_bridge {
    use aws_sdk_dynamodb::types::AttributeValue;

    use crate::error::{DecodeError, EncodeError};

    /// Implemented by nothing: the bound of every stand-in below.
    #[diagnostic::on_unimplemented(
        message = "`#[dynamo(serde)]` needs the `serde` feature of dynamo-types",
        label = "this field is stored through serde_dynamo",
        note = "add `features = [\"serde\"]` to the `dynamo-types` dependency in Cargo.toml"
    )]
    pub trait SerdeFeatureIsOff {}

    /// Stand-in for the bridge's `encode`.
    pub fn encode<T: SerdeFeatureIsOff>(_: &T) -> Result<Option<AttributeValue>, EncodeError> {
        Err(EncodeError::new("the `serde` feature is off"))
    }

    /// Stand-in for the bridge's `decode`.
    pub fn decode<T: SerdeFeatureIsOff>(_: AttributeValue) -> Result<T, DecodeError> {
        Err(DecodeError::custom("the `serde` feature is off"))
    }

    /// Stand-in for the bridge's `decode_missing`.
    pub fn decode_missing<T: SerdeFeatureIsOff>() -> Option<T> {
        None
    }

    /// Stand-in for the bridge's `decode_attribute`.
    pub fn decode_attribute<T: SerdeFeatureIsOff>(
        _: AttributeValue,
        _: bool,
    ) -> Result<Option<T>, DecodeError> {
        Err(DecodeError::custom("the `serde` feature is off"))
    }
}
