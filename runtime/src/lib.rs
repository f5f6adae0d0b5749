//! The runtime of [dynamo-types](https://crates.io/crates/dynamo-types): the client, the codec
//! traits the derive calls, the table handle and query objects, and the one error type.
//!
//! Use it through the `dynamo-types` crate, which re-exports all of it with the derive.
//!
//! # Layout
//!
//! From the bottom up: each group builds on those listed before it. (A few small uses go the
//! other way: `model` names `query::ReadItem`, `codec::parts` uses the key helpers of
//! `query/keys.rs`, `error` carries `query`'s cursor error; and the entry points named last.)
//!
//! - `error` (the one [`Error`]), `codec` (Rust values to attribute values, one file per kind
//!   of value; `decimal` is the one reader of DynamoDB number text), `model` (the
//!   [`DynamoModel`] trait and the schema the derive generates), `client`, `retry`,
//!   `telemetry` (the tracing spans of requests).
//! - `expr`: typed paths, conditions, update actions, and their rendering with placeholders.
//! - `table`: the [`TableRef`] handle; creating, describing and verifying the live table.
//! - `query`: reads (`get`, `batch_get`, query and scan through one request loop, `plan.rs`;
//!   pages, cursors, projections) and keys as values (`query/keys.rs`).
//! - `write`: single writes (`write/single/`), batches, transactions, the writer, writes
//!   addressed by key (`write/by_key.rs`), item sizes, versions and timestamps.
//! - `stream`: typed change events, records, the router, the consumer; `lambda`, `local`.
//! - `entity`: single-table design: the shared table's schema, key template encoding
//!   (`entity/template.rs`), the checks generated code evaluates at compile time, collections
//!   (it names `query`, `expr` and `stream::Router` names it).
//!
//! The entry points of reads, writes and streams (`table.writer()`, `table.get(key)`,
//! `client.transact_write()`, `table.consumer(name)`) are inherent methods written next to the
//! builders they return, so that `table` and `client` do not depend on the modules above them.

mod client;
pub mod codec;
pub mod entity;
mod error;
pub mod expr;
#[cfg(feature = "lambda")]
pub mod lambda;
#[cfg(feature = "local")]
pub mod local;
mod model;
mod query;
mod retry;
pub mod stream;
mod table;
mod telemetry;
pub mod write;

pub use client::{Client, ENDPOINT_ENV, STREAMS_ENDPOINT_ENV};
pub use codec::{
    FromAttributeValue, IntoAttributeValue, IntoKey, IntoKeyParts, Item, KeyAttribute, KeyParts,
    KeyRole, ListElement, MAX_NESTING_DEPTH, PrefixKey, ScalarType, SetElement, Timestamp,
    TtlAttribute, VersionAttribute,
};
pub use error::{
    BoxError, CancellationReason, DecodeError, DecodeErrorKind, EncodeError, Error, Limit, Result,
};
pub use expr::{
    AttributeType, Condition, KeyPath, MAX_EXPRESSION_LENGTH, Path, Placeholders, Updatable, Update,
};
pub use model::{
    Billing, Capacity, DynamoModel, IndexKind, IndexSchema, KeyAttr, KeySchema, ModelKey,
    Projection, RangeKeySchema, StreamView, TableClass, TableOptions, TableSchema, Tag,
};
#[cfg(feature = "sealed-cursors")]
pub use query::CursorKey;
#[doc(hidden)]
pub use query::GetDecoder;
#[doc(hidden)]
pub use query::{AfterRangeOperator, NoSortKeyAttributeLeft};
pub use query::{
    BatchGet, BatchGetFull, ByKey, ByKeyRef, ByParts, Collection, ConsistentSource,
    ConsumedCapacity, Count, Cursor, CursorError, DynamoProjection, FullGlobalSecondaryIndex,
    FullKeyArg, FullPrimaryKey, Get, HashGlobalSecondaryIndex, HashKeyArg, HashPrimaryKey,
    IndexCollection, IntoRange, ItemOf, KeyOf, KeySchemaOf, LocalSecondaryIndex, ModelOf, Page,
    ParallelScan, Query, RangeCondition, RangeKeySchemaOf, ReadItem, ReadSource, Scan, ScanCursor,
    ScanPage, SortKey, SortKeyRange, WithConsumedCapacity,
};
pub use retry::RetryPolicy;
pub use stream::{StreamEvent, StreamModel};
pub use table::{SchemaDifference, TableDescription, TableRef};
pub use telemetry::TARGET as TRACING_TARGET;
pub use write::{
    BatchDelete, BatchPut, ConditionCheck, Delete, IntoTransactAction, MAX_ITEM_SIZE,
    MAX_TRANSACTION_ACTIONS, Put, ReturnAllNew, ReturnAllOld, ReturnNothing, ReturnUpdatedNew,
    ReturnUpdatedOld, Returns, TimestampValues, TransactAction, TransactGet, TransactGetTuple,
    TransactWrite, UpdateItem, VersionValues, Writer, item_size,
};

/// The crate's internal number and key functions, for the fuzz targets in `fuzz/` only: built
/// under `--cfg fuzzing` (which `cargo fuzz` sets), never otherwise.
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod __fuzz {
    use aws_sdk_dynamodb::types::AttributeValue;

    /// The one text DynamoDB keeps for a number; `None` for text that is no decimal number.
    pub fn normal_number(text: &str) -> Option<String> {
        crate::codec::normal_number(text)
    }

    /// Checks a number's text against DynamoDB's limits.
    pub fn check_number(text: &str) -> Result<(), String> {
        crate::codec::check_number(text)
    }

    /// The bytes of a key value's identity (equal exactly when DynamoDB takes two values for
    /// the same key); `None` unless it is a string, number or binary value.
    pub fn key_identity(value: &AttributeValue) -> Option<Vec<u8>> {
        crate::codec::KeyIdentity::of_value(value).map(|id| id.0)
    }
}

/// What generated code refers to. Not a public API: it changes without notice.
#[doc(hidden)]
pub mod __private {
    pub use aws_sdk_dynamodb;
    pub use aws_sdk_dynamodb::types::AttributeValue;
    pub use core;
    pub use std::collections::HashMap;
    pub use std::string::String;
    pub use std::vec::Vec;

    pub use crate::client::Client;
    pub use crate::codec::IntoKey;
    pub use crate::codec::field;
    pub use crate::codec::serde_bridge;
    pub use crate::codec::{
        FieldSource, FromAttributeValue, IntoAttributeValue, Item, KeyAttribute, KeyField,
        KeyParts, ListElement, ListSource, MapSource, Nested, NumberText, OpenList, OpenMap,
        PrefixKey, ScalarType, SetElement, SetEntry, SetKind, SetSource, StringText, Timestamp,
        TtlAttribute, ValueDecoder, ValueSource, VersionAttribute,
    };
    pub use crate::codec::{KeyRole, check_key_value, check_nesting, decode_key};
    pub use crate::entity;
    pub use crate::error::{DecodeError, EncodeError};
    pub use crate::expr::{Condition, Update};
    pub use crate::expr::{KeyPath, Path};
    pub use crate::model::{
        Billing, Capacity, DynamoModel, IndexKind, IndexSchema, KeyAttr, KeySchema, ModelKey,
        Projection, RangeKeySchema, StreamView, TableClass, TableOptions, TableSchema, Tag,
        hash_scalar, range_scalar,
    };
    pub use crate::query::{BatchGet, Collection, IndexCollection, RangeCondition};
    pub use crate::query::{
        Column, DynamoProjection, FullGlobalSecondaryIndex, FullPrimaryKey,
        HashGlobalSecondaryIndex, HashPrimaryKey, LocalSecondaryIndex, ProjectionSource, ReadItem,
        ReadsAs,
    };
    pub use crate::stream;
    pub use crate::table::TableRef;
    pub use crate::write::{TimestampValues, VersionValues};
    #[cfg(feature = "serde")]
    pub use serde;
    pub use std::time::SystemTime;

    /// Stands in for the key of a model whose derive failed, so that the real error is the
    /// only one shown.
    #[derive(Debug, Clone, PartialEq)]
    pub struct FallbackKey;

    impl ModelKey for FallbackKey {
        fn to_key_item(&self) -> Result<Item, EncodeError> {
            Err(EncodeError::new("the model failed to derive"))
        }
        fn from_key_item(_: &Item) -> Result<Self, DecodeError> {
            Err(DecodeError::custom("the model failed to derive"))
        }
    }
}
