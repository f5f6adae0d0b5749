//! One shard's reader: reads it from its checkpoint to its end, hands each record to the
//! handler, checkpoints, and ends when the shard ends, when asked to stop, or when its lease is
//! lost. A task beside it renews the lease.

use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_dynamodbstreams::Error as StreamsError;
use aws_sdk_dynamodbstreams::operation::get_records::GetRecordsOutput;
use aws_sdk_dynamodbstreams::types::ShardIteratorType;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tracing::Instrument;

use crate::telemetry;

use crate::error::{Error, Result};

use super::super::handler::Handler;
use super::super::record::{EventOf, RawRecord, StreamModel};
use super::{
    HeldLease, OnHandlerError, REQUEST_TIMEOUT, Shared, StartPosition, is_transient, jitter,
    streams_error, timed, write_lease,
};

/// How a shard reader ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ReaderEnd {
    /// The shard is closed and every record was handled; its lease is marked finished.
    Finished,
    /// Stopped on request; its lease was released.
    Released,
    /// Its lease was taken over by another consumer.
    Lost,
}

/// Where to read a shard from.
#[derive(Debug, Clone)]
enum Position {
    Start(StartPosition),
    After(String),
}

/// Either go on with a value, or the reader ends.
enum Step<T> {
    Go(T),
    End(ReaderEnd),
}

/// What a `GetRecords` call gave.
enum Fetched {
    Page(GetRecordsOutput),
    /// The iterator expired (or the stream's start moved past it): get a new one.
    Reposition,
}

struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Reads one shard to its end or until stopped. Run it inside the shard's span.
pub(super) async fn read_shard<M, H>(
    shared: Arc<Shared<M, H>>,
    held: Arc<HeldLease>,
    stop: watch::Receiver<bool>,
) -> Result<ReaderEnd>
where
    M: StreamModel,
    H: Handler<M> + 'static,
{
    let (shard_id, position) = {
        let lease = held.lease.lock().await;
        let position = match &lease.checkpoint {
            Some(seq) => Position::After(seq.clone()),
            None if lease.start_at_latest => Position::Start(StartPosition::Latest),
            None => Position::Start(StartPosition::TrimHorizon),
        };
        (lease.shard_id.clone(), position)
    };
    let _renewals = AbortOnDrop(tokio::spawn(
        renew(Arc::clone(&shared), Arc::clone(&held)).in_current_span(),
    ));
    let mut reader = ShardReader {
        shared,
        held,
        stop,
        shard_id,
        position,
        pending: None,
        last_read: None,
    };
    let end = match reader.start().await {
        Ok(None) => reader.run().await,
        Ok(Some(end)) => Ok(end),
        Err(e) => Err(e),
    };
    if let Err(error) = &end {
        // what was handled before the failure is kept, and the lease freed
        tracing::error!(%error, "shard reader failed");
        if let Err(e) = reader.release().await {
            tracing::warn!(error = %e, "could not release the lease after the failure");
        }
    }
    end
}

/// Renews the lease three times per lease duration, until the reader ends or the lease is
/// lost. A renewal that fails for a while (throttled, no answer) is tried again at the next
/// turn; meanwhile the reader handles no record once the last renewal is too old
/// ([`HeldLease::is_current`]). One that fails for good ends the reader with its error.
async fn renew<M, H>(shared: Arc<Shared<M, H>>, held: Arc<HeldLease>) {
    let period = shared.lease_duration / 3;
    loop {
        tokio::time::sleep(period).await;
        match timed(
            period,
            "a lease renewal",
            write_lease(&shared, &held, |_| {}),
        )
        .await
        {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!("lease lost to another consumer");
                return;
            }
            Err(error) if is_transient(&error) => {
                tracing::warn!(%error, "lease renewal failed: trying again");
            }
            Err(error) => {
                tracing::error!(%error, "lease renewal failed for good");
                held.fail(error);
                return;
            }
        }
    }
}

struct ShardReader<M, H> {
    shared: Arc<Shared<M, H>>,
    held: Arc<HeldLease>,
    stop: watch::Receiver<bool>,
    shard_id: String,
    position: Position,
    /// The last record handled but not yet checkpointed.
    pending: Option<String>,
    last_read: Option<Instant>,
}

impl<M, H> ShardReader<M, H>
where
    M: StreamModel,
    H: Handler<M> + 'static,
{
    /// Before the first read: waits until a consumer the lease was taken from has stopped, and
    /// for a shard to be read from its newest record, clears that mark first, so that a later
    /// owner (this lease moving before its first checkpoint) reads the shard from its oldest
    /// record: records handled twice rather than records never handled.
    async fn start(&mut self) -> Result<Option<ReaderEnd>> {
        if let Some(at) = self.held.not_before {
            tracing::info!("waiting for the previous holder to stop");
            while Instant::now() < at {
                if let Some(end) = self.interrupted().await? {
                    return Ok(Some(end));
                }
                self.wait(at - Instant::now()).await;
            }
        }
        if !matches!(self.position, Position::Start(StartPosition::Latest)) {
            return Ok(None);
        }
        let mut backoff = Backoff::new();
        loop {
            if let Some(end) = self.interrupted().await? {
                return Ok(Some(end));
            }
            match write_lease(&self.shared, &self.held, |l| l.start_at_latest = false).await {
                Ok(true) => return Ok(None),
                Ok(false) => return Ok(Some(ReaderEnd::Lost)),
                Err(e) if is_transient(&e) => {
                    backoff.warn(&e, "could not mark the shard started");
                    self.wait(backoff.next()).await;
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn run(&mut self) -> Result<ReaderEnd> {
        let mut iterator = match self.iterator().await? {
            Step::Go(Some(iterator)) => iterator,
            Step::Go(None) => return self.finish().await,
            Step::End(end) => return Ok(end),
        };
        if matches!(self.position, Position::Start(StartPosition::Latest)) {
            // a new iterator, later, starts where nothing can have been missed
            self.position = Position::Start(StartPosition::TrimHorizon);
        }
        let mut idle = Duration::from_millis(20);
        loop {
            let page = match self.fetch(&iterator).await? {
                Step::Go(Fetched::Page(page)) => page,
                Step::Go(Fetched::Reposition) => {
                    tracing::debug!("shard iterator expired: renewing it from the last record");
                    iterator = match self.iterator().await? {
                        Step::Go(Some(iterator)) => iterator,
                        Step::Go(None) => return self.finish().await,
                        Step::End(end) => return Ok(end),
                    };
                    continue;
                }
                Step::End(end) => return Ok(end),
            };
            let records = page.records.unwrap_or_default();
            let count = records.len();
            // an empty page (an idle shard's poll) is no batch: no span for it
            let batch = if count == 0 {
                tracing::Span::none()
            } else {
                telemetry::stream_batch(
                    "consumer",
                    Some(&self.shared.table),
                    Some(&self.shard_id),
                    count,
                )
            };
            let mut handled = 0;
            let outcome = self
                .handle_all(records, &mut handled)
                .instrument(batch.clone())
                .await;
            telemetry::batch_handled(&batch, handled, outcome.as_ref().err());
            if let Some(end) = outcome? {
                return Ok(end);
            }
            if !self.checkpoint().await? {
                return Ok(ReaderEnd::Lost);
            }
            match page.next_shard_iterator {
                None => return self.finish().await,
                Some(next) => iterator = next,
            }
            if count == 0 {
                self.wait(idle).await;
                idle = (idle * 2).min(self.shared.max_poll);
            } else {
                idle = Duration::from_millis(20);
            }
        }
    }

    /// Hands every record of a page to the handler, in order.
    async fn handle_all(
        &mut self,
        records: Vec<aws_sdk_dynamodbstreams::types::Record>,
        handled: &mut usize,
    ) -> Result<Option<ReaderEnd>> {
        for record in records {
            if let Some(end) = self.before_record().await? {
                return Ok(Some(end));
            }
            let mut raw = RawRecord::from_streams(record)?;
            raw.table_name = Some(self.shared.table.clone());
            let sequence = raw.sequence_number.clone();
            let mut delay = Duration::from_millis(100);
            loop {
                let event = raw.clone().decode::<EventOf<M>>()?;
                let Err(source) = self.shared.handler.handle(event).await else {
                    break;
                };
                let error = Error::Handler {
                    sequence_number: sequence.clone(),
                    source,
                };
                if self.shared.on_error == OnHandlerError::Stop {
                    return Err(error);
                }
                tracing::warn!(%error, "handler failed: retrying the record");
                // what was handled before this record is done
                if !self.checkpoint().await? {
                    return Ok(Some(ReaderEnd::Lost));
                }
                self.wait(jitter(delay)).await;
                delay = (delay * 2).min(Duration::from_secs(10));
                if let Some(end) = self.before_record().await? {
                    return Ok(Some(end));
                }
            }
            if let Some(seq) = sequence {
                self.position = Position::After(seq.clone());
                self.pending = Some(seq);
            }
            *handled += 1;
        }
        Ok(None)
    }

    /// Whether the reader may handle its next record: it ends when asked to stop or when the
    /// lease was lost, and waits while the lease's renewals fail.
    async fn before_record(&mut self) -> Result<Option<ReaderEnd>> {
        let mut warned = false;
        loop {
            if let Some(end) = self.interrupted().await? {
                return Ok(Some(end));
            }
            if self.held.is_current(self.shared.lease_duration) {
                return Ok(None);
            }
            if !warned {
                tracing::warn!("the lease was not renewed in time: waiting before the next record");
                warned = true;
            }
            self.wait(Duration::from_millis(50)).await;
        }
    }

    /// Ends the reader when the lease was lost or a stop was asked for.
    async fn interrupted(&mut self) -> Result<Option<ReaderEnd>> {
        if let Some(failure) = self.held.take_failure() {
            return Err(failure);
        }
        if self.held.is_lost() {
            tracing::warn!("lease lost to another consumer: stopping before the next record");
            return Ok(Some(ReaderEnd::Lost));
        }
        if *self.stop.borrow() {
            return Ok(Some(self.release().await?));
        }
        Ok(None)
    }

    /// A shard iterator at the current position, waiting out transient failures. `None` when
    /// there is none to give: the shard is closed and read to its end (as the Kinesis Client
    /// Library reads that answer).
    async fn iterator(&mut self) -> Result<Step<Option<String>>> {
        let mut backoff = Backoff::new();
        loop {
            if let Some(end) = self.interrupted().await? {
                return Ok(Step::End(end));
            }
            let request = self
                .shared
                .streams
                .get_shard_iterator()
                .stream_arn(&self.shared.stream_arn)
                .shard_id(&self.shard_id);
            let request = match &self.position {
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
            let sent = timed(REQUEST_TIMEOUT, "GetShardIterator", async {
                request.send().await.map_err(streams_error)
            });
            match sent.await {
                Ok(output) => {
                    if output.shard_iterator.is_none() {
                        tracing::info!("no shard iterator: the shard is closed and read");
                    }
                    return Ok(Step::Go(output.shard_iterator));
                }
                Err(e) if self.trimmed(&e) => return Err(self.trimmed_error()),
                // a start position raced with the trimming of the shard's oldest records
                Err(e) if is_transient(&e) || is_trimmed(&e) => {
                    backoff.warn(&e, "GetShardIterator failed");
                    self.wait(backoff.next()).await;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// One `GetRecords` call, no sooner than the minimum read interval after the last one,
    /// waiting out transient failures.
    async fn fetch(&mut self, iterator: &str) -> Result<Step<Fetched>> {
        let mut backoff = Backoff::new();
        loop {
            if let Some(last) = self.last_read {
                let next = last + self.shared.min_read;
                let now = Instant::now();
                if next > now {
                    self.wait(next - now).await;
                }
            }
            if let Some(end) = self.interrupted().await? {
                return Ok(Step::End(end));
            }
            self.last_read = Some(Instant::now());
            let request = self
                .shared
                .streams
                .get_records()
                .shard_iterator(iterator)
                .limit(self.shared.batch_size);
            let result = timed(REQUEST_TIMEOUT, "GetRecords", async {
                request.send().await.map_err(streams_error)
            })
            .await;
            match result {
                Ok(page) => return Ok(Step::Go(Fetched::Page(page))),
                Err(Error::Streams(e))
                    if matches!(*e, StreamsError::ExpiredIteratorException(_)) =>
                {
                    return Ok(Step::Go(Fetched::Reposition));
                }
                Err(e) if self.trimmed(&e) => return Err(self.trimmed_error()),
                Err(e) if is_trimmed(&e) => return Ok(Step::Go(Fetched::Reposition)),
                Err(e) if is_transient(&e) => {
                    backoff.warn(&e, "GetRecords throttled or failed");
                    self.wait(backoff.next()).await;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// True when `error` says records the reader still had to handle are gone: trimmed after
    /// its checkpoint, or the whole shard gone.
    fn trimmed(&self, error: &Error) -> bool {
        (is_trimmed(error) && matches!(self.position, Position::After(_))) || is_missing(error)
    }

    fn trimmed_error(&self) -> Error {
        Error::StreamTrimmed {
            shard_id: self.shard_id.clone(),
            sequence_number: match &self.position {
                Position::After(seq) => Some(seq.clone()),
                Position::Start(_) => None,
            },
        }
    }

    /// Writes the pending checkpoint. False when the lease was lost; a transient failure
    /// keeps the checkpoint pending for the next one.
    async fn checkpoint(&mut self) -> Result<bool> {
        let Some(seq) = self.pending.clone() else {
            return Ok(!self.held.is_lost());
        };
        match write_lease(&self.shared, &self.held, |l| {
            l.checkpoint = Some(seq.clone());
        })
        .await
        {
            Ok(true) => {
                self.pending = None;
                Ok(true)
            }
            Ok(false) => {
                tracing::warn!("lease lost to another consumer: stopping before the next record");
                Ok(false)
            }
            Err(e) if is_transient(&e) => {
                tracing::warn!(error = %e, "checkpoint not written: it goes with the next one");
                Ok(true)
            }
            Err(e) => Err(e),
        }
    }

    /// Writes the pending checkpoint and frees the lease. When the write keeps failing, the
    /// lease is left to expire.
    async fn release(&mut self) -> Result<ReaderEnd> {
        let pending = self.pending.clone();
        match write_lease(&self.shared, &self.held, |l| {
            if let Some(seq) = &pending {
                l.checkpoint = Some(seq.clone());
            }
            l.owner = None;
        })
        .await
        {
            Ok(true) => {
                tracing::info!("lease released");
                self.pending = None;
                Ok(ReaderEnd::Released)
            }
            Ok(false) => Ok(ReaderEnd::Lost),
            Err(e) if is_transient(&e) => {
                tracing::warn!(error = %e, "could not release the lease: it will expire");
                Ok(ReaderEnd::Released)
            }
            Err(e) => Err(e),
        }
    }

    /// Marks the lease finished once the shard's last record was handled and checkpointed,
    /// waiting out transient failures (the children wait for this mark).
    async fn finish(&mut self) -> Result<ReaderEnd> {
        let mut backoff = Backoff::new();
        loop {
            let written = write_lease(&self.shared, &self.held, |l| {
                l.finished = true;
                l.owner = None;
            })
            .await;
            match written {
                Ok(true) => {
                    tracing::info!("shard finished");
                    return Ok(ReaderEnd::Finished);
                }
                Ok(false) => return Ok(ReaderEnd::Lost),
                Err(e) if is_transient(&e) && !*self.stop.borrow() => {
                    backoff.warn(&e, "could not mark the shard finished");
                    self.wait(backoff.next()).await;
                }
                Err(e) if is_transient(&e) => {
                    tracing::warn!(error = %e, "could not mark the shard finished: it will be read again to its end");
                    return Ok(ReaderEnd::Released);
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Sleeps for `delay`, or less if a stop is asked for.
    async fn wait(&mut self, delay: Duration) {
        if *self.stop.borrow() {
            return;
        }
        tokio::select! {
            changed = self.stop.changed() => {
                if changed.is_err() {
                    // the coordinator is gone: nobody will ask again
                    tokio::time::sleep(delay).await;
                }
            }
            () = tokio::time::sleep(delay) => {}
        }
    }
}

fn is_trimmed(error: &Error) -> bool {
    matches!(error, Error::Streams(e) if matches!(**e, StreamsError::TrimmedDataAccessException(_)))
}

/// The shard is not there (trimmed away with records still unread, or the stream is gone).
fn is_missing(error: &Error) -> bool {
    matches!(error, Error::Streams(e) if matches!(**e, StreamsError::ResourceNotFoundException(_)))
}

/// Waits between attempts: 50 ms doubling up to 5 s, with jitter; never gives up.
struct Backoff {
    delay: Duration,
    failures: u32,
}

impl Backoff {
    fn new() -> Self {
        Backoff {
            delay: Duration::from_millis(50),
            failures: 0,
        }
    }

    fn next(&mut self) -> Duration {
        let delay = jitter(self.delay);
        self.delay = (self.delay * 2).min(Duration::from_secs(5));
        delay
    }

    /// Logs a failure that is retried: at debug level at first, as a warning once it keeps
    /// happening, so that a shard stuck on one is seen.
    fn warn(&mut self, error: &Error, what: &str) {
        self.failures += 1;
        if self.failures >= 5 {
            tracing::warn!(%error, failures = self.failures, "{what}: trying again");
        } else {
            tracing::debug!(%error, "{what}: trying again");
        }
    }
}
