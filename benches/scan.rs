//! Scans of 100,000 items: the parallel scan's speed-up, and the memory of `.stream()`.
//!
//! - Time: `scan().stream()` (one segment) and `scan().segments(n).stream()` with 4 and 16
//!   segments, every item read through the fault proxy of the reliability tests
//!   (`tests/integration/proxy.rs`), which holds every request 5 ms or 20 ms before forwarding
//!   it to the embedded server, as a network round trip would. The sides take turns within each
//!   round, the order rotating from round to round; min and median per side, and the speed-up
//!   of the medians against one segment.
//! - Memory: the peak of live heap bytes while a scan of 10,000 and of 100,000 items is read
//!   through `.stream()` one item at a time, each dropped at once (a second table holds the
//!   10,000), against collecting the items in a `Vec`. The embedded server runs in this
//!   process, so a global allocator sees its allocations too: the peak is counted apart on the
//!   bench's own threads (its runtime's workers and the thread driving it; the server has
//!   threads and a runtime of its own, and they talk over TCP, so no allocation crosses
//!   between them), as growth over the live bytes when the scan starts. The whole process's
//!   peak is printed beside it. These reads go to the server directly: the delay changes
//!   nothing about memory.
//!
//! Run: `cargo bench --bench scan` (about 3 minutes with the fill; `-- <rounds>` sets the
//! rounds of each delay, 3 by default). Without `--bench` (`cargo test --benches`) it only
//! checks that every side works: 5,000 and 500 items, one round, 5 ms. Results are in
//! `benches/RESULTS-scan.md`.

#![allow(missing_docs)]

#[path = "alloc/mod.rs"]
mod alloc;
#[allow(dead_code)]
#[path = "batch/mod.rs"]
mod batch;
#[allow(dead_code, unreachable_pub)]
#[path = "../tests/integration/proxy.rs"]
mod proxy;
#[path = "report/mod.rs"]
mod report;

use std::time::{Duration, Instant};

use alloc::Peak;
use batch::{Order, order};
use futures::{StreamExt, TryStreamExt};
use proxy::{Fault, Proxy};
use report::Comparison;

/// The segments of each timed side (1: a plain scan).
const SEGMENTS: [u32; 3] = [1, 4, 16];

/// Fills a table of its own with `items` orders (directly, no proxy); returns its client.
async fn filled(items: u32) -> dynamo_types::Client {
    let client = dynamo_types::local::client().await.expect("local server");
    let table = Order::table(&client);
    table.create_table().await.expect("create table");
    for chunk in (0..items).collect::<Vec<_>>().chunks(10_000) {
        let mut models: Vec<Order> = chunk.iter().map(|&i| order(i)).collect();
        table
            .writer()
            .batch_put(models.iter_mut())
            .await
            .expect("fill");
    }
    client
}

/// Reads every item with `segments` segments through `.stream()`, one at a time; returns how
/// many there were.
async fn stream(client: &dynamo_types::Client, segments: u32) -> usize {
    stream_pages(client, segments, None).await
}

/// [`stream`] with at most `page_size` items per request.
async fn stream_pages(
    client: &dynamo_types::Client,
    segments: u32,
    page_size: Option<u32>,
) -> usize {
    let mut scan = Order::table(client).primary_key().scan();
    if let Some(n) = page_size {
        scan = scan.page_size(n);
    }
    let mut items = if segments == 1 {
        scan.stream().boxed()
    } else {
        scan.segments(segments).stream().boxed()
    };
    let mut n = 0;
    while let Some(item) = items.next().await {
        std::hint::black_box(item.expect("scan"));
        n += 1;
    }
    n
}

/// Reads every item with one segment into a `Vec`.
async fn collect(client: &dynamo_types::Client) -> usize {
    let items: Vec<Order> = Order::table(client)
        .primary_key()
        .scan()
        .stream()
        .try_collect()
        .await
        .expect("scan");
    items.len()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn mib(bytes: u64) -> String {
    format!("{:.2}", bytes as f64 / (1024.0 * 1024.0))
}

/// Times every side at each delay of `plan`; prints a table per delay; returns the
/// comparisons of each segment count against one segment.
async fn time_segments(
    proxy: &Proxy,
    client: &dynamo_types::Client,
    items: usize,
    plan: &[(Duration, usize)],
) -> Vec<Comparison> {
    let mut comparisons = Vec::new();
    for &(delay, rounds) in plan {
        proxy.heal();
        proxy.at_rate("*", Fault::Slow(delay), 1.0);
        let mut times: Vec<Vec<Duration>> = vec![Vec::new(); SEGMENTS.len()];
        let mut requests = vec![0; SEGMENTS.len()];
        for round in 0..rounds {
            for turn in 0..SEGMENTS.len() {
                let side = (round + turn) % SEGMENTS.len();
                proxy.reset_stats();
                let start = Instant::now();
                let n = stream(client, SEGMENTS[side]).await;
                times[side].push(start.elapsed());
                requests[side] = proxy.stats().total_requests();
                assert_eq!(n, items, "{} segments", SEGMENTS[side]);
            }
        }
        proxy.heal();
        println!();
        println!(
            "### {} ms per request, {rounds} rounds ({items} items)",
            delay.as_millis()
        );
        println!();
        println!("| segments | requests | min ms | median ms | speed-up (one segment / median) |");
        println!("|---:|---:|---:|---:|---:|");
        let one = report::median_duration(&times[0]);
        for (side, &segments) in SEGMENTS.iter().enumerate() {
            let med = report::median_duration(&times[side]);
            println!(
                "| {segments} | {} | {:.0} | {:.0} | {:.2}x |",
                requests[side],
                ms(*times[side].iter().min().expect("rounds")),
                ms(med),
                one.as_secs_f64() / med.as_secs_f64(),
            );
            if segments > 1 {
                comparisons.push(Comparison::new(
                    "scan",
                    format!(
                        "scan {items} items, {segments} segments, {} ms",
                        delay.as_millis()
                    ),
                    (&format!("{segments} segments"), ms(med)),
                    ("1 segment", ms(one)),
                    "ms",
                    None,
                ));
            }
        }
    }
    comparisons
}

/// The peaks of live heap bytes while `read` runs.
async fn peak_of<F: Future<Output = usize>>(read: F, expected: usize) -> Peak {
    Peak::start();
    let n = read.await;
    let peak = Peak::stop();
    assert_eq!(n, expected);
    peak
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let full = args.iter().any(|a| a == "--bench");
    let rounds: Option<usize> = args.iter().find_map(|a| a.parse().ok());
    let (big, small, plan): (u32, u32, Vec<(Duration, usize)>) = if full {
        let r = rounds.unwrap_or(3).max(1);
        (
            100_000,
            10_000,
            vec![
                (Duration::from_millis(5), r),
                (Duration::from_millis(20), r),
            ],
        )
    } else {
        (5_000, 500, vec![(Duration::from_millis(5), 1)])
    };

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .on_thread_start(alloc::mark_thread)
        .enable_all()
        .build()
        .expect("runtime");
    // The thread that drives the runtime (and the stream) is the bench's too.
    alloc::mark_thread();
    runtime.block_on(async {
        let started = Instant::now();
        let big_client = filled(big).await;
        let small_client = filled(small).await;
        let fill = started.elapsed();
        println!(
            "## Scans of {big} items (filled in {:.0} s, with {small} more in a second table)",
            fill.as_secs_f64()
        );

        // Memory first, on a quiet heap.
        let (big_n, small_n) = (big as usize, small as usize);
        stream(&big_client, 1).await; // warm-up: connections, the server's caches
        // (read, goal, small, big). Flat means the peak does not grow with the items: at most
        // one page per segment is held. With 16 segments of the default 1 MB pages, 10,000
        // items fill 1/16 of each page and 100,000 nearly all of it, so that pair compares page
        // fill, not items (no goal; flat from about 150,000 items on); with 500 items per page,
        // both sizes fill their pages and the pair shows whether anything else grows.
        let reads: [(&str, u32, Option<u32>, Option<f64>); 3] = [
            ("`.stream()`, 1 segment", 1, None, Some(1.5)),
            ("`.stream()`, 16 segments", 16, None, None),
            ("`.stream()`, 16 segments, `page_size(500)`", 16, Some(500), Some(1.5)),
        ];
        let mut peaks = Vec::new();
        for (read, segments, page_size, goal) in reads {
            let small_peak =
                peak_of(stream_pages(&small_client, segments, page_size), small_n).await;
            let big_peak = peak_of(stream_pages(&big_client, segments, page_size), big_n).await;
            peaks.push((read.to_owned(), goal, small_peak, big_peak));
        }
        let small_vec = peak_of(collect(&small_client), small_n).await;
        let big_vec = peak_of(collect(&big_client), big_n).await;
        // A collected `Vec` is shown for contrast: it grows with the items, by design.
        peaks.push(("collected in a `Vec`".to_owned(), None, small_vec, big_vec));

        println!();
        println!("### Peak live heap while reading every item (MiB over the start of the read)");
        println!();
        println!(
            "| read | {small} items, bench threads | {big} items, bench threads | {big} / {small} | {small} items, whole process | {big} items, whole process |"
        );
        println!("|---|---:|---:|---:|---:|---:|");
        let mut comparisons = Vec::new();
        for (read, goal, small_peak, big_peak) in &peaks {
            println!(
                "| {read} | {} | {} | {:.2} | {} | {} |",
                mib(small_peak.marked),
                mib(big_peak.marked),
                big_peak.marked as f64 / small_peak.marked as f64,
                mib(small_peak.process),
                mib(big_peak.process),
            );
            comparisons.push(Comparison::new(
                "scan",
                format!("peak heap of the bench threads, {read}: {big} against {small} items"),
                (&format!("{big} items"), big_peak.marked as f64),
                (&format!("{small} items"), small_peak.marked as f64),
                "bytes",
                *goal,
            ));
        }
        println!();
        println!(
            "Bench threads: the bench runtime's workers and the thread driving it (the client, the stream, the consumer); whole process: with the embedded server's threads (dynoxide's SQLite allocates with its own malloc, outside this count)."
        );

        let proxy = Proxy::in_front_of_test_server(11).await;
        let proxied = proxy.client(&big_client).await;
        stream(&proxied, SEGMENTS[SEGMENTS.len() - 1]).await; // open the connections
        comparisons.extend(time_segments(&proxy, &proxied, big_n, &plan).await);
        println!();
        println!(
            "Total run time: {:.0} s (fill {:.0} s).",
            started.elapsed().as_secs_f64(),
            fill.as_secs_f64()
        );
        if full {
            report::save("scan", &comparisons);
        }
    });
}
