//! Optimistic locking with `#[dynamo(version)]`.
//!
//! A model with a version field is written only if the stored item is the one it was read
//! from:
//!
//! | write | condition added | version stored |
//! |---|---|---|
//! | `put` of a model at version 0 (never stored) | the item does not exist | 1 |
//! | `put` of a model at version n | stored version = n | n + 1 |
//! | `delete(&item)` of a model at version n | stored version = n | (deleted) |
//! | key `update(...).if_version(n)` | stored version = n | n + 1 |
//! | key `delete(...).if_version(n)` | stored version = n | (deleted) |
//!
//! A lost race is [`Error::ConditionalCheckFailed`](crate::Error::ConditionalCheckFailed), like
//! any other failed condition
//! ([`Error::Unconfirmed`](crate::Error::Unconfirmed) when an earlier attempt
//! of the write got no answer or a 5xx: the check may have failed against the write's own
//! result). A put takes the model as `&mut M` and, once it succeeded, the model holds the
//! stored version, so the same value can be put again; a put that fails leaves it as it was.
//! The same holds for the puts of a transaction (once it committed) and of a checked
//! `batch_put` (for the puts written: see [`BatchPut`](crate::BatchPut)).

pub use crate::model::VersionValues;
