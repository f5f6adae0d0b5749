//! Faults between the client and a real server, through the fault proxy (`proxy.rs`).

use std::collections::BTreeSet;
use std::time::Duration;

use dynamo_types::{Client, DynamoModel, Error, RetryPolicy};

use crate::proxy::{Fault, Proxy};

/// A client of the test server, and one through a new proxy in front of it.
async fn proxied(seed: u64) -> (Proxy, Client, Client) {
    let direct = crate::common::client().await;
    let proxy = Proxy::in_front_of_test_server(seed).await;
    let through = proxy.client(&direct).await;
    (proxy, direct, through)
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "ledger")]
pub struct Entry {
    #[dynamo(hash)]
    pub id: String,
    pub amount: i64,
}

fn quick(attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts: attempts,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        concurrency: 1,
    }
}

#[tokio::test]
async fn a_batch_write_whose_answers_are_lost_says_unconfirmed_and_sends_once_per_attempt() {
    let (proxy, direct, through) = proxied(1).await;
    Entry::table(&direct).create_table().await.unwrap();
    let mut entries: Vec<Entry> = (0..5)
        .map(|i| Entry {
            id: format!("e{i}"),
            amount: i,
        })
        .collect();
    proxy.at_rate("BatchWriteItem", Fault::DropAfter, 1.0);
    let result = Entry::table(&through)
        .writer()
        .retry_policy(quick(3))
        .batch_put(&mut entries)
        .await;
    match result {
        Err(Error::BatchWriteIncomplete {
            unprocessed,
            unconfirmed,
            attempts,
            last_error,
        }) => {
            assert!(unprocessed.is_empty(), "nothing is known to be unwritten");
            assert_eq!(unconfirmed.len(), 5, "every request is unconfirmed");
            assert_eq!(attempts, 3);
            assert!(last_error.is_some(), "the last attempt's error is kept");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        proxy.stats().requests_of("BatchWriteItem"),
        3,
        "one send per attempt: the SDK's own retry does not multiply them"
    );
    // and they were written: "unconfirmed" is the truth, "not written" would not be
    let stored = Entry::table(&direct)
        .primary_key()
        .batch_get(entries.iter().map(|e| e.id.clone()))
        .await
        .unwrap();
    assert_eq!(stored.len(), 5);
    Entry::table(&direct).delete_table().await.unwrap();
}

#[tokio::test]
async fn a_batch_get_whose_answers_are_lost_is_retried_to_the_end() {
    let (proxy, direct, through) = proxied(1).await;
    Entry::table(&direct).create_table().await.unwrap();
    let mut entries: Vec<Entry> = (0..5)
        .map(|i| Entry {
            id: format!("e{i}"),
            amount: i,
        })
        .collect();
    Entry::table(&direct)
        .writer()
        .batch_put(&mut entries)
        .await
        .unwrap();
    proxy.times("BatchGetItem", Fault::DropAfter, 2);
    let read = Entry::table(&through)
        .primary_key()
        .batch_get(entries.iter().map(|e| e.id.clone()))
        .retry_policy(quick(5))
        .await
        .unwrap();
    assert_eq!(read, entries);
    assert_eq!(
        proxy.stats().requests_of("BatchGetItem"),
        3,
        "two lost, the third answered"
    );
    Entry::table(&direct).delete_table().await.unwrap();
}

/// The line a fault scenario prints: what went through the proxy, and what was lost.
fn summary(scenario: &str, proxy: &Proxy, operation: &str, requests_needed: usize, lost: usize) {
    let stats = proxy.stats();
    let sent = stats.requests_of(operation);
    println!(
        "fault scenario {scenario}: {sent} {operation} requests for {requests_needed} without faults, {} faults injected ({:?}), {} keys or items left unprocessed by the proxy, {} retries, {lost} items lost",
        stats.total_faults(),
        stats.faults,
        stats.left_unprocessed,
        sent.saturating_sub(requests_needed),
    );
}

#[tokio::test]
async fn five_thousand_items_written_and_read_under_partial_batches_and_throttling() {
    let (proxy, direct, through) = proxied(7).await;
    Entry::table(&direct).create_table().await.unwrap();
    let mut entries: Vec<Entry> = (0..5000)
        .map(|i| Entry {
            id: format!("e{i:05}"),
            amount: i,
        })
        .collect();
    proxy
        .at_rate("*", Fault::Throttle, 0.1)
        .at_rate("*", Fault::Partial(0.3), 1.0);
    let written = Entry::table(&through)
        .writer()
        .batch_put(&mut entries)
        .await;
    // what the table holds, read with raw SDK calls without the proxy
    let stored: Vec<Entry> = {
        let mut all: Vec<Entry> = crate::common::raw_scan(&direct, Entry::table(&direct).name())
            .await
            .into_iter()
            .map(|item| Entry::from_item(item).expect("an item as written"))
            .collect();
        all.sort_by(|a, b| a.id.cmp(&b.id));
        all
    };
    let id_of = |item: &dynamo_types::Item| match item.get("id") {
        Some(aws_sdk_dynamodb::types::AttributeValue::S(id)) => id.clone(),
        other => panic!("{other:?}"),
    };
    let all_ids: BTreeSet<String> = entries.iter().map(|e| e.id.clone()).collect();
    let stored_ids: BTreeSet<String> = stored.iter().map(|e| e.id.clone()).collect();
    assert_eq!(stored_ids.len(), stored.len(), "no item twice");
    assert!(
        stored.iter().all(|e| entries[e.amount as usize] == *e),
        "every stored item as written"
    );
    let (write_outcome, named) = match written {
        Ok(()) => {
            assert_eq!(stored, entries, "every item written, each once");
            ("all written", 0)
        }
        Err(Error::BatchWriteIncomplete {
            unprocessed,
            unconfirmed,
            ..
        }) => {
            // the error names exactly what is missing: the ids left and the ids stored are
            // apart, and together they are all
            assert!(unconfirmed.is_empty(), "no answer was lost");
            let left: BTreeSet<String> = unprocessed
                .iter()
                .map(|r| id_of(r.put_request().expect("a put").item()))
                .collect();
            assert!(left.is_disjoint(&stored_ids), "{left:?}");
            assert_eq!(
                left.union(&stored_ids).cloned().collect::<BTreeSet<_>>(),
                all_ids
            );
            ("incomplete, the rest named in the error", left.len())
        }
        Err(other) => panic!("{other}"),
    };
    summary(
        &format!("batch_put 5000 ({write_outcome})"),
        &proxy,
        "BatchWriteItem",
        200,
        all_ids.len() - stored_ids.len() - named,
    );
    proxy.reset_stats();

    let read = Entry::table(&through)
        .primary_key()
        .batch_get(entries.iter().map(|e| e.id.clone()))
        .await;
    let read_outcome = match read {
        Ok(read) => {
            assert_eq!(read, stored, "every item read, each once, in key order");
            "all read"
        }
        Err(Error::BatchGetIncomplete {
            found, unprocessed, ..
        }) => {
            let found: BTreeSet<String> = found.iter().map(id_of).collect();
            let left: BTreeSet<String> = unprocessed.iter().map(id_of).collect();
            assert!(found.is_disjoint(&left));
            assert!(found.is_subset(&stored_ids));
            assert!(
                stored_ids.difference(&found).all(|id| left.contains(id)),
                "every stored item found or named as left"
            );
            "incomplete, the rest named in the error"
        }
        Err(other) => panic!("{other}"),
    };
    summary(
        &format!("batch_get 5000 ({read_outcome})"),
        &proxy,
        "BatchGetItem",
        50,
        0,
    );
    Entry::table(&direct).delete_table().await.unwrap();
}

/// The capacity of a batch whose requests DynamoDB answers in part is the sum over every
/// answer, retries of the unprocessed part included: each item is written (and charged) once.
#[tokio::test]
async fn the_capacity_of_a_batch_answered_in_part_is_summed_over_its_retries() {
    let (proxy, direct, through) = proxied(53).await;
    Entry::table(&direct).create_table().await.unwrap();
    let mut entries: Vec<Entry> = (0..100)
        .map(|i| Entry {
            id: format!("e{i:03}"),
            amount: i,
        })
        .collect();
    proxy.at_rate("BatchWriteItem", Fault::Partial(0.5), 1.0);
    let written = Entry::table(&through)
        .writer()
        .batch_put(&mut entries)
        .retry_policy(quick(30))
        .return_consumed_capacity()
        .await
        .unwrap();
    let partial = proxy.stats().left_unprocessed;
    assert!(partial > 0, "some items were left for a retry");
    // each small item costs one write unit, once, however many answers it took
    assert_eq!(written.map(|c| c.capacity_units), Some(100.0));
    proxy.heal();
    assert_eq!(
        crate::common::raw_scan(&direct, Entry::table(&direct).name())
            .await
            .len(),
        100
    );
    Entry::table(&direct).delete_table().await.unwrap();
}

/// The line numbers of a journal: a projection of `Line` without its text.
#[derive(Debug, Clone, PartialEq, dynamo_types::DynamoProjection)]
#[dynamo(model = Line)]
pub struct LineNumber {
    pub book: String,
    pub n: u32,
}

/// A projected batch read that ends with keys unprocessed hands back what it found as partial
/// items, and says so: they decode as the projection, and the error names its attributes (the
/// model would be filled from part of an item, or fail).
#[tokio::test]
async fn an_incomplete_projected_batch_get_says_its_items_are_partial() {
    use dynamo_types::DynamoProjection;
    let (proxy, direct, through) = proxied(47).await;
    Line::table(&direct).create_table().await.unwrap();
    let mut lines: Vec<Line> = (0..200)
        .map(|n| Line {
            book: "b".into(),
            n,
            text: format!("line {n}"),
        })
        .collect();
    Line::table(&direct)
        .writer()
        .batch_put(&mut lines)
        .await
        .unwrap();
    proxy.at_rate("BatchGetItem", Fault::Partial(0.5), 1.0);
    let one_shot = RetryPolicy {
        max_attempts: 1,
        ..RetryPolicy::default()
    };
    let read = Line::table(&through)
        .primary_key()
        .batch_get((0..200u32).map(|n| ("b", n)))
        .project::<LineNumber>()
        .retry_policy(one_shot)
        .await;
    match read {
        Err(Error::BatchGetIncomplete {
            found,
            projection,
            unprocessed,
            ..
        }) => {
            assert_eq!(projection, Some(LineNumber::ATTRIBUTES));
            assert!(!found.is_empty() && !unprocessed.is_empty());
            assert_eq!(found.len() + unprocessed.len(), 200);
            for item in found {
                assert!(!item.contains_key("text"), "only the projection was read");
                let number = LineNumber::from_item(item).unwrap();
                assert_eq!(number.book, "b");
            }
        }
        other => panic!("{other:?}"),
    }
    Line::table(&direct).delete_table().await.unwrap();
}

/// A model with a sort key, for reads in order.
#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "journal")]
pub struct Line {
    #[dynamo(hash)]
    pub book: String,
    #[dynamo(range)]
    pub n: u32,
    pub text: String,
}

/// A client through the proxy whose SDK retries up to 10 times (queries and scans retry with
/// the SDK's policy, which a user sets on the client).
async fn patient_client(proxy: &Proxy, direct: &Client) -> Client {
    client_with_attempts(proxy, direct, 10)
}

/// A client of `proxy` whose SDK sends each request at most `attempts` times, with short
/// backoffs.
fn client_with_attempts(proxy: &Proxy, direct: &Client, attempts: u32) -> Client {
    use aws_sdk_dynamodb::config::retry::RetryConfig;
    let config = aws_sdk_dynamodb::config::Builder::new()
        .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
        .region(aws_sdk_dynamodb::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
            "local", "local", None, None, "test",
        ))
        .endpoint_url(&proxy.endpoint)
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(attempts)
                .with_initial_backoff(Duration::from_millis(5))
                .with_max_backoff(Duration::from_millis(50)),
        )
        .build();
    Client::new(aws_sdk_dynamodb::Client::from_conf(config))
        .with_table_prefix(direct.table_prefix())
}

#[tokio::test]
async fn queries_scans_and_full_batch_gets_under_faults_yield_every_item_once_in_order() {
    use futures::TryStreamExt;
    let (proxy, direct, _) = proxied(11).await;
    let lines = Line::table(&direct);
    lines.create_table().await.unwrap();
    let mut written: Vec<Line> = (0..600)
        .map(|n| Line {
            book: format!("b{}", n % 3),
            n,
            text: format!("line {n}"),
        })
        .collect();
    lines.writer().batch_put(&mut written).await.unwrap();
    let through = patient_client(&proxy, &direct).await;
    proxy
        .times("*", Fault::DropBefore, 1)
        .at_rate("*", Fault::Throttling, 0.08)
        .at_rate("*", Fault::ServerError, 0.05)
        .at_rate("*", Fault::DropBefore, 0.05)
        .at_rate("*", Fault::Slow(Duration::from_millis(30)), 0.05);

    // a query stream, 20 items a page: in sort-key order, each once
    let book: Vec<Line> = Line::table(&through)
        .primary_key()
        .query("b1")
        .page_size(20)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let expected: Vec<Line> = written.iter().filter(|l| l.book == "b1").cloned().collect();
    assert_eq!(book, expected);
    summary("query stream of 200", &proxy, "Query", 11, 0);
    proxy.reset_stats();

    // a parallel scan of 4 segments: every item once
    let mut scanned: Vec<Line> = Line::table(&through)
        .primary_key()
        .scan()
        .page_size(25)
        .segments(4)
        .stream()
        .try_collect()
        .await
        .unwrap();
    scanned.sort_by(|a, b| (&a.book, a.n).cmp(&(&b.book, b.n)));
    let mut all = written.clone();
    all.sort_by(|a, b| (&a.book, a.n).cmp(&(&b.book, b.n)));
    assert_eq!(scanned, all);
    summary("parallel scan of 600", &proxy, "Scan", 28, 0);
    proxy.reset_stats();

    // batch_get_full: one answer per key, in the keys' order, missing keys included
    let keys: Vec<(String, u32)> = (0..650).rev().map(|n| (format!("b{}", n % 3), n)).collect();
    let full = Line::table(&through)
        .primary_key()
        .batch_get_full(keys.clone())
        .await
        .unwrap();
    assert_eq!(full.len(), keys.len());
    for ((book, n), line) in keys.iter().zip(&full) {
        match line {
            Some(line) => assert_eq!((&line.book, line.n), (book, *n)),
            None => assert!(*n >= 600, "only keys never written are missing"),
        }
    }
    summary("batch_get_full of 650", &proxy, "BatchGetItem", 7, 0);
    lines.delete_table().await.unwrap();
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "wallets", stream = "new_and_old_images")]
pub struct Wallet {
    #[dynamo(hash)]
    pub id: String,
    pub balance: i64,
}

#[tokio::test]
async fn a_stream_consumer_under_faults_handles_every_record_in_order_per_key() {
    use std::collections::BTreeMap;
    use std::sync::{Arc, Mutex};

    use dynamo_types::TableRef;
    use dynamo_types::stream::consumer::{DEFAULT_LEASE_TABLE, Lease};
    use dynamo_types::stream::{BoxError, Record};

    let (proxy, direct, _) = proxied(23).await;
    let wallets = Wallet::table(&direct);
    wallets.create_table().await.unwrap();
    // 60 wallets, 5 balances each: 300 records, written without the proxy
    let mut expected: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for w in 0..60 {
        for b in 0..5 {
            let mut wallet = Wallet {
                id: format!("w{w:02}"),
                balance: b,
            };
            wallets.writer().put(&mut wallet).await.unwrap();
            expected.entry(wallet.id).or_default().push(b);
        }
    }
    let through = patient_client(&proxy, &direct).await.with_streams(
        Client::local(&proxy.endpoint)
            .await
            .streams()
            .unwrap()
            .clone(),
    );
    proxy
        .times("GetRecords", Fault::ExpiredIterator, 1)
        .times("GetRecords", Fault::Throttle, 1)
        .times("GetShardIterator", Fault::DropBefore, 1)
        .times("PutItem", Fault::DropAfter, 2)
        .at_rate("GetRecords", Fault::Throttle, 0.1)
        .at_rate("GetRecords", Fault::ExpiredIterator, 0.1)
        .at_rate("*", Fault::DropBefore, 0.03)
        .at_rate("*", Fault::Throttling, 0.05);
    let seen: Arc<Mutex<Vec<(String, String, i64)>>> = Arc::default();
    let log = seen.clone();
    let consumer = Wallet::table(&through)
        .consumer("audit")
        .lease_duration(Duration::from_secs(2))
        .discovery_interval(Duration::from_millis(500))
        .max_poll_interval(Duration::from_millis(50))
        .batch_size(50)
        .spawn(move |r: Record<WalletEvent>| {
            let key = r.event.key().id;
            let balance = match &r.event {
                WalletEvent::Insert { new } | WalletEvent::Modify { new, .. } => new.balance,
                WalletEvent::Remove { old, .. } => old.balance,
            };
            log.lock().unwrap().push((r.sequence_number, key, balance));
            std::future::ready(Ok::<_, BoxError>(()))
        });
    let deadline = std::time::Instant::now() + Duration::from_secs(90);
    loop {
        let distinct: std::collections::HashSet<String> =
            seen.lock().unwrap().iter().map(|s| s.0.clone()).collect();
        if distinct.len() >= 300 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "every record arrives ({} of 300)",
            distinct.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    consumer.stop().await.unwrap();
    // at least once: drop repeats of a record, then each key's changes are in order
    let mut once = std::collections::HashSet::new();
    let mut by_key: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for (sequence, key, balance) in seen.lock().unwrap().iter() {
        if once.insert(sequence.clone()) {
            by_key.entry(key.clone()).or_default().push(*balance);
        }
    }
    assert_eq!(by_key, expected);
    let stats = proxy.stats();
    println!(
        "fault scenario stream consumer of 300 records: {} requests ({} GetRecords), {} faults injected ({:?}), {} records handled (repeats included), 0 records lost",
        stats.total_requests(),
        stats.requests_of("GetRecords"),
        stats.total_faults(),
        stats.faults,
        seen.lock().unwrap().len(),
    );
    proxy.heal();
    wallets.delete_table().await.unwrap();
    TableRef::<Lease>::named(&direct, DEFAULT_LEASE_TABLE)
        .delete_table()
        .await
        .unwrap();
}

/// A versioned counter.
#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "counters")]
pub struct Counter {
    #[dynamo(hash)]
    pub id: String,
    pub count: u64,
    #[dynamo(version)]
    pub version: u64,
}

#[tokio::test]
async fn twenty_versioned_writers_under_faults_one_winner_per_version_and_an_exact_count() {
    versioned_writers(31, false).await;
}

#[tokio::test]
async fn twenty_versioned_writers_whose_answers_are_lost_learn_the_truth_and_count_exactly() {
    versioned_writers(41, true).await;
}

/// A versioned tally that keeps the tag of every increment: how a writer whose save is
/// unconfirmed finds out whether it was applied.
#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "tallies")]
pub struct Tally {
    #[dynamo(hash)]
    pub id: String,
    pub count: u64,
    pub tags: Vec<String>,
    #[dynamo(version)]
    pub version: u64,
}

/// 20 writers each add 1 to one versioned tally 5 times, reading it and saving it with its
/// version check, through throttling. With `lost_answers`, connections also drop before or
/// after the server applied a save, and 500s come before or after it: the writer cannot know,
/// and reads the tally to learn whether its tag is there. Without, every outcome is an answer,
/// and each version has exactly one winner.
async fn versioned_writers(seed: u64, lost_answers: bool) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};

    let (proxy, direct, _) = proxied(seed).await;
    let tallies = Tally::table(&direct);
    tallies.create_table().await.unwrap();
    let mut start = Tally {
        id: "t".into(),
        count: 0,
        tags: Vec::new(),
        version: 0,
    };
    tallies.writer().put(&mut start).await.unwrap();
    let through = patient_client(&proxy, &direct).await;
    proxy.at_rate("*", Fault::Throttle, 0.1);
    if lost_answers {
        // a 500 may come after the write was applied, so it leaves the outcome open too
        proxy
            .at_rate("*", Fault::ServerError, 0.05)
            .at_rate("PutItem", Fault::ServerErrorAfter, 0.05)
            .at_rate("*", Fault::DropBefore, 0.05)
            .at_rate("PutItem", Fault::DropAfter, 0.1);
    }
    let winners: Arc<Mutex<Vec<u64>>> = Arc::default();
    let unconfirmed = Arc::new(AtomicUsize::new(0));
    let mut writers = Vec::new();
    for w in 0..20 {
        let (through, winners, unconfirmed) =
            (through.clone(), winners.clone(), unconfirmed.clone());
        writers.push(tokio::spawn(async move {
            let tallies = Tally::table(&through);
            let read = || async {
                loop {
                    match tallies.primary_key().get("t").consistent().await {
                        Ok(tally) => return tally.unwrap(),
                        Err(e) if e.is_transient() => continue,
                        Err(e) => panic!("writer {w}: {e}"),
                    }
                }
            };
            for n in 0..5 {
                let tag = format!("{w}/{n}");
                loop {
                    let mut tally = read().await;
                    tally.count += 1;
                    tally.tags.push(tag.clone());
                    match tallies.writer().put(&mut tally).await {
                        Ok(()) => {
                            winners.lock().unwrap().push(tally.version);
                            break;
                        }
                        Err(Error::ConditionalCheckFailed { .. }) => continue,
                        // perhaps applied (a condition that failed after a lost answer, or the
                        // SDK's retries running out): the tally says whether
                        Err(e) if e.is_unanswered() => {
                            assert!(lost_answers, "writer {w}: every fault answers: {e}");
                            if matches!(e, Error::Unconfirmed { .. }) {
                                unconfirmed.fetch_add(1, Ordering::Relaxed);
                            }
                            if read().await.tags.contains(&tag) {
                                break;
                            }
                        }
                        Err(e) if e.is_transient() => continue,
                        Err(e) => panic!("writer {w}: {e}"),
                    }
                }
            }
        }));
    }
    for writer in writers {
        writer.await.unwrap();
    }
    proxy.heal();
    let stored = tallies
        .primary_key()
        .get("t")
        .consistent()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.count, 100, "every increment counted once");
    assert_eq!(stored.version, 101);
    let mut tags = stored.tags.clone();
    tags.sort();
    tags.dedup();
    assert_eq!(tags.len(), 100, "no increment applied twice, none lost");
    let mut versions = winners.lock().unwrap().clone();
    versions.sort_unstable();
    let confirmed = versions.len();
    versions.dedup();
    assert_eq!(versions.len(), confirmed, "one winner per version");
    let unconfirmed = unconfirmed.load(Ordering::Relaxed);
    let scenario = if lost_answers {
        assert!(
            unconfirmed > 0,
            "with lost answers some saves are unconfirmed"
        );
        format!(
            "20 versioned writers, answers lost ({unconfirmed} unconfirmed saves resolved by a read)"
        )
    } else {
        assert_eq!(versions, (2..=101).collect::<Vec<u64>>());
        "20 versioned writers".to_owned()
    };
    summary(&scenario, &proxy, "PutItem", 100, 0);
    tallies.delete_table().await.unwrap();
}

/// A save DynamoDB applied whose answer was lost (a dropped connection, an answer later than the
/// client's attempt timeout, a 500 sent after applying): the SDK sends it again, and that
/// retry's version check fails against the save's own result. That is unconfirmed, not a
/// conflict; and so is a retry throttled until the SDK gives up.
#[tokio::test]
async fn a_save_whose_answer_is_lost_is_unconfirmed_not_a_conflict() {
    use aws_sdk_dynamodb::config::timeout::TimeoutConfig;

    let (proxy, direct, _) = proxied(43).await;
    let counters = Counter::table(&direct);
    counters.create_table().await.unwrap();
    let mut counter = Counter {
        id: "c".into(),
        count: 1,
        version: 0,
    };
    counters.writer().put(&mut counter).await.unwrap();
    let timeout = TimeoutConfig::builder()
        .operation_attempt_timeout(Duration::from_millis(300))
        .build();
    let sdk = client_with_attempts(&proxy, &direct, 3)
        .sdk()
        .config()
        .to_builder()
        .timeout_config(timeout)
        .build();
    let through = Client::new(aws_sdk_dynamodb::Client::from_conf(sdk))
        .with_table_prefix(direct.table_prefix());
    for fault in [
        Fault::DropAfter,
        Fault::SlowAnswer(Duration::from_secs(2)),
        Fault::ServerErrorAfter,
    ] {
        proxy.reset_stats();
        counter.count += 1;
        proxy.times("PutItem", fault, 1);
        let error = Counter::table(&through)
            .writer()
            .put(&mut counter)
            .return_old_on_failure()
            .await
            .unwrap_err();
        assert!(
            matches!(
                &error,
                Error::Unconfirmed { source }
                    if matches!(**source, Error::ConditionalCheckFailed { .. })
            ),
            "{fault:?}: not a conflict: {error:?}"
        );
        assert!(error.is_unanswered() && !error.is_transient());
        assert_eq!(
            proxy.stats().requests_of("PutItem"),
            2,
            "{fault:?}: sent, then retried once"
        );
        // the error holds the item as stored: the save's own, one version on
        let current: Counter = error.current_item().unwrap().unwrap();
        assert_eq!(
            (current.count, current.version),
            (counter.count, counter.version + 1),
            "{fault:?}: the save was applied"
        );
        let stored = counters.primary_key().get("c").consistent().await.unwrap();
        assert_eq!(stored.as_ref(), Some(&current), "{fault:?}");
        counter = current;
    }

    // a retry throttled until the SDK gives up says nothing about the lost attempt: the save is
    // unconfirmed whether that attempt was applied (dropped after) or not (dropped before)
    for (lost, applied) in [(Fault::DropAfter, true), (Fault::DropBefore, false)] {
        proxy.reset_stats();
        let mut next = counter.clone();
        next.count += 1;
        proxy
            .times("PutItem", lost, 1)
            .times("PutItem", Fault::Throttle, 2);
        let error = Counter::table(&through)
            .writer()
            .put(&mut next)
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::Unconfirmed { source } if source.is_throttling()),
            "{lost:?} then throttled: {error:?}"
        );
        assert!(error.is_unanswered() && !error.is_transient(), "{lost:?}");
        assert_eq!(proxy.stats().requests_of("PutItem"), 3, "{lost:?}");
        let stored = counters
            .primary_key()
            .get("c")
            .consistent()
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.count == next.count, applied, "{lost:?}: {stored:?}");
        counter = stored;
    }

    // a conflict with every answer received is still a conflict
    let mut stale = counter.clone();
    stale.version -= 1;
    stale.count = 7;
    match Counter::table(&through).writer().put(&mut stale).await {
        Err(Error::ConditionalCheckFailed { item: None }) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(
        stale.version,
        counter.version - 1,
        "a failed save leaves the model as it was"
    );
    counters.delete_table().await.unwrap();
}

#[tokio::test]
async fn a_transaction_whose_answer_is_lost_is_retried_with_its_token_and_applied_once() {
    let (proxy, direct, _) = proxied(37).await;
    let counters = Counter::table(&direct);
    counters.create_table().await.unwrap();
    let through = patient_client(&proxy, &direct).await;
    proxy.times("TransactWriteItems", Fault::DropAfter, 1);
    let fresh = |id: &str| Counter {
        id: id.into(),
        count: 1,
        version: 0,
    };
    // put_if_absent twice over: applied by the first send, whose answer is lost; the SDK's
    // retry carries the same client request token, so DynamoDB answers it as done
    let table = Counter::table(&through);
    through
        .transact_write()
        .put_if_absent(&table, &mut fresh("a"))
        .put_if_absent(&table, &mut fresh("b"))
        .await
        .unwrap();
    assert_eq!(proxy.stats().requests_of("TransactWriteItems"), 2);
    for id in ["a", "b"] {
        let stored = counters.primary_key().get(id).await.unwrap().unwrap();
        assert_eq!((stored.count, stored.version), (1, 1));
    }
    counters.delete_table().await.unwrap();
}

/// A wallet's balance as a Lambda function keeps it, from the wallets' stream: the sequence
/// number of the record it was taken from makes each write idempotent and ordered.
#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "wallet_views")]
pub struct WalletView {
    #[dynamo(hash)]
    pub id: String,
    pub balance: i64,
    pub sequence_number: String,
}

#[tokio::test]
async fn a_lambda_handler_under_faults_handles_every_record_and_lambda_retries_from_the_failure() {
    use dynamo_types::lambda;
    use dynamo_types::stream::testing::TestEvent;
    use dynamo_types::stream::{Batch, BoxError, Record};
    use futures::TryStreamExt;
    use std::collections::BTreeMap;
    use std::sync::{Arc, Mutex};

    let (proxy, direct, _) = proxied(47).await;
    let through = client_with_attempts(&proxy, &direct, 3);
    let views = WalletView::table(&direct);
    views.create_table().await.unwrap();
    // 60 wallets, 5 balances each: an insert and four modifications, 300 records
    let mut event = TestEvent::for_client(&direct);
    let mut last = BTreeMap::new();
    for b in 0..5 {
        for w in 0..60 {
            let id = format!("w{w:02}");
            let new = Wallet {
                id: id.clone(),
                balance: b,
            };
            event = match b {
                0 => event.insert(&new),
                _ => event.modify(
                    &Wallet {
                        id: id.clone(),
                        balance: b - 1,
                    },
                    &new,
                ),
            };
            last.insert(id, b);
        }
    }
    let records = event.records().unwrap();
    // the function writes each change through faults, with the SDK's 3 attempts: some fail
    proxy
        .at_rate("PutItem", Fault::Throttling, 0.1)
        .at_rate("PutItem", Fault::DropBefore, 0.05)
        .at_rate("PutItem", Fault::DropAfter, 0.05);
    let handled: Arc<Mutex<Vec<String>>> = Arc::default();
    let handler = {
        let (views, handled) = (WalletView::table(&through), handled.clone());
        WalletEvent::handler()
            .table_prefix(direct.table_prefix())
            .on_record(move |r: Record<WalletEvent>| {
                let (views, handled) = (views.clone(), handled.clone());
                async move {
                    handled.lock().unwrap().push(r.sequence_number.clone());
                    let new = match r.event {
                        WalletEvent::Insert { new } | WalletEvent::Modify { new, .. } => new,
                        WalletEvent::Remove { .. } => return Ok(()),
                    };
                    // sequence numbers are decimal texts of varying length (up to 40 digits,
                    // past what an N holds): padded, their text order is their order
                    let mut view = WalletView {
                        id: new.id,
                        balance: new.balance,
                        sequence_number: format!("{:0>40}", r.sequence_number),
                    };
                    let f = WalletView::fields();
                    // newer than what is kept, or the first: a record handled again changes nothing
                    let newer =
                        f.id.not_exists() | f.sequence_number.lt(view.sequence_number.clone());
                    let written = views.writer().put(&mut view).condition(newer).await;
                    match written {
                        Ok(()) | Err(Error::ConditionalCheckFailed { .. }) => Ok(()),
                        Err(e) => Err(BoxError::from(e)),
                    }
                }
            })
    };
    // Lambda: batches of up to 100 records from the shard's position; a batch item failure
    // moves the position to that record, and the batch is invoked again from there
    let (mut position, mut invocations, mut failures) = (0, 0, 0);
    while position < records.len() {
        let end = (position + 100).min(records.len());
        let batch = serde_json::json!({ "Records": &records[position..end] }).to_string();
        invocations += 1;
        let response = lambda::handle(Batch::from_json(batch.as_bytes()).unwrap(), &handler).await;
        match response.batch_item_failures.as_slice() {
            [] => position = end,
            [failure] => {
                failures += 1;
                let failed = failure.item_identifier.clone().unwrap();
                let at = records[position..end]
                    .iter()
                    .position(|r| r["dynamodb"]["SequenceNumber"] == failed.as_str())
                    .expect("the failure names a record of the batch");
                position += at;
            }
            many => panic!("one failure at most: {many:?}"),
        }
        assert!(invocations < 1000, "the batches come to an end");
    }
    proxy.heal();
    // every record handled at least once, and in order: a record runs again only from a failure
    let handled = handled.lock().unwrap().clone();
    let mut distinct = handled.clone();
    distinct.dedup();
    let expected: Vec<String> = records
        .iter()
        .map(|r| r["dynamodb"]["SequenceNumber"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        distinct, expected,
        "every record, in order, repeats only in place"
    );
    assert_eq!(
        handled.len() - distinct.len(),
        failures,
        "each failure runs exactly its record again"
    );
    // and the views hold each wallet's last balance
    let stored: Vec<WalletView> = views
        .primary_key()
        .scan()
        .stream()
        .try_collect()
        .await
        .unwrap();
    let stored: BTreeMap<String, i64> = stored.into_iter().map(|v| (v.id, v.balance)).collect();
    assert_eq!(stored, last);
    assert!(failures > 0, "the faults made some records fail");
    println!(
        "fault scenario lambda handler: {} invocations for 3 without faults, {failures} batch item failures, {} records handled for 300, {} PutItem requests, {} faults injected ({:?}), 0 records lost",
        invocations,
        handled.len(),
        proxy.stats().requests_of("PutItem"),
        proxy.stats().total_faults(),
        proxy.stats().faults,
    );
    views.delete_table().await.unwrap();
}
