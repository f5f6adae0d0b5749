//! A top-level `NULL` is no value, as an absent attribute is. Other programs write it (boto3's
//! `None`, the JS DocumentClient's `null`) in collection, `Option` and defaulted fields: those
//! read as their missing value (`None`, empty, `Default`), the same whether the item comes as an
//! `Item` or straight from a stream record's JSON. A field that must have a value says it found
//! `NULL`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use aws_sdk_dynamodb::types::AttributeValue;
use dynamo_types::stream::{EventBatch, StreamEvent};
use dynamo_types::{DecodeErrorKind, DynamoModel, Item};
use serde::{Deserialize, Serialize};

use super::s;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
struct Settings {
    theme: String,
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "loose", stream = "new_image")]
struct Loose {
    #[dynamo(hash)]
    id: String,
    name: String,
    nickname: Option<String>,
    tags: BTreeSet<String>,
    ids: HashSet<i64>,
    history: Vec<String>,
    holes: Vec<Option<u8>>,
    attrs: HashMap<String, String>,
    counts: BTreeMap<String, i64>,
    maybe_tags: Option<BTreeSet<String>>,
    #[dynamo(default)]
    visits: u32,
    #[dynamo(default)]
    motto: String,
    #[dynamo(serde, default)]
    settings: Settings,
    #[dynamo(serde)]
    extra: Option<Settings>,
}

/// The attributes whose `NULL` reads as the field's missing value (and one that is no field).
const NULLABLE: [&str; 13] = [
    "nickname",
    "tags",
    "ids",
    "history",
    "holes",
    "attrs",
    "counts",
    "maybe_tags",
    "visits",
    "motto",
    "settings",
    "extra",
    "ghost", // not a field: ignored like any unknown attribute
];

fn empty() -> Loose {
    Loose {
        id: "l".into(),
        name: "ann".into(),
        nickname: None,
        tags: BTreeSet::new(),
        ids: HashSet::new(),
        history: Vec::new(),
        holes: Vec::new(),
        attrs: HashMap::new(),
        counts: BTreeMap::new(),
        maybe_tags: None,
        visits: 0,
        motto: String::new(),
        settings: Settings::default(),
        extra: None,
    }
}

fn item_with(nulls: &[&str]) -> Item {
    let mut item = Item::from([("id".to_owned(), s("l")), ("name".to_owned(), s("ann"))]);
    for name in nulls {
        item.insert((*name).to_owned(), AttributeValue::Null(true));
    }
    item
}

/// `item` as the `NewImage` of an INSERT record, decoded straight from JSON into the model
/// (through `__from_source`, without an `Item` in between).
fn from_stream_json(item: &Item) -> Result<Loose, dynamo_types::Error> {
    let image: serde_json::Map<String, serde_json::Value> = item
        .iter()
        .map(|(name, value)| {
            let json = match value {
                AttributeValue::S(text) => serde_json::json!({ "S": text }),
                AttributeValue::N(text) => serde_json::json!({ "N": text }),
                AttributeValue::Null(_) => serde_json::json!({ "NULL": true }),
                AttributeValue::Bool(b) => serde_json::json!({ "BOOL": b }),
                other => panic!("not used here: {other:?}"),
            };
            (name.clone(), json)
        })
        .collect();
    let event = serde_json::json!({ "Records": [{
        "eventID": "1",
        "eventName": "INSERT",
        "eventSource": "aws:dynamodb",
        "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/loose/stream/2024",
        "dynamodb": {
            "Keys": { "id": { "S": "l" } },
            "NewImage": image,
            "SequenceNumber": "100",
            "SizeBytes": 10,
            "StreamViewType": "NEW_IMAGE"
        }
    }]});
    let mut batch = EventBatch::<LooseEvent>::from_json(event.to_string().as_bytes())?;
    let record = batch.records.remove(0)?;
    match record.event {
        LooseEvent::Insert { new } => Ok(new),
        other => panic!("an insert: {other:?}"),
    }
}

#[test]
fn null_reads_as_the_missing_value_of_collection_option_and_default_fields() {
    let item = item_with(&NULLABLE);
    assert_eq!(Loose::from_item(item.clone()).unwrap(), empty());
    assert_eq!(from_stream_json(&item).unwrap(), empty());
    // ... exactly as if the attributes were absent.
    assert_eq!(Loose::from_item(item_with(&[])).unwrap(), empty());
    assert_eq!(from_stream_json(&item_with(&[])).unwrap(), empty());
    // Each one alone, so that none hides behind another.
    for name in NULLABLE {
        let item = item_with(&[name]);
        assert_eq!(Loose::from_item(item.clone()).unwrap(), empty(), "{name}");
        assert_eq!(from_stream_json(&item).unwrap(), empty(), "{name}");
    }
}

#[test]
fn what_is_read_from_nulls_writes_back_without_them() {
    let model = Loose::from_item(item_with(&NULLABLE)).unwrap();
    let written = model.to_item().unwrap();
    assert!(
        written
            .values()
            .all(|v| !matches!(v, AttributeValue::Null(_))),
        "{written:?}"
    );
    assert_eq!(Loose::from_item(written).unwrap(), model);
}

#[test]
fn a_field_that_needs_a_value_says_it_found_null() {
    for (name, expected) in [("name", "a string (S)"), ("id", "a string (S)")] {
        let mut item = item_with(&[]);
        item.insert(name.to_owned(), AttributeValue::Null(true));
        let err = Loose::from_item(item.clone()).unwrap_err();
        assert_eq!(err.path(), name);
        assert_eq!(
            err.kind(),
            &DecodeErrorKind::WrongType {
                expected,
                found: "null (NULL)"
            }
        );
        let err = from_stream_json(&item).unwrap_err().to_string();
        assert!(
            err.contains(&format!(
                "attribute `{name}`: expected {expected}, found null (NULL)"
            )),
            "{err}"
        );
    }
}

#[test]
fn a_missing_list_or_map_reads_as_empty_like_a_set() {
    // The rule is one: absent and `NULL` are both no value.
    let model = Loose::from_item(item_with(&[])).unwrap();
    assert!(model.history.is_empty() && model.holes.is_empty());
    assert!(model.attrs.is_empty() && model.counts.is_empty());
    // `Vec<u8>` is binary, a scalar: it has no missing value (see decode_errors.rs).
    assert_eq!(
        <Vec<u8> as dynamo_types::FromAttributeValue>::from_missing(),
        None
    );
    assert_eq!(
        <Vec<i8> as dynamo_types::FromAttributeValue>::from_missing(),
        Some(Vec::new())
    );
}

#[test]
fn a_stream_event_with_nulls_decodes_through_from_lambda_too() {
    let item = item_with(&NULLABLE);
    let lambda: aws_lambda_events::event::dynamodb::EventRecord =
        serde_json::from_value(serde_json::json!({
            "eventID": "1",
            "eventName": "INSERT",
            "eventSource": "aws:dynamodb",
            "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/loose/stream/2024",
            "awsRegion": "us-east-1",
            "dynamodb": {
                "Keys": { "id": { "S": "l" } },
                "NewImage": item.iter().map(|(k, v)| (k.clone(), match v {
                    AttributeValue::S(t) => serde_json::json!({ "S": t }),
                    _ => serde_json::json!({ "NULL": true }),
                })).collect::<serde_json::Map<_, _>>(),
                "SequenceNumber": "100",
                "SizeBytes": 10,
                "StreamViewType": "NEW_IMAGE"
            }
        }))
        .unwrap();
    match LooseEvent::from_lambda(&lambda).unwrap().event {
        LooseEvent::Insert { new } => assert_eq!(new, empty()),
        other => panic!("an insert: {other:?}"),
    }
}

#[test]
fn an_option_of_an_empty_set_reads_back_as_none() {
    // DynamoDB has no empty set: `Some(empty)` is stored as nothing, as `None` is (README,
    // "Reads and writes: the choices made").
    let mut model = empty();
    model.maybe_tags = Some(BTreeSet::new());
    let item = model.to_item().unwrap();
    assert!(!item.contains_key("maybe_tags"));
    assert_eq!(Loose::from_item(item).unwrap().maybe_tags, None);
    model.maybe_tags = Some(BTreeSet::from(["a".to_owned()]));
    assert_eq!(Loose::from_item(model.to_item().unwrap()).unwrap(), model);
}
