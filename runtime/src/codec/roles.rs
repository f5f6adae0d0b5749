//! What a field may serve as besides a value: a time to live ([`TtlAttribute`]), an
//! optimistic-locking version ([`VersionAttribute`]) or a timestamp the writer sets
//! ([`Timestamp`]).

use aws_sdk_dynamodb::types::AttributeValue;

use super::IntoAttributeValue;
use crate::error::EncodeError;

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
