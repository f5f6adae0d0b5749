//! A stream consumer outside Lambda, on `aws-sdk-dynamodbstreams`: reads every shard of a
//! table's stream, parents before children, hands each record to a typed handler in order
//! within its shard, checkpoints after the handler succeeded (at-least-once), resumes after a
//! restart from the last checkpoint, and shares the shards between the consumers running under
//! one name with leases. See [`Consumer`].

mod lease;
mod shards;

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_dynamodbstreams::types::{ShardFilter, ShardFilterType, ShardIteratorType};
use tokio::sync::{Mutex, watch};
use tokio::task::JoinHandle;
use tracing::Instrument;

use crate::error::{Error, Result};
use crate::table::TableRef;

use super::handler::Handler;
use super::record::{EventOf, RawRecord, StreamModel};

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

/// How a shard reader ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReaderEnd {
    /// The shard is closed and every record was handled; its lease is marked finished.
    Finished,
    /// Stopped on request; its lease was released.
    Released,
    /// Its lease was taken over by another consumer.
    Lost,
}

struct Reader {
    stop: watch::Sender<bool>,
    lease: Arc<Mutex<Lease>>,
    task: JoinHandle<Result<ReaderEnd>>,
}

/// The running readers. Dropping them (the consumer's future dropped, its task aborted) ends
/// them at once, as a crash would: nothing more is handled, checkpointed or released.
#[derive(Default)]
struct Readers(HashMap<String, Reader>);

impl Drop for Readers {
    fn drop(&mut self) {
        for reader in self.0.values() {
            reader.task.abort();
        }
    }
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

/// Every shard of the stream (all `DescribeStream` pages).
async fn list_shards(
    streams: &aws_sdk_dynamodbstreams::Client,
    arn: &str,
) -> Result<Vec<ShardInfo>> {
    let mut shards = Vec::new();
    let mut start: Option<String> = None;
    loop {
        let page = retrying(|| {
            let request = streams
                .describe_stream()
                .stream_arn(arn)
                .set_exclusive_start_shard_id(start.clone());
            async move { request.send().await.map_err(streams_error) }
        })
        .await?;
        let description = page.stream_description.unwrap_or_else(|| {
            aws_sdk_dynamodbstreams::types::StreamDescription::builder().build()
        });
        for shard in description.shards.unwrap_or_default() {
            if let Some(id) = shard.shard_id {
                shards.push(ShardInfo {
                    id,
                    parent: shard.parent_shard_id,
                });
            }
        }
        match description.last_evaluated_shard_id {
            Some(last) if start.as_deref() != Some(last.as_str()) => start = Some(last),
            _ => return Ok(shards),
        }
    }
}

/// The children of a finished shard, asked with `ShardFilter` `CHILD_SHARDS` (servers that
/// ignore the filter answer with every shard: only children are kept).
async fn child_shards(
    streams: &aws_sdk_dynamodbstreams::Client,
    arn: &str,
    parent: &str,
) -> Result<Vec<ShardInfo>> {
    let filter = ShardFilter::builder()
        .r#type(ShardFilterType::ChildShards)
        .shard_id(parent)
        .build();
    let page = retrying(|| {
        let request = streams
            .describe_stream()
            .stream_arn(arn)
            .shard_filter(filter.clone());
        async move { request.send().await.map_err(streams_error) }
    })
    .await?;
    Ok(page
        .stream_description
        .and_then(|d| d.shards)
        .unwrap_or_default()
        .into_iter()
        .filter(|s| s.parent_shard_id.as_deref() == Some(parent))
        .filter_map(|s| {
            Some(ShardInfo {
                id: s.shard_id?,
                parent: s.parent_shard_id,
            })
        })
        .collect())
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

/// The coordinator: finds shards, takes, renews and hands out leases, and runs one reader per
/// shard it holds.
async fn coordinate<M, H>(
    shared: Arc<Shared<M, H>>,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<()>
where
    M: StreamModel,
    H: Handler<M> + 'static,
{
    let span = tracing::info_span!(
        "stream.consumer",
        table = %shared.table,
        stream = %shared.stream_arn,
        worker = %shared.worker,
    );
    async move {
        retrying(|| shared.store.ensure()).await?;
        let mut shutdown = std::pin::pin!(shutdown);
        let mut running = Readers::default();
        let readers = &mut running.0;
        let mut observed: HashMap<String, (u64, Instant)> = HashMap::new();
        let mut shards: Vec<ShardInfo> = Vec::new();
        let mut last_discovery: Option<Instant> = None;
        let mut finished_parents: Vec<String> = Vec::new();
        let mut last_renewal = Instant::now();
        let tick = (shared.lease_duration / 3).min(shared.discovery);
        let outcome: Result<()> = async {
            loop {
                // readers that ended
                let ended: Vec<String> = readers
                    .iter()
                    .filter(|(_, r)| r.task.is_finished())
                    .map(|(id, _)| id.clone())
                    .collect();
                for id in ended {
                    let Some(reader) = readers.remove(&id) else {
                        continue;
                    };
                    match reader.task.await {
                        Ok(Ok(ReaderEnd::Finished)) => finished_parents.push(id),
                        Ok(Ok(end)) => tracing::debug!(shard_id = %id, ?end, "shard reader ended"),
                        Ok(Err(e)) => return Err(e),
                        Err(e) => {
                            return Err(Error::Validation(format!(
                                "the reader of shard `{id}` ended abnormally: {e}"
                            )));
                        }
                    }
                }
                // new shards
                let due = last_discovery.is_none_or(|t| t.elapsed() >= shared.discovery);
                if due {
                    shards = list_shards(&shared.streams, &shared.stream_arn).await?;
                    last_discovery = Some(Instant::now());
                    finished_parents.clear();
                } else {
                    for parent in std::mem::take(&mut finished_parents) {
                        for child in
                            child_shards(&shared.streams, &shared.stream_arn, &parent).await?
                        {
                            if !shards.iter().any(|s| s.id == child.id) {
                                shards.push(child);
                            }
                        }
                    }
                }
                // leases: create the missing ones, then see who holds what
                let mut leases: BTreeMap<String, Lease> =
                    retrying(|| shared.store.list(&shared.scope))
                        .await?
                        .into_iter()
                        .map(|l| (l.shard_id.clone(), l))
                        .collect();
                for shard in &shards {
                    if !leases.contains_key(&shard.id) {
                        let mut lease =
                            Lease::new(&shared.scope, &shard.id, shard.parent.as_deref());
                        let created = retrying(|| {
                            let mut attempt = lease.clone();
                            let store = Arc::clone(&shared.store);
                            async move {
                                let won = store.create(&mut attempt).await?;
                                Ok((won, attempt))
                            }
                        })
                        .await?;
                        if created.0 {
                            lease = created.1;
                            leases.insert(shard.id.clone(), lease);
                        }
                    }
                }
                let now = Instant::now();
                let states: BTreeMap<String, LeaseState> = leases
                    .values()
                    .map(|lease| {
                        let holder = match &lease.owner {
                            None => Holder::Free,
                            Some(owner) if *owner == shared.worker => Holder::Me,
                            Some(owner) => {
                                let seen = observed
                                    .entry(lease.shard_id.clone())
                                    .or_insert((lease.counter, now));
                                if seen.0 != lease.counter {
                                    *seen = (lease.counter, now);
                                }
                                if now.duration_since(seen.1) >= shared.lease_duration {
                                    Holder::Expired(owner.clone())
                                } else {
                                    Holder::Live(owner.clone())
                                }
                            }
                        };
                        (
                            lease.shard_id.clone(),
                            LeaseState {
                                finished: lease.finished,
                                holder,
                            },
                        )
                    })
                    .collect();
                let plan = plan(&shards, &states);
                for id in &plan.release {
                    if let Some(reader) = readers.get(id) {
                        let _ = reader.stop.send(true);
                    }
                }
                // shards held since an earlier run of this worker, and shards to take
                for id in plan.keep.iter().chain(&plan.take) {
                    if readers.contains_key(id) {
                        continue;
                    }
                    let Some(mut lease) = leases.get(id).cloned() else {
                        continue;
                    };
                    if lease.owner.as_deref() != Some(shared.worker.as_str()) {
                        lease.owner = Some(shared.worker.clone());
                        let store = Arc::clone(&shared.store);
                        let taken = retrying(|| {
                            let mut attempt = lease.clone();
                            let store = Arc::clone(&store);
                            async move {
                                let won = store.update(&mut attempt).await?;
                                Ok((won, attempt))
                            }
                        })
                        .await?;
                        if !taken.0 {
                            continue;
                        }
                        lease = taken.1;
                        tracing::info!(shard_id = %id, "lease taken");
                    }
                    readers.insert(id.clone(), start_reader(&shared, lease));
                }
                // renewals
                if last_renewal.elapsed() >= shared.lease_duration / 3 {
                    last_renewal = Instant::now();
                    for (id, reader) in readers.iter() {
                        if reader.task.is_finished() {
                            continue;
                        }
                        if !write_lease(&shared, &reader.lease, |_| {}).await? {
                            tracing::warn!(shard_id = %id, "lease lost to another consumer");
                            let _ = reader.stop.send(true);
                        }
                    }
                }
                tokio::select! {
                    () = &mut shutdown => return Ok(()),
                    () = tokio::time::sleep(tick) => {}
                }
            }
        }
        .await;
        // stop every reader: each finishes its record, checkpoints and releases its lease
        for reader in readers.values() {
            let _ = reader.stop.send(true);
        }
        let mut first_error = outcome.err();
        for (id, reader) in readers.drain() {
            match reader.task.await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => {
                    first_error.get_or_insert(e);
                }
                Err(e) => {
                    first_error.get_or_insert(Error::Validation(format!(
                        "the reader of shard `{id}` ended abnormally: {e}"
                    )));
                }
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
    .instrument(span)
    .await
}

fn start_reader<M, H>(shared: &Arc<Shared<M, H>>, lease: Lease) -> Reader
where
    M: StreamModel,
    H: Handler<M> + 'static,
{
    let (stop, stopped) = watch::channel(false);
    let lease = Arc::new(Mutex::new(lease));
    let task = tokio::spawn(read_shard(Arc::clone(shared), Arc::clone(&lease), stopped));
    Reader { stop, lease, task }
}

/// Where to read a shard from.
#[derive(Debug, Clone)]
enum Position {
    Start(StartPosition),
    After(String),
}

enum ReadFailure {
    Expired,
    Other(Error),
}

async fn shard_iterator<M, H>(
    shared: &Shared<M, H>,
    shard_id: &str,
    position: &Position,
) -> Result<Option<String>> {
    let result = retrying(|| {
        let request = shared
            .streams
            .get_shard_iterator()
            .stream_arn(&shared.stream_arn)
            .shard_id(shard_id);
        let request = match position {
            Position::Start(StartPosition::TrimHorizon) => {
                request.shard_iterator_type(ShardIteratorType::TrimHorizon)
            }
            Position::Start(StartPosition::Latest) => {
                request.shard_iterator_type(ShardIteratorType::Latest)
            }
            Position::After(seq) => request
                .shard_iterator_type(ShardIteratorType::AfterSequenceNumber)
                .sequence_number(seq),
        };
        async move { request.send().await.map_err(streams_error) }
    })
    .await;
    match result {
        Ok(output) => Ok(output.shard_iterator),
        Err(Error::Streams(e))
            if matches!(
                *e,
                aws_sdk_dynamodbstreams::Error::TrimmedDataAccessException(_)
            ) =>
        {
            Err(Error::StreamTrimmed {
                shard_id: shard_id.to_owned(),
                sequence_number: match position {
                    Position::After(seq) => Some(seq.clone()),
                    Position::Start(_) => None,
                },
            })
        }
        Err(e) => Err(e),
    }
}

/// Reads one shard to its end or until stopped.
async fn read_shard<M, H>(
    shared: Arc<Shared<M, H>>,
    lease: Arc<Mutex<Lease>>,
    mut stop: watch::Receiver<bool>,
) -> Result<ReaderEnd>
where
    M: StreamModel,
    H: Handler<M> + 'static,
{
    let (shard_id, resume_after) = {
        let held = lease.lock().await;
        (held.shard_id.clone(), held.checkpoint.clone())
    };
    let span = tracing::info_span!("stream.shard", shard_id = %shard_id);
    async move {
        let mut position = match resume_after {
            Some(seq) => Position::After(seq),
            None => Position::Start(shared.start),
        };
        let mut iterator = shard_iterator(&shared, &shard_id, &position).await?;
        let mut idle = Duration::from_millis(20);
        let mut backoff = Duration::from_millis(50);
        loop {
            if *stop.borrow() {
                return release(&shared, &lease).await;
            }
            let Some(current) = iterator.clone() else {
                return finish(&shared, &lease).await;
            };
            let page = shared
                .streams
                .get_records()
                .shard_iterator(current)
                .limit(shared.batch_size)
                .send()
                .await
                .map_err(|e| match aws_sdk_dynamodbstreams::Error::from(e) {
                    aws_sdk_dynamodbstreams::Error::ExpiredIteratorException(_) => {
                        ReadFailure::Expired
                    }
                    other => ReadFailure::Other(Error::from(other)),
                });
            let page = match page {
                Ok(page) => {
                    backoff = Duration::from_millis(50);
                    page
                }
                Err(ReadFailure::Expired) => {
                    tracing::debug!(
                        "shard iterator expired: renewing it from the last record handled"
                    );
                    iterator = shard_iterator(&shared, &shard_id, &position).await?;
                    continue;
                }
                Err(ReadFailure::Other(Error::Streams(e)))
                    if matches!(
                        *e,
                        aws_sdk_dynamodbstreams::Error::TrimmedDataAccessException(_)
                    ) =>
                {
                    return Err(Error::StreamTrimmed {
                        shard_id: shard_id.clone(),
                        sequence_number: match &position {
                            Position::After(seq) => Some(seq.clone()),
                            Position::Start(_) => None,
                        },
                    });
                }
                Err(ReadFailure::Other(e)) if e.is_retryable() => {
                    tracing::debug!(error = %e, "GetRecords throttled or failed: backing off");
                    wait(&mut stop, jitter(backoff)).await;
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                    continue;
                }
                Err(ReadFailure::Other(e)) => return Err(e),
            };
            let records = page.records.unwrap_or_default();
            let count = records.len();
            let mut handled: Option<String> = None;
            let mut interrupted = false;
            let batch = tracing::debug_span!("stream.batch", records = count);
            let outcome: Result<Option<ReaderEnd>> = async {
                for record in records {
                    let mut raw = RawRecord::from_streams(record)?;
                    raw.table_name = Some(shared.table.clone());
                    let sequence = raw.sequence_number.clone();
                    let mut delay = Duration::from_millis(100);
                    loop {
                        let decoded = raw.clone().decode::<EventOf<M>>()?;
                        match shared.handler.handle(decoded).await {
                            Ok(()) => break,
                            Err(source) => {
                                let error = Error::Handler {
                                    sequence_number: sequence.clone(),
                                    source,
                                };
                                // what was handled before this record is done
                                if let Some(done) = handled.take()
                                    && !checkpoint(&shared, &lease, done).await?
                                {
                                    return Ok(Some(ReaderEnd::Lost));
                                }
                                if shared.on_error == OnHandlerError::Stop {
                                    return Err(error);
                                }
                                tracing::warn!(%error, "handler failed: retrying the record");
                                wait(&mut stop, jitter(delay)).await;
                                delay = (delay * 2).min(Duration::from_secs(10));
                                if *stop.borrow() {
                                    return Ok(Some(release(&shared, &lease).await?));
                                }
                            }
                        }
                    }
                    if let Some(seq) = sequence {
                        position = Position::After(seq.clone());
                        handled = Some(seq);
                    }
                    if *stop.borrow() {
                        interrupted = true;
                        break;
                    }
                }
                Ok(None)
            }
            .instrument(batch)
            .await;
            if let Some(end) = outcome? {
                return Ok(end);
            }
            if let Some(done) = handled
                && !checkpoint(&shared, &lease, done).await?
            {
                return Ok(ReaderEnd::Lost);
            }
            if interrupted {
                return release(&shared, &lease).await;
            }
            iterator = page.next_shard_iterator;
            if iterator.is_some() && count == 0 {
                wait(&mut stop, idle).await;
                idle = (idle * 2).min(shared.max_poll);
            } else {
                idle = Duration::from_millis(20);
            }
        }
    }
    .instrument(span)
    .await
}

/// Sleeps for `delay`, or less if a stop is asked for.
async fn wait(stop: &mut watch::Receiver<bool>, delay: Duration) {
    if *stop.borrow() {
        return;
    }
    tokio::select! {
        _ = stop.changed() => {}
        () = tokio::time::sleep(delay) => {}
    }
}

async fn checkpoint<M, H>(
    shared: &Shared<M, H>,
    lease: &Mutex<Lease>,
    sequence: String,
) -> Result<bool> {
    let won = write_lease(shared, lease, |l| l.checkpoint = Some(sequence.clone())).await?;
    if !won {
        tracing::warn!("lease lost to another consumer: stopping before the next record");
    }
    Ok(won)
}

async fn release<M, H>(shared: &Shared<M, H>, lease: &Mutex<Lease>) -> Result<ReaderEnd> {
    Ok(if write_lease(shared, lease, |l| l.owner = None).await? {
        tracing::info!("lease released");
        ReaderEnd::Released
    } else {
        ReaderEnd::Lost
    })
}

async fn finish<M, H>(shared: &Shared<M, H>, lease: &Mutex<Lease>) -> Result<ReaderEnd> {
    Ok(
        if write_lease(shared, lease, |l| {
            l.finished = true;
            l.owner = None;
        })
        .await?
        {
            tracing::info!("shard finished");
            ReaderEnd::Finished
        } else {
            ReaderEnd::Lost
        },
    )
}
