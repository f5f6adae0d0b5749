//! What the fuzz targets share: a model with a field of every supported type, and fuzz input
//! that builds DynamoDB items (edits of a valid item, or items from scratch).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use arbitrary::Arbitrary;
use aws_sdk_dynamodb::primitives::Blob;
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

/// Every type the codec supports (features chrono, time, uuid and serde included), keys,
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

/// Numbers on the edges the codec cares about.
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
];

/// Strings on the edges of the string-typed codecs (UUIDs, dates, times).
pub const STRINGS: &[&str] = &[
    "",
    "x",
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
];

/// An attribute or map key name: mostly the model's own.
#[derive(Debug, Arbitrary)]
pub enum Name {
    Field(u8),
    Other(String),
}

impl Name {
    pub fn text(&self) -> String {
        match self {
            Name::Field(i) => FIELDS[usize::from(*i) % FIELDS.len()].to_owned(),
            Name::Other(s) => s.clone(),
        }
    }
}

/// Number text.
#[derive(Debug, Arbitrary)]
pub enum Num {
    Edge(u8),
    Int(i128),
    Float(f64),
    Sci(i64, i16),
    Text(String),
}

impl Num {
    pub fn text(&self) -> String {
        match self {
            Num::Edge(i) => NUMBERS[usize::from(*i) % NUMBERS.len()].to_owned(),
            Num::Int(v) => v.to_string(),
            Num::Float(v) => v.to_string(),
            Num::Sci(m, e) => format!("{m}e{e}"),
            Num::Text(s) => s.clone(),
        }
    }
}

/// String text.
#[derive(Debug, Arbitrary)]
pub enum Text {
    Edge(u8),
    Any(String),
}

impl Text {
    pub fn text(&self) -> String {
        match self {
            Text::Edge(i) => STRINGS[usize::from(*i) % STRINGS.len()].to_owned(),
            Text::Any(s) => s.clone(),
        }
    }
}

/// An attribute value.
#[derive(Debug, Arbitrary)]
pub enum Value {
    S(Text),
    N(Num),
    B(Vec<u8>),
    Bool(bool),
    Null(bool),
    Ss(Vec<Text>),
    Ns(Vec<Num>),
    Bs(Vec<Vec<u8>>),
    L(Vec<Value>),
    M(Vec<(Name, Value)>),
}

/// Deeper than any field of [`Everything`] reads, and deep enough for `raw`.
const MAX_DEPTH: usize = 8;

impl Value {
    pub fn build(&self, depth: usize) -> AttributeValue {
        match self {
            Value::S(t) => AttributeValue::S(t.text()),
            Value::N(n) => AttributeValue::N(n.text()),
            Value::B(b) => AttributeValue::B(Blob::new(b.clone())),
            Value::Bool(b) => AttributeValue::Bool(*b),
            Value::Null(b) => AttributeValue::Null(*b),
            Value::Ss(v) => AttributeValue::Ss(v.iter().map(Text::text).collect()),
            Value::Ns(v) => AttributeValue::Ns(v.iter().map(Num::text).collect()),
            Value::Bs(v) => AttributeValue::Bs(v.iter().map(|b| Blob::new(b.clone())).collect()),
            _ if depth >= MAX_DEPTH => AttributeValue::Null(true),
            Value::L(v) => AttributeValue::L(v.iter().map(|v| v.build(depth + 1)).collect()),
            Value::M(v) => AttributeValue::M(
                v.iter()
                    .map(|(k, v)| (k.text(), v.build(depth + 1)))
                    .collect(),
            ),
        }
    }
}

/// A change to an item.
#[derive(Debug, Arbitrary)]
pub enum Edit {
    Remove(Name),
    Insert(Name, Value),
    /// Replaces a value inside attribute `at` (or the attribute itself), following `path`: each
    /// step picks an element of a list, map or set.
    Replace {
        at: Name,
        path: Vec<u8>,
        value: Value,
    },
}

/// An item: a valid one (or an empty one) with some edits.
#[derive(Debug, Arbitrary)]
pub struct ItemInput {
    pub from_empty: bool,
    pub edits: Vec<Edit>,
}

impl ItemInput {
    pub fn build(&self, valid: &Item) -> Item {
        let mut item = if self.from_empty {
            Item::new()
        } else {
            valid.clone()
        };
        for edit in &self.edits {
            match edit {
                Edit::Remove(name) => {
                    item.remove(&name.text());
                }
                Edit::Insert(name, value) => {
                    item.insert(name.text(), value.build(0));
                }
                Edit::Replace { at, path, value } => {
                    if let Some(target) = item.get_mut(&at.text()) {
                        replace(target, path, value);
                    }
                }
            }
        }
        item
    }
}

fn replace(target: &mut AttributeValue, path: &[u8], value: &Value) {
    let Some((&step, rest)) = path.split_first() else {
        *target = value.build(0);
        return;
    };
    let step = usize::from(step);
    match target {
        AttributeValue::L(list) if !list.is_empty() => {
            let len = list.len();
            replace(&mut list[step % len], rest, value);
        }
        AttributeValue::M(map) if !map.is_empty() => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let key = keys[step % keys.len()].clone();
            if let Some(inner) = map.get_mut(&key) {
                replace(inner, rest, value);
            }
        }
        AttributeValue::Ss(v) | AttributeValue::Ns(v) if !v.is_empty() => {
            let len = v.len();
            v[step % len] = match value {
                Value::N(n) => n.text(),
                Value::S(t) => t.text(),
                _ => String::new(),
            };
        }
        _ => *target = value.build(0),
    }
}

/// The attribute an error path starts with: `tags` for `tags[3]`, `meta` for `meta.owner`.
pub fn top_attribute(path: &str) -> &str {
    let end = FIELDS
        .iter()
        .filter(|f| {
            path.starts_with(*f)
                && matches!(path.as_bytes().get(f.len()), None | Some(b'.') | Some(b'['))
        })
        .map(|f| f.len())
        .max()
        .unwrap_or(path.len());
    &path[..end]
}

/// A valid item of [`Everything`].
pub fn valid_item() -> Item {
    sample().to_item().expect("the sample encodes")
}
