//! Items written by other programs, the way they write them: boto3 stores Python's `None` and
//! the JS DocumentClient JavaScript's `null` as `NULL`, in collection, optional and defaulted
//! attributes alike, and numbers come as whatever text the writer had (`"1.50"`, `"007"`,
//! `"1e2"`). The model reads them, and what it reads it writes back to the same key.

use std::collections::{BTreeSet, HashMap, HashSet};

use aws_sdk_dynamodb::types::AttributeValue;
use dynamo_types::{DynamoModel, Item, TableRef};

use crate::common;

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "profiles")]
pub struct Profile {
    #[dynamo(hash)]
    pub org: String,
    #[dynamo(range)]
    pub seq: u32,
    pub name: String,
    pub nickname: Option<String>,
    pub tags: BTreeSet<String>,
    pub scores: HashSet<i64>,
    pub history: Vec<String>,
    pub slots: Vec<Option<u16>>,
    pub attrs: HashMap<String, Option<String>>,
    #[dynamo(default)]
    pub visits: u32,
    #[dynamo(default)]
    pub notes: Vec<String>,
    #[dynamo(default)]
    pub motto: String,
    pub ratio: Option<f32>,
    pub price: f64,
    pub code: u32,
    pub count: i64,
    pub levels: BTreeSet<i32>,
}

fn s(text: &str) -> AttributeValue {
    AttributeValue::S(text.to_owned())
}

fn n(text: &str) -> AttributeValue {
    AttributeValue::N(text.to_owned())
}

fn null() -> AttributeValue {
    AttributeValue::Null(true)
}

/// What boto3's `put_item` of a dict with `None`s and `Decimal("1.50")`s sends.
fn from_boto3() -> Item {
    Item::from([
        ("org".to_owned(), s("acme")),
        ("seq".to_owned(), n("1")),
        ("name".to_owned(), s("Ann")),
        ("nickname".to_owned(), null()),
        ("tags".to_owned(), null()),
        ("scores".to_owned(), null()),
        ("history".to_owned(), null()),
        ("slots".to_owned(), AttributeValue::L(vec![null(), n("3")])),
        ("attrs".to_owned(), null()),
        ("visits".to_owned(), null()),
        ("notes".to_owned(), null()),
        ("motto".to_owned(), null()),
        ("ratio".to_owned(), null()),
        ("price".to_owned(), n("1.50")),
        ("code".to_owned(), n("007")),
        ("count".to_owned(), n("1e2")),
        (
            "levels".to_owned(),
            AttributeValue::Ns(vec!["007".into(), "1e2".into()]),
        ),
    ])
}

/// What the DocumentClient's `put` of an object with `null`s inside maps and values sends.
fn from_document_client() -> Item {
    Item::from([
        ("org".to_owned(), s("acme")),
        ("seq".to_owned(), n("2")),
        ("name".to_owned(), s("Bob")),
        ("nickname".to_owned(), s("bobby")),
        ("tags".to_owned(), AttributeValue::Ss(vec!["admin".into()])),
        (
            "scores".to_owned(),
            AttributeValue::Ns(vec!["-0.0".into(), "12.000".into()]),
        ),
        ("history".to_owned(), AttributeValue::L(vec![s("joined")])),
        ("slots".to_owned(), null()),
        (
            "attrs".to_owned(),
            AttributeValue::M(HashMap::from([
                ("team".to_owned(), s("core")),
                ("desk".to_owned(), null()),
            ])),
        ),
        ("visits".to_owned(), n("4.0")),
        ("notes".to_owned(), null()),
        ("ratio".to_owned(), n("0.250")),
        ("price".to_owned(), n("1e-2")),
        ("code".to_owned(), n("0012")),
        ("count".to_owned(), n("-1.5E+1")),
        ("levels".to_owned(), null()),
    ])
}

fn expected_boto3() -> Profile {
    Profile {
        org: "acme".into(),
        seq: 1,
        name: "Ann".into(),
        nickname: None,
        tags: BTreeSet::new(),
        scores: HashSet::new(),
        history: Vec::new(),
        slots: vec![None, Some(3)],
        attrs: HashMap::new(),
        visits: 0,
        notes: Vec::new(),
        motto: String::new(),
        ratio: None,
        price: 1.5,
        code: 7,
        count: 100,
        levels: BTreeSet::from([7, 100]),
    }
}

fn expected_document_client() -> Profile {
    Profile {
        org: "acme".into(),
        seq: 2,
        name: "Bob".into(),
        nickname: Some("bobby".into()),
        tags: BTreeSet::from(["admin".to_owned()]),
        scores: HashSet::from([0, 12]),
        history: vec!["joined".into()],
        slots: Vec::new(),
        attrs: HashMap::from([
            ("team".to_owned(), Some("core".to_owned())),
            ("desk".to_owned(), None),
        ]),
        visits: 4,
        notes: Vec::new(),
        motto: String::new(),
        ratio: Some(0.25),
        price: 0.01,
        code: 12,
        count: -15,
        levels: BTreeSet::new(),
    }
}

/// Every item in the table, read raw with a consistent scan.
async fn raw_items<M: DynamoModel>(table: &TableRef<M>) -> Vec<Item> {
    common::raw_scan(table.client(), table.name()).await
}

fn key_of(item: &Item) -> (AttributeValue, AttributeValue) {
    (item["org"].clone(), item["seq"].clone())
}

#[tokio::test]
async fn items_other_programs_write_are_read_and_written_back_to_the_same_key() {
    let client = common::client().await;
    let profiles = Profile::table(&client);
    profiles.create_table().await.unwrap();
    for item in [from_boto3(), from_document_client()] {
        client
            .sdk()
            .put_item()
            .table_name(profiles.name())
            .set_item(Some(item))
            .send()
            .await
            .expect("the raw SDK writes the item");
    }
    let mut written: Vec<_> = raw_items(&profiles).await.iter().map(key_of).collect();
    written.sort_by_key(|(_, seq)| format!("{seq:?}"));

    // Read one by one, and by a query of the partition.
    let pk = profiles.primary_key();
    assert_eq!(pk.get("acme", 1).await.unwrap(), Some(expected_boto3()));
    assert_eq!(
        pk.get("acme", 2).await.unwrap(),
        Some(expected_document_client())
    );
    let page = pk.query("acme").await.unwrap();
    assert_eq!(
        page.items,
        vec![expected_boto3(), expected_document_client()]
    );

    // Written back, each lands on the key it was read from: no item is added, none is lost.
    let mut read = page.items;
    for profile in &mut read {
        profiles.writer().put(profile).await.unwrap();
    }
    let items = raw_items(&profiles).await;
    let mut keys: Vec<_> = items.iter().map(key_of).collect();
    keys.sort_by_key(|(_, seq)| format!("{seq:?}"));
    assert_eq!(keys, written);
    for item in &items {
        // This crate writes no `NULL` at the top level: a value stored as nothing is left out.
        let nulls: Vec<_> = item
            .iter()
            .filter(|(_, v)| matches!(v, AttributeValue::Null(_)))
            .map(|(k, _)| k)
            .collect();
        assert!(nulls.is_empty(), "NULLs written back: {nulls:?}");
    }
    // ... and reads back as what was read.
    assert_eq!(pk.get("acme", 1).await.unwrap(), Some(expected_boto3()));
    assert_eq!(
        pk.get("acme", 2).await.unwrap(),
        Some(expected_document_client())
    );

    profiles.delete_table().await.unwrap();
}

/// Timestamps and UUIDs outside the key, as other programs write them.
#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "visits")]
pub struct Visit {
    #[dynamo(hash)]
    pub id: String,
    pub at: chrono::DateTime<chrono::Utc>,
    pub seen: time::OffsetDateTime,
    pub day: chrono::NaiveDate,
    pub visitor: uuid::Uuid,
}

#[tokio::test]
async fn timestamps_and_uuids_in_other_forms_are_read_and_written_back_to_the_same_key() {
    let client = common::client().await;
    let visits = Visit::table(&client);
    visits.create_table().await.unwrap();
    // an offset instead of Z, no fraction, a UUID in capitals with braces: Python's
    // isoformat(), JavaScript's toISOString() with another zone, .NET's Guid.ToString("B")
    let raw = Item::from([
        ("id".to_owned(), s("v1")),
        ("at".to_owned(), s("2024-05-01T14:00:00+02:00")),
        ("seen".to_owned(), s("2024-05-01T12:00:00.5Z")),
        ("day".to_owned(), s("2024-05-01")),
        (
            "visitor".to_owned(),
            s("{67E55044-10B1-426F-9247-BB680E5FE0C8}"),
        ),
    ]);
    client
        .sdk()
        .put_item()
        .table_name(visits.name())
        .set_item(Some(raw))
        .send()
        .await
        .expect("the raw SDK writes the item");
    let mut read = visits.primary_key().get("v1").await.unwrap().unwrap();
    let noon = chrono::DateTime::parse_from_rfc3339("2024-05-01T12:00:00Z")
        .unwrap()
        .to_utc();
    assert_eq!(read.at, noon, "the same instant");
    assert_eq!(
        read.seen,
        time::OffsetDateTime::from_unix_timestamp_nanos(
            noon.timestamp_nanos_opt().unwrap() as i128 + 500_000_000
        )
        .unwrap()
    );
    assert_eq!(
        read.visitor,
        uuid::Uuid::parse_str("67e55044-10b1-426f-9247-bb680e5fe0c8").unwrap()
    );
    // written back to the same key, in the model's forms, and read back as read
    visits.writer().put(&mut read).await.unwrap();
    let items = raw_items(&visits).await;
    assert_eq!(items.len(), 1, "no second item: {items:?}");
    assert_eq!(items[0]["id"], s("v1"));
    assert_ne!(
        items[0]["at"],
        s("2024-05-01T14:00:00+02:00"),
        "the model's own form"
    );
    assert_eq!(visits.primary_key().get("v1").await.unwrap(), Some(read));
    visits.delete_table().await.unwrap();
}
