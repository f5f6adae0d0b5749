//! The coordinator: finds the shards, creates, takes, renews and releases leases, and runs one
//! reader per shard it holds.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use aws_sdk_dynamodbstreams::types::{ShardFilter, ShardFilterType};
use tokio::sync::{Mutex, watch};
use tokio::task::JoinHandle;
use tracing::Instrument;

use crate::error::{Error, Result};

use super::super::handler::Handler;
use super::super::record::StreamModel;
use super::read::{ReaderEnd, read_shard};
use super::{
    Holder, Lease, LeaseState, ShardInfo, Shared, plan, retrying, streams_error, write_lease,
};

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

/// The coordinator: finds shards, takes, renews and hands out leases, and runs one reader per
/// shard it holds.
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
