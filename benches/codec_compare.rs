//! The derive against `serde_dynamo` on the same orders as the `codec` benchmark, in two ways
//! that hold up on a busy machine:
//!
//! - heap allocations and bytes per order, counted by a wrapping global allocator;
//! - interleaved timing: the four conversions take turns, batch by batch, for many rounds, and
//!   the minimum and median per order are reported. Other processes can only add time, so the
//!   minimum is the least disturbed figure, and interleaving exposes every side to the same load.
//!
//! Run: `cargo bench --bench codec_compare` (`-- <rounds>` to change the number of rounds).

mod alloc;
mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use common::{BATCH, Order, orders};
use dynamo_types::{DynamoModel, Item};

/// One conversion of the whole batch; returns the time of the conversion alone (input made
/// before, output dropped after) and the time including the drop of the output.
type Case<'a> = Box<dyn FnMut() -> (Duration, Duration) + 'a>;

fn timed<T>(work: impl FnOnce() -> T) -> (Duration, Duration) {
    let start = Instant::now();
    let out = black_box(work());
    let converted = start.elapsed();
    drop(out);
    (converted, start.elapsed())
}

fn main() {
    let rounds: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(3000);
    let orders = orders();
    let items = common::items(&orders);

    let to_ours = || {
        orders
            .iter()
            .map(|o| o.to_item().unwrap())
            .collect::<Vec<Item>>()
    };
    let to_theirs = || {
        orders
            .iter()
            .map(|o| serde_dynamo::to_item::<_, Item>(o).unwrap())
            .collect::<Vec<Item>>()
    };
    let from_ours = |input: Vec<Item>| {
        input
            .into_iter()
            .map(|i| Order::from_item(i).unwrap())
            .collect::<Vec<Order>>()
    };
    let from_theirs = |input: Vec<Item>| {
        input
            .into_iter()
            .map(|i| serde_dynamo::from_item::<_, Order>(i).unwrap())
            .collect::<Vec<Order>>()
    };

    // Allocations.
    let count = |work: &mut dyn FnMut()| alloc::count(BATCH, work);
    let allocations = [
        count(&mut || drop(black_box(to_ours()))),
        count(&mut || drop(black_box(to_theirs()))),
        {
            let input = items.clone();
            count(&mut || drop(black_box(from_ours(input.clone()))))
        },
        {
            let input = items.clone();
            count(&mut || drop(black_box(from_theirs(input.clone()))))
        },
    ];
    // The clone of the input inside the last two closures is counted too: take it out.
    let clone_cost = {
        let input = items.clone();
        count(&mut || drop(black_box(input.clone())))
    };

    // Interleaved timing.
    let mut cases: [(&str, Case); 4] = [
        ("to_item    dynamo_types", Box::new(|| timed(to_ours))),
        ("to_item    serde_dynamo", Box::new(|| timed(to_theirs))),
        (
            "from_item  dynamo_types",
            Box::new(|| {
                let input = items.clone();
                timed(|| from_ours(input))
            }),
        ),
        (
            "from_item  serde_dynamo",
            Box::new(|| {
                let input = items.clone();
                timed(|| from_theirs(input))
            }),
        ),
    ];
    let mut samples: Vec<Vec<(Duration, Duration)>> =
        (0..4).map(|_| Vec::with_capacity(rounds)).collect();
    for _ in 0..rounds.div_ceil(10) {
        for (i, (_, case)) in cases.iter_mut().enumerate() {
            for _ in 0..10 {
                samples[i].push(case());
            }
        }
    }

    let per_order = |d: Duration| d.as_secs_f64() * 1e9 / BATCH as f64;
    let stats = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (v[0], v[v.len() / 2])
    };
    println!(
        "{} rounds of {BATCH} orders, interleaved; ns per order (min / median)",
        samples[0].len()
    );
    println!(
        "{:<24} {:>20} {:>20} {:>12} {:>10}",
        "", "conversion", "with drop", "allocations", "bytes"
    );
    let mut mins = Vec::new();
    for (i, (name, _)) in cases.iter().enumerate() {
        let alone = stats(samples[i].iter().map(|s| per_order(s.0)).collect());
        let dropped = stats(samples[i].iter().map(|s| per_order(s.1)).collect());
        let (mut allocs, mut bytes) = allocations[i];
        if i >= 2 {
            allocs -= clone_cost.0;
            bytes -= clone_cost.1;
        }
        println!(
            "{name:<24} {:>9.0} / {:<8.0} {:>9.0} / {:<8.0} {allocs:>12.1} {bytes:>10.0}",
            alone.0, alone.1, dropped.0, dropped.1
        );
        mins.push((alone, dropped));
    }
    for (what, ours, theirs) in [("to_item", 0, 1), ("from_item", 2, 3)] {
        let (o, t) = (mins[ours], mins[theirs]);
        println!(
            "{what:<10} serde_dynamo / dynamo_types: conversion {:.2}x (median {:.2}x), with drop {:.2}x (median {:.2}x)",
            t.0.0 / o.0.0,
            t.0.1 / o.0.1,
            t.1.0 / o.1.0,
            t.1.1 / o.1.1
        );
    }
}
