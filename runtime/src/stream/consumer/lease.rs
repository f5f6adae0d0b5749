//! Leases and checkpoints: one row per shard of a stream per consumer, in a DynamoDB table by
//! default ([`DynamoLeaseStore`]), behind the [`LeaseStore`] trait.
//!
//! A lease is fenced by its `counter`: every write of it (taking it, renewing it, a checkpoint,
//! marking the shard finished, releasing it) is conditional on the counter read before and
//! stores the next one. An owner whose write fails has lost the lease and handles no further
//! record, so two owners never checkpoint one shard. Expiry needs no clock agreement between
//! machines: a consumer takes over a lease whose counter it has seen stand still for the lease
//! duration. An owner handles records only while its last successful renewal is less than two
//! thirds of a duration old, and a consumer that takes a lease its owner still renews (to even
//! out the work) waits five sixths of a duration before reading, so that the two never start
//! records of one shard at the same time (the previous owner may still finish a handler call
//! that outlasts the wait).
//!
//! Beside the leases, each running consumer keeps a heartbeat row in the same scope (its
//! `shard_id` is `worker#{worker id}`), renewed like a lease: the consumers count the live
//! heartbeats to share the shards out evenly. A row `meta#started` marks that the consumer
//! met the stream and made its first leases ([`Lease::is_shard`] tells the rows apart).

use futures::TryStreamExt;
use futures::future::BoxFuture;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::query::FullPrimaryKey;
use crate::table::TableRef;

/// The default lease table's name (the client's table prefix goes in front of it).
pub const DEFAULT_LEASE_TABLE: &str = "dynamo_types_leases";

/// The lease of one shard for one consumer: who processes it, how far, and whether it is done.
#[derive(Debug, Clone, PartialEq, dynamo_types_macros::DynamoModel)]
#[dynamo(crate = "crate", table = "dynamo_types_leases")]
pub struct Lease {
    /// The consumer's name and the stream's ARN: `{name}#{stream ARN}`.
    #[dynamo(hash)]
    pub scope: String,
    /// The shard.
    #[dynamo(range)]
    pub shard_id: String,
    /// The shard's parent, which must be finished before this shard starts.
    pub parent: Option<String>,
    /// The worker holding the lease; `None` when free.
    pub owner: Option<String>,
    /// The sequence number of the last record processed; reading resumes after it.
    pub checkpoint: Option<String>,
    /// True once every record of the (closed) shard was processed.
    #[dynamo(default)]
    pub finished: bool,
    /// With no checkpoint yet, read from the shard's newest record rather than its oldest: set
    /// on the shards open when a consumer started from `LATEST` first met the stream.
    #[dynamo(default)]
    pub start_at_latest: bool,
    /// The holder's lease duration in milliseconds, so that others wait at least that long
    /// before they count the lease expired.
    pub lease_ms: Option<u64>,
    /// Bumped by every write: what fences the lease and shows its owner alive.
    #[dynamo(version)]
    pub counter: u64,
}

impl Lease {
    /// A new, free lease of `shard_id`.
    pub fn new(scope: &str, shard_id: &str, parent: Option<&str>) -> Self {
        Lease {
            scope: scope.to_owned(),
            shard_id: shard_id.to_owned(),
            parent: parent.map(str::to_owned),
            owner: None,
            checkpoint: None,
            finished: false,
            start_at_latest: false,
            lease_ms: None,
            counter: 0,
        }
    }

    /// True for the lease of a shard; false for the other rows a consumer keeps beside its
    /// leases (each worker's heartbeat, and the mark that the consumer met the stream).
    pub fn is_shard(&self) -> bool {
        !self.is_heartbeat() && !self.shard_id.starts_with(META_PREFIX)
    }

    /// The id of the heartbeat row of `worker`.
    pub(crate) fn heartbeat_id(worker: &str) -> String {
        format!("{HEARTBEAT_PREFIX}{worker}")
    }

    pub(crate) fn is_heartbeat(&self) -> bool {
        self.shard_id.starts_with(HEARTBEAT_PREFIX)
    }
}

const HEARTBEAT_PREFIX: &str = "worker#";
const META_PREFIX: &str = "meta#";
/// The id of the row written once the first consumer of a name created its first leases:
/// after it, new shards are read from their start whatever the start position.
pub(crate) const STARTED_ID: &str = "meta#started";

/// Where a consumer keeps its leases and checkpoints.
///
/// `create`, `update` and `delete` write only if the stored `counter` is still `lease.counter`
/// (for `create`, only if there is no row of that shard); `create` and `update` store the next
/// counter and set `lease.counter` to it. A write that finds another counter returns
/// `Ok(false)`: the row was changed by someone else, and nothing was written. Reads are
/// consistent: a read after a write sees it.
pub trait LeaseStore: Send + Sync + 'static {
    /// Prepares the store (creates the lease table when missing).
    fn ensure(&self) -> BoxFuture<'_, Result<()>>;

    /// Every row of `scope`.
    fn list<'a>(&'a self, scope: &'a str) -> BoxFuture<'a, Result<Vec<Lease>>>;

    /// The row of `shard_id` in `scope`, if any. By default it is picked out of
    /// [`list`](Self::list).
    fn get<'a>(
        &'a self,
        scope: &'a str,
        shard_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<Lease>>> {
        Box::pin(async move {
            Ok(self
                .list(scope)
                .await?
                .into_iter()
                .find(|l| l.shard_id == shard_id))
        })
    }

    /// Writes `lease` (a new one, counter 0) unless a lease of its shard exists.
    fn create<'a>(&'a self, lease: &'a mut Lease) -> BoxFuture<'a, Result<bool>>;

    /// Writes `lease` as it is now if the stored counter is `lease.counter`.
    fn update<'a>(&'a self, lease: &'a mut Lease) -> BoxFuture<'a, Result<bool>>;

    /// Deletes the row of `lease` if the stored counter is `lease.counter`.
    fn delete<'a>(&'a self, lease: &'a Lease) -> BoxFuture<'a, Result<bool>>;
}

/// The default [`LeaseStore`]: a DynamoDB table modelled with this library's own derive
/// ([`Lease`]), created on demand with on-demand billing.
#[derive(Debug, Clone)]
pub struct DynamoLeaseStore {
    table: TableRef<Lease>,
}

impl DynamoLeaseStore {
    /// The lease table `name` (the client's table prefix applies).
    pub fn new(client: &Client, name: &str) -> Self {
        DynamoLeaseStore {
            table: TableRef::named(client, name),
        }
    }

    /// The table's full name.
    pub fn table_name(&self) -> &str {
        self.table.name()
    }
}

fn won(result: Result<()>) -> Result<bool> {
    match result {
        Ok(()) => Ok(true),
        Err(Error::ConditionalCheckFailed { .. }) => Ok(false),
        // a false condition after a lost attempt: perhaps written, perhaps not; taken as lost,
        // which is safe (a row that names this worker after all is taken back at the next
        // pass; a checkpoint not written is read again from the one before, at least once)
        Err(Error::Unconfirmed { source })
            if matches!(*source, Error::ConditionalCheckFailed { .. }) =>
        {
            Ok(false)
        }
        // another failure after a lost attempt (throttling, say): the caller's retry sends the
        // write again, which its counter check makes safe (a repeat fails its condition)
        Err(Error::Unconfirmed { source }) => Err(*source),
        Err(e) => Err(e),
    }
}

impl LeaseStore for DynamoLeaseStore {
    fn ensure(&self) -> BoxFuture<'_, Result<()>> {
        Box::pin(async move {
            // a consumer without the right to create tables runs against an existing one
            let described = self
                .table
                .client()
                .sdk()
                .describe_table()
                .table_name(self.table.name())
                .send()
                .await
                .map_err(Error::from);
            let active = Some(&aws_sdk_dynamodb::types::TableStatus::Active);
            match described {
                Ok(out) if out.table.as_ref().and_then(|t| t.table_status.as_ref()) == active => {
                    Ok(())
                }
                Ok(_) => self.table.create_table_if_not_exists().await.map(|_| ()),
                Err(e) if e.is_resource_not_found() => {
                    self.table.create_table_if_not_exists().await.map(|_| ())
                }
                Err(e) => Err(e),
            }
        })
    }

    fn list<'a>(&'a self, scope: &'a str) -> BoxFuture<'a, Result<Vec<Lease>>> {
        Box::pin(async move {
            FullPrimaryKey::<Lease>::new(self.table.clone())
                .query(scope)
                .consistent()
                .stream()
                .try_collect()
                .await
        })
    }

    fn create<'a>(&'a self, lease: &'a mut Lease) -> BoxFuture<'a, Result<bool>> {
        Box::pin(async move {
            lease.counter = 0;
            won(self.table.writer().put(lease).await)
        })
    }

    fn get<'a>(
        &'a self,
        scope: &'a str,
        shard_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<Lease>>> {
        Box::pin(async move {
            FullPrimaryKey::<Lease>::new(self.table.clone())
                .get(scope, shard_id)
                .consistent()
                .await
        })
    }

    fn update<'a>(&'a self, lease: &'a mut Lease) -> BoxFuture<'a, Result<bool>> {
        Box::pin(async move { won(self.table.writer().put(lease).await) })
    }

    fn delete<'a>(&'a self, lease: &'a Lease) -> BoxFuture<'a, Result<bool>> {
        Box::pin(async move { won(self.table.writer().delete(lease).await.map(|_| ())) })
    }
}
