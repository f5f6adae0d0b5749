//! Heap allocations per `to_item` / `from_item`, the derive against `serde_dynamo`, on the
//! same orders as the `codec` benchmark. A counting global allocator wraps the system one;
//! it lives in this separate program so that it does not slow the timed benchmark.
//!
//! Run: `cargo bench --bench codec_allocs`

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use common::{BATCH, Order, orders};
use dynamo_types::{DynamoModel, Item};

struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(layout.size() as u64, Relaxed);
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which we pass on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout` (see `alloc` / `realloc`).
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(new_size as u64, Relaxed);
        // SAFETY: forwarded unchanged; the caller upholds `GlobalAlloc::realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations and allocated bytes per order while `work` runs once over the batch.
fn count<T>(work: impl FnOnce() -> T) -> (f64, f64) {
    let (allocs, bytes) = (ALLOCS.load(Relaxed), BYTES.load(Relaxed));
    let out = black_box(work());
    let counted = (
        (ALLOCS.load(Relaxed) - allocs) as f64 / BATCH as f64,
        (BYTES.load(Relaxed) - bytes) as f64 / BATCH as f64,
    );
    drop(out);
    counted
}

fn main() {
    // `cargo bench` passes `--bench`; a filter or `--list` from a harness means nothing here.
    let orders = orders();
    let items = common::items(&orders);
    let rows: [(&str, (f64, f64)); 4] = [
        (
            "to_item    dynamo_types",
            count(|| {
                orders
                    .iter()
                    .map(|o| o.to_item().unwrap())
                    .collect::<Vec<Item>>()
            }),
        ),
        (
            "to_item    serde_dynamo",
            count(|| {
                orders
                    .iter()
                    .map(|o| serde_dynamo::to_item::<_, Item>(o).unwrap())
                    .collect::<Vec<Item>>()
            }),
        ),
        ("from_item  dynamo_types", {
            let input = items.clone();
            count(move || {
                input
                    .into_iter()
                    .map(|i| Order::from_item(i).unwrap())
                    .collect::<Vec<Order>>()
            })
        }),
        ("from_item  serde_dynamo", {
            let input = items.clone();
            count(move || {
                input
                    .into_iter()
                    .map(|i| serde_dynamo::from_item::<_, Order>(i).unwrap())
                    .collect::<Vec<Order>>()
            })
        }),
    ];
    println!(
        "per order, over {BATCH} orders (the Vec collecting the batch adds 1/{BATCH} allocation)"
    );
    println!("{:<24} {:>12} {:>12}", "", "allocations", "bytes");
    for (name, (allocs, bytes)) in rows {
        println!("{name:<24} {allocs:>12.1} {bytes:>12.0}");
    }
}
