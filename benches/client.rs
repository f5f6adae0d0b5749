//! Client overhead: `get`, `put` and a query of a 100-item partition on the embedded server,
//! against the same calls written by hand with aws-sdk-dynamodb and serde_dynamo, through the
//! same SDK client (`Client::sdk()`), on the same table.
//!
//! - get: `table.primary_key().get(customer, order)` against `get_item()` with the key written
//!   by hand, then `serde_dynamo::from_item`;
//! - put: `table.writer().put(&mut order)` against `put_item()` of `serde_dynamo::to_item`;
//! - query: every page of `table.primary_key().query(customer)` (`.stream()`, collected)
//!   against a `query()` loop with a key condition, `ExclusiveStartKey` and `from_item`.
//!
//! A sample is a run of calls of one side (50 gets or puts, 10 queries); the sides take turns
//! within each round, the order rotating from round to round, so that a busy machine weighs
//! on both alike. Min and median microseconds per call are printed as a markdown table, with
//! the difference in microseconds: the embedded server answers in this process, on the same
//! cores, so its own time is most of every call and the ratio alone understates what the
//! client adds. The same calls are then measured with canned answers (`benches/canned/mod.rs`:
//! an SDK HTTP client that answers at once, no server, no network): the client alone. Results
//! are in `benches/RESULTS-client.md`.
//!
//! Run: `cargo bench --bench client` (about 30 s; `-- <rounds>` sets the rounds, 200 by
//! default). Without `--bench` (`cargo test --benches`) it only checks that every side works:
//! two rounds.

#![allow(missing_docs)]

#[allow(dead_code)]
#[path = "batch/mod.rs"]
mod batch;
#[path = "canned/mod.rs"]
mod canned;
#[path = "report/mod.rs"]
mod report;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::types::AttributeValue;
use batch::{Order, order};
use dynamo_types::DynamoModel;
use futures::TryStreamExt;
use report::Comparison;

/// The partition the gets and the queries read.
const PARTITION: &str = "customer-query";
/// Its items.
const PARTITION_ITEMS: u32 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Get,
    Put,
    Query,
}

impl Op {
    const ALL: [Op; 3] = [Op::Get, Op::Put, Op::Query];

    fn name(self) -> &'static str {
        match self {
            Op::Get => "get",
            Op::Put => "put",
            Op::Query => "query, 100 items",
        }
    }

    /// Calls per sample.
    fn calls(self) -> usize {
        match self {
            Op::Get | Op::Put => 50,
            Op::Query => 10,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Ours,
    ByHand,
}

impl Side {
    fn name(self) -> &'static str {
        match self {
            Side::Ours => "dynamo-types",
            Side::ByHand => "SDK + serde_dynamo by hand",
        }
    }
}

struct Bench {
    client: dynamo_types::Client,
    table: batch::OrderTable,
    name: String,
    /// The items of the partition the gets and queries read, in sort key order.
    partition: Vec<Order>,
    /// What the puts write (their own partition, so that the reads see the same items).
    writes: Vec<Order>,
}

impl Bench {
    /// Runs `calls` calls of `op` on `side`; returns the time per call.
    async fn sample(&mut self, op: Op, side: Side, calls: usize) -> Duration {
        let start = Instant::now();
        for call in 0..calls {
            match (op, side) {
                (Op::Get, Side::Ours) => {
                    let wanted = &self.partition[call % self.partition.len()];
                    let found = self
                        .table
                        .primary_key()
                        .get(wanted.customer.as_str(), wanted.order)
                        .await
                        .expect("get");
                    assert!(found.is_some());
                    std::hint::black_box(found);
                }
                (Op::Get, Side::ByHand) => {
                    let wanted = &self.partition[call % self.partition.len()];
                    let found = get_by_hand(self.client.sdk(), &self.name, wanted).await;
                    assert!(found.is_some());
                    std::hint::black_box(found);
                }
                (Op::Put, Side::Ours) => {
                    let n = self.writes.len();
                    self.table
                        .writer()
                        .put(&mut self.writes[call % n])
                        .await
                        .expect("put");
                }
                (Op::Put, Side::ByHand) => {
                    let model = &self.writes[call % self.writes.len()];
                    put_by_hand(self.client.sdk(), &self.name, model).await;
                }
                (Op::Query, Side::Ours) => {
                    let found = query_ours(&self.table).await;
                    assert_eq!(found.len(), self.partition.len());
                    std::hint::black_box(found);
                }
                (Op::Query, Side::ByHand) => {
                    let found = query_by_hand(self.client.sdk(), &self.name, PARTITION).await;
                    assert_eq!(found.len(), self.partition.len());
                    std::hint::black_box(found);
                }
            }
        }
        start.elapsed() / u32::try_from(calls).expect("calls")
    }
}

async fn get_by_hand(sdk: &aws_sdk_dynamodb::Client, table: &str, key: &Order) -> Option<Order> {
    sdk.get_item()
        .table_name(table)
        .key("customer", AttributeValue::S(key.customer.clone()))
        .key("order", AttributeValue::N(key.order.to_string()))
        .send()
        .await
        .expect("get_item")
        .item
        .map(|item| serde_dynamo::from_item(item).expect("decode"))
}

async fn put_by_hand(sdk: &aws_sdk_dynamodb::Client, table: &str, model: &Order) {
    sdk.put_item()
        .table_name(table)
        .set_item(Some(serde_dynamo::to_item(model).expect("encode")))
        .send()
        .await
        .expect("put_item");
}

/// Every page of the bench partition, through the library.
async fn query_ours(table: &batch::OrderTable) -> Vec<Order> {
    table
        .primary_key()
        .query(PARTITION)
        .stream()
        .try_collect()
        .await
        .expect("query")
}

async fn query_by_hand(sdk: &aws_sdk_dynamodb::Client, table: &str, customer: &str) -> Vec<Order> {
    let mut found = Vec::new();
    let mut start: Option<HashMap<String, AttributeValue>> = None;
    loop {
        let out = sdk
            .query()
            .table_name(table)
            .key_condition_expression("#c = :c")
            .expression_attribute_names("#c", "customer")
            .expression_attribute_values(":c", AttributeValue::S(customer.to_owned()))
            .set_exclusive_start_key(start)
            .send()
            .await
            .expect("query");
        for item in out.items.unwrap_or_default() {
            found.push(serde_dynamo::from_item(item).expect("decode"));
        }
        start = out.last_evaluated_key;
        if start.is_none() {
            return found;
        }
    }
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// Where the calls go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Server {
    /// The embedded server, over HTTP on 127.0.0.1.
    Embedded,
    /// No server: an HTTP client that answers at once with canned bodies.
    Canned,
}

impl Server {
    /// How many times `Op::calls` a sample makes (a canned call takes a few microseconds).
    fn repeat(self) -> usize {
        match self {
            Server::Embedded => 1,
            Server::Canned => 4,
        }
    }
}

/// Runs `rounds` rounds of every op in `ops`, the sides taking turns; returns the times per
/// call by `(op index, side index)`.
async fn measure(
    bench: &mut Bench,
    server: Server,
    ops: &[Op],
    rounds: usize,
) -> HashMap<(usize, usize), Vec<Duration>> {
    let sides = [Side::Ours, Side::ByHand];
    // Warm-up: connections, caches, the allocator.
    for &op in ops {
        for side in sides {
            bench.sample(op, side, op.calls() * server.repeat()).await;
        }
    }
    let mut times: HashMap<(usize, usize), Vec<Duration>> = HashMap::new();
    for round in 0..rounds {
        for (o, &op) in ops.iter().enumerate() {
            for turn in 0..sides.len() {
                let s = (round + turn) % sides.len();
                let time = bench
                    .sample(op, sides[s], op.calls() * server.repeat())
                    .await;
                times.entry((o, s)).or_default().push(time);
            }
        }
    }
    times
}

/// Prints the table of `times` and returns the comparisons it shows.
fn print_table(
    times: &HashMap<(usize, usize), Vec<Duration>>,
    server: Server,
    ops: &[Op],
    rounds: usize,
) -> Vec<Comparison> {
    println!();
    match server {
        Server::Embedded => println!("### On the embedded server, {rounds} rounds"),
        Server::Canned => println!(
            "### The client alone: canned answers, no server and no network, {rounds} rounds"
        ),
    }
    println!();
    println!(
        "| operation | side | calls per sample | min µs | median µs | ours / by hand (median) | ours - by hand (median µs) |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|");
    let mut comparisons = Vec::new();
    for (o, &op) in ops.iter().enumerate() {
        let ours = report::median_duration(&times[&(o, 0)]);
        let theirs = report::median_duration(&times[&(o, 1)]);
        for (s, side) in [Side::Ours, Side::ByHand].into_iter().enumerate() {
            let t = &times[&(o, s)];
            let (ratio, difference) = match side {
                Side::Ours => (
                    format!("{:.3}", us(ours) / us(theirs)),
                    format!("{:+.1}", us(ours) - us(theirs)),
                ),
                Side::ByHand => ("-".to_owned(), "-".to_owned()),
            };
            println!(
                "| {} | {} | {} | {:.1} | {:.1} | {ratio} | {difference} |",
                op.name(),
                side.name(),
                op.calls() * server.repeat(),
                us(*t.iter().min().expect("samples")),
                us(report::median_duration(t)),
            );
        }
        let (case, goal) = match server {
            // The goal is for calls to a server.
            Server::Embedded => (op.name().to_owned(), Some(1.03)),
            Server::Canned => (
                format!("{}, client alone (canned answers)", op.name()),
                None,
            ),
        };
        comparisons.push(Comparison::new(
            "client",
            case,
            ("dynamo-types", us(ours)),
            ("SDK + serde_dynamo by hand", us(theirs)),
            "µs per call",
            goal,
        ));
    }
    comparisons
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let full = args.iter().any(|a| a == "--bench");
    // `-- put` (or `get`, `query`; `canned` or `embedded`) measures only the operations and
    // servers whose names start so, for a profile of one of them.
    let only: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with('-') && a.parse::<usize>().is_err())
        .map(String::as_str)
        .collect();
    let chosen = |name: &str, all: &[&str]| {
        let named: Vec<&&str> = only
            .iter()
            .filter(|o| all.iter().any(|a| a.starts_with(**o)))
            .collect();
        named.is_empty() || named.iter().any(|o| name.starts_with(**o))
    };
    let op_names = Op::ALL.map(Op::name);
    let ops: Vec<Op> = Op::ALL
        .into_iter()
        .filter(|op| chosen(op.name(), &op_names))
        .collect();
    let servers: Vec<Server> = [Server::Embedded, Server::Canned]
        .into_iter()
        .filter(|s| match s {
            Server::Embedded => chosen("embedded", &["embedded", "canned"]),
            Server::Canned => chosen("canned", &["embedded", "canned"]),
        })
        .collect();
    let rounds: usize = if full {
        args.iter()
            .find_map(|a| a.parse().ok())
            .unwrap_or(200)
            .max(1)
    } else {
        2
    };

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        // Named, so that a profile tells the client's threads from the server's.
        .thread_name("bench-client")
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let started = Instant::now();
        let client = dynamo_types::local::client().await.expect("local server");
        let table = Order::table(&client);
        table.create_table().await.expect("create table");
        let mut partition: Vec<Order> = (0..PARTITION_ITEMS)
            .map(|i| Order {
                customer: PARTITION.to_owned(),
                ..order(i)
            })
            .collect();
        let writes: Vec<Order> = (0..50)
            .map(|i| Order {
                customer: "customer-put".to_owned(),
                ..order(1_000 + i)
            })
            .collect();
        // The comparison is only fair if serde_dynamo writes exactly the items we write.
        for model in partition.iter().chain(&writes) {
            assert_eq!(
                model.to_item().expect("encode"),
                serde_dynamo::to_item::<_, dynamo_types::Item>(model).expect("encode"),
                "both ways write the same item"
            );
        }
        table
            .writer()
            .batch_put(partition.iter_mut())
            .await
            .expect("fill");
        let mut bench = Bench {
            name: table.name().to_owned(),
            client,
            table,
            partition,
            writes,
        };
        // Both ways read the same items, and write items the other reads back.
        let ours = query_ours(&bench.table).await;
        assert_eq!(ours, bench.partition);
        let theirs = query_by_hand(bench.client.sdk(), &bench.name, PARTITION).await;
        assert_eq!(theirs, bench.partition);
        for (i, model) in bench.partition.iter().enumerate().take(5) {
            let theirs = get_by_hand(bench.client.sdk(), &bench.name, model).await;
            assert_eq!(theirs.as_ref(), Some(model), "{i}");
        }
        put_by_hand(bench.client.sdk(), &bench.name, &bench.writes[0]).await;
        let read = bench
            .table
            .primary_key()
            .get("customer-put", bench.writes[0].order)
            .await
            .expect("get");
        assert_eq!(read.as_ref(), Some(&bench.writes[0]));


        // The same calls with canned answers: the items the server answered above.
        let answers = canned::Answers::new([
            ("PutItem", "{}".to_owned()),
            (
                "GetItem",
                serde_json::json!({ "Item": canned::item_json(&bench.partition[0].to_item().expect("encode")) })
                    .to_string(),
            ),
            (
                "Query",
                serde_json::json!({
                    "Items": bench.partition.iter().map(|m| canned::item_json(&m.to_item().expect("encode"))).collect::<Vec<_>>(),
                    "Count": bench.partition.len(),
                    "ScannedCount": bench.partition.len(),
                })
                .to_string(),
            ),
        ]);
        let canned_client = dynamo_types::Client::new(answers.client())
            .with_table_prefix(bench.client.table_prefix());
        let mut canned_bench = Bench {
            table: Order::table(&canned_client),
            client: canned_client,
            name: bench.name.clone(),
            partition: bench.partition.clone(),
            writes: bench.writes.clone(),
        };
        let found = get_by_hand(canned_bench.client.sdk(), &bench.name, &bench.partition[0]).await;
        assert_eq!(found.as_ref(), Some(&bench.partition[0]));
        let found = query_by_hand(canned_bench.client.sdk(), &bench.name, PARTITION).await;
        assert_eq!(found, bench.partition);

        println!("## Client overhead: get, put, query of 100 items");
        let mut comparisons = Vec::new();
        for &server in &servers {
            let bench = match server {
                Server::Embedded => &mut bench,
                Server::Canned => &mut canned_bench,
            };
            let times = measure(bench, server, &ops, rounds).await;
            comparisons.extend(print_table(&times, server, &ops, rounds));
        }
        println!();
        println!(
            "Total run time: {:.0} s.",
            started.elapsed().as_secs_f64()
        );
        // A run of some operations only is a profile, not a result.
        if full && ops.len() == Op::ALL.len() && servers.len() == 2 {
            report::save("client", &comparisons);
        }
    });
}
