//! A stream consumer outside Lambda, on `aws-sdk-dynamodbstreams`: reads every shard of a
//! table's stream, parents before children, hands each record to a typed handler in order
//! within its shard, checkpoints after the handler succeeded (at-least-once), resumes after a
//! restart from the last checkpoint, and shares the shards between the consumers running under
//! one name with leases. See [`Consumer`].

mod coordinate;
mod lease;
mod read;
mod shards;

use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::task::JoinHandle;

use crate::error::{Error, Result};
use crate::table::TableRef;

use super::handler::Handler;
use super::record::StreamModel;

use self::coordinate::coordinate;

pub use lease::{DEFAULT_LEASE_TABLE, DynamoLeaseStore, Lease, LeaseStore};
pub use shards::{Holder, LeaseState, Plan, ShardInfo, plan};

/// Where a shard that has no checkpoint yet is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartPosition {
    /// The oldest record the stream still holds (up to 24 hours back): nothing is missed. The
    /// default.
    TrimHorizon,
    /// Records written from now on. A shard with no checkpoint yet starts from "now" again
    /// after a restart, so records written while no consumer ran are not read.
    Latest,
}

/// What a consumer does when its handler fails on a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnHandlerError {
    /// Retry the same record, with backoff (100 ms doubling up to 10 s), until the handler
    /// succeeds or the consumer is stopped; nothing after it runs in its shard meanwhile. The
    /// default.
    Retry,
    /// Stop the consumer and return the error ([`Error::Handler`]).
    Stop,
}

/// A consumer of one model's table stream, from `table.consumer("name")`. Configure it, then
/// [`run`](Self::run) it until a shutdown future resolves, or [`spawn`](Self::spawn) it.
///
/// What is guaranteed:
///
/// - **At least once.** A record's checkpoint is written after its handler succeeded (after
///   each `GetRecords` page, and at a stop). After a crash, reading resumes after the last
///   checkpoint, so the records handled since are handled again; nothing is skipped.
/// - **In order per key.** Records of a shard are handled one at a time, in order, and a shard
///   starts only once its parent is finished, so the changes to one item arrive in the order
///   they were made.
/// - **One owner per shard.** Consumers running under the same name share the shards through
///   leases in a lease table (see [`Lease`]); every lease write is conditional, so a consumer
///   that lost a lease cannot checkpoint that shard again.
/// - **Faults.** Throttling and server errors back off and retry; an expired shard iterator
///   (15 minutes) is renewed from the last record handled; empty reads back off up to
///   [`max_poll_interval`](Self::max_poll_interval). A checkpoint older than the stream keeps
///   records (24 hours) is [`Error::StreamTrimmed`]: the consumer stops rather than skip records
///   in silence. A record that does not decode stops the consumer with
///   [`Error::StreamRecord`] (retrying cannot fix it). A failed handler is retried, or stops
///   the consumer, as [`on_handler_error`](Self::on_handler_error) says.
/// - **Graceful stop.** When the shutdown future resolves (or [`ConsumerHandle::stop`] is
///   called), each shard finishes the record in hand, checkpoints, and releases its lease, so
///   another consumer takes over at once. A consumer that dies without stopping holds its
///   leases until they expire ([`lease_duration`](Self::lease_duration)).
pub struct Consumer<M: StreamModel> {
    table: TableRef<M>,
    name: String,
    start: StartPosition,
    store: Option<Arc<dyn LeaseStore>>,
    lease_table: String,
    worker: String,
    lease_duration: Duration,
    max_poll: Duration,
    discovery: Duration,
    batch_size: i32,
    on_error: OnHandlerError,
}

impl<M: StreamModel> std::fmt::Debug for Consumer<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Consumer")
            .field("table", &self.table.name())
            .field("name", &self.name)
            .field("worker", &self.worker)
            .field("start", &self.start)
            .field("lease_duration", &self.lease_duration)
            .finish()
    }
}

impl<M: StreamModel> TableRef<M> {
    /// A consumer of this table's stream named `name`. Consumers with the same name share the
    /// work and the checkpoints; consumers with different names each read every record.
    pub fn consumer(&self, name: impl Into<String>) -> Consumer<M> {
        Consumer {
            table: self.clone(),
            name: name.into(),
            start: StartPosition::TrimHorizon,
            store: None,
            lease_table: DEFAULT_LEASE_TABLE.to_owned(),
            worker: format!("worker-{}-{:08x}", std::process::id(), fastrand::u32(..)),
            lease_duration: Duration::from_secs(10),
            max_poll: Duration::from_secs(1),
            discovery: Duration::from_secs(10),
            batch_size: 1000,
            on_error: OnHandlerError::Retry,
        }
    }
}

impl<M: StreamModel> Consumer<M> {
    /// Where shards without a checkpoint start (default [`StartPosition::TrimHorizon`]).
    pub fn start_at(mut self, start: StartPosition) -> Self {
        self.start = start;
        self
    }

    /// The lease table's name (default `dynamo_types_leases`; the client's table prefix
    /// applies). It is created when missing.
    pub fn lease_table(mut self, name: impl Into<String>) -> Self {
        self.lease_table = name.into();
        self
    }

    /// Keeps leases and checkpoints in `store` instead of the lease table.
    pub fn lease_store(mut self, store: impl LeaseStore) -> Self {
        self.store = Some(Arc::new(store));
        self
    }

    /// This consumer's name in the leases it holds (default: unique per process and call).
    pub fn worker_id(mut self, id: impl Into<String>) -> Self {
        self.worker = id.into();
        self
    }

    /// How long a lease stands without renewal before another consumer takes it over (default
    /// 10 s). Leases are renewed three times per duration.
    pub fn lease_duration(mut self, duration: Duration) -> Self {
        self.lease_duration = duration.max(Duration::from_millis(300));
        self
    }

    /// The longest wait between two reads of a shard that had nothing new (default 1 s).
    pub fn max_poll_interval(mut self, interval: Duration) -> Self {
        self.max_poll = interval.max(Duration::from_millis(10));
        self
    }

    /// How often the stream's shard list is read for new shards (default 10 s; also whenever a
    /// shard ends).
    pub fn discovery_interval(mut self, interval: Duration) -> Self {
        self.discovery = interval.max(Duration::from_millis(100));
        self
    }

    /// Records per `GetRecords` call, 1 to 1000 (default 1000).
    pub fn batch_size(mut self, records: u16) -> Self {
        self.batch_size = i32::from(records.clamp(1, 1000));
        self
    }

    /// What to do when the handler fails (default [`OnHandlerError::Retry`]).
    pub fn on_handler_error(mut self, policy: OnHandlerError) -> Self {
        self.on_error = policy;
        self
    }

    /// Reads the stream until `shutdown` resolves (then stops gracefully and returns `Ok`) or
    /// a fatal error.
    pub async fn run<H>(self, handler: H, shutdown: impl Future<Output = ()> + Send) -> Result<()>
    where
        H: Handler<M> + 'static,
    {
        let shared = Arc::new(self.prepare(handler).await?);
        coordinate(shared, shutdown).await
    }

    /// Runs the consumer on a task of its own; stop it with [`ConsumerHandle::stop`].
    pub fn spawn<H>(self, handler: H) -> ConsumerHandle
    where
        H: Handler<M> + 'static,
    {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(self.run(handler, async move {
            let _ = stopped.await;
        }));
        ConsumerHandle {
            stop: Some(stop),
            task,
        }
    }

    async fn prepare<H: Handler<M>>(self, handler: H) -> Result<Shared<M, H>> {
        let client = self.table.client().clone();
        let streams = client.streams()?.clone();
        let description = client
            .sdk()
            .describe_table()
            .table_name(self.table.name())
            .send()
            .await?;
        let stream_arn = description
            .table
            .and_then(|t| t.latest_stream_arn)
            .ok_or_else(|| {
                Error::Validation(format!(
                    "table `{}` has no stream: declare `stream = \"...\"` on the model and create the table with it",
                    self.table.name()
                ))
            })?;
        let store = match self.store {
            Some(store) => store,
            None => Arc::new(DynamoLeaseStore::new(&client, &self.lease_table)),
        };
        Ok(Shared {
            streams,
            store,
            handler,
            table: self.table.name().to_owned(),
            scope: format!("{}#{stream_arn}", self.name),
            stream_arn,
            worker: self.worker,
            start: self.start,
            lease_duration: self.lease_duration,
            max_poll: self.max_poll,
            discovery: self.discovery,
            batch_size: self.batch_size,
            on_error: self.on_error,
            _model: PhantomData,
        })
    }
}

/// A consumer running on its own task, from [`Consumer::spawn`].
#[derive(Debug)]
pub struct ConsumerHandle {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: JoinHandle<Result<()>>,
}

impl ConsumerHandle {
    /// Stops gracefully (each shard finishes the record in hand, checkpoints and releases its
    /// lease) and returns how the consumer ended.
    pub async fn stop(mut self) -> Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.join_inner().await
    }

    /// Waits until the consumer stops by itself (a fatal error).
    pub async fn join(mut self) -> Result<()> {
        self.join_inner().await
    }

    /// True once the consumer has stopped.
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }

    /// Ends the consumer at once, as a crash would: nothing is checkpointed or released, and
    /// its leases stand until they expire. For tests of take-over and recovery.
    pub fn abort(self) {
        self.task.abort();
    }

    async fn join_inner(&mut self) -> Result<()> {
        match (&mut self.task).await {
            Ok(result) => result,
            Err(e) => Err(Error::Validation(format!(
                "the consumer task ended abnormally: {e}"
            ))),
        }
    }
}

/// What the coordinator and every shard reader share.
struct Shared<M, H> {
    streams: aws_sdk_dynamodbstreams::Client,
    store: Arc<dyn LeaseStore>,
    handler: H,
    table: String,
    stream_arn: String,
    scope: String,
    worker: String,
    start: StartPosition,
    lease_duration: Duration,
    max_poll: Duration,
    discovery: Duration,
    batch_size: i32,
    on_error: OnHandlerError,
    _model: PhantomData<fn() -> M>,
}

/// Retries `call` while it fails with a throttling or server error, with backoff from 50 ms
/// doubling up to 5 s, at most 8 times.
async fn retrying<T, F, Fut>(mut call: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let mut delay = Duration::from_millis(50);
    let mut attempt = 1;
    loop {
        match call().await {
            Err(e) if e.is_retryable() && attempt < 8 => {
                tracing::debug!(error = %e, attempt, "retrying after a throttling or server error");
                tokio::time::sleep(jitter(delay)).await;
                delay = (delay * 2).min(Duration::from_secs(5));
                attempt += 1;
            }
            other => return other,
        }
    }
}

fn jitter(delay: Duration) -> Duration {
    delay / 2 + delay.mul_f64(fastrand::f64() / 2.0)
}

fn streams_error<E, R>(error: aws_sdk_dynamodbstreams::error::SdkError<E, R>) -> Error
where
    aws_sdk_dynamodbstreams::Error: From<aws_sdk_dynamodbstreams::error::SdkError<E, R>>,
{
    Error::from(aws_sdk_dynamodbstreams::Error::from(error))
}

/// Writes a changed copy of the shared lease; false when the lease was lost.
async fn write_lease<M, H>(
    shared: &Shared<M, H>,
    lease: &Mutex<Lease>,
    change: impl Fn(&mut Lease),
) -> Result<bool> {
    let mut held = lease.lock().await;
    let won = retrying(|| {
        let mut next = held.clone();
        change(&mut next);
        let store = Arc::clone(&shared.store);
        async move {
            let won = store.update(&mut next).await?;
            Ok((won, next))
        }
    })
    .await?;
    match won {
        (true, next) => {
            *held = next;
            Ok(true)
        }
        (false, _) => Ok(false),
    }
}
