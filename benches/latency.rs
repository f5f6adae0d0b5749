//! Batches under realistic latency: `batch_get` and `batch_put` of 10,000 items through the
//! fault proxy of the reliability tests (`tests/integration/proxy.rs`), which holds every
//! request for a fixed delay (`Fault::Slow`) before forwarding it to the embedded server, as a
//! network round trip would. Each delay is measured against:
//!
//! - the plain way: a sequential loop of `BatchGetItem` calls of 100 keys, or `BatchWriteItem`
//!   calls of 25 items, through aws-sdk-dynamodb with serde_dynamo, re-sending the unprocessed
//!   part;
//! - the physical limit: `ceil(requests / concurrency) x delay`, the time the delays alone take
//!   when `concurrency` requests are always in flight (100 requests for a get, 400 for a put).
//!
//! `batch_get` and `batch_put` run with `RetryPolicy::concurrency` 4, 8, 16, 32 and 64. The
//! sides take turns within each round (the order rotates from round to round), so that a busy
//! machine weighs on all of them alike; min and median per side are printed as markdown tables.
//! A section with no added delay shows what the requests cost without waiting: the server's,
//! the proxy's and the client's CPU time. Results are in `benches/RESULTS-latency.md`.
//!
//! Run: `cargo bench --bench latency` (about 2.5 minutes; `-- <rounds>` sets the rounds of
//! every delay). Without `--bench` (`cargo test --benches`) it only checks that every side
//! works: 1,000 items, one round, 5 ms.

#![allow(missing_docs)]

// The proxy is shared with the integration tests; the bench uses part of it.
#[path = "batch/mod.rs"]
mod batch;
#[allow(dead_code, unreachable_pub)]
#[path = "../tests/integration/proxy.rs"]
mod proxy;
mod report;

use std::time::{Duration, Instant};

use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
use batch::{Order, order, sequential_get};
use dynamo_types::{DynamoModel, Item, ModelKey, RetryPolicy};
use proxy::{Fault, Proxy};

const CONCURRENCIES: [usize; 5] = [4, 8, 16, 32, 64];
const GET_BATCH: usize = 100;
const PUT_BATCH: usize = 25;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Get,
    Put,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Get => "batch_get",
            Op::Put => "batch_put",
        }
    }

    /// Requests for `items` items, nothing left unprocessed.
    fn requests(self, items: usize) -> usize {
        match self {
            Op::Get => items.div_ceil(GET_BATCH),
            Op::Put => items.div_ceil(PUT_BATCH),
        }
    }
}

/// One contender: the sequential SDK loop (`None`), or ours with this many requests in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Side {
    op: Op,
    concurrency: Option<usize>,
}

struct Bench {
    client: dynamo_types::Client,
    table: String,
    keys: Vec<(String, u32)>,
    raw_keys: Vec<Item>,
    models: Vec<Order>,
}

impl Bench {
    /// Runs `side` once; returns its time and the number of items it read or wrote.
    async fn run(&mut self, side: Side) -> (Duration, usize) {
        let table = Order::table(&self.client);
        match (side.op, side.concurrency) {
            (Op::Get, Some(concurrency)) => {
                let keys = self.keys.clone();
                let start = Instant::now();
                let found = table
                    .primary_key()
                    .batch_get(keys)
                    .retry_policy(policy(concurrency))
                    .await
                    .expect("batch_get");
                (start.elapsed(), found.len())
            }
            (Op::Put, Some(concurrency)) => {
                let start = Instant::now();
                table
                    .writer()
                    .retry_policy(policy(concurrency))
                    .batch_put(self.models.iter_mut())
                    .await
                    .expect("batch_put");
                (start.elapsed(), self.models.len())
            }
            (Op::Get, None) => {
                let start = Instant::now();
                let found = sequential_get(self.client.sdk(), &self.table, &self.raw_keys).await;
                (start.elapsed(), found.len())
            }
            (Op::Put, None) => {
                let start = Instant::now();
                sequential_put(self.client.sdk(), &self.table, &self.models).await;
                (start.elapsed(), self.models.len())
            }
        }
    }
}

fn policy(concurrency: usize) -> RetryPolicy {
    RetryPolicy {
        concurrency,
        ..RetryPolicy::default()
    }
}

/// The plain way: one `BatchWriteItem` of 25 puts after the other, unprocessed items sent
/// again.
async fn sequential_put(sdk: &aws_sdk_dynamodb::Client, table: &str, models: &[Order]) {
    for chunk in models.chunks(PUT_BATCH) {
        let mut pending: Vec<WriteRequest> = chunk
            .iter()
            .map(|model| {
                let put = PutRequest::builder()
                    .set_item(Some(serde_dynamo::to_item(model).expect("encode")))
                    .build()
                    .expect("put");
                WriteRequest::builder().put_request(put).build()
            })
            .collect();
        while !pending.is_empty() {
            pending = sdk
                .batch_write_item()
                .request_items(table, pending)
                .send()
                .await
                .expect("batch write")
                .unprocessed_items
                .and_then(|mut u| u.remove(table))
                .unwrap_or_default();
        }
    }
}

/// What one side measured at one delay.
struct Measured {
    side: Side,
    times: Vec<Duration>,
    /// Requests the proxy saw in the last round.
    requests: usize,
}

/// Runs every side `rounds` times with `delay` added to each request, the sides taking turns.
async fn measure(
    bench: &mut Bench,
    proxy: &Proxy,
    delay: Duration,
    rounds: usize,
) -> Vec<Measured> {
    proxy.heal();
    if !delay.is_zero() {
        proxy.at_rate("*", Fault::Slow(delay), 1.0);
    }
    let mut measured: Vec<Measured> = [Op::Get, Op::Put]
        .into_iter()
        .flat_map(|op| {
            std::iter::once(None)
                .chain(CONCURRENCIES.map(Some))
                .map(move |concurrency| Measured {
                    side: Side { op, concurrency },
                    times: Vec::new(),
                    requests: 0,
                })
        })
        .collect();
    let sides = measured.len();
    for round in 0..rounds {
        for turn in 0..sides {
            let one = &mut measured[(round + turn) % sides];
            proxy.reset_stats();
            let (time, items) = bench.run(one.side).await;
            assert_eq!(items, bench.models.len(), "{:?}", one.side);
            one.times.push(time);
            one.requests = proxy.stats().total_requests();
        }
    }
    proxy.heal();
    measured
}

/// How long the proxy's `sleep(delay)` really takes on this runtime (the timer rounds up to
/// the millisecond, and a busy machine wakes it late): the mean of 40 sleeps.
async fn effective_delay(delay: Duration) -> Duration {
    let start = Instant::now();
    for _ in 0..40 {
        tokio::time::sleep(delay).await;
    }
    start.elapsed() / 40
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e3)
}

fn print_table(
    measured: &[Measured],
    delay: Duration,
    slept: Duration,
    items: usize,
    rounds: usize,
) {
    println!();
    if delay.is_zero() {
        println!("### No added delay (through the proxy), {rounds} rounds");
    } else {
        println!("### {} ms per request, {rounds} rounds", delay.as_millis());
    }
    println!();
    println!(
        "| operation | side | in flight | requests | min ms | median ms | limit ms | median / sequential | sequential / median | median / limit |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for op in [Op::Get, Op::Put] {
        let sequential = measured
            .iter()
            .find(|m| m.side.op == op && m.side.concurrency.is_none())
            .map(|m| report::median_duration(&m.times))
            .expect("sequential side");
        for m in measured.iter().filter(|m| m.side.op == op) {
            let in_flight = m.side.concurrency.unwrap_or(1);
            let limit = delay * u32::try_from(op.requests(items).div_ceil(in_flight)).unwrap();
            let med = report::median_duration(&m.times);
            let min = m.times.iter().min().copied().unwrap_or_default();
            let (name, vs_sequential, speedup) = match m.side.concurrency {
                None => ("sequential SDK loop", "-".to_owned(), "-".to_owned()),
                Some(_) => (
                    "dynamo-types",
                    format!("{:.3}", med.as_secs_f64() / sequential.as_secs_f64()),
                    format!("{:.1}x", sequential.as_secs_f64() / med.as_secs_f64()),
                ),
            };
            let vs_limit = if limit.is_zero() {
                "-".to_owned()
            } else {
                format!("{:.2}", med.as_secs_f64() / limit.as_secs_f64())
            };
            println!(
                "| {} | {name} | {in_flight} | {} | {} | {} | {} | {vs_sequential} | {speedup} | {vs_limit} |",
                op.name(),
                m.requests,
                ms(min),
                ms(med),
                if limit.is_zero() {
                    "-".to_owned()
                } else {
                    ms(limit)
                },
            );
        }
    }
    println!();
    for op in [Op::Get, Op::Put] {
        let requests = op.requests(items);
        let sequential = measured
            .iter()
            .find(|m| m.side.op == op && m.side.concurrency.is_none())
            .map(|m| report::median_duration(&m.times))
            .expect("sequential side");
        let beyond = sequential.saturating_sub(delay * u32::try_from(requests).unwrap());
        println!(
            "- {}: the sequential loop takes {:.2} ms per request beyond the delay.",
            op.name(),
            (beyond / u32::try_from(requests).unwrap()).as_secs_f64() * 1e3,
        );
    }
    if !delay.is_zero() {
        println!(
            "- The proxy's `sleep({} ms)` took {:.2} ms on average (40 in a row, before the rounds).",
            delay.as_millis(),
            slept.as_secs_f64() * 1e3
        );
    }
}

/// For the summary: at the default concurrency, each operation against the sequential loop
/// (goal: at least 5x faster), against the physical limit of the delays (goal: within 1.3x),
/// and against that limit or this machine's CPU floor, whichever is larger: the same side's
/// median with no added delay (`floor`, per operation), which no concurrency can beat when
/// the server, the proxy and the client share the cores.
fn comparisons(
    measured: &[Measured],
    delay: Duration,
    items: usize,
    floor: &[(Op, f64)],
) -> Vec<report::Comparison> {
    let default = RetryPolicy::default().concurrency;
    let mut out = Vec::new();
    for op in [Op::Get, Op::Put] {
        let median_ms = |concurrency| {
            let side = measured
                .iter()
                .find(|m| m.side.op == op && m.side.concurrency == concurrency)
                .expect("every side is measured");
            report::median_duration(&side.times).as_secs_f64() * 1e3
        };
        let ours = median_ms(Some(default));
        let case = format!(
            "{} of {items} items, {} ms per request",
            op.name(),
            delay.as_millis()
        );
        let ours_name = format!("dynamo-types, {default} in flight");
        out.push(report::Comparison::new(
            "latency",
            case.clone(),
            (&ours_name, ours),
            ("sequential SDK + serde_dynamo loop", median_ms(None)),
            "ms",
            Some(0.2),
        ));
        let limit = delay * u32::try_from(op.requests(items).div_ceil(default)).unwrap();
        let limit = limit.as_secs_f64() * 1e3;
        out.push(report::Comparison::new(
            "latency",
            case.clone(),
            (&ours_name, ours),
            ("limit: requests / in flight x delay", limit),
            "ms",
            Some(1.3),
        ));
        if let Some(&(_, floor)) = floor.iter().find(|(o, _)| *o == op) {
            out.push(report::Comparison::new(
                "latency",
                case,
                (&ours_name, ours),
                (
                    "that limit or the CPU floor (no delay), the larger",
                    limit.max(floor),
                ),
                "ms",
                Some(1.3),
            ));
        }
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let full = args.iter().any(|a| a == "--bench");
    let rounds: Option<usize> = args.iter().find_map(|a| a.parse().ok());
    let (items, plan): (u32, Vec<(Duration, usize)>) = if full {
        let r = |default| rounds.unwrap_or(default).max(1);
        (
            10_000,
            vec![
                (Duration::ZERO, r(3)),
                (Duration::from_millis(5), r(5)),
                (Duration::from_millis(20), r(3)),
            ],
        )
    } else {
        (1_000, vec![(Duration::from_millis(5), 1)])
    };

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let started = Instant::now();
        let direct = dynamo_types::local::client().await.expect("local server");
        let table = Order::table(&direct);
        table.create_table().await.expect("create table");
        let mut models: Vec<Order> = (0..items).map(order).collect();
        // Filled directly (no proxy), so that every get finds its item.
        table
            .writer()
            .batch_put(models.iter_mut())
            .await
            .expect("fill");
        let proxy = Proxy::in_front_of_test_server(7).await;
        let mut bench = Bench {
            client: proxy.client(&direct).await,
            table: table.name().to_owned(),
            keys: models
                .iter()
                .map(|m| (m.customer.clone(), m.order))
                .collect(),
            raw_keys: models
                .iter()
                .map(|m| m.key().to_key_item().expect("key"))
                .collect(),
            models,
        };
        // Both ways read the same items.
        let ours = Order::table(&bench.client)
            .primary_key()
            .batch_get(bench.keys.clone())
            .await
            .expect("batch_get");
        let theirs = sequential_get(bench.client.sdk(), &bench.table, &bench.raw_keys).await;
        assert_eq!(ours, bench.models);
        let mut theirs = theirs;
        theirs.sort_by_key(|o| o.order);
        assert_eq!(theirs, bench.models);
        // Open as many connections as the widest side uses, outside the measurements.
        let widest = CONCURRENCIES[CONCURRENCIES.len() - 1];
        bench
            .run(Side {
                op: Op::Put,
                concurrency: Some(widest),
            })
            .await;

        println!(
            "## batch_get and batch_put of {items} items through the delaying proxy (embedded server)"
        );
        let mut summary = Vec::new();
        let mut floor = Vec::new();
        for (delay, rounds) in plan {
            let slept = effective_delay(delay).await;
            let measured = measure(&mut bench, &proxy, delay, rounds).await;
            print_table(&measured, delay, slept, items as usize, rounds);
            if delay.is_zero() {
                let default = Some(RetryPolicy::default().concurrency);
                floor = measured
                    .iter()
                    .filter(|m| m.side.concurrency == default)
                    .map(|m| (m.side.op, report::median_duration(&m.times).as_secs_f64() * 1e3))
                    .collect();
            } else {
                summary.extend(comparisons(&measured, delay, items as usize, &floor));
            }
        }
        println!();
        println!(
            "limit = ceil(requests / in flight) x delay. Total run time: {:.0} s.",
            started.elapsed().as_secs_f64()
        );
        if full {
            report::save("latency", &summary);
        }
    });
}
