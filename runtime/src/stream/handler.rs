//! Handlers: what runs for each record.
//!
//! - [`Handler<M>`]: takes every decoded [`Record`] of model `M`. Implement it on a type, or
//!   pass an `async` closure `|record: Record<PostEvent>| async move { ... }`.
//! - [`TableHandler<M>`]: one closure per kind (`on_insert`, `on_modify`, `on_remove`), each
//!   given exactly what that kind carries under the model's view type, and `on_record` for the
//!   kinds without one of their own. Kinds handled by neither are acknowledged and skipped (the
//!   records still have to decode: a malformed record is an error whatever its kind).
//! - [`Dispatch`]: takes raw records, decodes and routes them. [`TableHandler`] and
//!   [`Router`](super::Router) implement it; Lambda's `handle` and `run` and the stream
//!   consumer take one.
//!
//! A handler's error is never swallowed: it comes back as [`Error::Handler`] with the record's
//! sequence number, and whoever called the handler stops there.

use std::future::Future;
use std::sync::Arc;

use futures::future::BoxFuture;

use crate::error::{BoxError, Error, Result};

use super::record::{
    Change, EventKind, EventOf, InsertOf, ModifyOf, RawRecord, Record, RemoveOf, StreamEvent,
    StreamModel,
};

/// Handles every decoded record of model `M`.
///
/// Implemented for `async` closures taking a `Record<EventOf<M>>`, for [`TableHandler<M>`], and
/// for `Arc`s of handlers. Records of one shard are handed over one at a time, in order: the
/// next record waits until this one succeeded.
pub trait Handler<M: StreamModel>: Send + Sync {
    /// Handles one record. An error stops processing at this record.
    fn handle(
        &self,
        record: Record<EventOf<M>>,
    ) -> impl Future<Output = Result<(), BoxError>> + Send;
}

impl<M, F, Fut, E> Handler<M> for F
where
    M: StreamModel,
    F: Fn(Record<EventOf<M>>) -> Fut + Send + Sync,
    Fut: Future<Output = Result<(), E>> + Send,
    E: Into<BoxError>,
{
    fn handle(
        &self,
        record: Record<EventOf<M>>,
    ) -> impl Future<Output = Result<(), BoxError>> + Send {
        let future = self(record);
        async move { future.await.map_err(Into::into) }
    }
}

impl<M: StreamModel, H: Handler<M> + ?Sized> Handler<M> for Arc<H> {
    fn handle(
        &self,
        record: Record<EventOf<M>>,
    ) -> impl Future<Output = Result<(), BoxError>> + Send {
        (**self).handle(record)
    }
}

/// Takes raw records: decodes each into the right model's event and runs its handler.
///
/// Implemented by [`TableHandler`] (one model) and [`Router`](super::Router) (several tables or
/// models). The Lambda adapter and the stream consumer drive one.
pub trait Dispatch: Send + Sync {
    /// Decodes and handles one record. A record that does not decode, that no route takes, or
    /// that its handler fails on is an error naming the record's sequence number.
    fn dispatch(&self, record: RawRecord) -> BoxFuture<'_, Result<()>>;
}

impl<D: Dispatch + ?Sized> Dispatch for Arc<D> {
    fn dispatch(&self, record: RawRecord) -> BoxFuture<'_, Result<()>> {
        (**self).dispatch(record)
    }
}

impl<D: Dispatch + ?Sized> Dispatch for &D {
    fn dispatch(&self, record: RawRecord) -> BoxFuture<'_, Result<()>> {
        (**self).dispatch(record)
    }
}

type KindFn<P> = Box<dyn Fn(Record<P>) -> BoxFuture<'static, Result<(), BoxError>> + Send + Sync>;
type RecordFn<M> = KindFn<EventOf<M>>;

/// Handlers per kind of event for one model, like the seed's `TableHandler`: from
/// `PostEvent::handler()` or `TableHandler::<Post>::new()`.
///
/// Each closure gets a [`Record`] whose `event` is what its kind carries under the model's view
/// type (for `new_and_old_images`: [`New`](super::New) for inserts,
/// [`OldAndNew`](super::OldAndNew) for modifications, [`RemovedItem`](super::RemovedItem) for
/// removals).
///
/// ```
/// # use dynamo_types_runtime as dynamo_types;
/// # use dynamo_types::stream::{Record, StreamModel, TableHandler};
/// # fn handler<Post: StreamModel<View = dynamo_types::stream::NewAndOldImages> + std::fmt::Debug>() -> TableHandler<Post> {
/// TableHandler::<Post>::new()
///     .on_insert(|record| async move {
///         println!("new: {:?}", record.event.new);
///         Ok::<_, dynamo_types::Error>(())
///     })
///     .on_remove(|record| async move {
///         if record.event.expired {
///             println!("expired: {:?}", record.event.old);
///         }
///         Ok::<_, dynamo_types::Error>(())
///     })
/// # }
/// ```
pub struct TableHandler<M: StreamModel> {
    insert: Option<KindFn<InsertOf<M>>>,
    modify: Option<KindFn<ModifyOf<M>>>,
    remove: Option<KindFn<RemoveOf<M>>>,
    record: Option<RecordFn<M>>,
    table: String,
}

impl<M: StreamModel> Default for TableHandler<M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<M: StreamModel> std::fmt::Debug for TableHandler<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TableHandler")
            .field("table", &self.table)
            .field("insert", &self.insert.is_some())
            .field("modify", &self.modify.is_some())
            .field("remove", &self.remove.is_some())
            .field("record", &self.record.is_some())
            .finish()
    }
}

fn boxed<P, F, Fut, E>(f: F) -> KindFn<P>
where
    F: Fn(Record<P>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), E>> + Send + 'static,
    E: Into<BoxError>,
{
    Box::new(move |record| {
        let future = f(record);
        Box::pin(async move { future.await.map_err(Into::into) })
    })
}

impl<M: StreamModel> TableHandler<M> {
    /// A handler that handles nothing yet: add closures per kind.
    pub fn new() -> Self {
        TableHandler {
            insert: None,
            modify: None,
            remove: None,
            record: None,
            table: M::SCHEMA.table.to_owned(),
        }
    }

    /// Puts `prefix` in front of the model's table name, as a client's table prefix does: the
    /// records a Lambda function receives must come from that table.
    pub fn table_prefix(mut self, prefix: impl Into<String>) -> Self {
        let mut table = prefix.into();
        table.push_str(M::SCHEMA.table);
        self.table = table;
        self
    }

    /// The full name of the table this handler serves (with the prefix).
    pub fn table(&self) -> &str {
        &self.table
    }

    /// A record from another table than this handler's is refused rather than decoded as its
    /// model (it could fit by chance). Records that name no table pass.
    /// The full name of the table this handler serves (with its prefix).
    #[cfg(feature = "lambda")]
    pub(crate) fn table_name(&self) -> &str {
        &self.table
    }

    pub(crate) fn check_table(
        &self,
        table: Option<&str>,
        sequence_number: Option<&str>,
    ) -> Result<()> {
        match table {
            Some(table) if table != self.table => Err(Error::Unrouted {
                sequence_number: sequence_number.map(str::to_owned),
                reason: format!(
                    "the record is from table `{table}`, and this handler serves `{}` (a table prefix is set with `table_prefix`)",
                    self.table
                ),
            }),
            _ => Ok(()),
        }
    }

    /// Runs `f` for every `INSERT`.
    pub fn on_insert<F, Fut, E>(mut self, f: F) -> Self
    where
        F: Fn(Record<InsertOf<M>>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
        E: Into<BoxError>,
    {
        self.insert = Some(boxed(f));
        self
    }

    /// Runs `f` for every `MODIFY`.
    pub fn on_modify<F, Fut, E>(mut self, f: F) -> Self
    where
        F: Fn(Record<ModifyOf<M>>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
        E: Into<BoxError>,
    {
        self.modify = Some(boxed(f));
        self
    }

    /// Runs `f` for every `REMOVE`: deletions, and TTL expiries (`event.expired`).
    pub fn on_remove<F, Fut, E>(mut self, f: F) -> Self
    where
        F: Fn(Record<RemoveOf<M>>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
        E: Into<BoxError>,
    {
        self.remove = Some(boxed(f));
        self
    }

    /// Runs `f` with the whole typed record for every kind that has no handler of its own (for
    /// every record, when no `on_*` kind handler is set).
    pub fn on_record<F, Fut, E>(mut self, f: F) -> Self
    where
        F: Fn(Record<EventOf<M>>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
        E: Into<BoxError>,
    {
        self.record = Some(boxed(f));
        self
    }

    /// Whether a record of this kind would run a closure (otherwise it is skipped).
    pub fn handles(&self, kind: EventKind) -> bool {
        self.has_own(kind) || self.record.is_some()
    }

    fn has_own(&self, kind: EventKind) -> bool {
        match kind {
            EventKind::Insert => self.insert.is_some(),
            EventKind::Modify => self.modify.is_some(),
            EventKind::Remove => self.remove.is_some(),
        }
    }

    fn run(&self, record: Record<EventOf<M>>) -> BoxFuture<'static, Result<(), BoxError>> {
        let skip = || -> BoxFuture<'static, Result<(), BoxError>> { Box::pin(async { Ok(()) }) };
        if !self.has_own(record.event.kind()) {
            return self.record.as_ref().map_or_else(skip, |f| f(record));
        }
        let (event, meta) = record.split();
        match event.into_change() {
            Change::Insert(p) => self.insert.as_ref().map_or_else(skip, |f| f(meta.with(p))),
            Change::Modify(p) => self.modify.as_ref().map_or_else(skip, |f| f(meta.with(p))),
            Change::Remove(p) => self.remove.as_ref().map_or_else(skip, |f| f(meta.with(p))),
        }
    }
}

impl<M: StreamModel> Handler<M> for TableHandler<M> {
    fn handle(
        &self,
        record: Record<EventOf<M>>,
    ) -> impl Future<Output = Result<(), BoxError>> + Send {
        self.run(record)
    }
}

impl<M: StreamModel> Dispatch for TableHandler<M> {
    fn dispatch(&self, record: RawRecord) -> BoxFuture<'_, Result<()>> {
        if let Err(e) = self.check_table(record.table(), record.sequence_number.as_deref()) {
            return Box::pin(async move { Err(e) });
        }
        Box::pin(handle_raw::<M, _>(self, record))
    }
}

/// Decodes a raw record as `M`'s event and runs `handler` on it.
pub(crate) async fn handle_raw<M: StreamModel, H: Handler<M> + ?Sized>(
    handler: &H,
    record: RawRecord,
) -> Result<()> {
    let record = EventOf::<M>::from_raw(record)?;
    let sequence_number = Some(record.sequence_number.clone());
    handler
        .handle(record)
        .await
        .map_err(|source| Error::Handler {
            sequence_number,
            source,
        })
}
