//! Typed stream events against what a user writes by hand with `aws_lambda_events` and
//! `serde_dynamo`, on one Lambda DynamoDB Streams event of `RECORDS` records
//! (`new_and_old_images`: inserts, modifications, deletions and a few TTL expiries).
//!
//! Five conversions, timed interleaved (turn by turn, for many rounds) so that all of them see
//! the same load on a busy machine, reporting the minimum and median per record:
//!
//! 1. ours, straight into events: [`EventBatch::from_json`] (what `lambda::run` does for a
//!    `TableHandler`);
//! 2. by hand, from JSON: `serde_json` into `aws_lambda_events`' event, then per record a match
//!    on the event name and `serde_dynamo::from_item` on the images, moved out of the record;
//! 3. ours, through raw records: [`Batch::from_json`], then `RawRecord::decode::<OrderEvent>`
//!    per record (what a `Router` reads);
//! 4. ours, from parsed `aws_lambda_events` records: `OrderEvent::from_lambda(&record)`;
//! 5. by hand, from the same parsed records: `serde_dynamo::from_item` on clones of the images
//!    (`from_lambda` takes the record by reference and clones too).
//!
//! Heap allocations and bytes per record are counted with a wrapping global allocator,
//! switched off while timing. Before anything is measured, every side is checked to decode the
//! very changes the event was built from.
//!
//! Run: `cargo bench --bench stream_decode` (`-- <rounds>` to change the number of rounds;
//! `-- <rounds> <side>` times one side alone, for a profiler).

mod alloc;
mod common;
mod report;

use std::hint::black_box;
use std::time::{Duration, Instant};

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use common::{Order, OrderEvent, order};
use dynamo_types::stream::testing::TestEvent;
use dynamo_types::stream::{Batch, EventBatch, RawRecord, Record, StreamEvent};

/// The records in the event.
const RECORDS: usize = 1000;

/// What a user writes by hand for the same stream: an enum of the changes...
// unboxed like the derive's `OrderEvent`: a box would cost this side an allocation more
#[allow(clippy::large_enum_variant)]
#[derive(Debug, PartialEq)]
enum Change {
    Insert { new: Order },
    Modify { old: Order, new: Order },
    Remove { old: Order, expired: bool },
}

/// ...and the sequence number, for Lambda's partial batch failures.
#[derive(Debug, PartialEq)]
struct HandRecord {
    change: Change,
    sequence_number: String,
}

/// The next state of an order: its status moves on, sometimes with a shipping time or a note.
fn advance(rng: &mut fastrand::Rng, old: &Order) -> Order {
    let mut new = old.clone();
    new.status = match old.status.as_str() {
        "placed" => "paid",
        "paid" => "shipped",
        _ => "delivered",
    }
    .to_owned();
    if new.status == "shipped" {
        new.shipped_at = Some(1_717_000_000 + rng.i64(0..1_000_000));
    }
    if rng.u8(..4) == 0 {
        new.note = Some(format!("updated by support agent {}", rng.u16(..)));
    }
    new
}

/// `RECORDS` changes to orders from a fixed seed: about 45% inserts, 45% modifications, 8%
/// deletions and 2% TTL expiries, each modification or removal of an order inserted before.
fn changes() -> Vec<HandRecord> {
    let mut rng = fastrand::Rng::with_seed(42);
    let mut live: Vec<Order> = Vec::new();
    let mut out = Vec::with_capacity(RECORDS);
    for i in 0..RECORDS {
        let roll = rng.u32(..100);
        let change = if live.is_empty() || roll < 45 {
            let new = order(&mut rng, i);
            live.push(new.clone());
            Change::Insert { new }
        } else if roll < 90 {
            let at = rng.usize(..live.len());
            let new = advance(&mut rng, &live[at]);
            let old = std::mem::replace(&mut live[at], new.clone());
            Change::Modify { old, new }
        } else {
            let old = live.swap_remove(rng.usize(..live.len()));
            Change::Remove {
                old,
                expired: roll >= 98,
            }
        };
        out.push(HandRecord {
            change,
            // TestEvent numbers its records from 1, 21 digits, by hundreds
            sequence_number: format!("{:021}", (i as u64 + 1) * 100),
        });
    }
    out
}

fn test_event(changes: &[HandRecord]) -> TestEvent {
    changes
        .iter()
        .fold(TestEvent::new(), |event, r| match &r.change {
            Change::Insert { new } => event.insert(new),
            Change::Modify { old, new } => event.modify(old, new),
            Change::Remove {
                old,
                expired: false,
            } => event.remove(old),
            Change::Remove { old, expired: true } => event.expire(old),
        })
}

/// Our records, in the hand-written form, to compare.
fn as_hand(records: &[Record<OrderEvent>]) -> Vec<HandRecord> {
    records
        .iter()
        .map(|r| HandRecord {
            change: match r.event.clone() {
                OrderEvent::Insert { new } => Change::Insert { new },
                OrderEvent::Modify { old, new } => Change::Modify { old, new },
                OrderEvent::Remove { old, expired } => Change::Remove { old, expired },
            },
            sequence_number: r.sequence_number.clone(),
        })
        .collect()
}

fn ours_straight(json: &[u8]) -> Vec<Record<OrderEvent>> {
    EventBatch::<OrderEvent>::from_json(json)
        .expect("the event is JSON")
        .records
        .into_iter()
        .map(|r| r.expect("the record decodes"))
        .collect()
}

fn ours_from_json(json: &[u8]) -> Vec<Record<OrderEvent>> {
    Batch::from_json(json)
        .expect("the event is JSON")
        .records
        .into_iter()
        .map(|r| {
            r.and_then(RawRecord::decode::<OrderEvent>)
                .expect("the record decodes")
        })
        .collect()
}

fn is_ttl(record: &EventRecord) -> bool {
    record
        .user_identity
        .as_ref()
        .is_some_and(|u| u.type_ == "Service" && u.principal_id == "dynamodb.amazonaws.com")
}

/// What a user writes with `aws_lambda_events` and `serde_dynamo`, the images moved out.
fn theirs_from_json(json: &[u8]) -> Vec<HandRecord> {
    let event: Event = serde_json::from_slice(json).expect("aws_lambda_events reads the event");
    event
        .records
        .into_iter()
        .map(|record| {
            let expired = is_ttl(&record);
            let change = record.change;
            let decode = |item| serde_dynamo::from_item::<_, Order>(item).expect("image decodes");
            HandRecord {
                change: match record.event_name.as_str() {
                    "INSERT" => Change::Insert {
                        new: decode(change.new_image),
                    },
                    "MODIFY" => Change::Modify {
                        old: decode(change.old_image),
                        new: decode(change.new_image),
                    },
                    "REMOVE" => Change::Remove {
                        old: decode(change.old_image),
                        expired,
                    },
                    other => panic!("unknown event name {other}"),
                },
                sequence_number: change.sequence_number.expect("a sequence number"),
            }
        })
        .collect()
}

fn ours_from_lambda(event: &Event) -> Vec<Record<OrderEvent>> {
    event
        .records
        .iter()
        .map(|r| OrderEvent::from_lambda(r).expect("the record decodes"))
        .collect()
}

/// The same by hand on parsed records: the images cloned, as `from_lambda` clones them.
fn theirs_from_lambda(event: &Event) -> Vec<HandRecord> {
    event
        .records
        .iter()
        .map(|record| {
            let change = &record.change;
            let decode = |item: &serde_dynamo::Item| {
                serde_dynamo::from_item::<_, Order>(item.clone()).expect("image decodes")
            };
            HandRecord {
                change: match record.event_name.as_str() {
                    "INSERT" => Change::Insert {
                        new: decode(&change.new_image),
                    },
                    "MODIFY" => Change::Modify {
                        old: decode(&change.old_image),
                        new: decode(&change.new_image),
                    },
                    "REMOVE" => Change::Remove {
                        old: decode(&change.old_image),
                        expired: is_ttl(record),
                    },
                    other => panic!("unknown event name {other}"),
                },
                sequence_number: change.sequence_number.clone().expect("a sequence number"),
            }
        })
        .collect()
}

/// One conversion of the whole event; returns the time of the conversion alone (input made
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
    // `-- <rounds> [side]`: a side (1-5) alone is timed, for a profiler
    let numbers: Vec<usize> = std::env::args().filter_map(|a| a.parse().ok()).collect();
    let rounds = numbers.first().copied().unwrap_or(2000);
    let only = numbers.get(1).map(|&side| side.clamp(1, 5) - 1);

    let expected = changes();
    let json = test_event(&expected)
        .to_json()
        .expect("the test event builds")
        .into_bytes();
    let parsed: Event = serde_json::from_slice(&json).expect("aws_lambda_events reads the event");

    // Every side decodes exactly the changes the event was built from.
    assert_eq!(
        as_hand(&ours_straight(&json)),
        expected,
        "ours, straight from JSON"
    );
    assert_eq!(as_hand(&ours_from_json(&json)), expected, "ours, from JSON");
    assert_eq!(theirs_from_json(&json), expected, "by hand, from JSON");
    assert_eq!(
        as_hand(&ours_from_lambda(&parsed)),
        expected,
        "ours, from aws_lambda_events"
    );
    assert_eq!(
        theirs_from_lambda(&parsed),
        expected,
        "by hand, from aws_lambda_events"
    );
    let mix = |kind: fn(&Change) -> bool| expected.iter().filter(|r| kind(&r.change)).count();
    println!(
        "one event of {RECORDS} records ({} bytes of JSON): {} INSERT, {} MODIFY, {} REMOVE ({} by TTL)",
        json.len(),
        mix(|c| matches!(c, Change::Insert { .. })),
        mix(|c| matches!(c, Change::Modify { .. })),
        mix(|c| matches!(c, Change::Remove { .. })),
        mix(|c| matches!(c, Change::Remove { expired: true, .. })),
    );

    // Allocations.
    let count = |work: &mut dyn FnMut()| alloc::count(RECORDS, work);
    let allocations = [
        count(&mut || drop(black_box(ours_straight(&json)))),
        count(&mut || drop(black_box(theirs_from_json(&json)))),
        count(&mut || drop(black_box(ours_from_json(&json)))),
        count(&mut || drop(black_box(ours_from_lambda(&parsed)))),
        count(&mut || drop(black_box(theirs_from_lambda(&parsed)))),
    ];

    // Interleaved timing.
    let mut cases: [(&str, Case); 5] = [
        (
            "1 ours, EventBatch",
            Box::new(|| timed(|| ours_straight(&json))),
        ),
        (
            "2 by hand, from JSON",
            Box::new(|| timed(|| theirs_from_json(&json))),
        ),
        (
            "3 ours, Batch + decode",
            Box::new(|| timed(|| ours_from_json(&json))),
        ),
        (
            "4 ours, from_lambda",
            Box::new(|| timed(|| ours_from_lambda(&parsed))),
        ),
        (
            "5 by hand, from parsed",
            Box::new(|| timed(|| theirs_from_lambda(&parsed))),
        ),
    ];
    let mut samples: Vec<Vec<(Duration, Duration)>> = (0..cases.len())
        .map(|_| Vec::with_capacity(rounds))
        .collect();
    for round in 0..rounds {
        // each side goes first in turn, so none is always the one after a given other
        for k in 0..cases.len() {
            let i = (round + k) % cases.len();
            if only.is_none_or(|only| only == i) {
                samples[i].push((cases[i].1)());
            }
        }
    }

    let per_record = |d: Duration| d.as_secs_f64() * 1e9 / RECORDS as f64;
    let stats = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (v[0], v[v.len() / 2])
    };
    println!("{rounds} rounds, interleaved; ns per record (min / median)");
    println!(
        "{:<24} {:>20} {:>20} {:>12} {:>10}",
        "", "conversion", "with drop", "allocations", "bytes"
    );
    let mut results = Vec::new();
    for (i, (name, _)) in cases.iter().enumerate() {
        if samples[i].is_empty() {
            continue;
        }
        let alone = stats(samples[i].iter().map(|s| per_record(s.0)).collect());
        let dropped = stats(samples[i].iter().map(|s| per_record(s.1)).collect());
        let (allocs, bytes) = allocations[i];
        println!(
            "{name:<24} {:>9.0} / {:<8.0} {:>9.0} / {:<8.0} {allocs:>12.1} {bytes:>10.0}",
            alone.0, alone.1, dropped.0, dropped.1
        );
        results.push((alone, dropped));
    }
    if only.is_some() {
        return;
    }
    let mut comparisons = Vec::new();
    for (what, ours, theirs, ours_name) in [
        ("from JSON, straight", 0, 1, "EventBatch::from_json"),
        ("from JSON, items", 2, 1, "Batch::from_json + decode"),
        ("from parsed", 3, 4, "from_lambda"),
    ] {
        let (o, t) = (results[ours], results[theirs]);
        // The goal (at least 2x faster) is for what a handler gets: the event read straight
        // into typed events, against the same from JSON by hand. The others are for reference.
        comparisons.push(report::Comparison::new(
            "stream",
            format!("{RECORDS}-record Lambda event, {what}"),
            (ours_name, o.0.1),
            ("aws_lambda_events + serde_dynamo", t.0.1),
            "ns per record",
            (ours == 0).then_some(0.5),
        ));
        println!(
            "{what:<20} by hand / ours: conversion {:.2}x (median {:.2}x), with drop {:.2}x (median {:.2}x)",
            t.0.0 / o.0.0,
            t.0.1 / o.0.1,
            t.1.0 / o.1.0,
            t.1.1 / o.1.1
        );
    }
    report::save("stream", &comparisons);
}
