//! What a field may serve as besides a value: a time to live ([`TtlAttribute`]) or an
//! optimistic-locking version ([`VersionAttribute`]).

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
