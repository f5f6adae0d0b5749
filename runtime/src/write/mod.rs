//! Writes: the [`Writer`] of a table, single writes with typed conditions and return values,
//! updates by key, batch writes, optimistic locking ([`version`]), timestamps
//! ([`timestamp`]), and transactions.
//!
//! Every operation is a builder that implements `IntoFuture`: await it directly, after adding
//! options with its methods. The sketch below is runnable in the README and the guide of the
//! `dynamo-types` crate docs.
//!
//! ```text
//! let w = posts.writer();
//! w.put(&mut post).await?;                  // `post` then holds what was stored
//! w.put(&mut post).condition(Post::fields().like_count.gt(3)).await?;
//! let old: Option<Post> = w.put(&mut post).return_all_old().await?;
//! w.put_if_absent(&mut post).await?;          // create, fail if it exists
//! w.delete(&post).await?;
//! w.batch_put(&mut many).await?;
//! let pk = posts.primary_key();
//! pk.delete("blog-1", "p-1").await?;
//! pk.update("blog-1", "p-1", Post::update().add(&f.like_count, 1)).await?;
//! ```

pub mod batch;
mod by_key;
mod single;
mod size;
pub mod timestamp;
mod transaction;
pub mod version;
mod written;

use std::marker::PhantomData;

use aws_sdk_dynamodb::types::ReturnValue;

use crate::codec::Item;
use crate::error::{Error, Result};
use crate::model::DynamoModel;
use crate::retry::RetryPolicy;
use crate::table::TableRef;

use single::PutKind;

pub use batch::{BatchDelete, BatchPut};
pub use single::{Delete, Put, UpdateItem};
pub use size::{MAX_ITEM_SIZE, item_size};
pub use timestamp::TimestampValues;
pub use transaction::{
    ConditionCheck, IntoTransactAction, MAX_TRANSACTION_ACTIONS, TransactAction, TransactGet,
    TransactGetTuple, TransactWrite,
};
pub use version::VersionValues;

/// Writes items of model `M` to its table: from `table.writer()`. Cheap to clone.
pub struct Writer<M> {
    table: TableRef<M>,
    retry: RetryPolicy,
}

impl<M> Clone for Writer<M> {
    fn clone(&self) -> Self {
        Writer {
            table: self.table.clone(),
            retry: self.retry,
        }
    }
}

impl<M> std::fmt::Debug for Writer<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer")
            .field("table", &self.table)
            .field("retry", &self.retry)
            .finish()
    }
}

impl<M: DynamoModel> TableRef<M> {
    /// The writer of this table: put, delete and batch writes of whole items.
    pub fn writer(&self) -> Writer<M> {
        Writer {
            table: self.clone(),
            retry: RetryPolicy::default(),
        }
    }
}

impl<M: DynamoModel> Writer<M> {
    /// The table this writes to.
    pub fn table(&self) -> &TableRef<M> {
        &self.table
    }

    /// The retry and concurrency settings of this writer's batch writes.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// `PutItem`: stores `item`, replacing any item with the same key. Once stored, `item`
    /// holds what was written (see [`Put`]), so the same value can be put again.
    ///
    /// With `#[dynamo(version)]`, the put is conditional: a model at version 0 is only stored
    /// when no item has its key, a model at version n only when the stored version is n, and
    /// the stored version is n + 1, which `item` then holds.
    pub fn put<'a>(&self, item: &'a mut M) -> Put<'a, M> {
        Put::new(self.table.clone(), item, PutKind::Put)
    }

    /// A put that only creates: it fails with [`Error::ConditionalCheckFailed`] when an item
    /// with the same key exists.
    /// ([`Error::Unconfirmed`] when an earlier attempt got no answer or a 5xx.)
    pub fn put_if_absent<'a>(&self, item: &'a mut M) -> Put<'a, M> {
        Put::new(self.table.clone(), item, PutKind::IfAbsent)
    }

    /// A put that only replaces: it fails with [`Error::ConditionalCheckFailed`] when no item
    /// with the same key exists.
    /// ([`Error::Unconfirmed`] when an earlier attempt got no answer or a 5xx.)
    pub fn replace<'a>(&self, item: &'a mut M) -> Put<'a, M> {
        Put::new(self.table.clone(), item, PutKind::Replace)
    }

    /// `DeleteItem` of `item`'s key. With `#[dynamo(version)]`, only when the stored version
    /// is `item`'s.
    pub fn delete(&self, item: &M) -> Delete<M> {
        Delete::of_item(self.table.clone(), item)
    }

    /// `BatchWriteItem` of many puts: see [`BatchPut`]. Each item written holds what was
    /// stored, as after [`put`](Self::put).
    pub fn batch_put<'a>(&self, items: impl IntoIterator<Item = &'a mut M>) -> BatchPut<'a, M> {
        BatchPut::new(self.table.clone(), self.retry, items)
    }
}

/// What a write returns: chosen with the builder's `return_*` methods.
pub trait Returns<M>: Send + 'static {
    /// The awaited value.
    type Output: Send + 'static;
    /// The `ReturnValues` parameter.
    #[doc(hidden)]
    fn return_value() -> Option<ReturnValue>;
    /// Builds the output from the returned attributes.
    #[doc(hidden)]
    fn output(attributes: Option<Item>) -> Result<Self::Output>;
}

/// Return nothing (the default).
#[derive(Debug, Clone, Copy)]
pub struct ReturnNothing;
/// Return the whole item as it was before the write, decoded (`None` when there was none).
#[derive(Debug, Clone, Copy)]
pub struct ReturnAllOld;
/// Return the whole item as it is after the update, decoded.
#[derive(Debug, Clone, Copy)]
pub struct ReturnAllNew;
/// Return only the updated attributes as they were before, as a raw item (a part of a model
/// cannot be decoded into the model).
#[derive(Debug, Clone, Copy)]
pub struct ReturnUpdatedOld;
/// Return only the updated attributes as they are after, as a raw item.
#[derive(Debug, Clone, Copy)]
pub struct ReturnUpdatedNew;

fn decode_whole<M: DynamoModel>(attributes: Option<Item>) -> Result<Option<M>> {
    match attributes {
        Some(item) if !item.is_empty() => Ok(Some(M::from_item(item)?)),
        _ => Ok(None),
    }
}

impl<M> Returns<M> for ReturnNothing {
    type Output = ();
    fn return_value() -> Option<ReturnValue> {
        None
    }
    fn output(_: Option<Item>) -> Result<()> {
        Ok(())
    }
}

impl<M: DynamoModel> Returns<M> for ReturnAllOld {
    type Output = Option<M>;
    fn return_value() -> Option<ReturnValue> {
        Some(ReturnValue::AllOld)
    }
    fn output(attributes: Option<Item>) -> Result<Option<M>> {
        decode_whole(attributes)
    }
}

impl<M: DynamoModel> Returns<M> for ReturnAllNew {
    type Output = Option<M>;
    fn return_value() -> Option<ReturnValue> {
        Some(ReturnValue::AllNew)
    }
    fn output(attributes: Option<Item>) -> Result<Option<M>> {
        decode_whole(attributes)
    }
}

impl<M> Returns<M> for ReturnUpdatedOld {
    type Output = Item;
    fn return_value() -> Option<ReturnValue> {
        Some(ReturnValue::UpdatedOld)
    }
    fn output(attributes: Option<Item>) -> Result<Item> {
        Ok(attributes.unwrap_or_default())
    }
}

impl<M> Returns<M> for ReturnUpdatedNew {
    type Output = Item;
    fn return_value() -> Option<ReturnValue> {
        Some(ReturnValue::UpdatedNew)
    }
    fn output(attributes: Option<Item>) -> Result<Item> {
        Ok(attributes.unwrap_or_default())
    }
}

/// Marks builders' model parameter without owning one.
pub(crate) type Marker<T> = PhantomData<fn() -> T>;

impl Error {
    /// The item carried by a failed condition (asked for with `return_old_on_failure()`),
    /// decoded as `M`, also when the failure is the source of an [`Error::Unconfirmed`].
    /// `None` when the error is another one or carries no item.
    pub fn current_item<M: DynamoModel>(&self) -> Option<Result<M>> {
        match self {
            Error::ConditionalCheckFailed { item: Some(item) } if !item.is_empty() => {
                Some(M::from_item(item.as_ref().clone()).map_err(Error::from))
            }
            Error::Unconfirmed { source } => source.current_item(),
            _ => None,
        }
    }
}
