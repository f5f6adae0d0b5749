//! Property tests of `to_item` / `from_item` on generated models: one model holds every
//! supported field type and nesting, and whatever values are generated, `from_item(to_item(m))`
//! is `m`, except where the README says the codec is lossy. Those cases are generated on
//! purpose and checked for the documented outcome:
//!
//! - an `Option` of a set reads `Some(empty)` back as `None` (DynamoDB has no empty set), and
//!   so does an `Option` of a set inside a list or a map (`NULL` there);
//! - a missing or `NULL` attribute reads as no value: `None`, an empty collection, or
//!   `Default::default()` for a `#[dynamo(default)]` field;
//! - `time::OffsetDateTime` is stored in UTC: the same instant reads back, at offset zero.
//!
//! Values DynamoDB cannot store (NaN, infinities, floats beyond its magnitudes, integers of 39
//! significant digits, years outside 0000-9999) are an `EncodeError` naming the field. NaN and
//! infinities are refused by `to_item`, never written as `"NaN"` or `"inf"` text.
//!
//! Every item written is also one DynamoDB accepts: every number within its limits, no empty
//! set, no duplicate set member.
//!
//! Case counts are fixed and modest; `PROPTEST_CASES` raises them for a longer search. No
//! failure files are written: a failure prints its minimal input, which belongs in an explicit
//! regression test once fixed.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::everything::sorted_sets;
use aws_sdk_dynamodb::types::AttributeValue;
use bytes::Bytes;
use dynamo_types::{DynamoModel, DynamoValue, Item};
use proptest::collection::{btree_map, btree_set, hash_map, hash_set, vec};
use proptest::option;
use proptest::prelude::*;
use proptest::test_runner::Config;

fn config(cases: u32) -> Config {
    Config {
        failure_persistence: None,
        ..Config::with_cases(cases)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, DynamoValue)]
#[dynamo(rename_all = "snake_case")]
enum Status {
    Draft,
    InReview,
    #[dynamo(rename = "live")]
    Published,
}

/// A nested user struct, through the serde bridge (`#[dynamo(serde)]`): the crate's way to
/// store a struct inside an item.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Profile {
    owner: String,
    score: Option<u32>,
    ratio: f64,
    tags: Vec<String>,
    labels: BTreeMap<String, i64>,
    shape: Shape,
    children: Vec<Profile>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
enum Shape {
    Circle { radius: f64 },
    Named(String),
    Empty,
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "props")]
struct Everything {
    #[dynamo(hash)]
    id: String,
    #[dynamo(range)]
    seq: i64,
    text: String,
    flag: bool,
    v_i8: i8,
    v_i16: i16,
    v_i32: i32,
    v_i64: i64,
    v_i128: i128,
    v_isize: isize,
    v_u8: u8,
    v_u16: u16,
    v_u32: u32,
    v_u64: u64,
    v_u128: u128,
    v_usize: usize,
    v_f32: f32,
    v_f64: f64,
    bytes: Vec<u8>,
    blob: Bytes,
    // Options of every kind of value.
    note: Option<String>,
    maybe_number: Option<i32>,
    maybe_float: Option<f64>,
    maybe_bytes: Option<Vec<u8>>,
    maybe_list: Option<Vec<u16>>,
    maybe_map: Option<BTreeMap<String, bool>>,
    boxed: Option<Box<i64>>,
    /// Lossy: `Some(empty)` reads back as `None`.
    maybe_tags: Option<BTreeSet<String>>,
    // Lists.
    tags: Vec<String>,
    holes: Vec<Option<i64>>,
    grid: Vec<Vec<f64>>,
    signed_bytes: Vec<i8>,
    blob_list: Vec<Vec<u8>>,
    set_list: Vec<HashSet<u16>>,
    /// Lossy: a `Some(empty)` member reads back as `None`.
    maybe_sets: Vec<Option<BTreeSet<String>>>,
    // Sets of strings, numbers, binary and enums.
    labels: HashSet<String>,
    ids: BTreeSet<i64>,
    big_ids: HashSet<u128>,
    small_ids: BTreeSet<u8>,
    signed_small_ids: HashSet<i8>,
    blobs: HashSet<Vec<u8>>,
    tree_blobs: BTreeSet<Bytes>,
    statuses: BTreeSet<Status>,
    // Maps with string keys.
    meta: HashMap<String, String>,
    nested: BTreeMap<String, BTreeMap<String, Option<f64>>>,
    lists: BTreeMap<String, Vec<HashSet<u16>>>,
    /// Lossy: a `Some(empty)` value reads back as `None`.
    maybe_set_map: HashMap<String, Option<BTreeSet<i32>>>,
    // Enums, in every position.
    status: Status,
    maybe_status: Option<Status>,
    history: Vec<Status>,
    by_name: BTreeMap<String, Status>,
    // Types of the optional crates.
    user: uuid::Uuid,
    at: chrono::DateTime<chrono::Utc>,
    day: chrono::NaiveDate,
    seen: time::OffsetDateTime,
    maybe_at: Option<chrono::DateTime<chrono::Utc>>,
    instants: Vec<time::OffsetDateTime>,
    users: Vec<uuid::Uuid>,
    // Nested user structs.
    #[dynamo(serde)]
    profile: Profile,
    #[dynamo(serde)]
    maybe_profile: Option<Profile>,
    // Defaults, renames.
    #[dynamo(default)]
    count: u32,
    #[dynamo(default)]
    motto: String,
    #[dynamo(default)]
    default_tags: BTreeSet<String>,
    #[dynamo(default)]
    default_map: HashMap<String, u8>,
    #[dynamo(rename = "x-renamed")]
    renamed: Option<bool>,
}

/// The attributes of `#[dynamo(default)]` fields, and what each reads as when absent.
const DEFAULTED: [&str; 4] = ["count", "motto", "default_tags", "default_map"];

/// The largest magnitude DynamoDB keeps exactly: 38 nines.
const NINES_38: u128 = 99_999_999_999_999_999_999_999_999_999_999_999_999;

// ---------------------------------------------------------------------------------------------
// Strategies

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<String>(),
        1 => "[a-z]{0,3}",
        1 => Just(String::new()),
    ]
}

fn key_text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9_#-]{1,12}"
}

fn small_bytes() -> impl Strategy<Value = Vec<u8>> {
    vec(any::<u8>(), 0..12)
}

/// Finite `f64`s DynamoDB stores: zero or a magnitude in [1e-130, 1e126).
fn storable_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<i32>().prop_map(f64::from),
        -1e6..1e6f64,
        (prop::num::f64::NORMAL | prop::num::f64::ZERO)
            .prop_filter("within DynamoDB's magnitudes", |v| *v == 0.0
                || (1e-129..1e125).contains(&v.abs())),
    ]
}

/// Every finite `f32` is within DynamoDB's magnitudes.
fn finite_f32() -> impl Strategy<Value = f32> {
    prop::num::f32::NORMAL | prop::num::f32::SUBNORMAL | prop::num::f32::ZERO
}

/// `u128`s of at most 38 significant digits: below 10^38, or with trailing zeros.
fn storable_u128() -> impl Strategy<Value = u128> {
    prop_oneof![
        0..=NINES_38,
        (1u128..=NINES_38, 0u32..3).prop_filter_map("fits u128", |(m, k)| {
            let shifted = m.checked_mul(10u128.pow(k))?;
            (shifted.to_string().trim_end_matches('0').len() <= 38).then_some(shifted)
        }),
        Just(0),
        Just(NINES_38),
    ]
}

fn storable_i128() -> impl Strategy<Value = i128> {
    (storable_u128(), any::<bool>()).prop_filter_map("fits i128", |(v, negative)| {
        let v = i128::try_from(v).ok()?;
        Some(if negative { -v } else { v })
    })
}

fn status() -> impl Strategy<Value = Status> {
    prop_oneof![
        Just(Status::Draft),
        Just(Status::InReview),
        Just(Status::Published)
    ]
}

/// Seconds from 0000-01-01T00:00:00Z to 9999-12-31T23:59:59Z.
const YEAR_0: i64 = -62_167_219_200;
const YEAR_9999_END: i64 = 253_402_300_799;

fn chrono_at() -> impl Strategy<Value = chrono::DateTime<chrono::Utc>> {
    prop_oneof![
        // Any instant of years 0000-9999, to the nanosecond.
        (YEAR_0..=YEAR_9999_END, 0u32..1_000_000_000),
        // chrono's leap seconds: a nanosecond field past 1e9 at second 59.
        (
            YEAR_0 / 60..=YEAR_9999_END / 60,
            1_000_000_000u32..2_000_000_000
        )
            .prop_map(|(minute, nanos)| (minute * 60 + 59, nanos)),
    ]
    .prop_filter_map("a valid instant", |(secs, nanos)| {
        chrono::DateTime::from_timestamp(secs, nanos)
    })
}

fn naive_date() -> impl Strategy<Value = chrono::NaiveDate> {
    (0i32..=9999, 1u32..=366).prop_filter_map("a day of the year", |(y, d)| {
        chrono::NaiveDate::from_yo_opt(y, d)
    })
}

/// Any instant of years 0000-9999 (in UTC), at any offset.
fn time_at() -> impl Strategy<Value = time::OffsetDateTime> {
    (
        YEAR_0..=YEAR_9999_END,
        0u32..1_000_000_000,
        -86_399i32..=86_399,
    )
        .prop_filter_map("a valid instant", |(secs, nanos, offset)| {
            let utc = time::OffsetDateTime::from_unix_timestamp(secs)
                .ok()?
                .replace_nanosecond(nanos)
                .ok()?;
            utc.checked_to_offset(time::UtcOffset::from_whole_seconds(offset).ok()?)
        })
}

fn uuid() -> impl Strategy<Value = uuid::Uuid> {
    any::<u128>().prop_map(uuid::Uuid::from_u128)
}

fn shape() -> impl Strategy<Value = Shape> {
    prop_oneof![
        storable_f64().prop_map(|radius| Shape::Circle { radius }),
        text().prop_map(Shape::Named),
        Just(Shape::Empty),
    ]
}

fn profile() -> impl Strategy<Value = Profile> {
    let leaf = (
        text(),
        option::of(any::<u32>()),
        storable_f64(),
        vec(text(), 0..3),
        btree_map(text(), any::<i64>(), 0..3),
        shape(),
    )
        .prop_map(|(owner, score, ratio, tags, labels, shape)| Profile {
            owner,
            score,
            ratio,
            tags,
            labels,
            shape,
            children: Vec::new(),
        });
    leaf.prop_recursive(2, 6, 3, |inner| {
        (inner.clone(), vec(inner, 0..3)).prop_map(|(mut parent, children)| {
            parent.children = children;
            parent
        })
    })
}

/// Sets that may be empty: an empty set is stored as nothing and read back as empty.
fn set_of<T: Strategy>(element: T) -> impl Strategy<Value = BTreeSet<T::Value>>
where
    T::Value: Ord,
{
    btree_set(element, 0..4)
}

fn hash_set_of<T: Strategy>(element: T) -> impl Strategy<Value = HashSet<T::Value>>
where
    T::Value: Eq + std::hash::Hash,
{
    hash_set(element, 0..4)
}

/// Options of sets where `Some(empty)` comes up often, to meet the lossy case on purpose.
fn maybe_set<T: Strategy>(element: T) -> impl Strategy<Value = Option<BTreeSet<T::Value>>>
where
    T::Value: Ord + Clone,
{
    prop_oneof![
        Just(None),
        Just(Some(BTreeSet::new())),
        btree_set(element, 1..4).prop_map(Some),
    ]
}

/// One `Everything`, built in groups (proptest tuples stop at twelve).
fn everything() -> impl Strategy<Value = Everything> {
    let scalars = (
        key_text(),
        any::<i64>(),
        text(),
        any::<bool>(),
        (any::<i8>(), any::<i16>(), any::<i32>(), any::<i64>()),
        (storable_i128(), any::<isize>()),
        (any::<u8>(), any::<u16>(), any::<u32>(), any::<u64>()),
        (storable_u128(), any::<usize>()),
        (finite_f32(), storable_f64()),
        small_bytes(),
        small_bytes(),
    );
    let options = (
        option::of(text()),
        option::of(any::<i32>()),
        option::of(storable_f64()),
        option::of(small_bytes()),
        option::of(vec(any::<u16>(), 0..4)),
        option::of(btree_map(text(), any::<bool>(), 0..3)),
        option::of(any::<i64>().prop_map(Box::new)),
        maybe_set(text()),
    );
    let lists = (
        vec(text(), 0..4),
        vec(option::of(any::<i64>()), 0..4),
        vec(vec(storable_f64(), 0..3), 0..3),
        vec(any::<i8>(), 0..4),
        vec(small_bytes(), 0..3),
        vec(hash_set_of(any::<u16>()), 0..3),
        vec(maybe_set(text()), 0..4),
    );
    let sets = (
        hash_set_of(text()),
        set_of(any::<i64>()),
        hash_set_of(storable_u128()),
        set_of(any::<u8>()),
        hash_set_of(any::<i8>()),
        hash_set_of(small_bytes()),
        set_of(small_bytes().prop_map(Bytes::from)),
        set_of(status()),
    );
    let maps = (
        hash_map(text(), text(), 0..3),
        btree_map(
            text(),
            btree_map(text(), option::of(storable_f64()), 0..3),
            0..3,
        ),
        btree_map(text(), vec(hash_set_of(any::<u16>()), 0..3), 0..3),
        hash_map(text(), maybe_set(any::<i32>()), 0..4),
    );
    let enums = (
        status(),
        option::of(status()),
        vec(status(), 0..4),
        btree_map(text(), status(), 0..3),
    );
    let others = (
        uuid(),
        chrono_at(),
        naive_date(),
        time_at(),
        option::of(chrono_at()),
        vec(time_at(), 0..3),
        vec(uuid(), 0..3),
        profile(),
        option::of(profile()),
        (any::<u32>(), text(), set_of(text())),
        hash_map(text(), any::<u8>(), 0..3),
        option::of(any::<bool>()),
    );
    (scalars, options, lists, sets, maps, enums, others).prop_map(
        |(scalars, options, lists, sets, maps, enums, others)| {
            let (id, seq, text, flag, signed, wide, unsigned, uwide, floats, bytes, blob) = scalars;
            let (v_i8, v_i16, v_i32, v_i64) = signed;
            let (v_i128, v_isize) = wide;
            let (v_u8, v_u16, v_u32, v_u64) = unsigned;
            let (v_u128, v_usize) = uwide;
            let (v_f32, v_f64) = floats;
            let (
                note,
                maybe_number,
                maybe_float,
                maybe_bytes,
                maybe_list,
                maybe_map,
                boxed,
                maybe_tags,
            ) = options;
            let (tags, holes, grid, signed_bytes, blob_list, set_list, maybe_sets) = lists;
            let (labels, ids, big_ids, small_ids, signed_small_ids, blobs, tree_blobs, statuses) =
                sets;
            let (meta, nested, lists, maybe_set_map) = maps;
            let (status, maybe_status, history, by_name) = enums;
            let (
                user,
                at,
                day,
                seen,
                maybe_at,
                instants,
                users,
                profile,
                maybe_profile,
                (count, motto, default_tags),
                default_map,
                renamed,
            ) = others;
            Everything {
                id,
                seq,
                text,
                flag,
                v_i8,
                v_i16,
                v_i32,
                v_i64,
                v_i128,
                v_isize,
                v_u8,
                v_u16,
                v_u32,
                v_u64,
                v_u128,
                v_usize,
                v_f32,
                v_f64,
                bytes,
                blob: Bytes::from(blob),
                note,
                maybe_number,
                maybe_float,
                maybe_bytes,
                maybe_list,
                maybe_map,
                boxed,
                maybe_tags,
                tags,
                holes,
                grid,
                signed_bytes,
                blob_list,
                set_list,
                maybe_sets,
                labels,
                ids,
                big_ids,
                small_ids,
                signed_small_ids,
                blobs,
                tree_blobs,
                statuses,
                meta,
                nested,
                lists,
                maybe_set_map,
                status,
                maybe_status,
                history,
                by_name,
                user,
                at,
                day,
                seen,
                maybe_at,
                instants,
                users,
                profile,
                maybe_profile,
                count,
                motto,
                default_tags,
                default_map,
                renamed,
            }
        },
    )
}

// ---------------------------------------------------------------------------------------------
// The documented outcome

/// What `from_item(to_item(model))` is documented to be: `model`, with each `Option` of an
/// empty set (top level, in a list, in a map) as `None`, and each `OffsetDateTime` at UTC.
fn expected_read(model: &Everything) -> Everything {
    let no_empty = |set: &Option<BTreeSet<String>>| set.clone().filter(|s| !s.is_empty());
    let utc = |t: &time::OffsetDateTime| t.to_offset(time::UtcOffset::UTC);
    Everything {
        maybe_tags: no_empty(&model.maybe_tags),
        maybe_sets: model.maybe_sets.iter().map(no_empty).collect(),
        maybe_set_map: model
            .maybe_set_map
            .iter()
            .map(|(k, v)| (k.clone(), v.clone().filter(|s| !s.is_empty())))
            .collect(),
        seen: utc(&model.seen),
        instants: model.instants.iter().map(utc).collect(),
        ..model.clone()
    }
}

/// Checks that DynamoDB accepts `value`'s numbers and sets: numbers within its limits, no empty
/// set, no set member given twice (as DynamoDB compares them: numbers by value).
fn check_storable(path: &str, value: &AttributeValue) -> Result<(), TestCaseError> {
    match value {
        AttributeValue::N(text) => check_number(path, text)?,
        AttributeValue::Ns(members) => {
            prop_assert!(!members.is_empty(), "{}: an empty NS", path);
            for member in members {
                check_number(path, member)?;
            }
            // The codec writes each number in one form, so equal numbers are equal texts.
            let unique: HashSet<_> = members.iter().collect();
            prop_assert_eq!(unique.len(), members.len(), "{}: a member twice", path);
        }
        AttributeValue::Ss(members) => {
            prop_assert!(!members.is_empty(), "{}: an empty SS", path);
            let unique: HashSet<_> = members.iter().collect();
            prop_assert_eq!(unique.len(), members.len(), "{}: a member twice", path);
        }
        AttributeValue::Bs(members) => {
            prop_assert!(!members.is_empty(), "{}: an empty BS", path);
            let unique: HashSet<_> = members.iter().map(|b| b.as_ref()).collect();
            prop_assert_eq!(unique.len(), members.len(), "{}: a member twice", path);
        }
        AttributeValue::L(list) => {
            for (i, v) in list.iter().enumerate() {
                check_storable(&format!("{path}[{i}]"), v)?;
            }
        }
        AttributeValue::M(map) => {
            for (k, v) in map {
                check_storable(&format!("{path}.{k}"), v)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// A number text DynamoDB stores: plain decimal with at most 38 significant digits and a
/// magnitude in [1e-130, 1e126). (The codec writes no exponent; see
/// `runtime/src/codec/props.rs` for the full reference.)
fn check_number(path: &str, text: &str) -> Result<(), TestCaseError> {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    prop_assert!(
        !unsigned.is_empty()
            && unsigned.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && unsigned.matches('.').count() <= 1,
        "{}: `{}` is not plain decimal text",
        path,
        text
    );
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = format!("{int}{frac}");
    let significant = digits.trim_start_matches('0');
    if significant.is_empty() {
        return Ok(()); // zero
    }
    let int = int.trim_start_matches('0');
    let magnitude = if int.is_empty() {
        -1 - (frac.len() - frac.trim_start_matches('0').len()) as i64
    } else {
        int.len() as i64 - 1
    };
    prop_assert!(
        significant.trim_end_matches('0').len() <= 38,
        "{}: `{}` has more than 38 significant digits",
        path,
        text
    );
    prop_assert!(
        (-130..126).contains(&magnitude),
        "{}: `{}` is beyond DynamoDB's magnitudes",
        path,
        text
    );
    Ok(())
}

fn check_item(item: &Item) -> Result<(), TestCaseError> {
    for (name, value) in item {
        check_storable(name, value)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(256))]

    /// `from_item(to_item(m))` is `m`, but for the documented lossy cases, and the item is one
    /// DynamoDB stores.
    #[test]
    fn every_field_type_round_trips(model in everything()) {
        let item = model.to_item().map_err(|e| TestCaseError::fail(format!("{e}")))?;
        check_item(&item)?;
        let back = Everything::from_item(item.clone())
            .map_err(|e| TestCaseError::fail(format!("{e}")))?;
        prop_assert_eq!(&back, &expected_read(&model));
        // What was read writes the same item again (sets in any order): the lossy cases lose
        // nothing more.
        let again = back.to_item().map_err(|e| TestCaseError::fail(format!("{e}")))?;
        prop_assert_eq!(sorted_sets(again), sorted_sets(item.clone()));
        // No empty set and no `NULL` at the top level: nothing is stored for them.
        prop_assert!(item.values().all(|v| !matches!(v, AttributeValue::Null(_))));
    }

    /// A missing or `NULL` attribute is no value: `#[dynamo(default)]` fields read as
    /// `Default`, `Option`s as `None`, collections as empty; the rest is unchanged.
    #[test]
    fn missing_and_null_attributes_read_as_no_value(model in everything(), null in any::<bool>()) {
        let mut item = model.to_item().map_err(|e| TestCaseError::fail(format!("{e}")))?;
        let blanked = [
            "note", "maybe_tags", "tags", "labels", "meta", "maybe_status", "maybe_profile",
        ];
        for name in DEFAULTED.iter().chain(&blanked) {
            if null {
                item.insert((*name).to_owned(), AttributeValue::Null(true));
            } else {
                item.remove(*name);
            }
        }
        let back = Everything::from_item(item).map_err(|e| TestCaseError::fail(format!("{e}")))?;
        let expected = Everything {
            count: 0,
            motto: String::new(),
            default_tags: BTreeSet::new(),
            default_map: HashMap::new(),
            note: None,
            maybe_tags: None,
            tags: Vec::new(),
            labels: HashSet::new(),
            meta: HashMap::new(),
            maybe_status: None,
            maybe_profile: None,
            ..expected_read(&model)
        };
        prop_assert_eq!(back, expected);
    }
}

/// Values DynamoDB cannot store are an `EncodeError` naming the field, whatever else the model
/// holds; NaN and infinities are never written as text.
mod refused {
    use super::*;

    fn unstorable_f64() -> impl Strategy<Value = f64> {
        prop_oneof![
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(f64::NEG_INFINITY),
            prop::num::f64::NORMAL.prop_filter("beyond DynamoDB's magnitudes", |v| {
                !(1e-131..1e127).contains(&v.abs())
            }),
            prop::num::f64::SUBNORMAL,
        ]
    }

    proptest! {
        #![proptest_config(config(32))]

        #[test]
        fn unstorable_numbers_and_dates_name_their_field(
            model in everything(),
            which in 0u8..7,
            float in unstorable_f64(),
            not_finite in prop_oneof![Just(f32::NAN), Just(f32::INFINITY), Just(f32::NEG_INFINITY)],
            too_precise in (10u128.pow(38) + 1..=u128::MAX).prop_filter("39 significant digits", |v| v % 10 != 0),
            year in prop_oneof![-262_000i32..0, 10_000i32..262_000],
        ) {
            let mut model = model;
            let field = match which {
                0 => { model.v_f64 = float; "v_f64" }
                1 => { model.v_f32 = not_finite; "v_f32" }
                2 => { model.v_u128 = too_precise; "v_u128" }
                3 => { model.grid = vec![vec![0.5, float]]; "grid[0][1]" }
                4 => { model.nested = [("k".to_owned(), [("x".to_owned(), Some(float))].into())].into(); "nested.k.x" }
                5 => {
                    model.day = chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
                    "day"
                }
                _ => {
                    model.at = chrono::NaiveDate::from_ymd_opt(year, 6, 1).unwrap()
                        .and_hms_opt(0, 0, 0).unwrap().and_utc();
                    "at"
                }
            };
            match model.to_item() {
                Ok(item) => prop_assert!(false, "{} was stored: {:?}", field, item.get(field)),
                Err(err) => prop_assert_eq!(err.path(), field),
            }
        }

        /// The serde bridge keeps the same limits: a nested struct's float that DynamoDB cannot
        /// store is refused before sending too.
        #[test]
        fn unstorable_numbers_in_nested_structs_are_refused(model in everything(), float in unstorable_f64()) {
            let mut model = model;
            model.profile.ratio = float;
            match model.to_item() {
                Ok(item) => prop_assert!(false, "{:e} was stored: {:?}", float, item.get("profile")),
                Err(err) => prop_assert_eq!(err.path(), "profile.ratio"),
            }
            model.profile.ratio = 0.5;
            let mut child = model.profile.clone();
            child.shape = Shape::Circle { radius: float };
            model.maybe_profile = Some(Profile { children: vec![child], ..model.profile.clone() });
            match model.to_item() {
                Ok(item) => prop_assert!(false, "{:e} was stored: {:?}", float, item.get("maybe_profile")),
                Err(err) => prop_assert_eq!(err.path(), "maybe_profile.children[0].shape.Circle.radius"),
            }
        }
    }
}
