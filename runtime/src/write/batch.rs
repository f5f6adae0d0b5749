//! Batch writes: `BatchWriteItem` in requests of 25, run concurrently (bounded), with the
//! unprocessed remainder retried with exponential backoff and jitter.
//!
//! Guarantees:
//! - two writes to the same key in one call are refused before anything is sent
//!   ([`Error::Validation`] naming the key), as is an item over a limit
//!   ([`Error::LimitExceeded`]);
//! - nothing is dropped silently: when retries run out, [`Error::BatchWriteIncomplete`] holds
//!   the write requests not written (`unprocessed`) and those whose request got no answer (or
//!   a server error) and were not confirmed since (`unconfirmed`: they may or may not have been written); when a
//!   request fails for good (a missing table, say), [`Error::BatchWriteFailed`] holds the error
//!   and the same two lists;
//! - a batch is not atomic: requests other than the ones returned in the error were written;
//! - throttling, server errors and requests without an answer are retried with the call's
//!   [`RetryPolicy`] only (the SDK's own retry is off for batch calls), and the last error is
//!   kept as the source of the incomplete error.
//!
//! `BatchWriteItem` takes no conditions, so it cannot check a `#[dynamo(version)]`. A
//! `batch_put` of a versioned model is refused unless it is [`checked`](BatchPut::checked):
//! then it goes out as `TransactWriteItems` of up to 100 puts (and 4 MB) each, every put with
//! its version check, so that a stored version never moves backwards (an unconditional write of
//! a stale copy would store an older version + 1, and a still older snapshot would then pass
//! its check). A `batch_delete` of a versioned model needs `.skip_version_check()` (it deletes
//! whatever version is stored).

use std::collections::HashSet;
use std::future::IntoFuture;

use aws_sdk_dynamodb::types::{DeleteRequest, PutRequest, WriteRequest};
use futures::StreamExt;

use super::Marker;
use super::single::{Put, PutKind};
use super::size::{check_item_size, check_key_values};
use super::transaction::MAX_TRANSACTION_ACTIONS;
use super::written::WriteBack;
use crate::client::Client;
use crate::codec::{Item, KeyIdentity};
use crate::error::{Error, Result};
use crate::model::{DynamoModel, TableSchema};
use crate::query::keys::{describe_key, key_of, table_key_identity};
use crate::query::{ConsumedCapacity, WithConsumedCapacity};
use crate::retry::RetryPolicy;
use crate::table::TableRef;
use crate::telemetry;

use futures::future::BoxFuture;

/// The most write requests one `BatchWriteItem` takes.
const BATCH_WRITE_SIZE: usize = 25;

/// Many puts, from [`Writer::batch_put`](crate::Writer::batch_put). Await it. See the
/// [module docs](self) for what is guaranteed.
///
/// Each model written holds what was stored once the call returns, as after a single
/// [`put`](crate::Writer::put): the next version, the `updated_at` time (and `created_at` where
/// the put set it). When the call fails, the models whose write is confirmed hold what was
/// stored and the others are as they were:
/// - [`Error::BatchWriteIncomplete`] and [`Error::BatchWriteFailed`]: every model but those
///   whose request is in the error's `unprocessed` or `unconfirmed` list was written (an
///   `unconfirmed` one may have been written too, and is left as it was);
/// - [`Error::BatchPutStopped`] (a [`checked`](Self::checked) put): the first `written`
///   models;
/// - any other error (a duplicate key, an item over a limit) is found before sending: nothing
///   was written, no model changed.
#[must_use = "a write does nothing until it is awaited"]
pub struct BatchPut<'a, M> {
    table: TableRef<M>,
    retry: RetryPolicy,
    puts: Vec<Put<'a, M>>,
    checked: bool,
    _model: Marker<M>,
}

/// The most a `TransactWriteItems` call holds: 100 actions, 4 MB of items.
const TRANSACTION_BYTES: usize = 4 * 1024 * 1024;

impl<'a, M: DynamoModel> BatchPut<'a, M> {
    pub(crate) fn new(
        table: TableRef<M>,
        retry: RetryPolicy,
        items: impl IntoIterator<Item = &'a mut M>,
    ) -> Self {
        let puts = items
            .into_iter()
            .map(|m| Put::new(table.clone(), m, PutKind::Put))
            .collect();
        BatchPut {
            table,
            retry,
            puts,
            checked: false,
            _model: Marker::default(),
        }
    }

    /// The retry and concurrency settings of this call (for `BatchWriteItem`; a checked put's
    /// transactions retry as any single request does).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Writes with every put's conditions, version checks included: as `TransactWriteItems`
    /// of up to 100 puts (and 4 MB) each, in the order given, one transaction after the other.
    /// Each transaction is all or nothing; a failed one stops the call with
    /// [`Error::BatchPutStopped`], which says how many puts (the first ones) were written. A
    /// transaction costs twice the write capacity of the same puts in a batch. Needed for a
    /// versioned model.
    pub fn checked(mut self) -> Self {
        self.checked = true;
        self
    }

    /// Also returns the write capacity the puts consumed: see [`WithConsumedCapacity`].
    pub fn return_consumed_capacity(self) -> WithConsumedCapacity<Self> {
        WithConsumedCapacity(self)
    }

    async fn run(self, capacity: bool) -> Result<Option<ConsumedCapacity>> {
        {
            if self.checked {
                return put_checked(self.table.client(), self.puts, capacity).await;
            }
            if let Some(version) = M::SCHEMA.version {
                return Err(Error::Validation(format!(
                    "batch_put on table `{}`: the model is versioned (`#[dynamo(version)]` on `{version}`), and BatchWriteItem cannot check versions; say `.checked()` to write in transactions that check each version",
                    M::SCHEMA.table
                )));
            }
            let table = self.table.name().to_owned();
            let mut requests = Vec::new();
            let mut written = Vec::with_capacity(self.puts.len());
            for put in self.puts {
                let (item, back) = put.into_item();
                let item = item?;
                let key = key_of(&M::SCHEMA, &item);
                written.push((table_key_identity(&M::SCHEMA, &key), back));
                let key_text = || describe_key(&M::SCHEMA, &key);
                check_key_values(&M::SCHEMA, &table, &key_text, &item)?;
                check_item_size(&table, &key_text, &item)?;
                let put = PutRequest::builder()
                    .set_item(Some(item))
                    .build()
                    .map_err(Error::from)?;
                requests.push((key, WriteRequest::builder().put_request(put).build()));
            }
            let result = write_all(
                self.table.client(),
                &table,
                &M::SCHEMA,
                requests,
                self.retry,
                capacity,
            )
            .await;
            write_back_confirmed::<M>(&result, written);
            result
        }
    }
}

/// After a `BatchWriteItem` run: the models whose put is confirmed written take what was
/// stored. On success that is all of them; on a failure after sending, all but those whose
/// request the error lists (not written, or not confirmed); on a failure before sending, none.
fn write_back_confirmed<M: DynamoModel>(
    result: &Result<Option<ConsumedCapacity>>,
    written: Vec<(Option<KeyIdentity>, WriteBack<'_, M>)>,
) {
    let pending: HashSet<KeyIdentity> = match result {
        Ok(_) => HashSet::new(),
        Err(
            Error::BatchWriteIncomplete {
                unprocessed,
                unconfirmed,
                ..
            }
            | Error::BatchWriteFailed {
                unprocessed,
                unconfirmed,
                ..
            },
        ) => unprocessed
            .iter()
            .chain(unconfirmed)
            .filter_map(|request| request.put_request())
            .filter_map(|put| table_key_identity(&M::SCHEMA, put.item()))
            .collect(),
        Err(_) => return,
    };
    for (identity, back) in written {
        if identity.is_some_and(|identity| !pending.contains(&identity)) {
            back.apply();
        }
    }
}

impl<'a, M: DynamoModel> IntoFuture for BatchPut<'a, M> {
    type Output = Result<()>;
    type IntoFuture = BoxFuture<'a, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move { self.run(false).await.map(|_| ()) })
    }
}

impl<'a, M: DynamoModel> IntoFuture for WithConsumedCapacity<BatchPut<'a, M>> {
    type Output = Result<Option<ConsumedCapacity>>;
    type IntoFuture = BoxFuture<'a, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.0.run(true))
    }
}

/// Many deletes by key, from a primary key's `batch_delete`. Await it. See the
/// [module docs](self) for what is guaranteed. Deleting a key that holds no item succeeds.
#[must_use = "a write does nothing until it is awaited"]
pub struct BatchDelete<M> {
    table: TableRef<M>,
    retry: RetryPolicy,
    keys: Result<Vec<Item>>,
    skip_version_check: bool,
}

impl<M: DynamoModel> BatchDelete<M> {
    pub(crate) fn new(table: TableRef<M>, retry: RetryPolicy, keys: Result<Vec<Item>>) -> Self {
        BatchDelete {
            table,
            retry,
            keys,
            skip_version_check: false,
        }
    }

    /// The retry and concurrency settings of this call.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// For a versioned model: deletes whatever version is stored (a batch cannot check
    /// versions).
    pub fn skip_version_check(mut self) -> Self {
        self.skip_version_check = true;
        self
    }
}

impl<M: DynamoModel> BatchDelete<M> {
    /// Also returns the write capacity the deletes consumed: see [`WithConsumedCapacity`].
    pub fn return_consumed_capacity(self) -> WithConsumedCapacity<Self> {
        WithConsumedCapacity(self)
    }

    async fn run(self, capacity: bool) -> Result<Option<ConsumedCapacity>> {
        {
            refuse_versioned::<M>("batch_delete", self.skip_version_check)?;
            let table = self.table.name().to_owned();
            let mut requests = Vec::new();
            for key in self.keys? {
                let delete = DeleteRequest::builder()
                    .set_key(Some(key.clone()))
                    .build()
                    .map_err(Error::from)?;
                requests.push((key, WriteRequest::builder().delete_request(delete).build()));
            }
            write_all(
                self.table.client(),
                &table,
                &M::SCHEMA,
                requests,
                self.retry,
                capacity,
            )
            .await
        }
    }
}

impl<M: DynamoModel> IntoFuture for BatchDelete<M> {
    type Output = Result<()>;
    type IntoFuture = BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move { self.run(false).await.map(|_| ()) })
    }
}

impl<M: DynamoModel> IntoFuture for WithConsumedCapacity<BatchDelete<M>> {
    type Output = Result<Option<ConsumedCapacity>>;
    type IntoFuture = BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.0.run(true))
    }
}

/// The puts in transactions of up to 100 puts and 4 MB, one after the other.
///
/// Each transaction writes back into its models once it committed.
async fn put_checked<M: DynamoModel>(
    client: &Client,
    puts: Vec<Put<'_, M>>,
    capacity: bool,
) -> Result<Option<ConsumedCapacity>> {
    // Every put is checked before the first transaction goes: a put refused later would leave
    // the call half written.
    let puts = puts
        .into_iter()
        .map(Put::validated)
        .collect::<Result<Vec<_>>>()?;
    let mut seen = HashSet::with_capacity(puts.len());
    for put in &puts {
        let key = put.key();
        if let Some(identity) = table_key_identity(&M::SCHEMA, &key)
            && !seen.insert(identity)
        {
            return Err(Error::Validation(format!(
                "the checked batch put writes the key {} of table `{}` twice; nothing was sent",
                describe_key(&M::SCHEMA, &key),
                M::SCHEMA.table
            )));
        }
    }
    let mut written = 0;
    let mut consumed = None;
    let mut puts = puts.into_iter().peekable();
    while puts.peek().is_some() {
        let mut transaction = client.transact_write();
        let (mut count, mut bytes) = (0, 0);
        while let Some(put) = puts.next_if(|put| {
            count < MAX_TRANSACTION_ACTIONS
                && (count == 0 || bytes + put.item_size() <= TRANSACTION_BYTES)
        }) {
            count += 1;
            bytes += put.item_size();
            transaction = transaction.action(put);
        }
        match transaction.run(capacity).await {
            Ok(units) => consumed = ConsumedCapacity::sum(consumed, units),
            Err(source) => {
                return Err(Error::BatchPutStopped {
                    written,
                    source: Box::new(source),
                });
            }
        }
        written += count;
    }
    Ok(consumed)
}

fn refuse_versioned<M: DynamoModel>(what: &str, skip: bool) -> Result<()> {
    match M::SCHEMA.version {
        Some(version) if !skip => Err(Error::Validation(format!(
            "{what} on table `{}`: the model is versioned (`#[dynamo(version)]` on `{version}`), and BatchWriteItem cannot check versions; delete one item at a time with its version, or opt in to deleting whatever version is stored with `.skip_version_check()`",
            M::SCHEMA.table
        ))),
        _ => Ok(()),
    }
}

/// Runs `requests` (each with its key) against `table`: duplicate check, chunks of 25, bounded
/// concurrency, retries of the unprocessed remainder.
pub(crate) async fn write_all(
    client: &Client,
    table: &str,
    schema: &TableSchema,
    requests: Vec<(Item, WriteRequest)>,
    policy: RetryPolicy,
    capacity: bool,
) -> Result<Option<ConsumedCapacity>> {
    let mut seen = HashSet::with_capacity(requests.len());
    for (key, _) in &requests {
        let identity = table_key_identity(schema, key).ok_or_else(|| {
            Error::Validation(format!(
                "a batch write to table `{table}` lacks a key attribute: {}",
                describe_key(schema, key)
            ))
        })?;
        if !seen.insert(identity) {
            return Err(Error::Validation(format!(
                "the batch writes the key {} of table `{table}` twice; DynamoDB rejects a batch with two writes to one item, so nothing was sent",
                describe_key(schema, key)
            )));
        }
    }
    // Moved into chunks, not copied: a request can hold an item of up to 400 KB.
    let mut requests = requests.into_iter().map(|(_, r)| r).peekable();
    let mut chunks: Vec<Vec<WriteRequest>> = Vec::new();
    while requests.peek().is_some() {
        chunks.push(requests.by_ref().take(BATCH_WRITE_SIZE).collect());
    }
    let outcomes: Vec<ChunkOutcome> = futures::stream::iter(
        chunks
            .into_iter()
            .map(|chunk| write_chunk(client, table, chunk, policy, capacity)),
    )
    .buffer_unordered(policy.concurrency.max(1))
    .collect()
    .await;

    let mut unprocessed = Vec::new();
    let mut unconfirmed = Vec::new();
    let mut attempts = 0;
    let mut failure = None;
    let mut last_error = None;
    let mut consumed = None;
    for outcome in outcomes {
        attempts = attempts.max(outcome.attempts);
        consumed = ConsumedCapacity::sum(consumed, outcome.consumed);
        if outcome.answered {
            unprocessed.extend(outcome.pending);
        } else {
            unconfirmed.extend(outcome.pending);
        }
        if failure.is_none() {
            failure = outcome.error;
        }
        if last_error.is_none() {
            last_error = outcome.last_error;
        }
    }
    match failure {
        Some(error) => Err(Error::BatchWriteFailed {
            source: Box::new(error),
            unprocessed,
            unconfirmed,
        }),
        None if !unprocessed.is_empty() || !unconfirmed.is_empty() => {
            Err(Error::BatchWriteIncomplete {
                unprocessed,
                unconfirmed,
                attempts,
                last_error: last_error.map(Box::new),
            })
        }
        None => Ok(consumed),
    }
}

/// How one chunk ended.
struct ChunkOutcome {
    /// The requests not confirmed written.
    pending: Vec<WriteRequest>,
    /// Every send of the pending requests got an answer, so they were not written; false when
    /// one got none (they may have been).
    answered: bool,
    attempts: u32,
    /// An error that retrying does not fix.
    error: Option<Error>,
    /// The last attempt's transient error, if it ended on one.
    last_error: Option<Error>,
    /// The capacity the chunk's answered requests reported, when asked.
    consumed: Option<ConsumedCapacity>,
}

/// Whether retrying the same request may succeed.
async fn write_chunk(
    client: &Client,
    table: &str,
    mut pending: Vec<WriteRequest>,
    policy: RetryPolicy,
    capacity: bool,
) -> ChunkOutcome {
    let max_attempts = policy.max_attempts.max(1);
    let mut attempt = 0;
    // Once a send of the pending requests got no answer, they may have been written: what is
    // still pending afterwards (a subset) stays unconfirmed, whatever later sends say.
    let mut answered = true;
    let mut consumed = None;
    let total = capacity.then_some(aws_sdk_dynamodb::types::ReturnConsumedCapacity::Total);
    loop {
        attempt += 1;
        let span = telemetry::request(telemetry::Operation::BatchWriteItem, table);
        span.record("dynamo_types.batch.attempt", attempt);
        span.record(
            "dynamo_types.batch.requested",
            telemetry::count(pending.len()),
        );
        let request = client
            .sdk()
            .batch_write_item()
            .request_items(table, pending.clone())
            .set_return_consumed_capacity(total.clone())
            .customize()
            .config_override(crate::retry::single_attempt())
            .send();
        let result = telemetry::send(&span, request).await.map_err(Error::from);
        let last_error = match result {
            Ok(out) => {
                telemetry::capacity(&span, out.consumed_capacity.iter().flatten());
                consumed = ConsumedCapacity::sum(
                    consumed,
                    ConsumedCapacity::from_sdk_list(out.consumed_capacity),
                );
                pending = out
                    .unprocessed_items
                    .and_then(|mut tables| tables.remove(table))
                    .unwrap_or_default();
                span.record(
                    "dynamo_types.batch.unprocessed",
                    telemetry::count(pending.len()),
                );
                if pending.is_empty() {
                    return ChunkOutcome {
                        pending,
                        answered,
                        attempts: attempt,
                        error: None,
                        last_error: None,
                        consumed,
                    };
                }
                tracing::debug!(
                    table,
                    attempt,
                    unprocessed = pending.len(),
                    "BatchWriteItem left items unprocessed"
                );
                None
            }
            Err(error) if error.is_transient() => {
                // no answer, or a 5xx (which can come after DynamoDB applied part of it)
                answered &= !error.is_unanswered();
                tracing::debug!(table, attempt, %error, "BatchWriteItem throttled or unanswered");
                Some(error)
            }
            Err(error) => {
                return ChunkOutcome {
                    pending,
                    answered,
                    attempts: attempt,
                    error: Some(error),
                    last_error: None,
                    consumed,
                };
            }
        };
        if attempt >= max_attempts {
            return ChunkOutcome {
                pending,
                answered,
                attempts: attempt,
                error: None,
                last_error,
                consumed,
            };
        }
        crate::retry::sleep(client, policy.backoff(attempt + 1)).await;
    }
}
