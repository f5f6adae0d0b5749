//! A model with a field of every type the codec supports, a valid sample of it, and values on
//! the codec's edges. Shared by the seeded decoding tests (`tests/model/codec/fuzz.rs`) and the
//! cargo-fuzz targets (`fuzz/src/lib.rs`), which include this file by path.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use aws_sdk_dynamodb::types::AttributeValue;
use bytes::Bytes;
use dynamo_types::{DynamoModel, Item};

/// A struct stored as a map through serde (`#[dynamo(serde)]`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Profile {
    pub owner: String,
    pub score: Option<u32>,
    pub tags: Vec<String>,
}

/// Most types the codec supports (features chrono, time, uuid and serde included; not enums,
/// `isize` or `default` collections, which `tests/model/codec/props.rs` covers), keys,
/// `default` and `rename`.
#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "everything", stream = "new_and_old_images")]
pub struct Everything {
    #[dynamo(hash)]
    pub id: String,
    #[dynamo(range)]
    pub seq: u64,
    pub name: String,
    pub flag: bool,
    pub tiny: i8,
    pub small: u8,
    pub medium: i32,
    pub wide: i64,
    pub huge: i128,
    pub uhuge: u128,
    pub size: usize,
    pub ratio: f64,
    pub single: f32,
    pub data: Vec<u8>,
    pub blob: Bytes,
    pub note: Option<String>,
    pub maybe: Option<i64>,
    pub boxed: Option<Box<i64>>,
    pub tags: Vec<String>,
    pub holes: Vec<Option<u32>>,
    pub grid: Vec<Vec<i16>>,
    pub signed_bytes: Vec<i8>,
    pub labels: HashSet<String>,
    pub ids: BTreeSet<i64>,
    pub blobs: HashSet<Vec<u8>>,
    pub tree_blobs: BTreeSet<Bytes>,
    pub meta: HashMap<String, String>,
    pub nested: BTreeMap<String, BTreeMap<String, Option<f64>>>,
    pub lists: BTreeMap<String, Vec<HashSet<u16>>>,
    pub user: uuid::Uuid,
    pub at: chrono::DateTime<chrono::Utc>,
    pub day: chrono::NaiveDate,
    pub seen: time::OffsetDateTime,
    pub raw: Option<AttributeValue>,
    #[dynamo(serde)]
    pub profile: Option<Profile>,
    #[dynamo(default)]
    pub count: u32,
    #[dynamo(rename = "x-renamed")]
    pub renamed: Option<bool>,
}

/// The attribute names of [`Everything`].
pub const FIELDS: &[&str] = &[
    "id",
    "seq",
    "name",
    "flag",
    "tiny",
    "small",
    "medium",
    "wide",
    "huge",
    "uhuge",
    "size",
    "ratio",
    "single",
    "data",
    "blob",
    "note",
    "maybe",
    "boxed",
    "tags",
    "holes",
    "grid",
    "signed_bytes",
    "labels",
    "ids",
    "blobs",
    "tree_blobs",
    "meta",
    "nested",
    "lists",
    "user",
    "at",
    "day",
    "seen",
    "raw",
    "profile",
    "count",
    "x-renamed",
];

/// A valid model, every field set.
pub fn sample() -> Everything {
    Everything {
        id: "e".to_owned(),
        seq: 1,
        name: "name".to_owned(),
        flag: true,
        tiny: -3,
        small: 200,
        medium: -70_000,
        wide: i64::MIN,
        huge: -(10i128.pow(37)),
        uhuge: 10u128.pow(37),
        size: 9,
        ratio: 0.1,
        single: 2.5,
        data: vec![1, 2, 3],
        blob: Bytes::from_static(b"blob"),
        note: Some("note".to_owned()),
        maybe: None,
        boxed: Some(Box::new(-42)),
        tags: vec!["a".to_owned(), "b".to_owned()],
        holes: vec![Some(1), None, Some(3)],
        grid: vec![vec![1, -2], vec![]],
        signed_bytes: vec![-1, 1],
        labels: ["x".to_owned(), "y".to_owned()].into(),
        ids: [1, 2, 3].into(),
        blobs: [vec![0u8], vec![1, 2]].into(),
        tree_blobs: [Bytes::from_static(b"t")].into(),
        meta: [("owner".to_owned(), "alice".to_owned())].into(),
        nested: [(
            "k".to_owned(),
            [("a".to_owned(), Some(1.5)), ("b".to_owned(), None)].into(),
        )]
        .into(),
        lists: [("l".to_owned(), vec![[1u16, 2].into(), HashSet::new()])].into(),
        user: uuid::Uuid::from_u128(0x67e5_5044_10b1_426f_9247_bb68_0e5f_e0c8),
        at: chrono::DateTime::from_timestamp(1_700_000_000, 123).unwrap(),
        day: chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap(),
        seen: time::OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap(),
        raw: Some(AttributeValue::Ns(vec!["1".to_owned()])),
        profile: Some(Profile {
            owner: "bob".to_owned(),
            score: Some(4),
            tags: vec![],
        }),
        count: 3,
        renamed: Some(false),
    }
}

/// Numbers on the edges the codec cares about, and texts that are not numbers.
pub const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "1",
    "-1",
    "255",
    "256",
    "-128",
    "-129",
    "65535",
    "4294967296",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "99999999999999999999999999999999999999",
    "340282366920938463463374607431768211455",
    "1e38",
    "1E+2",
    "1.5",
    "0.1",
    "1e-130",
    "1e-400",
    "1e400",
    "1e308",
    "3.4028236e38",
    "NaN",
    "Infinity",
    "-inf",
    "",
    "-",
    ".",
    "1e",
    "11e9223372036854775807",
    "1e-9223372036854775808",
    "0e99999999999999999999",
    "1.0e0",
    // not numbers at all
    "+",
    "e",
    "--1",
    "12abc",
    " 1",
    "0x1f",
];

/// Strings on the edges of the string-typed codecs (UUIDs, dates, times).
pub const STRINGS: &[&str] = &[
    "",
    "x",
    "e\u{301}",
    "🦀",
    "67e55044-10b1-426f-9247-bb680e5fe0c8",
    "67E55044-10B1-426F-9247-BB680E5FE0C8",
    "2024-02-29",
    "2024-02-30",
    "+10000-01-01",
    "2024-02-29T23:59:59.999999999Z",
    "0000-01-01T00:00:00+23:59",
    "9999-12-31T23:59:59-23:59",
    "2024-02-29T23:59:60Z",
    "1970-01-01T00:00:00.1234567891Z",
    "not a value",
];

/// `item` with the members of its sets (and of sets inside lists and maps) in order, for
/// comparing items: a `HashSet` writes its members in any order.
pub fn sorted_sets(item: Item) -> BTreeMap<String, AttributeValue> {
    fn sort(value: AttributeValue) -> AttributeValue {
        match value {
            AttributeValue::Ss(mut v) => {
                v.sort();
                AttributeValue::Ss(v)
            }
            AttributeValue::Ns(mut v) => {
                v.sort();
                AttributeValue::Ns(v)
            }
            AttributeValue::Bs(mut v) => {
                v.sort_by(|a, b| a.as_ref().cmp(b.as_ref()));
                AttributeValue::Bs(v)
            }
            AttributeValue::L(v) => AttributeValue::L(v.into_iter().map(sort).collect()),
            AttributeValue::M(m) => {
                AttributeValue::M(m.into_iter().map(|(k, v)| (k, sort(v))).collect())
            }
            other => other,
        }
    }
    item.into_iter().map(|(k, v)| (k, sort(v))).collect()
}
