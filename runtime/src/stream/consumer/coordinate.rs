//! The coordinator: lists the shards, creates, takes, shares out and tidies the leases, keeps
//! this worker's heartbeat, and runs one reader per shard it holds.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_dynamodbstreams::types::{ShardFilter, ShardFilterType, ShardIteratorType};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tracing::Instrument;

use crate::error::{Error, Result};

use super::super::handler::Handler;
use super::super::record::StreamModel;
use super::lease::STARTED_ID;
use super::read::{ReaderEnd, read_shard};
use super::shards::{Holder, LeaseState, ShardInfo, initial_leases, plan, seed_of};
use super::{
    HeldLease, Lease, REQUEST_TIMEOUT, Shared, StartPosition, Write, is_transient, retrying,
    retrying_within, store_write, streams_error,
};

struct Reader {
    stop: watch::Sender<bool>,
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

/// The shards `DescribeStream` lists (every page), with `filter` if given; `None` when an
/// answer had no stream description (the listing is not to be trusted).
async fn describe_shards(
    streams: &aws_sdk_dynamodbstreams::Client,
    arn: &str,
    filter: Option<&ShardFilter>,
) -> Result<Option<Vec<ShardInfo>>> {
    let mut shards = Vec::new();
    let mut start: Option<String> = None;
    loop {
        let page = retrying(|| {
            let request = streams
                .describe_stream()
                .stream_arn(arn)
                .set_shard_filter(filter.cloned())
                .set_exclusive_start_shard_id(start.clone());
            async move { request.send().await.map_err(streams_error) }
        })
        .await?;
        let Some(description) = page.stream_description else {
            tracing::warn!("DescribeStream answered without a stream description");
            return Ok(None);
        };
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
            _ => return Ok(Some(shards)),
        }
    }
}

/// The children of a finished shard, asked with the `CHILD_SHARDS` filter. A server that
/// refuses the filter is asked for every shard; either way only the children are kept.
async fn child_shards(
    streams: &aws_sdk_dynamodbstreams::Client,
    arn: &str,
    parent: &str,
) -> Result<Vec<ShardInfo>> {
    let filter = ShardFilter::builder()
        .r#type(ShardFilterType::ChildShards)
        .shard_id(parent)
        .build();
    let listed = match describe_shards(streams, arn, Some(&filter)).await {
        Ok(listed) => listed,
        Err(e) if is_transient(&e) => return Err(e),
        Err(e) => {
            tracing::debug!(error = %e, "the shard filter was refused: listing every shard");
            describe_shards(streams, arn, None).await?
        }
    };
    let Some(listed) = listed else {
        // tried again at the next round
        return Err(Error::Timeout(
            "DescribeStream answered without a stream description".to_owned(),
        ));
    };
    Ok(listed
        .into_iter()
        .filter(|s| s.parent.as_deref() == Some(parent))
        .collect())
}

/// The coordinator's state between passes.
struct Coordinator<M, H> {
    shared: Arc<Shared<M, H>>,
    readers: Readers,
    /// Each row of another worker: its counter and when this worker saw it change.
    observed: HashMap<String, (u64, Instant)>,
    /// The shards of the last full listing, and the children found since.
    shards: Vec<ShardInfo>,
    last_listing: Option<Instant>,
    /// Shards this worker finished since the last full listing: their children are asked for.
    finished: Vec<String>,
    /// Shards with a lease that full listings left out, and when that was first seen: one
    /// listing is not proof that a shard is gone.
    missing: HashMap<String, Instant>,
    store_ready: bool,
    seed: u64,
}

/// The coordinator: takes, shares out and hands leases to shard readers until `shutdown`
/// resolves or a fatal error, then stops the readers.
pub(super) async fn coordinate<M, H>(
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
    let mut coordinator = Coordinator {
        seed: seed_of(&shared.worker),
        shared,
        readers: Readers::default(),
        observed: HashMap::new(),
        shards: Vec::new(),
        last_listing: None,
        finished: Vec::new(),
        missing: HashMap::new(),
        store_ready: false,
    };
    async move {
        let tick = (coordinator.shared.lease_duration / 3).min(coordinator.shared.discovery);
        let mut shutdown = std::pin::pin!(shutdown);
        let mut outcome = Ok(());
        loop {
            let pass = tokio::select! {
                biased;
                () = &mut shutdown => break,
                pass = coordinator.pass() => pass,
            };
            match pass {
                Ok(()) => {}
                Err(e) if is_transient(&e) => {
                    tracing::warn!(error = %e, "consumer pass failed: trying again");
                }
                Err(e) => {
                    outcome = Err(e);
                    break;
                }
            }
            tokio::select! {
                biased;
                () = &mut shutdown => break,
                () = tokio::time::sleep(tick) => {}
            }
        }
        let stopped = coordinator.stop_readers().await;
        let tidied = tokio::time::timeout(REQUEST_TIMEOUT * 2, coordinator.tidy(&stopped.aborted));
        if tidied.await.is_err() {
            tracing::warn!("tidying the leases at the stop took too long: they will expire");
        }
        match (outcome, stopped.error) {
            (Err(e), _) | (Ok(()), Some(e)) => Err(e),
            (Ok(()), None) => Ok(()),
        }
    }
    .instrument(span)
    .await
}

/// How the readers stopped.
struct Stopped {
    /// The first error a reader ended with.
    error: Option<Error>,
    /// Shards whose readers did not stop in time and were ended.
    aborted: BTreeSet<String>,
}

impl<M, H> Coordinator<M, H>
where
    M: StreamModel,
    H: Handler<M> + 'static,
{
    /// One round: readers that ended, the shard list, the leases, the heartbeat, the plan.
    async fn pass(&mut self) -> Result<()> {
        if !self.store_ready {
            // creating the lease table may take minutes on DynamoDB
            retrying_within(Duration::from_secs(600), || self.shared.store.ensure()).await?;
            self.store_ready = true;
        }
        self.reap().await?;
        // the rows first: a lease read before a full listing and missing from it may be gone
        let rows = retrying(|| self.shared.store.list(&self.shared.scope)).await?;
        let heartbeats: Vec<&Lease> = rows.iter().filter(|r| r.is_heartbeat()).collect();
        // the heartbeat first, so that a slow listing does not make this worker look gone
        self.beat(&heartbeats).await?;
        let mut full = self
            .last_listing
            .is_none_or(|t| t.elapsed() >= self.shared.discovery);
        if full {
            match describe_shards(&self.shared.streams, &self.shared.stream_arn, None).await? {
                Some(shards) => {
                    self.shards = shards;
                    self.last_listing = Some(Instant::now());
                    self.finished.clear();
                }
                // never listed yet: nothing to go on until a listing can be trusted
                None if self.last_listing.is_none() => return Ok(()),
                None => full = false,
            }
        } else {
            self.find_children().await?;
        }
        let started = rows.iter().any(|r| r.shard_id == STARTED_ID);
        let mut leases: BTreeMap<String, Lease> = rows
            .iter()
            .filter(|r| r.is_shard())
            .map(|l| (l.shard_id.clone(), l.clone()))
            .collect();
        self.create_leases(started, &mut leases).await?;
        let gone = if full {
            self.gone(&leases).await?
        } else {
            BTreeSet::new()
        };
        let now = Instant::now();
        self.observed
            .retain(|id, _| rows.iter().any(|r| r.shard_id == *id));
        let mine = Lease::heartbeat_id(&self.shared.worker);
        let mut workers = 1;
        for beat in heartbeats.iter().filter(|b| b.shard_id != mine) {
            if self.alive(beat, now) {
                workers += 1;
            } else {
                // a worker gone without stopping: its row goes (it makes a new one if it was
                // only slow)
                let _ = self.shared.store.delete(beat).await;
            }
        }
        let states: BTreeMap<String, LeaseState> = leases
            .values()
            .map(|lease| {
                let holder = match &lease.owner {
                    None => Holder::Free,
                    Some(owner) if *owner == self.shared.worker => Holder::Me,
                    Some(owner) if self.alive(lease, now) => Holder::Live(owner.clone()),
                    Some(owner) => Holder::Expired(owner.clone()),
                };
                let state = LeaseState {
                    finished: lease.finished,
                    holder,
                };
                (lease.shard_id.clone(), state)
            })
            .collect();
        // shards known from leases (made by others, from listings this worker has not seen)
        // count as listed, unless they are known to be gone
        let mut view = self.shards.clone();
        for lease in leases.values() {
            if !gone.contains(&lease.shard_id) && !view.iter().any(|s| s.id == lease.shard_id) {
                view.push(ShardInfo {
                    id: lease.shard_id.clone(),
                    parent: lease.parent.clone(),
                });
            }
        }
        let plan = plan(&view, &states, workers, self.seed);
        if let Some(id) = plan.trimmed.first() {
            return Err(Error::StreamTrimmed {
                shard_id: id.clone(),
                sequence_number: leases.get(id).and_then(|l| l.checkpoint.clone()),
            });
        }
        // finished shards that are gone are of no more use
        for id in &gone {
            if let Some(lease) = leases.get(id).filter(|l| l.finished) {
                let _ = retrying(|| self.shared.store.delete(lease)).await;
                self.missing.remove(id);
            }
        }
        for id in &plan.release {
            match self.readers.0.get(id) {
                Some(reader) => {
                    let _ = reader.stop.send(true);
                }
                None => {
                    if let Some(lease) = leases.get(id) {
                        let mut free = lease.clone();
                        free.owner = None;
                        store_write(self.shared.store.as_ref(), &mut free, Write::Update).await?;
                    }
                }
            }
        }
        let wanted = plan.keep.iter().chain(&plan.take).chain(&plan.steal);
        for id in wanted {
            if self.readers.0.contains_key(id) {
                continue;
            }
            let Some(lease) = leases.get(id) else {
                continue;
            };
            if let Some(taken) = self.take(lease, &states[id].holder).await? {
                self.start_reader(id.clone(), taken);
            }
        }
        Ok(())
    }

    /// The shards with a lease that the stream no longer has: left out of full listings for
    /// twice the discovery interval, and unknown to `GetShardIterator`.
    async fn gone(&mut self, leases: &BTreeMap<String, Lease>) -> Result<BTreeSet<String>> {
        let listed: BTreeSet<&str> = self.shards.iter().map(|s| s.id.as_str()).collect();
        self.missing
            .retain(|id, _| leases.contains_key(id) && !listed.contains(id.as_str()));
        let confirm_after = (self.shared.discovery * 2).max(Duration::from_secs(1));
        let now = Instant::now();
        let mut gone = BTreeSet::new();
        for id in leases.keys().filter(|id| !listed.contains(id.as_str())) {
            let first = *self.missing.entry(id.clone()).or_insert(now);
            if now.duration_since(first) < confirm_after {
                continue;
            }
            let asked = retrying(|| {
                let request = self
                    .shared
                    .streams
                    .get_shard_iterator()
                    .stream_arn(&self.shared.stream_arn)
                    .shard_id(id)
                    .shard_iterator_type(ShardIteratorType::TrimHorizon);
                async move { request.send().await.map_err(streams_error) }
            })
            .await;
            match asked {
                Ok(_) => {
                    // it is there: the listings left it out
                    self.missing.remove(id);
                }
                Err(Error::Streams(e))
                    if matches!(
                        *e,
                        aws_sdk_dynamodbstreams::Error::ResourceNotFoundException(_)
                    ) =>
                {
                    gone.insert(id.clone());
                }
                Err(e) => return Err(e),
            }
        }
        Ok(gone)
    }

    /// Collects the readers that ended: a failure of one is the consumer's.
    async fn reap(&mut self) -> Result<()> {
        let ended: Vec<String> = self
            .readers
            .0
            .iter()
            .filter(|(_, r)| r.task.is_finished())
            .map(|(id, _)| id.clone())
            .collect();
        for id in ended {
            let Some(reader) = self.readers.0.remove(&id) else {
                continue;
            };
            match reader.task.await {
                Ok(Ok(ReaderEnd::Finished)) => self.finished.push(id),
                Ok(Ok(end)) => tracing::debug!(shard_id = %id, ?end, "shard reader ended"),
                Ok(Err(e)) if is_transient(&e) => {
                    tracing::warn!(shard_id = %id, error = %e, "shard reader failed: restarting it");
                }
                Ok(Err(e)) => return Err(e),
                Err(e) => return Err(reader_crashed(&id, &e)),
            }
        }
        Ok(())
    }

    /// Adds the children of the shards finished since the last full listing.
    async fn find_children(&mut self) -> Result<()> {
        while let Some(parent) = self.finished.first().cloned() {
            let children =
                child_shards(&self.shared.streams, &self.shared.stream_arn, &parent).await?;
            for child in children {
                if !self.shards.iter().any(|s| s.id == child.id) {
                    self.shards.push(child);
                }
            }
            self.finished.remove(0);
        }
        Ok(())
    }

    /// Creates the leases of listed shards that have none. The first consumer of a name to
    /// meet the stream starts where [`StartPosition`] says; later shards start at their oldest
    /// record.
    async fn create_leases(
        &mut self,
        started: bool,
        leases: &mut BTreeMap<String, Lease>,
    ) -> Result<()> {
        let latest = !started && self.shared.start == StartPosition::Latest;
        for initial in initial_leases(&self.shards, latest) {
            if leases.contains_key(&initial.shard_id) {
                continue;
            }
            let mut lease = Lease::new(
                &self.shared.scope,
                &initial.shard_id,
                initial.parent.as_deref(),
            );
            lease.finished = initial.finished;
            lease.start_at_latest = initial.start_at_latest;
            let mut attempt = lease.clone();
            if store_write(self.shared.store.as_ref(), &mut attempt, Write::Create).await? {
                leases.insert(initial.shard_id, attempt);
            }
        }
        if !started {
            let mut mark = Lease::new(&self.shared.scope, STARTED_ID, None);
            mark.start_at_latest = latest;
            store_write(self.shared.store.as_ref(), &mut mark, Write::Create).await?;
        }
        Ok(())
    }

    /// Writes this worker's heartbeat row.
    async fn beat(&mut self, heartbeats: &[&Lease]) -> Result<()> {
        let id = Lease::heartbeat_id(&self.shared.worker);
        let mut row = match heartbeats.iter().find(|b| b.shard_id == id) {
            Some(row) => (*row).clone(),
            None => Lease::new(&self.shared.scope, &id, None),
        };
        row.owner = Some(self.shared.worker.clone());
        row.lease_ms = Some(self.shared.lease_ms());
        let fresh = row.counter == 0;
        // a lost race (a row written since the list) is settled at the next pass
        let write = if fresh { Write::Create } else { Write::Update };
        store_write(self.shared.store.as_ref(), &mut row, write).await?;
        Ok(())
    }

    /// True while another worker keeps changing `row`: its counter moved within the holder's
    /// lease duration, as this worker's clock measures it.
    fn alive(&mut self, row: &Lease, now: Instant) -> bool {
        let seen = self
            .observed
            .entry(row.shard_id.clone())
            .or_insert((row.counter, now));
        if seen.0 != row.counter {
            *seen = (row.counter, now);
        }
        now.duration_since(seen.1) < self.shared.expiry(row.lease_ms)
    }

    /// Takes `lease` for this worker with a conditional write, also when the row names this
    /// worker already (left by an earlier run of it: only a write proves it still holds it);
    /// `None` when another worker was faster.
    async fn take(&mut self, lease: &Lease, holder: &Holder) -> Result<Option<HeldLease>> {
        let mut taken = lease.clone();
        taken.owner = Some(self.shared.worker.clone());
        taken.lease_ms = Some(self.shared.lease_ms());
        let sent = Instant::now();
        if !store_write(self.shared.store.as_ref(), &mut taken, Write::Update).await? {
            return Ok(None);
        }
        // A consumer that held it live may handle records until two thirds of its lease
        // duration after its last renewal, which came before this write: wait until then,
        // with a margin.
        let not_before = match holder {
            Holder::Live(_) => Some(sent + self.shared.expiry(lease.lease_ms) * 5 / 6),
            _ => None,
        };
        let held = HeldLease::new(taken, sent, not_before);
        match holder {
            Holder::Live(owner) => {
                tracing::info!(shard_id = %lease.shard_id, from = %owner, "lease taken to even out the work");
            }
            Holder::Expired(owner) => {
                tracing::info!(shard_id = %lease.shard_id, from = %owner, "expired lease taken over");
            }
            Holder::Free | Holder::Me => {
                tracing::info!(shard_id = %lease.shard_id, "lease taken");
            }
        }
        Ok(Some(held))
    }

    fn start_reader(&mut self, id: String, held: HeldLease) {
        // made here, so that it is a child of the consumer's span
        let span = tracing::info_span!("stream.shard", shard_id = %id);
        let (stop, stopped) = watch::channel(false);
        let held = Arc::new(held);
        let task =
            tokio::spawn(read_shard(Arc::clone(&self.shared), held, stopped).instrument(span));
        self.readers.0.insert(id, Reader { stop, task });
    }

    /// Asks every reader to stop and waits for them, up to the stop timeout; readers still
    /// running then are ended.
    async fn stop_readers(&mut self) -> Stopped {
        for reader in self.readers.0.values() {
            let _ = reader.stop.send(true);
        }
        let deadline = tokio::time::Instant::now() + self.shared.stop_timeout;
        let mut stopped = Stopped {
            error: None,
            aborted: BTreeSet::new(),
        };
        let ids: Vec<String> = self.readers.0.keys().cloned().collect();
        for id in ids {
            let Some(reader) = self.readers.0.get_mut(&id) else {
                continue;
            };
            let joined = tokio::time::timeout_at(deadline, &mut reader.task).await;
            let error = match joined {
                Ok(Ok(Ok(_))) => None,
                Ok(Ok(Err(e))) => Some(e),
                Ok(Err(e)) => Some(reader_crashed(&id, &e)),
                Err(_) => {
                    tracing::warn!(shard_id = %id, "shard reader did not stop in time: ending it");
                    reader.task.abort();
                    stopped.aborted.insert(id.clone());
                    None
                }
            };
            self.readers.0.remove(&id);
            if let Some(e) = error {
                stopped.error.get_or_insert(e);
            }
        }
        stopped
    }

    /// After the readers stopped: removes this worker's heartbeat and frees leases it still
    /// holds without a reader (taken in a pass cut short by the stop). Leases of readers that
    /// were ended are left to expire. Failures are logged: the rows expire anyway.
    async fn tidy(&mut self, aborted: &BTreeSet<String>) {
        let rows = match retrying(|| self.shared.store.list(&self.shared.scope)).await {
            Ok(rows) => rows,
            Err(e) => {
                tracing::warn!(error = %e, "could not tidy the leases at the stop");
                return;
            }
        };
        let mine = Lease::heartbeat_id(&self.shared.worker);
        for row in rows {
            let result = if row.shard_id == mine {
                retrying(|| self.shared.store.delete(&row)).await
            } else if row.is_shard()
                && row.owner.as_deref() == Some(self.shared.worker.as_str())
                && !aborted.contains(&row.shard_id)
            {
                let mut free = row.clone();
                free.owner = None;
                store_write(self.shared.store.as_ref(), &mut free, Write::Update).await
            } else {
                continue;
            };
            if let Err(e) = result {
                tracing::warn!(shard_id = %row.shard_id, error = %e, "could not tidy a lease at the stop");
            }
        }
    }
}

fn reader_crashed(id: &str, error: &tokio::task::JoinError) -> Error {
    Error::Handler {
        sequence_number: None,
        source: format!("the reader of shard `{id}` ended abnormally: {error}").into(),
    }
}
