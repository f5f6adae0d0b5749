//! `batch_get` and `batch_get_full`: many items by key, through `BatchGetItem`.
//!
//! The engine sends each distinct key once, in requests of at most 100 keys (DynamoDB's limit),
//! several at a time (`RetryPolicy::concurrency`). Keys DynamoDB leaves unprocessed (because of
//! throttling, or because the response would pass 16 MB) are sent again after an exponential
//! backoff with full jitter, up to `RetryPolicy::max_attempts` sends per request; a throttling
//! error counts as an attempt that processed nothing. What is still unprocessed then is
//! returned as [`Error::BatchGetIncomplete`] with the items found and exactly the keys left.

use std::collections::HashMap;
use std::future::IntoFuture;

use aws_sdk_dynamodb::types::KeysAndAttributes;
use futures::StreamExt;

use crate::codec::{Item, KeyIdentity};
use crate::error::{EncodeError, Error, Result};
use crate::model::DynamoModel;
use crate::query::keys::{read_key_names, table_key_names};
use crate::query::page::{ConsumedCapacity, Decoder, WithConsumedCapacity};
use crate::query::projection::{DynamoProjection, projection_expression};
use crate::retry::RetryPolicy;
use crate::table::TableRef;
use crate::telemetry;

/// DynamoDB's limit of keys in one `BatchGetItem` request.
const KEYS_PER_REQUEST: usize = 100;

/// The settings shared by [`BatchGet`] and [`BatchGetFull`].
struct BatchRead<M: DynamoModel> {
    table: TableRef<M>,
    keys: Result<Vec<Item>, EncodeError>,
    consistent: bool,
    policy: RetryPolicy,
    /// The attributes read (`.project::<P>()`); `None`: whole items.
    attributes: Option<&'static [&'static str]>,
    /// Asked for `ReturnConsumedCapacity = TOTAL`.
    capacity: bool,
}

impl<M: DynamoModel> std::fmt::Debug for BatchRead<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchRead")
            .field("table", &self.table.name())
            .field("keys", &self.keys.as_ref().map(Vec::len))
            .field("consistent", &self.consistent)
            .field("policy", &self.policy)
            .field("attributes", &self.attributes)
            .finish()
    }
}

/// What one request of at most 100 keys ended with.
struct ChunkResult {
    found: Vec<Item>,
    unprocessed: Vec<Item>,
    attempts: u32,
    /// An error retrying does not cure; `unprocessed` then holds the keys it left unread.
    failed: Option<Error>,
    /// The last attempt's transient error, when it ended on one.
    last_error: Option<Error>,
    /// The capacity the answers reported, when asked.
    consumed: Option<ConsumedCapacity>,
}

impl<M: DynamoModel> BatchRead<M> {
    /// One raw item (or `None`) per input key, in input order, and the capacity the answers
    /// reported (when asked).
    async fn run(mut self) -> Result<(Vec<Option<Item>>, Option<ConsumedCapacity>)> {
        let keys = std::mem::replace(&mut self.keys, Ok(Vec::new()))?;
        if keys.is_empty() {
            return Ok((Vec::new(), None));
        }
        let names = table_key_names::<M>();

        // Each distinct key once; `positions[i]` is the distinct key of input key `i`.
        let mut distinct: Vec<Item> = Vec::new();
        let mut canonical: Vec<KeyIdentity> = Vec::new();
        let mut seen: HashMap<KeyIdentity, usize> = HashMap::with_capacity(keys.len());
        let mut positions = Vec::with_capacity(keys.len());
        for key in keys {
            let canon = KeyIdentity::of(&key, &names).ok_or_else(|| {
                Error::Validation(format!(
                    "a batch_get key lacks a key attribute of `{}` ({})",
                    self.table.name(),
                    names.join(", ")
                ))
            })?;
            let next = distinct.len();
            let at = *seen.entry(canon.clone()).or_insert(next);
            if at == next {
                distinct.push(key);
                canonical.push(canon);
            }
            positions.push(at);
        }

        let mut chunks = Vec::with_capacity(distinct.len().div_ceil(KEYS_PER_REQUEST));
        let mut rest = distinct.into_iter();
        loop {
            let chunk: Vec<Item> = rest.by_ref().take(KEYS_PER_REQUEST).collect();
            if chunk.is_empty() {
                break;
            }
            chunks.push(chunk);
        }
        let results: Vec<Result<ChunkResult>> =
            futures::stream::iter(chunks.into_iter().map(|chunk| self.fetch_chunk(chunk)))
                .buffer_unordered(self.policy.concurrency.max(1))
                .collect()
                .await;

        let mut found: HashMap<KeyIdentity, Item> = HashMap::with_capacity(canonical.len());
        let mut unprocessed = Vec::new();
        let mut attempts = 0;
        let mut failed: Option<Error> = None;
        let mut last_error: Option<Error> = None;
        let mut consumed = None;
        for result in results {
            let chunk = result?;
            consumed = ConsumedCapacity::sum(consumed, chunk.consumed);
            if let Some(e) = chunk.failed {
                failed.get_or_insert(e);
            }
            if let Some(e) = chunk.last_error {
                last_error.get_or_insert(e);
            }
            for item in chunk.found {
                match KeyIdentity::of(&item, &names) {
                    Some(canon) => {
                        found.insert(canon, item);
                    }
                    None => {
                        return Err(Error::Validation(format!(
                            "DynamoDB returned an item of `{}` without its key attributes",
                            self.table.name()
                        )));
                    }
                }
            }
            if !chunk.unprocessed.is_empty() {
                attempts = attempts.max(chunk.attempts);
                unprocessed.extend(chunk.unprocessed);
            }
        }
        if !unprocessed.is_empty() {
            // Found items in the order of the keys, each once.
            let found = canonical
                .iter()
                .filter_map(|canon| found.remove(canon))
                .collect();
            if let Some(source) = failed {
                return Err(Error::BatchGetFailed {
                    source: Box::new(source),
                    found,
                    projection: self.attributes,
                    unprocessed,
                });
            }
            return Err(Error::BatchGetIncomplete {
                found,
                projection: self.attributes,
                unprocessed,
                attempts,
                last_error: last_error.map(Box::new),
            });
        }

        // Hand each item out once per input position: moved at its last use, cloned before.
        let mut uses = vec![0usize; canonical.len()];
        for &at in &positions {
            uses[at] += 1;
        }
        let items = positions
            .into_iter()
            .map(|at| {
                uses[at] -= 1;
                if uses[at] == 0 {
                    found.remove(&canonical[at])
                } else {
                    found.get(&canonical[at]).cloned()
                }
            })
            .collect();
        Ok((items, consumed))
    }

    /// Sends one request of at most 100 keys, then what DynamoDB left unprocessed, until done
    /// or out of attempts.
    async fn fetch_chunk(&self, keys: Vec<Item>) -> Result<ChunkResult> {
        let table = self.table.name();
        let max_attempts = self.policy.max_attempts.max(1);
        // A projection reads the table's keys too: answers are matched to keys by them.
        let (projection, names) = match self.attributes {
            Some(attributes) => {
                let (expression, names) =
                    projection_expression(attributes, &read_key_names::<M>())?;
                (Some(expression), names)
            }
            None => (None, None),
        };
        let mut pending = keys;
        let mut found = Vec::with_capacity(pending.len());
        let mut consumed = None;
        let total = self
            .capacity
            .then_some(aws_sdk_dynamodb::types::ReturnConsumedCapacity::Total);
        let mut attempt = 1;
        loop {
            let request = KeysAndAttributes::builder()
                .set_keys(Some(pending.clone()))
                .set_consistent_read(self.consistent.then_some(true))
                .set_projection_expression(projection.clone())
                .set_expression_attribute_names(names.clone())
                .build()
                .map_err(|e| Error::Validation(e.to_string()))?;
            let span = telemetry::request(telemetry::Operation::BatchGetItem, table);
            span.record("aws.dynamodb.consistent_read", self.consistent);
            if let Some(projection) = &projection {
                telemetry::projection(&span, projection, names.as_ref());
            }
            span.record("dynamo_types.batch.attempt", attempt);
            span.record(
                "dynamo_types.batch.requested",
                telemetry::count(pending.len()),
            );
            let request = self
                .table
                .client()
                .sdk()
                .batch_get_item()
                .request_items(table, request)
                .set_return_consumed_capacity(total.clone())
                .customize()
                .config_override(crate::retry::single_attempt())
                .send();
            let sent = telemetry::send(&span, request).await.map_err(Error::from);
            let mut last_error = None;
            match sent {
                Ok(out) => {
                    telemetry::capacity(&span, out.consumed_capacity.iter().flatten());
                    consumed = ConsumedCapacity::sum(
                        consumed,
                        ConsumedCapacity::from_sdk_list(out.consumed_capacity),
                    );
                    if let Some(items) = out.responses.and_then(|mut r| r.remove(table)) {
                        found.extend(items);
                    }
                    pending = out
                        .unprocessed_keys
                        .and_then(|mut u| u.remove(table))
                        .map(|k| k.keys)
                        .unwrap_or_default();
                    span.record(
                        "dynamo_types.batch.unprocessed",
                        telemetry::count(pending.len()),
                    );
                }
                // Throttled, a server error, or no answer: retry like unprocessed keys (reading
                // again is harmless).
                Err(e) if e.is_transient() => last_error = Some(e),
                // Anything else is final for this request, but what it read so far is kept.
                Err(e) => {
                    return Ok(ChunkResult {
                        found,
                        unprocessed: pending,
                        attempts: attempt,
                        failed: Some(e),
                        last_error: None,
                        consumed,
                    });
                }
            }
            if pending.is_empty() || attempt >= max_attempts {
                return Ok(ChunkResult {
                    found,
                    unprocessed: pending,
                    attempts: attempt,
                    failed: None,
                    last_error,
                    consumed,
                });
            }
            attempt += 1;
            tracing::debug!(
                table,
                unprocessed = pending.len(),
                attempt,
                "retrying unprocessed batch_get keys"
            );
            crate::retry::sleep(self.table.client(), self.policy.backoff(attempt)).await;
        }
    }
}

macro_rules! batch_builder {
    ($(#[$doc:meta])* $name:ident -> $out:ty, |$model:ident, $t:ident, $table:ident, $items:ident, $decode:ident| $finish:expr) => {
        $(#[$doc])*
        #[must_use = "a read does nothing until it is awaited"]
        pub struct $name<$model: DynamoModel, $t = $model> {
            inner: BatchRead<$model>,
            decode: Decoder<$t>,
        }

        impl<$model: DynamoModel, $t> std::fmt::Debug for $name<$model, $t> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.inner.fmt(f)
            }
        }

        impl<$model: DynamoModel> $name<$model> {
            pub(crate) fn new(table: TableRef<$model>, keys: Result<Vec<Item>, EncodeError>) -> Self {
                $name {
                    inner: BatchRead {
                        table,
                        keys,
                        consistent: false,
                        policy: RetryPolicy::default(),
                        attributes: None,
                        capacity: false,
                    },
                    decode: $model::from_item,
                }
            }

            /// A read of `keys` (items of the table's key attributes) whose items `decode`
            /// reads: a collection's batch read across its entities. Not a public API.
            #[doc(hidden)]
            pub fn __decoded_by<T>(
                table: TableRef<$model>,
                keys: Result<Vec<Item>, EncodeError>,
                decode: fn(Item) -> Result<T, crate::error::DecodeError>,
            ) -> $name<$model, T> {
                $name {
                    inner: Self::new(table, keys).inner,
                    decode,
                }
            }

            /// Reads the items as the projection `P` (a struct deriving `DynamoProjection` of
            /// this model): each request's `ProjectionExpression` names `P`'s attributes and
            /// the table's key attributes (answers are matched to keys by them).
            pub fn project<P: DynamoProjection<Model = $model>>(self) -> $name<$model, P> {
                $name {
                    inner: BatchRead {
                        attributes: Some(P::ATTRIBUTES),
                        ..self.inner
                    },
                    decode: crate::query::projection::decode_projection::<$model, P>,
                }
            }
        }

        impl<$model: DynamoModel, $t: Send + 'static> $name<$model, $t> {
            /// Strongly consistent reads: they see every write that succeeded before them.
            pub fn consistent(mut self) -> Self {
                self.inner.consistent = true;
                self
            }

            /// How unprocessed keys are retried and how many requests run at once.
            pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
                self.inner.policy = policy;
                self
            }

            /// Also returns the read capacity the requests consumed, beside the items: see
            /// [`WithConsumedCapacity`].
            pub fn return_consumed_capacity(mut self) -> WithConsumedCapacity<Self> {
                self.inner.capacity = true;
                WithConsumedCapacity(self)
            }

            async fn run(self) -> Result<($out, Option<ConsumedCapacity>)> {
                let $table = self.inner.table.name().to_owned();
                let $decode = self.decode;
                let ($items, consumed) = self.inner.run().await?;
                let out: Result<$out> = $finish;
                Ok((out?, consumed))
            }
        }

        impl<$model: DynamoModel, $t: Send + 'static> IntoFuture for $name<$model, $t> {
            type Output = Result<$out>;
            type IntoFuture = futures::future::BoxFuture<'static, Self::Output>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(async move { self.run().await.map(|(items, _)| items) })
            }
        }

        impl<$model: DynamoModel, $t: Send + 'static> IntoFuture
            for WithConsumedCapacity<$name<$model, $t>>
        {
            type Output = Result<($out, Option<ConsumedCapacity>)>;
            type IntoFuture = futures::future::BoxFuture<'static, Self::Output>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.0.run())
            }
        }
    };
}

batch_builder!(
    /// Reads many items by key; await it for the items found, in the order of the keys (a key
    /// given twice yields its item twice, a key without an item yields nothing).
    ///
    /// Distinct keys are sent once each, 100 per request, several requests at a time; keys
    /// DynamoDB leaves unprocessed are retried with backoff (see [`RetryPolicy`]). When retries
    /// run out the error is [`Error::BatchGetIncomplete`], holding the items found and exactly
    /// the keys not processed.
    BatchGet -> Vec<T>, |M, T, table, items, decode| {
        items
            .into_iter()
            .flatten()
            .map(|item| decode_with::<M, T>(&table, item, decode))
            .collect()
    }
);

batch_builder!(
    /// Reads many items by key; await it for one `Option<M>` (or `Option<P>` after
    /// `project`) per key, aligned with the keys (`None` where there is no item). Requests
    /// and retries as for [`BatchGet`].
    BatchGetFull -> Vec<Option<T>>, |M, T, table, items, decode| {
        items
            .into_iter()
            .map(|item| item.map(|item| decode_with::<M, T>(&table, item, decode)).transpose())
            .collect()
    }
);

/// Decodes an item of model `M` read by key with `decode`; one that does not decode is
/// [`Error::Undecodable`] naming its key.
pub(crate) fn decode_with<M: DynamoModel, T>(
    table: &str,
    item: Item,
    decode: Decoder<T>,
) -> Result<T> {
    let key = crate::query::keys::key_of(&M::SCHEMA, &item);
    decode(item).map_err(|source| Error::Undecodable {
        table: table.to_owned(),
        key: Box::new(key),
        cursor: None,
        source,
    })
}
