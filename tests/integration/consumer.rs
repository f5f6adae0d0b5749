//! The stream consumer on a live server: every change handled, typed and in order per key;
//! checkpoints that survive a stop and a crash; two consumers sharing a stream through leases;
//! handler failures; a lease store of the user's own.
//!
//! Both local servers have one shard per table, so the lineage rules (parents before children,
//! splits, trimmed parents) are tested over made-up shard trees in the runtime's unit tests
//! (`stream::consumer::shards`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use dynamo_types::FullPrimaryKey;
use dynamo_types::stream::consumer::{
    DEFAULT_LEASE_TABLE, Lease, LeaseStore, OnHandlerError, StartPosition,
};
use dynamo_types::stream::{BoxError, Record};
use dynamo_types::{Client, DynamoModel, Error, TableRef};
use futures::TryStreamExt;
use futures::future::BoxFuture;

use crate::common;

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "accounts", stream = "new_and_old_images")]
pub struct Account {
    #[dynamo(hash)]
    pub id: String,
    pub balance: i64,
}

/// What a handler saw: the record's sequence number, the key, and the change in short.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Seen {
    sequence: String,
    id: String,
    change: String,
}

fn describe(event: &AccountEvent) -> String {
    match event {
        AccountEvent::Insert { new } => format!("insert {}", new.balance),
        AccountEvent::Modify { old, new } => format!("modify {} -> {}", old.balance, new.balance),
        AccountEvent::Remove { old, .. } => format!("remove {}", old.balance),
    }
}

type Log = Arc<Mutex<Vec<Seen>>>;

/// A handler that logs every record, and runs `extra` after logging it.
fn logging(
    log: &Log,
    extra: impl Fn(usize) -> Result<(), BoxError> + Send + Sync + 'static,
) -> impl Fn(Record<AccountEvent>) -> std::future::Ready<Result<(), BoxError>> + Send + Sync + 'static
{
    let log = log.clone();
    move |r: Record<AccountEvent>| {
        let count = {
            let mut log = log.lock().unwrap();
            log.push(Seen {
                sequence: r.sequence_number.clone(),
                id: r.event.key().id,
                change: describe(&r.event),
            });
            log.len()
        };
        std::future::ready(extra(count))
    }
}

/// Writes `keys` accounts through `changes` steps each: an insert, modifies, a remove. Every
/// write changes the item (DynamoDB Local emits nothing for a write that changes nothing).
/// Returns what each key's records must say, in order.
async fn write_changes(
    client: &Client,
    keys: usize,
    modifies: usize,
    from: usize,
) -> BTreeMap<String, Vec<String>> {
    let accounts = Account::table(client);
    let writer = accounts.writer();
    let mut expected: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for k in from..from + keys {
        let id = format!("acct-{k:03}");
        let mut account = Account {
            id: id.clone(),
            balance: 0,
        };
        writer.put(&account).await.unwrap();
        let changes = expected.entry(id.clone()).or_default();
        changes.push("insert 0".to_owned());
        for m in 1..=modifies {
            let old = account.balance;
            account.balance = (m * 10) as i64;
            writer.put(&account).await.unwrap();
            changes.push(format!("modify {old} -> {}", account.balance));
        }
        writer.delete(&account).await.unwrap();
        changes.push(format!("remove {}", account.balance));
    }
    expected
}

async fn wait_for(log: &Log, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while log.lock().unwrap().len() < count {
        assert!(
            Instant::now() < deadline,
            "only {} of {count} records arrived",
            log.lock().unwrap().len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Per key, the changes in the order they were handled.
fn by_key(log: &[Seen]) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for seen in log {
        out.entry(seen.id.clone())
            .or_default()
            .push(seen.change.clone());
    }
    out
}

fn distinct(log: &[Seen]) -> HashSet<String> {
    log.iter().map(|s| s.sequence.clone()).collect()
}

async fn setup() -> (Client, TableRef<Account>) {
    let client = common::client().await;
    let accounts = Account::table(&client);
    accounts.create_table().await.unwrap();
    (client, (*accounts).clone())
}

async fn teardown(client: &Client, accounts: &TableRef<Account>) {
    accounts.delete_table().await.unwrap();
    TableRef::<Lease>::named(client, DEFAULT_LEASE_TABLE)
        .delete_table()
        .await
        .unwrap();
}

fn fast(
    consumer: dynamo_types::stream::consumer::Consumer<Account>,
) -> dynamo_types::stream::consumer::Consumer<Account> {
    consumer
        .lease_duration(Duration::from_millis(900))
        .discovery_interval(Duration::from_millis(300))
        .max_poll_interval(Duration::from_millis(50))
}

#[tokio::test]
async fn five_hundred_changes_typed_and_in_order_per_key() {
    let (client, accounts) = setup().await;
    let expected = write_changes(&client, 50, 8, 0).await;
    let log: Log = Arc::default();
    let consumer = fast(accounts.consumer("billing")).spawn(logging(&log, |_| Ok(())));
    wait_for(&log, 500).await;
    consumer.stop().await.unwrap();
    let log = log.lock().unwrap().clone();
    assert_eq!(log.len(), 500, "each record handled once");
    assert_eq!(distinct(&log).len(), 500);
    assert_eq!(by_key(&log), expected);
    teardown(&client, &accounts).await;
}

#[tokio::test]
async fn a_graceful_stop_resumes_exactly_after_the_last_record() {
    let (client, accounts) = setup().await;
    let expected = write_changes(&client, 50, 8, 0).await;
    let log: Log = Arc::default();
    let (stop_at_200, reached) = tokio::sync::oneshot::channel::<()>();
    let stop_at_200 = Arc::new(Mutex::new(Some(stop_at_200)));
    let record_in_hand = logging(&log, |_| Ok(()));
    let count = log.clone();
    // the 200th record takes a while: the stop arrives while it is in hand
    let first = fast(accounts.consumer("billing").worker_id("first")).spawn(
        move |r: Record<AccountEvent>| {
            let done = record_in_hand(r);
            let stop_at_200 = stop_at_200.clone();
            let at_200 = count.lock().unwrap().len() == 200;
            async move {
                done.await?;
                let signal = at_200.then(|| stop_at_200.lock().unwrap().take()).flatten();
                if let Some(tx) = signal {
                    let _ = tx.send(());
                    tokio::time::sleep(Duration::from_millis(300)).await;
                }
                Ok::<_, BoxError>(())
            }
        },
    );
    reached.await.unwrap();
    first.stop().await.unwrap();
    let handled_first = log.lock().unwrap().len();
    assert_eq!(
        handled_first, 200,
        "the record in hand was finished, and nothing after it"
    );

    // a new consumer of the same name: on from the checkpoint, nothing again, nothing lost
    let second =
        fast(accounts.consumer("billing").worker_id("second")).spawn(logging(&log, |_| Ok(())));
    wait_for(&log, 500).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    second.stop().await.unwrap();
    let log = log.lock().unwrap().clone();
    assert_eq!(
        log.len(),
        500,
        "nothing handled twice after a graceful stop"
    );
    assert_eq!(by_key(&log), expected);
    teardown(&client, &accounts).await;
}

#[tokio::test]
async fn after_a_crash_nothing_after_the_checkpoint_is_lost() {
    let (client, accounts) = setup().await;
    let expected = write_changes(&client, 50, 8, 0).await;
    let log: Log = Arc::default();
    // small pages, so that checkpoints come often and the crash falls between two
    let first = fast(
        accounts
            .consumer("billing")
            .worker_id("first")
            .batch_size(40),
    )
    .spawn(logging(&log, |_| Ok(())));
    wait_for(&log, 230).await;
    first.abort();
    let before_crash = distinct(&log.lock().unwrap());

    // the crashed consumer's lease stands until it expires; then this one takes over
    let second =
        fast(accounts.consumer("billing").worker_id("second")).spawn(logging(&log, |_| Ok(())));
    let deadline = Instant::now() + Duration::from_secs(60);
    while distinct(&log.lock().unwrap()).len() < 500 {
        assert!(
            Instant::now() < deadline,
            "the second consumer takes over and finishes"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    second.stop().await.unwrap();
    let log = log.lock().unwrap().clone();
    // at least once: every record, some of those after the last checkpoint twice
    assert_eq!(distinct(&log).len(), 500);
    assert!(before_crash.len() >= 230);
    let again = log.len() - 500;
    assert!(
        again < 40 + 2,
        "only records after the last checkpoint run again ({again})"
    );
    // per key, the changes in order, a tail possibly replayed: dedupe consecutive replays
    let mut first_seen: Vec<Seen> = Vec::new();
    let mut seen = HashSet::new();
    for s in log {
        if seen.insert(s.sequence.clone()) {
            first_seen.push(s);
        }
    }
    assert_eq!(by_key(&first_seen), expected);
    teardown(&client, &accounts).await;
}

#[tokio::test]
async fn two_consumers_share_the_stream_and_one_takes_over() {
    let (client, accounts) = setup().await;
    write_changes(&client, 30, 8, 0).await;
    let (log_a, log_b): (Log, Log) = (Arc::default(), Arc::default());
    let a = fast(accounts.consumer("billing").worker_id("a")).spawn(logging(&log_a, |_| Ok(())));
    let b = fast(accounts.consumer("billing").worker_id("b")).spawn(logging(&log_b, |_| Ok(())));
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let total = log_a.lock().unwrap().len() + log_b.lock().unwrap().len();
        if total >= 300 {
            break;
        }
        assert!(Instant::now() < deadline, "300 records arrive ({total})");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // let the holder checkpoint, then check: each record once between the two
    tokio::time::sleep(Duration::from_millis(500)).await;
    let all: Vec<Seen> = log_a
        .lock()
        .unwrap()
        .iter()
        .chain(log_b.lock().unwrap().iter())
        .cloned()
        .collect();
    assert_eq!(all.len(), 300, "no record handled by both");
    assert_eq!(distinct(&all).len(), 300);

    // the holder of the one shard dies; the other takes over once its lease expires
    let (holder, holder_log, survivor, survivor_log) = if log_a.lock().unwrap().is_empty() {
        (b, log_b, a, log_a)
    } else {
        (a, log_a, b, log_b)
    };
    holder.abort();
    let before = survivor_log.lock().unwrap().len();
    write_changes(&client, 10, 8, 100).await;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let new: HashSet<String> = survivor_log
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.id.as_str() >= "acct-100")
            .map(|s| s.sequence.clone())
            .collect();
        if new.len() >= 100 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the survivor handles the new records"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(survivor_log.lock().unwrap().len() >= before + 100);
    survivor.stop().await.unwrap();
    drop(holder_log);
    teardown(&client, &accounts).await;
}

#[tokio::test]
async fn a_failing_handler_stops_its_shard_at_that_record() {
    let (client, accounts) = setup().await;
    write_changes(&client, 3, 3, 0).await; // 15 records
    let log: Log = Arc::default();
    // Stop: the consumer ends with the handler's error; what came before is checkpointed
    let result = fast(
        accounts
            .consumer("billing")
            .on_handler_error(OnHandlerError::Stop),
    )
    .run(
        logging(&log, |count| {
            if count == 7 {
                Err("the ledger is closed".into())
            } else {
                Ok(())
            }
        }),
        std::future::pending(),
    )
    .await;
    let failed = log.lock().unwrap()[6].clone();
    match result {
        Err(Error::Handler {
            sequence_number,
            source,
        }) => {
            assert_eq!(sequence_number.as_deref(), Some(failed.sequence.as_str()));
            assert_eq!(source.to_string(), "the ledger is closed");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        log.lock().unwrap().len(),
        7,
        "nothing after the failed record ran"
    );

    // Retry (the default): the failed record comes again first, then the rest, in order
    let retried: Log = Arc::default();
    let failures = Arc::new(Mutex::new(0));
    let f = failures.clone();
    let consumer = fast(accounts.consumer("billing")).spawn(logging(&retried, move |count| {
        let mut failures = f.lock().unwrap();
        if count <= 2 && *failures < 2 {
            *failures += 1;
            return Err("not yet".into());
        }
        Ok(())
    }));
    // 15 records, 6 checkpointed by the first consumer: 9 to go, one of them three times
    wait_for(&retried, 9 + 2).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    consumer.stop().await.unwrap();
    let retried = retried.lock().unwrap().clone();
    assert_eq!(
        retried[0].sequence, failed.sequence,
        "resumed at the failed record"
    );
    assert_eq!(
        retried
            .iter()
            .map(|s| &s.sequence)
            .filter(|s| **s == failed.sequence)
            .count(),
        3,
        "the failed record was tried three times"
    );
    assert_eq!(distinct(&retried).len(), 9);
    assert_eq!(retried.len(), 11);
    teardown(&client, &accounts).await;
}

/// A lease store of the user's own: in memory, with the same conditional semantics.
#[derive(Default, Clone)]
struct MemoryLeases(Arc<Mutex<HashMap<(String, String), Lease>>>);

impl LeaseStore for MemoryLeases {
    fn ensure(&self) -> BoxFuture<'_, dynamo_types::Result<()>> {
        Box::pin(async { Ok(()) })
    }

    fn list<'a>(&'a self, scope: &'a str) -> BoxFuture<'a, dynamo_types::Result<Vec<Lease>>> {
        Box::pin(async move {
            Ok(self
                .0
                .lock()
                .unwrap()
                .values()
                .filter(|l| l.scope == scope)
                .cloned()
                .collect())
        })
    }

    fn create<'a>(&'a self, lease: &'a mut Lease) -> BoxFuture<'a, dynamo_types::Result<bool>> {
        Box::pin(async move {
            let mut map = self.0.lock().unwrap();
            let key = (lease.scope.clone(), lease.shard_id.clone());
            if map.contains_key(&key) {
                return Ok(false);
            }
            lease.counter = 1;
            map.insert(key, lease.clone());
            Ok(true)
        })
    }

    fn update<'a>(&'a self, lease: &'a mut Lease) -> BoxFuture<'a, dynamo_types::Result<bool>> {
        Box::pin(async move {
            let mut map = self.0.lock().unwrap();
            let key = (lease.scope.clone(), lease.shard_id.clone());
            match map.get(&key) {
                Some(stored) if stored.counter == lease.counter => {
                    lease.counter += 1;
                    map.insert(key, lease.clone());
                    Ok(true)
                }
                _ => Ok(false),
            }
        })
    }

    fn delete<'a>(&'a self, lease: &'a Lease) -> BoxFuture<'a, dynamo_types::Result<bool>> {
        Box::pin(async move {
            let mut map = self.0.lock().unwrap();
            let key = (lease.scope.clone(), lease.shard_id.clone());
            match map.get(&key) {
                Some(stored) if stored.counter == lease.counter => {
                    map.remove(&key);
                    Ok(true)
                }
                _ => Ok(false),
            }
        })
    }
}

#[tokio::test]
async fn checkpoints_in_a_store_of_ones_own() {
    let client = common::client().await;
    let accounts = Account::table(&client);
    accounts.create_table().await.unwrap();
    write_changes(&client, 2, 3, 0).await; // 10 records
    let store = MemoryLeases::default();
    let log: Log = Arc::default();
    let consumer = fast(accounts.consumer("audit").lease_store(store.clone()))
        .start_at(StartPosition::TrimHorizon)
        .spawn(logging(&log, |_| Ok(())));
    wait_for(&log, 10).await;
    consumer.stop().await.unwrap();
    let rows: Vec<Lease> = store.0.lock().unwrap().values().cloned().collect();
    assert!(
        !rows.iter().any(|r| r.shard_id.starts_with("worker#")),
        "the heartbeat is removed at the stop: {rows:?}"
    );
    let leases: Vec<Lease> = rows.into_iter().filter(Lease::is_shard).collect();
    assert_eq!(leases.len(), 1, "one shard");
    let last = log.lock().unwrap().last().unwrap().sequence.clone();
    assert_eq!(leases[0].checkpoint.as_deref(), Some(last.as_str()));
    assert_eq!(leases[0].owner, None, "released at the stop");
    assert!(
        leases[0].scope.starts_with("audit#arn:"),
        "{}",
        leases[0].scope
    );
    // the lease table was never made
    assert!(
        TableRef::<Lease>::named(&client, DEFAULT_LEASE_TABLE)
            .describe()
            .await
            .is_err()
    );
    accounts.delete_table().await.unwrap();
}

/// Waits until a worker of `name` holds the lease of the table's shard.
async fn until_leased(client: &Client, name: &str) {
    let leases = FullPrimaryKey::<Lease>::new(TableRef::named(client, DEFAULT_LEASE_TABLE));
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let rows: Result<Vec<Lease>, Error> = leases.scan().stream().try_collect().await;
        let leased = rows.as_ref().is_ok_and(|rows| {
            rows.iter()
                .any(|l| l.is_shard() && l.scope.starts_with(name) && l.owner.is_some())
        });
        if leased {
            return;
        }
        assert!(Instant::now() < deadline, "a lease is taken: {rows:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn starting_from_the_newest_records_then_resuming_from_the_checkpoint() {
    let (client, accounts) = setup().await;
    write_changes(&client, 5, 1, 0).await; // 15 records before the consumer
    let log: Log = Arc::default();
    let consumer = fast(accounts.consumer("fresh"))
        .start_at(StartPosition::Latest)
        .spawn(logging(&log, |_| Ok(())));
    until_leased(&client, "fresh#").await;
    // the reader asks for its iterator right after taking the lease
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = write_changes(&client, 3, 1, 100).await; // 9 records
    wait_for(&log, 9).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    consumer.stop().await.unwrap();
    let seen = log.lock().unwrap().clone();
    assert_eq!(
        by_key(&seen),
        after,
        "only what was written after the start"
    );

    // stopped: what is written now is read at the restart, start position or not
    let meanwhile = write_changes(&client, 2, 1, 200).await; // 6 records
    let log: Log = Arc::default();
    let consumer = fast(accounts.consumer("fresh"))
        .start_at(StartPosition::Latest)
        .spawn(logging(&log, |_| Ok(())));
    wait_for(&log, 6).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    consumer.stop().await.unwrap();
    let seen = log.lock().unwrap().clone();
    assert_eq!(
        by_key(&seen),
        meanwhile,
        "resumed after the checkpoint: nothing missed, nothing again"
    );
    teardown(&client, &accounts).await;
}
