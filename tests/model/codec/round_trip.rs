//! Every supported type round trips, and is stored as the DynamoDB type the docs promise.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use bytes::Bytes;
use dynamo_types::DynamoModel;

use super::{n, round_trip, s};

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "scalars")]
struct Scalars {
    #[dynamo(hash)]
    id: String,
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
}

/// The largest magnitude DynamoDB keeps exactly: 38 nines.
const NINES_38: u128 = 99_999_999_999_999_999_999_999_999_999_999_999_999;

fn scalars_min() -> Scalars {
    Scalars {
        id: String::new(),
        text: String::new(),
        flag: false,
        v_i8: i8::MIN,
        v_i16: i16::MIN,
        v_i32: i32::MIN,
        v_i64: i64::MIN,
        v_i128: -(NINES_38 as i128),
        v_isize: isize::MIN,
        v_u8: u8::MIN,
        v_u16: u16::MIN,
        v_u32: u32::MIN,
        v_u64: u64::MIN,
        v_u128: u128::MIN,
        v_usize: usize::MIN,
        v_f32: f32::MIN,
        v_f64: -1.7976931348623157e125,
        bytes: Vec::new(),
        blob: Bytes::new(),
    }
}

fn scalars_max() -> Scalars {
    Scalars {
        id: "max".to_owned(),
        text: "🦀 crab, e\u{301}te\u{301}, שלום עולם, مرحبا, \u{202e}rtl\u{202c}, nul\0".to_owned(),
        flag: true,
        v_i8: i8::MAX,
        v_i16: i16::MAX,
        v_i32: i32::MAX,
        v_i64: i64::MAX,
        v_i128: NINES_38 as i128,
        v_isize: isize::MAX,
        v_u8: u8::MAX,
        v_u16: u16::MAX,
        v_u32: u32::MAX,
        v_u64: u64::MAX,
        v_u128: NINES_38,
        v_usize: usize::MAX,
        v_f32: f32::MAX,
        v_f64: 1.7976931348623157e125,
        bytes: (0..=255).collect(),
        blob: Bytes::from_static(b"\0\xff\xfe binary \x80"),
    }
}

#[test]
fn scalars_at_their_limits_round_trip() {
    round_trip(&scalars_min());
    let item = round_trip(&scalars_max());
    assert_eq!(item.len(), 19, "every field is stored: {item:?}");
}

#[test]
fn scalars_are_stored_as_their_dynamodb_types() {
    let item = round_trip(&scalars_max());
    assert_eq!(item["flag"], AttributeValue::Bool(true));
    assert_eq!(item["v_i8"], n("127"));
    assert_eq!(item["v_i64"], n("9223372036854775807"));
    assert_eq!(item["v_u64"], n("18446744073709551615"));
    assert_eq!(item["v_u128"], n(&"9".repeat(38)));
    assert_eq!(
        item["bytes"],
        AttributeValue::B(Blob::new((0..=255).collect::<Vec<u8>>()))
    );
    assert_eq!(
        item["blob"],
        AttributeValue::B(Blob::new(b"\0\xff\xfe binary \x80".to_vec()))
    );
    let min = scalars_min().to_item().unwrap();
    assert_eq!(min["v_i64"], n("-9223372036854775808"));
    assert_eq!(min["v_i128"], n(&format!("-{}", "9".repeat(38))));
    assert_eq!(min["text"], s(""), "an empty string is stored, not dropped");
    assert_eq!(min["bytes"], AttributeValue::B(Blob::new(Vec::new())));
}

#[test]
fn unicode_strings_keep_every_code_point() {
    let texts = [
        "👩‍👩‍👧‍👦🏳️‍🌈",                   // ZWJ sequences
        "a\u{301}\u{302}\u{303}", // stacked combining marks
        "e\u{301} vs \u{e9}",     // decomposed and precomposed are different strings
        "עברית مع العربية and LTR",
        "\u{200f}\u{202b}embedded\u{202c}",
        "\u{feff}\u{fffd}\u{10ffff}",
        "  leading and trailing spaces  ",
        "line\nbreaks\r\n\ttabs",
    ];
    for text in texts {
        let mut model = scalars_min();
        model.id = text.to_owned();
        model.text = text.to_owned();
        let item = round_trip(&model);
        assert_eq!(item["text"], s(text));
    }
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "options")]
struct Options {
    #[dynamo(hash)]
    id: String,
    text: Option<String>,
    number: Option<i64>,
    flag: Option<bool>,
    list: Option<Vec<String>>,
    bytes: Option<Vec<u8>>,
}

#[test]
fn none_is_an_absent_attribute() {
    let model = Options {
        id: "o".to_owned(),
        text: None,
        number: None,
        flag: None,
        list: None,
        bytes: None,
    };
    let item = round_trip(&model);
    assert_eq!(item.keys().collect::<Vec<_>>(), ["id"]);
}

#[test]
fn some_is_the_value_itself() {
    let model = Options {
        id: "o".to_owned(),
        text: Some(String::new()),
        number: Some(0),
        flag: Some(false),
        list: Some(Vec::new()),
        bytes: Some(vec![1]),
    };
    let item = round_trip(&model);
    assert_eq!(item["text"], s(""));
    assert_eq!(item["number"], n("0"));
    assert_eq!(item["flag"], AttributeValue::Bool(false));
    assert_eq!(item["list"], AttributeValue::L(Vec::new()));
}

#[test]
fn null_decodes_as_none() {
    let mut item = HashMap::from([("id".to_owned(), s("o"))]);
    for name in ["text", "number", "flag", "list", "bytes"] {
        item.insert(name.to_owned(), AttributeValue::Null(true));
    }
    let model = Options::from_item(item).unwrap();
    assert_eq!(model.text, None);
    assert_eq!(model.number, None);
    assert_eq!(model.flag, None);
    assert_eq!(model.list, None);
    assert_eq!(model.bytes, None);
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "lists")]
struct Lists {
    #[dynamo(hash)]
    id: String,
    strings: Vec<String>,
    holes: Vec<Option<i32>>,
    grid: Vec<Vec<u16>>,
    signed_bytes: Vec<i8>,
    blobs: Vec<Vec<u8>>,
    sets: Vec<BTreeSet<String>>,
    maps: Vec<HashMap<String, f64>>,
}

#[test]
fn lists_round_trip_with_holes_and_nesting() {
    let model = Lists {
        id: "l".to_owned(),
        strings: vec!["a".to_owned(), String::new(), "🦀".to_owned()],
        holes: vec![None, Some(-1), None, Some(i32::MAX)],
        grid: vec![vec![], vec![1], vec![2, 3, u16::MAX]],
        signed_bytes: vec![i8::MIN, 0, i8::MAX],
        blobs: vec![vec![], vec![0, 255]],
        sets: vec![BTreeSet::new(), ["x".to_owned()].into()],
        maps: vec![
            HashMap::new(),
            [("pi".to_owned(), std::f64::consts::PI)].into(),
        ],
    };
    let item = round_trip(&model);
    assert_eq!(
        item["holes"],
        AttributeValue::L(vec![
            AttributeValue::Null(true),
            n("-1"),
            AttributeValue::Null(true),
            n("2147483647"),
        ])
    );
    assert_eq!(
        item["grid"],
        AttributeValue::L(vec![
            AttributeValue::L(vec![]),
            AttributeValue::L(vec![n("1")]),
            AttributeValue::L(vec![n("2"), n("3"), n("65535")]),
        ])
    );
    // `Vec<u8>` is binary, but `Vec<i8>` is a list of numbers.
    assert_eq!(
        item["signed_bytes"],
        AttributeValue::L(vec![n("-128"), n("0"), n("127")])
    );
    assert_eq!(
        item["blobs"],
        AttributeValue::L(vec![
            AttributeValue::B(Blob::new(vec![])),
            AttributeValue::B(Blob::new(vec![0, 255])),
        ])
    );
    // An empty set inside a list is a NULL (DynamoDB has no empty set) and decodes as empty.
    let AttributeValue::L(sets) = &item["sets"] else {
        panic!("sets is a list: {:?}", item["sets"]);
    };
    assert_eq!(sets[0], AttributeValue::Null(true));
    assert_eq!(sets[1], AttributeValue::Ss(vec!["x".to_owned()]));
}

#[test]
fn empty_lists_are_stored_as_empty_lists() {
    let model = Lists {
        id: "l".to_owned(),
        strings: vec![],
        holes: vec![],
        grid: vec![],
        signed_bytes: vec![],
        blobs: vec![],
        sets: vec![],
        maps: vec![],
    };
    let item = round_trip(&model);
    assert_eq!(item.len(), 8);
    assert_eq!(item["strings"], AttributeValue::L(vec![]));
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "sets")]
struct Sets {
    #[dynamo(hash)]
    id: String,
    hash_strings: HashSet<String>,
    tree_strings: BTreeSet<String>,
    hash_numbers: HashSet<i64>,
    tree_numbers: BTreeSet<u128>,
    small_numbers: BTreeSet<u8>,
    signed_small: HashSet<i8>,
    hash_blobs: HashSet<Vec<u8>>,
    tree_blobs: BTreeSet<Bytes>,
}

fn sets_full() -> Sets {
    Sets {
        id: "s".to_owned(),
        hash_strings: ["a", "", "🦀", "e\u{301}"].map(String::from).into(),
        tree_strings: ["z", "a", "m"].map(String::from).into(),
        hash_numbers: [i64::MIN, -1, 0, i64::MAX].into(),
        tree_numbers: [0, 1, NINES_38].into(),
        small_numbers: [0, 255].into(),
        signed_small: [-128, 127].into(),
        hash_blobs: [vec![], vec![0], vec![255, 0]].into(),
        tree_blobs: [Bytes::from_static(b"x"), Bytes::from_static(b"\0\xff")].into(),
    }
}

#[test]
fn sets_round_trip_as_ss_ns_bs() {
    let item = round_trip(&sets_full());
    assert!(matches!(&item["hash_strings"], AttributeValue::Ss(v) if v.len() == 4));
    assert_eq!(
        item["tree_strings"],
        AttributeValue::Ss(["a", "m", "z"].map(String::from).into())
    );
    assert!(matches!(&item["hash_numbers"], AttributeValue::Ns(v) if v.len() == 4));
    assert_eq!(
        item["tree_numbers"],
        AttributeValue::Ns(["0".to_owned(), "1".to_owned(), "9".repeat(38)].into())
    );
    assert_eq!(
        item["small_numbers"],
        AttributeValue::Ns(["0", "255"].map(String::from).into())
    );
    assert!(matches!(&item["signed_small"], AttributeValue::Ns(v) if v.len() == 2));
    assert!(matches!(&item["hash_blobs"], AttributeValue::Bs(v) if v.len() == 3));
    assert_eq!(
        item["tree_blobs"],
        AttributeValue::Bs(vec![
            Blob::new(b"\0\xff".to_vec()),
            Blob::new(b"x".to_vec())
        ])
    );
}

#[test]
fn empty_sets_are_omitted_and_absent_sets_are_empty() {
    let model = Sets {
        id: "s".to_owned(),
        hash_strings: HashSet::new(),
        tree_strings: BTreeSet::new(),
        hash_numbers: HashSet::new(),
        tree_numbers: BTreeSet::new(),
        small_numbers: BTreeSet::new(),
        signed_small: HashSet::new(),
        hash_blobs: HashSet::new(),
        tree_blobs: BTreeSet::new(),
    };
    let item = round_trip(&model);
    assert_eq!(item.keys().collect::<Vec<_>>(), ["id"]);
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "maps")]
struct Maps {
    #[dynamo(hash)]
    id: String,
    counts: HashMap<String, u64>,
    sorted: BTreeMap<String, Vec<String>>,
    nested: BTreeMap<String, BTreeMap<String, Option<bool>>>,
    set_values: HashMap<String, HashSet<String>>,
    blobs: BTreeMap<String, Bytes>,
}

#[test]
fn maps_round_trip_nested() {
    let model = Maps {
        id: "m".to_owned(),
        counts: [("".to_owned(), 0), ("🦀".to_owned(), u64::MAX)].into(),
        sorted: [
            ("a".to_owned(), vec![]),
            ("b".to_owned(), vec!["x".to_owned(), "y".to_owned()]),
        ]
        .into(),
        nested: [
            ("empty".to_owned(), BTreeMap::new()),
            (
                "inner".to_owned(),
                [
                    ("yes".to_owned(), Some(true)),
                    ("unknown".to_owned(), None),
                    ("with.dot and [brackets]".to_owned(), Some(false)),
                ]
                .into(),
            ),
        ]
        .into(),
        set_values: [
            ("none".to_owned(), HashSet::new()),
            ("some".to_owned(), ["v".to_owned()].into()),
        ]
        .into(),
        blobs: [("k".to_owned(), Bytes::from_static(b"\x01\x02"))].into(),
    };
    let item = round_trip(&model);
    let AttributeValue::M(nested) = &item["nested"] else {
        panic!("nested is a map: {:?}", item["nested"]);
    };
    let AttributeValue::M(inner) = &nested["inner"] else {
        panic!("inner is a map: {:?}", nested["inner"]);
    };
    assert_eq!(inner["unknown"], AttributeValue::Null(true));
    assert_eq!(inner["yes"], AttributeValue::Bool(true));
    assert_eq!(nested["empty"], AttributeValue::M(HashMap::new()));
    let AttributeValue::M(set_values) = &item["set_values"] else {
        panic!("set_values is a map: {:?}", item["set_values"]);
    };
    assert_eq!(set_values["none"], AttributeValue::Null(true));
}

#[test]
fn empty_maps_are_stored_as_empty_maps() {
    let model = Maps {
        id: "m".to_owned(),
        counts: HashMap::new(),
        sorted: BTreeMap::new(),
        nested: BTreeMap::new(),
        set_values: HashMap::new(),
        blobs: BTreeMap::new(),
    };
    let item = round_trip(&model);
    assert_eq!(item["counts"], AttributeValue::M(HashMap::new()));
    assert_eq!(item.len(), 6);
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "times")]
struct Times {
    #[dynamo(hash)]
    id: uuid::Uuid,
    #[dynamo(range)]
    at: chrono::DateTime<chrono::Utc>,
    day: chrono::NaiveDate,
    seen: time::OffsetDateTime,
    other: Option<uuid::Uuid>,
}

fn chrono_at(text: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&chrono::Utc)
}

fn time_at(text: &str) -> time::OffsetDateTime {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).unwrap()
}

#[test]
fn chrono_time_and_uuid_round_trip_as_strings() {
    let model = Times {
        id: uuid::Uuid::parse_str("67e55044-10b1-426f-9247-bb680e5fe0c8").unwrap(),
        at: chrono_at("2024-02-29T23:59:59.123456789Z"),
        day: chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap(),
        seen: time_at("2024-02-29T23:59:59.987654321+05:30"),
        other: Some(uuid::Uuid::nil()),
    };
    let item = round_trip(&model);
    assert_eq!(item["id"], s("67e55044-10b1-426f-9247-bb680e5fe0c8"));
    assert_eq!(item["at"], s("2024-02-29T23:59:59.123456789Z"));
    assert_eq!(item["day"], s("2024-02-29"));
    // Stored in UTC, so equal instants are equal strings.
    assert_eq!(item["seen"], s("2024-02-29T18:29:59.987654321Z"));
    assert_eq!(item["other"], s("00000000-0000-0000-0000-000000000000"));
    let random = Times {
        id: uuid::Uuid::new_v4(),
        at: chrono::Utc::now(),
        day: chrono::NaiveDate::from_ymd_opt(1, 1, 1).unwrap(),
        seen: time::OffsetDateTime::UNIX_EPOCH,
        other: None,
    };
    round_trip(&random);
}

/// A timestamp is a sort key candidate: the stored text must sort in time order, also when
/// some instants have no fractional seconds.
#[test]
fn timestamps_sort_as_text_in_time_order() {
    let instants = [
        "1970-01-01T00:00:00Z",
        "1999-12-31T23:59:59.999999999Z",
        "2024-01-01T00:00:00Z",
        "2024-01-01T00:00:00.000000001Z",
        "2024-01-01T00:00:00.5Z",
        "2024-01-01T00:00:01Z",
        "9999-12-31T23:59:59.999999999Z",
    ];
    let stored =
        |value: &dyn dynamo_types::IntoAttributeValue| match value.to_attribute_value().unwrap() {
            Some(AttributeValue::S(text)) => text,
            other => panic!("a timestamp is a string: {other:?}"),
        };
    let chrono_texts: Vec<String> = instants.iter().map(|t| stored(&chrono_at(t))).collect();
    let time_texts: Vec<String> = instants.iter().map(|t| stored(&time_at(t))).collect();
    for texts in [&chrono_texts, &time_texts] {
        let mut sorted = texts.clone();
        sorted.sort();
        assert_eq!(&sorted, texts, "text order is time order");
        assert!(texts.iter().all(|t| t.len() == texts[0].len()), "{texts:?}");
    }
    assert_eq!(
        chrono_texts, time_texts,
        "chrono and time store the same text"
    );
}

#[test]
fn timestamps_outside_rfc3339_years_are_refused() {
    let far = chrono::NaiveDate::from_ymd_opt(10_000, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc();
    let err = dynamo_types::IntoAttributeValue::to_attribute_value(&far).unwrap_err();
    assert!(err.to_string().contains("year"), "{err}");
    let before = chrono::NaiveDate::from_ymd_opt(-1, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc();
    assert!(dynamo_types::IntoAttributeValue::to_attribute_value(&before).is_err());
    // In UTC this instant is in year 10000: refused, not a panic.
    let late = time_at("9999-12-31T23:59:59-23:59");
    let err = dynamo_types::IntoAttributeValue::to_attribute_value(&late).unwrap_err();
    assert!(err.to_string().contains("year"), "{err}");
    let mut model = Times {
        id: uuid::Uuid::nil(),
        at: chrono::DateTime::UNIX_EPOCH,
        day: chrono::NaiveDate::from_ymd_opt(10_000, 1, 1).unwrap(),
        seen: time::OffsetDateTime::UNIX_EPOCH,
        other: None,
    };
    let err = model.to_item().unwrap_err();
    assert_eq!(err.path(), "day");
    model.day = chrono::NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();
    model.seen = late;
    assert_eq!(model.to_item().unwrap_err().path(), "seen");
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Meta {
    owner: String,
    score: u32,
    labels: Vec<String>,
    parent: Option<Box<Meta>>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
enum Shape {
    Circle { radius: f64 },
    Empty,
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "attributes")]
struct Attributes {
    #[dynamo(hash, rename = "pk")]
    id: String,
    #[dynamo(serde)]
    meta: Meta,
    #[dynamo(serde)]
    shape: Shape,
    #[dynamo(serde)]
    maybe: Option<Meta>,
    #[dynamo(default)]
    count: u32,
    #[dynamo(default)]
    names: Vec<String>,
    #[dynamo(skip)]
    cache: Vec<String>,
    #[dynamo(rename = "n")]
    number: i64,
}

fn attributes() -> Attributes {
    Attributes {
        id: "a".to_owned(),
        meta: Meta {
            owner: "alice".to_owned(),
            score: 7,
            labels: vec!["x".to_owned()],
            parent: Some(Box::new(Meta {
                owner: "root".to_owned(),
                score: 0,
                labels: vec![],
                parent: None,
            })),
        },
        shape: Shape::Circle { radius: 1.5 },
        maybe: None,
        count: 3,
        names: vec!["n".to_owned()],
        cache: Vec::new(),
        number: -5,
    }
}

#[test]
fn serde_fields_round_trip_through_serde_dynamo() {
    let model = attributes();
    let item = round_trip(&model);
    let AttributeValue::M(meta) = &item["meta"] else {
        panic!("a serde struct is a map: {:?}", item["meta"]);
    };
    assert_eq!(meta["owner"], s("alice"));
    assert_eq!(meta["score"], n("7"));
    assert!(!item.contains_key("maybe"), "a serde None is absent");
    let with_unit = Attributes {
        shape: Shape::Empty,
        maybe: Some(model.meta.clone()),
        ..model
    };
    round_trip(&with_unit);
}

#[test]
fn rename_skip_and_default() {
    let mut model = attributes();
    model.cache = vec!["not stored".to_owned()];
    let mut item = model.to_item().unwrap();
    assert_eq!(item["pk"], s("a"));
    assert_eq!(item["n"], n("-5"));
    assert!(!item.contains_key("id") && !item.contains_key("number"));
    assert!(!item.contains_key("cache"), "a skipped field is not stored");
    let back = Attributes::from_item(item.clone()).unwrap();
    assert_eq!(
        back.cache,
        Vec::<String>::new(),
        "a skipped field reads as Default"
    );

    item.remove("count");
    item.remove("names");
    let back = Attributes::from_item(item).unwrap();
    assert_eq!((back.count, back.names), (0, Vec::new()));
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "envelopes")]
struct Envelope<T> {
    #[dynamo(hash)]
    id: String,
    payload: T,
    history: Vec<T>,
    latest: Option<T>,
}

#[test]
fn generic_models_round_trip() {
    round_trip(&Envelope {
        id: "e".to_owned(),
        payload: 5u64,
        history: vec![1, 2],
        latest: None,
    });
    round_trip(&Envelope {
        id: "e".to_owned(),
        payload: BTreeMap::from([("k".to_owned(), vec![1.5f64])]),
        history: vec![],
        latest: Some(BTreeMap::new()),
    });
    let item = round_trip(&Envelope {
        id: "e".to_owned(),
        payload: "text".to_owned(),
        history: vec!["a".to_owned()],
        latest: Some("b".to_owned()),
    });
    assert_eq!(item["payload"], s("text"));
}
