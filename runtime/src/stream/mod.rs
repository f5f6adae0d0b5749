//! Typed stream (CDC) events: DynamoDB Streams records decoded into each model's own event.
//!
//! A model declaring `stream = "..."` gets a `{Model}Event` enum whose variants and fields
//! follow the view type, so the types never promise an image the stream does not carry:
//!
//! | view type | `Insert` | `Modify` | `Remove` |
//! |---|---|---|---|
//! | `new_and_old_images` | `{ new }` | `{ old, new }` | `{ old, expired }` |
//! | `new_image` | `{ new }` | `{ new }` | `{ key, expired }` |
//! | `old_image` | `{ key }` | `{ old }` | `{ old, expired }` |
//! | `keys_only` | `{ key }` | `{ key }` | `{ key, expired }` |
//!
//! `expired` is true when DynamoDB's TTL process deleted the item. Records come as
//! [`Record<PostEvent>`](Record), decoded by [`StreamEvent`] from a Lambda event
//! (`from_lambda`, feature `lambda`), from `aws-sdk-dynamodbstreams` (`from_streams`) or from a
//! Kinesis payload (`from_kinesis`); [`TableHandler`] runs closures per kind, [`Router`] serves
//! several tables or models from one function, and the `lambda` module (feature `lambda`)
//! reports Lambda's partial batch failures. The crate's README shows a handler end to end.

pub mod consumer;
pub(crate) mod convert;
#[cfg(feature = "lambda")]
pub mod filter;
mod handler;
#[cfg(feature = "json")]
pub(crate) mod json;
mod record;
mod router;
#[cfg(feature = "lambda")]
pub mod testing;
#[cfg(feature = "lambda")]
mod typed_lambda;

pub use handler::{Dispatch, Handler, TableHandler};
#[cfg(feature = "json")]
pub use json::{Batch, EventBatch};
pub use record::{
    Change, ChangeOf, EventKind, EventOf, Images, InsertOf, KeyOnly, KeysOnly, ModifyOf, New,
    NewAndOldImages, NewImage, Old, OldAndNew, OldImage, Payload, RawRecord, Record, RemoveOf,
    RemovedItem, RemovedKey, StreamEvent, StreamModel, UserIdentity, ViewType, table_from_arn,
};
pub use router::{Router, RouterBuilder};

pub use crate::error::{BoxError, Image, RecordError};
