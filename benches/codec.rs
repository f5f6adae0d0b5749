//! `to_item` / `from_item` of the derive against `serde_dynamo` on the same struct and the same
//! items, side by side in one run.
//!
//! The struct derives both `DynamoModel` and serde's traits; its serde attributes make
//! serde_dynamo write exactly the items the derive writes (`None` left out, the set as SS), so
//! both decoders read identical input. Each iteration converts a batch of `BATCH` varied orders;
//! criterion reports the time per order (throughput in elements).
//!
//! Run: `cargo bench --bench codec -- --warm-up-time 1 --measurement-time 3`

mod common;

use std::hint::black_box;

use common::{BATCH, Order, orders};
use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use dynamo_types::{DynamoModel, Item};

fn bench(c: &mut Criterion) {
    let orders = orders();
    let ours = common::items(&orders);

    // Conversion alone: results are dropped outside the measurement, since freeing an item or
    // a model costs the same whichever library made it. One batch of 64 per iteration
    // (`PerIteration`), so inputs and outputs of many iterations never pile up in memory.
    let mut group = c.benchmark_group("to_item");
    group.throughput(Throughput::Elements(BATCH as u64));
    group.bench_function(BenchmarkId::new("dynamo_types", BATCH), |b| {
        b.iter_batched(
            || (),
            |()| {
                black_box(&orders)
                    .iter()
                    .map(|o| o.to_item().unwrap())
                    .collect::<Vec<Item>>()
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function(BenchmarkId::new("serde_dynamo", BATCH), |b| {
        b.iter_batched(
            || (),
            |()| {
                black_box(&orders)
                    .iter()
                    .map(|o| serde_dynamo::to_item::<_, Item>(o).unwrap())
                    .collect::<Vec<Item>>()
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();

    // Decoding consumes the item: each batch gets fresh clones, made outside the measurement.
    let mut group = c.benchmark_group("from_item");
    group.throughput(Throughput::Elements(BATCH as u64));
    group.bench_function(BenchmarkId::new("dynamo_types", BATCH), |b| {
        b.iter_batched(
            || ours.clone(),
            |items| {
                items
                    .into_iter()
                    .map(|item| Order::from_item(item).unwrap())
                    .collect::<Vec<Order>>()
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function(BenchmarkId::new("serde_dynamo", BATCH), |b| {
        b.iter_batched(
            || ours.clone(),
            |items| {
                items
                    .into_iter()
                    .map(|item| serde_dynamo::from_item::<_, Order>(item).unwrap())
                    .collect::<Vec<Order>>()
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();

    // The same work with the result freed inside the measurement: what a loop that converts
    // and discards pays, allocator included.
    let mut group = c.benchmark_group("to_item_with_drop");
    group.throughput(Throughput::Elements(BATCH as u64));
    group.bench_function(BenchmarkId::new("dynamo_types", BATCH), |b| {
        b.iter(|| {
            for order in black_box(&orders) {
                black_box(order.to_item().unwrap());
            }
        })
    });
    group.bench_function(BenchmarkId::new("serde_dynamo", BATCH), |b| {
        b.iter(|| {
            for order in black_box(&orders) {
                black_box(serde_dynamo::to_item::<_, Item>(order).unwrap());
            }
        })
    });
    group.finish();

    let mut group = c.benchmark_group("from_item_with_drop");
    group.throughput(Throughput::Elements(BATCH as u64));
    group.bench_function(BenchmarkId::new("dynamo_types", BATCH), |b| {
        b.iter_batched(
            || ours.clone(),
            |items| {
                for item in items {
                    black_box(Order::from_item(item).unwrap());
                }
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function(BenchmarkId::new("serde_dynamo", BATCH), |b| {
        b.iter_batched(
            || ours.clone(),
            |items| {
                for item in items {
                    black_box(serde_dynamo::from_item::<_, Order>(item).unwrap());
                }
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
