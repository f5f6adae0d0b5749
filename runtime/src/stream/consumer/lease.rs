//! Leases and checkpoints: one row per shard of a stream per consumer, in a DynamoDB table by
//! default ([`DynamoLeaseStore`]), behind the [`LeaseStore`] trait.
//!
//! A lease is fenced by its `counter`: every write of it (taking it, renewing it, a checkpoint,
//! marking the shard finished, releasing it) is conditional on the counter read before and
//! stores the next one. An owner whose write fails has lost the lease and stops at once, so two
//! owners never checkpoint one shard. Expiry needs no clock agreement between machines: a
//! consumer takes over a lease whose counter it has seen stand still for the lease duration.

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
            counter: 0,
        }
    }
}

/// Where a consumer keeps its leases and checkpoints.
///
/// Every method but `list` and `ensure` writes `lease` only if its `counter` is still the one
/// stored (or, for `create`, only if there is none), stores the next counter and updates
/// `lease.counter` to it. A write that finds another counter returns `Ok(false)`: the lease
/// was taken or changed by someone else, and nothing was written.
pub trait LeaseStore: Send + Sync + 'static {
    /// Prepares the store (creates the lease table when missing).
    fn ensure(&self) -> BoxFuture<'_, Result<()>>;

    /// Every lease of `scope`, read consistently.
    fn list<'a>(&'a self, scope: &'a str) -> BoxFuture<'a, Result<Vec<Lease>>>;

    /// Writes `lease` (a new one, counter 0) unless a lease of its shard exists.
    fn create<'a>(&'a self, lease: &'a mut Lease) -> BoxFuture<'a, Result<bool>>;

    /// Writes `lease` as it is now if the stored counter is `lease.counter`.
    fn update<'a>(&'a self, lease: &'a mut Lease) -> BoxFuture<'a, Result<bool>>;
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
        Err(e) => Err(e),
    }
}

impl LeaseStore for DynamoLeaseStore {
    fn ensure(&self) -> BoxFuture<'_, Result<()>> {
        Box::pin(async move { self.table.create_table_if_not_exists().await.map(|_| ()) })
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
            won(self.table.writer().save(lease).await)
        })
    }

    fn update<'a>(&'a self, lease: &'a mut Lease) -> BoxFuture<'a, Result<bool>> {
        Box::pin(async move { won(self.table.writer().save(lease).await) })
    }
}
