//! `to_item` and `from_item` of the derive against `serde_dynamo` and against conversions
//! written by hand with the SDK's `AttributeValue`, for three sizes of model
//! (`benches/sizes/`): small (4 fields), medium (15 fields: options, sets, lists, maps) and
//! large (a list of 100 nested maps, through the crate's traits and through the serde bridge).
//!
//! Before anything is timed, the three sides are checked to write identical items and to read
//! them back as the same models. Then every conversion (size x direction x side) takes its
//! turn, batch by batch, for many rounds, each round starting one conversion further on, so
//! that all of them see the same load on a busy machine; the minimum and median per item are
//! reported (of the conversion alone: inputs are made before, outputs dropped after). Heap
//! allocations per item are counted with a wrapping global allocator, switched off while
//! timing. The medians go to `report::save("codec", ..)` with the goals: at most 0.5x
//! serde_dynamo's time and 1.1x the hand-written one.
//!
//! Run: `cargo bench --bench codec_sizes` (`-- <rounds>` to change the number of rounds;
//! `-- <rounds> <text>` times only the conversions whose name contains the text, for a
//! profiler).

mod alloc;
mod report;
mod sizes;

use std::fmt::Debug;
use std::hint::black_box;
use std::rc::Rc;
use std::time::Instant;

use dynamo_types::{DynamoModel, Item};
use report::Comparison;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sizes::hand::{self, HandError};

/// The three sides, in the order of `Case::side`.
const SIDES: [&str; 3] = ["dynamo-types", "serde_dynamo", "hand-written"];
const DIRECTIONS: [&str; 2] = ["to_item", "from_item"];
const GOALS: [f64; 2] = [0.5, 1.1];

/// Models per batch (one timed sample), so that a sample takes tens of microseconds.
const SMALL_BATCH: usize = 256;
const MEDIUM_BATCH: usize = 64;
const LARGE_BATCH: usize = 4;

/// One timed conversion of a batch and what was measured of it.
struct Case {
    size: &'static str,
    /// Index into `DIRECTIONS`.
    direction: usize,
    /// Index into `SIDES`.
    side: usize,
    batch: usize,
    /// Allocations and bytes per item.
    allocations: (f64, f64),
    /// Converts the batch and returns the seconds the conversion alone took.
    run: Box<dyn FnMut() -> f64>,
    /// Nanoseconds per item, one per round.
    samples: Vec<f64>,
}

impl Case {
    fn name(&self) -> String {
        format!(
            "{}, {} {}",
            DIRECTIONS[self.direction], self.size, SIDES[self.side]
        )
    }
}

/// Seconds taken by `work`; its output is dropped after the clock stops.
fn timed<T>(work: impl FnOnce() -> T) -> f64 {
    let start = Instant::now();
    let out = black_box(work());
    let seconds = start.elapsed().as_secs_f64();
    drop(out);
    seconds
}

fn encoder(
    size: &'static str,
    side: usize,
    batch: usize,
    encode: impl Fn() -> Vec<Item> + 'static,
) -> Case {
    let allocations = alloc::count(batch, &mut || drop(black_box(encode())));
    Case {
        size,
        direction: 0,
        side,
        batch,
        allocations,
        run: Box::new(move || timed(&encode)),
        samples: Vec::new(),
    }
}

fn decoder<T: 'static>(
    size: &'static str,
    side: usize,
    items: Rc<Vec<Item>>,
    decode: impl Fn(Vec<Item>) -> Vec<T> + 'static,
) -> Case {
    let batch = items.len();
    let mut input = Some(items.to_vec());
    let allocations = alloc::count(batch, &mut || {
        let input = input.take().expect("counted once");
        drop(black_box(decode(input)));
    });
    Case {
        size,
        direction: 1,
        side,
        batch,
        allocations,
        run: Box::new(move || {
            let input = items.to_vec();
            timed(|| decode(input))
        }),
        samples: Vec::new(),
    }
}

/// A hand-written conversion of a model `H` with the same attributes as the measured one.
struct Hand<H> {
    models: Vec<H>,
    to_item: fn(&H) -> Item,
    from_item: fn(Item) -> Result<H, HandError>,
}

/// The six conversions of one size, after checking that the three sides write the same items
/// and read them back as the same models: the comparison is only fair on identical input and
/// output.
fn size_cases<M, H>(size: &'static str, models: Vec<M>, hand: Hand<H>) -> Vec<Case>
where
    M: DynamoModel + Serialize + DeserializeOwned + PartialEq + Debug + 'static,
    H: PartialEq + Debug + 'static,
{
    let items: Vec<Item> = models
        .iter()
        .map(|m| m.to_item().expect("the model encodes"))
        .collect();
    let theirs: Vec<Item> = models
        .iter()
        .map(|m| serde_dynamo::to_item(m).expect("serde_dynamo encodes"))
        .collect();
    assert_eq!(
        items, theirs,
        "{size}: serde_dynamo writes the derive's items"
    );
    let by_hand: Vec<Item> = hand.models.iter().map(hand.to_item).collect();
    assert_eq!(items, by_hand, "{size}: by hand, the same items");
    for ((model, hand_model), item) in models.iter().zip(&hand.models).zip(&items) {
        assert_eq!(&M::from_item(item.clone()).expect("decodes"), model);
        let theirs: M = serde_dynamo::from_item(item.clone()).expect("serde_dynamo decodes");
        assert_eq!(&theirs, model);
        let by_hand = (hand.from_item)(item.clone()).expect("decodes by hand");
        assert_eq!(&by_hand, hand_model);
    }

    let batch = models.len();
    let models = Rc::new(models);
    let hand_models = Rc::new(hand.models);
    let items = Rc::new(items);
    let (to_hand, from_hand) = (hand.to_item, hand.from_item);
    vec![
        encoder(size, 0, batch, {
            let models = Rc::clone(&models);
            move || models.iter().map(|m| m.to_item().unwrap()).collect()
        }),
        encoder(size, 1, batch, {
            let models = Rc::clone(&models);
            move || {
                models
                    .iter()
                    .map(|m| serde_dynamo::to_item(m).unwrap())
                    .collect()
            }
        }),
        encoder(size, 2, batch, move || {
            hand_models.iter().map(to_hand).collect()
        }),
        decoder(size, 0, Rc::clone(&items), |input| {
            input
                .into_iter()
                .map(|i| M::from_item(i).unwrap())
                .collect()
        }),
        decoder(size, 1, Rc::clone(&items), |input| {
            input
                .into_iter()
                .map(|i| serde_dynamo::from_item::<_, M>(i).unwrap())
                .collect()
        }),
        decoder(size, 2, items, move |input| {
            input.into_iter().map(|i| from_hand(i).unwrap()).collect()
        }),
    ]
}

fn main() {
    // `-- <rounds> [text]`; cargo adds `--bench`
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let rounds: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(4000);
    let only = args.iter().find(|a| a.parse::<usize>().is_err());

    let mut rng = fastrand::Rng::with_seed(42);
    let small: Vec<_> = (0..SMALL_BATCH)
        .map(|i| sizes::small(&mut rng, i))
        .collect();
    let medium: Vec<_> = (0..MEDIUM_BATCH)
        .map(|i| sizes::medium(&mut rng, i))
        .collect();
    let large: Vec<_> = (0..LARGE_BATCH)
        .map(|i| sizes::large(&mut rng, i))
        .collect();
    let large_bridged: Vec<sizes::LargeBridged> = large.iter().cloned().map(Into::into).collect();

    let mut cases = Vec::new();
    cases.extend(size_cases(
        "small (4 fields)",
        small.clone(),
        Hand {
            models: small,
            to_item: hand::small_to_item,
            from_item: hand::small_from_item,
        },
    ));
    cases.extend(size_cases(
        "medium (15 fields)",
        medium.clone(),
        Hand {
            models: medium,
            to_item: hand::medium_to_item,
            from_item: hand::medium_from_item,
        },
    ));
    cases.extend(size_cases(
        "large (100 nested maps, trait impls)",
        large.clone(),
        Hand {
            models: large.clone(),
            to_item: hand::large_to_item,
            from_item: hand::large_from_item,
        },
    ));
    cases.extend(size_cases(
        "large (100 nested maps, serde bridge)",
        large_bridged,
        Hand {
            models: large,
            to_item: hand::large_to_item,
            from_item: hand::large_from_item,
        },
    ));
    let selected: Vec<usize> = (0..cases.len())
        .filter(|&i| only.is_none_or(|text| cases[i].name().contains(text.as_str())))
        .collect();

    // Interleaved timing: each round starts one conversion further on, so that none always
    // runs right after a given other.
    for round in 0..rounds {
        for k in 0..selected.len() {
            let case = &mut cases[selected[(round + k) % selected.len()]];
            let seconds = (case.run)();
            case.samples.push(seconds * 1e9 / case.batch as f64);
        }
    }

    let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    println!(
        "{rounds} rounds, interleaved; batches of {SMALL_BATCH} small, {MEDIUM_BATCH} medium, \
         {LARGE_BATCH} large models; ns per item, conversion alone (min / median)\n"
    );
    println!("| case | side | min | median | allocations | bytes |");
    println!("|---|---|---:|---:|---:|---:|");
    for &i in &selected {
        let case = &cases[i];
        println!(
            "| {}, {} | {} | {:.0} | {:.0} | {:.1} | {:.0} |",
            DIRECTIONS[case.direction],
            case.size,
            SIDES[case.side],
            min(&case.samples),
            report::median(&case.samples),
            case.allocations.0,
            case.allocations.1,
        );
    }
    if selected.len() < cases.len() {
        return;
    }

    // Ratios of medians (and of minimums), per size and direction.
    let mut comparisons = Vec::new();
    println!(
        "\n| case | dynamo-types | serde_dynamo | ratio (goal <= 0.5) | hand-written | ratio (goal <= 1.1) |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for group in cases.chunks(3) {
        let [ours, serde, by_hand] = group else {
            unreachable!("three sides per conversion")
        };
        let case = format!("{}, {}", DIRECTIONS[ours.direction], ours.size);
        let median = |c: &Case| report::median(&c.samples);
        let mut cells = Vec::new();
        for (other, goal) in [serde, by_hand].into_iter().zip(GOALS) {
            let comparison = Comparison::new(
                "codec",
                case.clone(),
                (SIDES[ours.side], median(ours)),
                (SIDES[other.side], median(other)),
                "ns per item",
                Some(goal),
            );
            cells.push(format!(
                "{:.0} / {:.0} | {:.3}x ({:.2}x min) {}",
                min(&other.samples),
                comparison.theirs,
                comparison.ratio(),
                min(&ours.samples) / min(&other.samples),
                if comparison.met() == Some(true) {
                    "met"
                } else {
                    "**missed**"
                },
            ));
            comparisons.push(comparison);
        }
        println!(
            "| {case} | {:.0} / {:.0} | {} | {} |",
            min(&ours.samples),
            median(ours),
            cells[0],
            cells[1]
        );
    }
    println!();
    report::save("codec", &comparisons);
}
