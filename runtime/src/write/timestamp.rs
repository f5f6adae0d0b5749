//! Timestamps with `#[dynamo(created_at)]` and `#[dynamo(updated_at)]`.
//!
//! A field marked `created_at` or `updated_at` (a `chrono::DateTime<chrono::Utc>` with the
//! feature `chrono`, a `time::OffsetDateTime` with the feature `time`, either plain or in an
//! `Option`) is set by the writer. Each write takes the time once, so `created_at` and
//! `updated_at` are equal on the write that creates an item.
//!
//! | write | `updated_at` | `created_at` |
//! |---|---|---|
//! | `put`, `replace`, `batch_put`, a transaction's put | now | now when the model says the item is new (below), else the model's value |
//! | `put_if_absent` (also in a transaction) | now | now |
//! | `update` by key (also in a transaction) | `SET` to now | `SET created_at = if_not_exists(created_at, now)`: set when the update creates the item, never changed after |
//!
//! A whole-item write takes the item as new when it is a `put_if_absent`, when the model is
//! versioned (`#[dynamo(version)]`) and at its initial version (the put requires that no item
//! exists), or when the `created_at` field is an `Option` holding `None` (a model never
//! stored). Otherwise it writes the `created_at` the model holds, which is right for a model
//! that was read: the stored time is written back. A put replaces the whole item, so a `put` of
//! a model you built rather than read replaces a stored `created_at` too (with now for a
//! `None`, with the model's value for a plain field): only `put_if_absent`, which refuses to
//! overwrite, and `update`, which never changes a stored `created_at`, keep it.
//!
//! After a successful put (single, in a transaction once it committed, or in a batch for the
//! items written: see [`BatchPut`](crate::BatchPut)), the model holds the times stored, as it
//! holds the stored version: put it again and what is stored is what it says. A put that fails
//! leaves the model as it was.
//!
//! An update that names a timestamp attribute itself (`set`, `set_if_not_exists`, `remove`,
//! ...) keeps that action, and the writer adds none for that attribute: that is how to
//! correct or backfill a time.

pub use crate::model::TimestampValues;
