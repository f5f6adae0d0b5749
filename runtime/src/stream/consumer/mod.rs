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
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::Mutex;
use tokio::task::JoinHandle;

use crate::error::{Error, Result};
use crate::table::TableRef;

use super::handler::Handler;
use super::record::StreamModel;

use self::coordinate::coordinate;

pub use lease::{DEFAULT_LEASE_TABLE, DynamoLeaseStore, Lease, LeaseStore};

/// The longest settings take (longer ones are cut to these).
const HOUR: Duration = Duration::from_secs(3600);
const DAY: Duration = Duration::from_secs(24 * 3600);

/// How long one request of the consumer (to DynamoDB Streams or the lease store) may go
/// unanswered before it counts as failed (and is retried): a hung connection must not stall a
/// shard while its lease is kept alive.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// Where a consumer meeting a stream for the first time (no leases under its name) starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartPosition {
    /// The oldest record the stream still holds (up to 24 hours back): nothing is missed. The
    /// default.
    TrimHorizon,
    /// Records written from now on: the first consumer of a name to meet the stream reads the
    /// shards without children from their newest record and counts their ancestors done.
    /// Shards that appear later are read from their start. A reader clears the "from now"
    /// mark of its shard before its first read, so a shard whose lease moves before its first
    /// checkpoint (a crash, a stop, a take-over) is read by the next owner from its oldest
    /// record: records handled that the first start meant to skip, rather than records lost.
    Latest,
}

/// What a consumer does when its handler fails on a record. A handler that panics stops the
/// consumer with [`Error::Handler`] whichever the policy; the records handled since that
/// shard's last checkpoint are handled again by its next owner.
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
///   checkpoint, so the records handled since are handled again; nothing is skipped. Handlers
///   should be idempotent (a conditional write, or a record of the sequence numbers applied).
/// - **In order per key.** Records of a shard are handled one at a time, in order, and a shard
///   starts only once its parent is finished, so the changes to one item arrive in the order
///   they were made.
/// - **One owner per shard.** Consumers running under the same name share the shards through
///   leases in a lease table (see [`Lease`]). Every lease write is conditional, so a consumer
///   that lost a lease cannot checkpoint that shard again; each reader renews its lease three
///   times per [`lease_duration`](Self::lease_duration) and handles no further record once
///   its last renewal is two thirds of a duration old, before anyone may take it over. A
///   consumer that takes a lease another still renews (to even out the work) waits until that
///   one has stopped. Every request has a deadline (20 s), so a hung connection cannot hold a
///   shard.
/// - **Even shares.** Each consumer keeps a heartbeat row beside the leases; the shards that can
///   be read are divided by the live consumers, each takes free shards up to its share, and a
///   consumer under its share takes one lease a round from the busiest consumer.
/// - **Faults.** Throttling, server errors and requests that got no answer back off and retry
///   for as long as it takes; an expired shard iterator (15 minutes) is renewed from the last
///   record handled; empty reads back off up to [`max_poll_interval`](Self::max_poll_interval).
///   Records lost to the stream's 24-hour limit are [`Error::StreamTrimmed`] (a checkpoint
///   older than that, or a shard trimmed away before it was finished): the consumer stops
///   rather than skip records in silence. A record that does not decode stops the consumer
///   with [`Error::StreamRecord`] (retrying cannot fix it). A failed handler is retried, or
///   stops the consumer, as [`on_handler_error`](Self::on_handler_error) says.
/// - **Graceful stop.** When the shutdown future resolves (or [`ConsumerHandle::stop`] is
///   called, or the handle is dropped), each shard finishes the record in hand, checkpoints,
///   and releases its lease, so another consumer takes over at once; readers still busy after
///   [`stop_timeout`](Self::stop_timeout) are ended. A consumer that dies without stopping
///   holds its leases until they expire ([`lease_duration`](Self::lease_duration)).
///
/// A consumer reads the stream the table had when it started: a stream disabled and enabled
/// again is a new stream (a new ARN), which needs a restart, and its consumer starts afresh
/// from [`start_at`](Self::start_at).
pub struct Consumer<M: StreamModel> {
    table: TableRef<M>,
    name: String,
    start: StartPosition,
    store: Option<Arc<dyn LeaseStore>>,
    lease_table: String,
    worker: String,
    lease_duration: Duration,
    max_poll: Duration,
    min_read: Duration,
    discovery: Duration,
    stop_timeout: Duration,
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
            min_read: Duration::from_millis(250),
            discovery: Duration::from_secs(60),
            stop_timeout: Duration::from_secs(30),
            batch_size: 1000,
            on_error: OnHandlerError::Retry,
        }
    }
}

impl<M: StreamModel> Consumer<M> {
    /// Where to start when no consumer of this name has read the stream yet (default
    /// [`StartPosition::TrimHorizon`]); once leases exist, reading resumes from them.
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

    /// This consumer's name in the leases it holds (default: unique per process and call). It
    /// must be unique among the consumers running under one name at a time: two consumers with
    /// one worker id would take each other's leases for their own.
    pub fn worker_id(mut self, id: impl Into<String>) -> Self {
        self.worker = id.into();
        self
    }

    /// How long a lease stands without renewal before another consumer takes it over (default
    /// 10 s). Leases are renewed three times per duration.
    pub fn lease_duration(mut self, duration: Duration) -> Self {
        self.lease_duration = duration.clamp(Duration::from_millis(300), DAY);
        self
    }

    /// The longest wait between two reads of a shard that had nothing new (default 1 s).
    pub fn max_poll_interval(mut self, interval: Duration) -> Self {
        self.max_poll = interval.clamp(Duration::from_millis(10), HOUR);
        self
    }

    /// The shortest time between two `GetRecords` calls on one shard (default 250 ms, four
    /// reads a second, as Lambda reads a shard). DynamoDB Streams throttles readers that call
    /// it faster; AWS advises against more than two readers per shard.
    pub fn min_read_interval(mut self, interval: Duration) -> Self {
        self.min_read = interval.min(HOUR);
        self
    }

    /// How often the whole shard list is read (default 60 s). The children of a shard this
    /// consumer finished are asked for at once, so a split is followed without waiting for it.
    pub fn discovery_interval(mut self, interval: Duration) -> Self {
        self.discovery = interval.clamp(Duration::from_millis(100), DAY);
        self
    }

    /// How long a graceful stop waits for the shard readers to finish the record in hand,
    /// checkpoint and release their leases (default 30 s). Readers still busy then are ended
    /// as a crash would end them: their leases stand until they expire.
    pub fn stop_timeout(mut self, timeout: Duration) -> Self {
        self.stop_timeout = timeout.min(DAY);
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

    /// Runs the consumer on a task of its own; stop it with [`ConsumerHandle::stop`]. Dropping
    /// the handle stops it gracefully too, without waiting for it.
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
            min_read: self.min_read,
            discovery: self.discovery,
            stop_timeout: self.stop_timeout,
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
    min_read: Duration,
    discovery: Duration,
    stop_timeout: Duration,
    batch_size: i32,
    on_error: OnHandlerError,
    _model: PhantomData<fn() -> M>,
}

impl<M, H> Shared<M, H> {
    /// How long a lease of `holder_ms` (as its row says) stands without renewal.
    fn expiry(&self, holder_ms: Option<u64>) -> Duration {
        let theirs = Duration::from_millis(holder_ms.unwrap_or(0));
        self.lease_duration.max(theirs)
    }

    fn lease_ms(&self) -> u64 {
        u64::try_from(self.lease_duration.as_millis()).unwrap_or(u64::MAX)
    }
}

/// True for failures that may pass: throttling, server errors, requests that got no answer at
/// all (connection refused or reset, timeouts), and requests past the consumer's own deadline
/// ([`timed`]).
fn is_transient(error: &Error) -> bool {
    error.is_transient() || matches!(error, Error::Timeout(_))
}

/// `call`, or [`Error::Timeout`] when it takes longer than `limit`.
async fn timed<T>(limit: Duration, what: &str, call: impl Future<Output = Result<T>>) -> Result<T> {
    match tokio::time::timeout(limit, call).await {
        Ok(result) => result,
        Err(_) => Err(Error::Timeout(format!("{what} got no answer in {limit:?}"))),
    }
}

/// Retries `call` while it fails with a transient error (one attempt taking longer than
/// [`REQUEST_TIMEOUT`] is one), with backoff from 50 ms doubling up to 5 s, at most 8 times.
async fn retrying<T, F, Fut>(call: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    retrying_within(REQUEST_TIMEOUT, call).await
}

/// [`retrying`], with `limit` for one attempt.
async fn retrying_within<T, F, Fut>(limit: Duration, mut call: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let mut delay = Duration::from_millis(50);
    let mut attempt = 1;
    loop {
        match timed(limit, "a request", call()).await {
            Err(e) if is_transient(&e) && attempt < 8 => {
                tracing::debug!(error = %e, attempt, "retrying after a transient error");
                tokio::time::sleep(jitter(delay)).await;
                delay = (delay * 2).min(Duration::from_secs(5));
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// A conditional write of a lease row.
#[derive(Debug, Clone, Copy)]
enum Write {
    Create,
    Update,
}

/// Writes `lease` ([`retrying`]); when the write wins, `lease` takes the new counter.
async fn store_write(store: &dyn LeaseStore, lease: &mut Lease, write: Write) -> Result<bool> {
    let (won, next) = retrying(|| {
        let mut attempt = lease.clone();
        async move {
            let won = match write {
                Write::Create => store.create(&mut attempt).await?,
                Write::Update => store.update(&mut attempt).await?,
            };
            Ok((won, attempt))
        }
    })
    .await?;
    if won {
        *lease = next;
    }
    Ok(won)
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

/// A lease held by a shard reader, shared with the task renewing it.
struct HeldLease {
    lease: Mutex<Lease>,
    /// When the last successful write of the lease was sent: the lease is good until
    /// [`HeldLease::SAFE`] of the duration after it.
    renewed: std::sync::Mutex<Instant>,
    /// No record is handled before this: a lease taken from a live consumer waits until that
    /// consumer has stopped handling records.
    not_before: Option<Instant>,
    /// A write found the lease changed by another consumer.
    lost: AtomicBool,
    /// A renewal failed for good (access denied, the lease table gone): the reader ends with
    /// it.
    failure: std::sync::Mutex<Option<Error>>,
}

impl HeldLease {
    /// The part of the lease duration after its last renewal in which the holder acts on it;
    /// the rest is the margin for delays between the holder and the others.
    const SAFE: (u32, u32) = (2, 3);

    /// A lease whose taking write was sent at `taken`.
    fn new(lease: Lease, taken: Instant, not_before: Option<Instant>) -> Self {
        HeldLease {
            lease: Mutex::new(lease),
            renewed: std::sync::Mutex::new(taken),
            not_before,
            lost: AtomicBool::new(false),
            failure: std::sync::Mutex::new(None),
        }
    }

    fn fail(&self, error: Error) {
        self.failure
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get_or_insert(error);
    }

    fn take_failure(&self) -> Option<Error> {
        self.failure
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
    }

    fn is_lost(&self) -> bool {
        self.lost.load(Ordering::Acquire)
    }

    /// True while the last renewal is recent enough to act on the lease.
    fn is_current(&self, duration: Duration) -> bool {
        let renewed = *self
            .renewed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        renewed.elapsed() < duration * Self::SAFE.0 / Self::SAFE.1
    }
}

/// Writes a changed copy of a held lease; false when the lease was lost.
///
/// A write whose answer was lost (a timeout, a dropped connection) may have been stored: the
/// next write then finds an unexpected counter. Before calling the lease lost, the stored row
/// is read back: when it still names this worker (only the holder writes that) or already is
/// what this write wanted, the write goes on from the stored counter.
async fn write_lease<M, H>(
    shared: &Shared<M, H>,
    held: &HeldLease,
    change: impl Fn(&mut Lease),
) -> Result<bool> {
    let mut lease = held.lease.lock().await;
    if held.is_lost() {
        return Ok(false);
    }
    for _ in 0..3 {
        let sent = Instant::now();
        let mut next = lease.clone();
        change(&mut next);
        if store_write(shared.store.as_ref(), &mut next, Write::Update).await? {
            *lease = next;
            *held
                .renewed
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = sent;
            return Ok(true);
        }
        let stored = retrying(|| shared.store.get(&lease.scope, &lease.shard_id)).await?;
        match stored {
            // only this worker writes a row that names it: the stored row is a write of
            // ours whose answer was lost, newer than the copy here
            Some(stored) if stored.owner.as_deref() == Some(shared.worker.as_str()) => {
                *lease = stored;
            }
            Some(stored)
                if Lease {
                    counter: stored.counter,
                    ..next
                } == stored =>
            {
                *lease = stored;
                return Ok(true);
            }
            _ => break,
        }
    }
    held.lost.store(true, Ordering::Release);
    Ok(false)
}
