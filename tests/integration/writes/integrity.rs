//! Data integrity of updates (issue 10): an update stores values as `put` does, so what it
//! writes reads back as the model: `None` inside a list or map is a `NULL` in its place, and a
//! value stored as nothing is never written as `NULL` at the top level. A key attribute is
//! never updated (`{Model}Fields` offers no update on it; a path built by hand is refused
//! before sending). Binary attributes get the operators binary has (`begins_with`, `size`);
//! list operations on them do not compile (tests/ui/path).

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_dynamodb::types::AttributeValue;
use dynamo_types::{DynamoModel, Error, Path};

use super::models::{created, n, raw_get, s};
use crate::common;

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "records")]
pub struct Record {
    #[dynamo(hash)]
    pub id: String,
    #[dynamo(range)]
    pub seq: i64,
    pub tags: BTreeSet<String>,
    pub label: Option<String>,
    pub slots: Vec<Option<i32>>,
    pub notes: BTreeMap<String, Option<String>>,
    pub data: Vec<u8>,
    pub blob: bytes::Bytes,
}

impl Record {
    fn new(id: &str) -> Self {
        Record {
            id: id.into(),
            seq: 1,
            tags: BTreeSet::new(),
            label: None,
            slots: vec![Some(1), Some(2), Some(3)],
            notes: BTreeMap::from([("a".to_owned(), Some("x".to_owned()))]),
            data: vec![1, 2, 3],
            blob: bytes::Bytes::from_static(b"\x01\x02\x03"),
        }
    }
}

fn key(id: &str) -> RecordKey {
    RecordKey {
        id: id.into(),
        seq: 1,
    }
}

async fn raw(table: &RecordTable, id: &str) -> dynamo_types::Item {
    raw_get(table, &[("id", s(id)), ("seq", n(1))])
        .await
        .expect("the item exists")
}

#[tokio::test]
async fn if_not_exists_with_a_value_stored_as_nothing_is_refused_before_sending() {
    let client = common::client().await;
    let records = created(Record::table(&client)).await;
    let mut record = Record::new("r1");
    records.writer().put(&mut record).await.unwrap();
    let f = Record::fields();
    // An empty set is stored as no attribute: `if_not_exists(tags, <nothing>)` has no value to
    // write, and writing `NULL` instead would store what `put` never does.
    let err = records
        .primary_key()
        .update(
            "r1",
            1,
            Record::update().set_if_not_exists(&f.tags, BTreeSet::new()),
        )
        .await
        .unwrap_err();
    match &err {
        Error::Validation(message) => assert!(
            message.contains("`tags`") && message.contains("set_if_not_exists"),
            "{message}"
        ),
        other => panic!("expected a validation error, got {other}"),
    }
    // Nothing was sent: the item is as it was, and reads back.
    assert!(!raw(&records, "r1").await.contains_key("tags"));
    assert_eq!(
        records.get(key("r1")).consistent().await.unwrap(),
        Some(record)
    );
    records.delete_table().await.unwrap();
}

#[tokio::test]
async fn none_inside_a_list_or_map_is_written_as_null_in_its_place() {
    let client = common::client().await;
    let records = created(Record::table(&client)).await;
    let mut record = Record::new("r1");
    records.writer().put(&mut record).await.unwrap();
    let f = Record::fields();
    records
        .primary_key()
        .update(
            "r1",
            1,
            Record::update()
                .set(&f.slots.at(1), None)
                .set(&f.notes.key("a"), None)
                .set(&f.notes.key("b"), None),
        )
        .await
        .unwrap();
    // The elements after index 1 keep their places, as `put` of the same value would store.
    let item = raw(&records, "r1").await;
    assert_eq!(
        item["slots"],
        AttributeValue::L(vec![n(1), AttributeValue::Null(true), n(3)])
    );
    let AttributeValue::M(notes) = &item["notes"] else {
        panic!("notes is a map: {:?}", item["notes"]);
    };
    assert_eq!(notes["a"], AttributeValue::Null(true));
    assert_eq!(notes["b"], AttributeValue::Null(true));
    record.slots[1] = None;
    record.notes = BTreeMap::from([("a".to_owned(), None), ("b".to_owned(), None)]);
    assert_eq!(item, record.to_item().unwrap());
    assert_eq!(
        records.get(key("r1")).consistent().await.unwrap(),
        Some(record.clone())
    );

    // `remove` is what removes: the list closes up, the map loses its key.
    records
        .primary_key()
        .update(
            "r1",
            1,
            Record::update()
                .remove(&f.slots.at(0))
                .remove(&f.notes.key("b")),
        )
        .await
        .unwrap();
    record.slots.remove(0);
    record.notes.remove("b");
    assert_eq!(
        records.get(key("r1")).consistent().await.unwrap(),
        Some(record.clone())
    );

    // At the top level a value stored as nothing is no attribute, as `put` stores it.
    records
        .primary_key()
        .update("r1", 1, Record::update().set(&f.tags, BTreeSet::new()))
        .await
        .unwrap();
    assert!(!raw(&records, "r1").await.contains_key("tags"));
    records.delete_table().await.unwrap();
}

#[tokio::test]
async fn an_update_of_a_key_attribute_is_refused_before_sending() {
    let client = common::client().await;
    let records = created(Record::table(&client)).await;
    let mut record = Record::new("r1");
    records.writer().put(&mut record).await.unwrap();
    // `Record::fields().id` offers no update actions (a compile error, see tests/ui/path); a
    // path built by hand reaches the check made before sending.
    let by_hand = Path::<Record, String>::attribute("id");
    let range_by_hand = Path::<Record, i64>::attribute("seq");
    for update in [
        Record::update().set(&by_hand, "r2"),
        Record::update().remove(&by_hand),
        Record::update().add(&range_by_hand, 1),
        Record::update().set_if_not_exists(&range_by_hand, 2),
    ] {
        let err = records
            .primary_key()
            .update("r1", 1, update.clone())
            .await
            .unwrap_err();
        match &err {
            Error::Validation(message) => {
                assert!(message.contains("key attribute"), "{message}")
            }
            other => panic!("{update:?}: expected a validation error, got {other}"),
        }
        // ... in a transaction too.
        let err = client
            .transact_write()
            .update(&records, key("r1"), update)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Validation(_)), "{err}");
    }
    assert_eq!(
        records.get(key("r1")).consistent().await.unwrap(),
        Some(record)
    );
    records.delete_table().await.unwrap();
}

#[tokio::test]
async fn binary_attributes_take_begins_with_and_size() {
    let client = common::client().await;
    let records = created(Record::table(&client)).await;
    records.writer().put(&mut Record::new("r1")).await.unwrap();
    let f = Record::fields();
    for (condition, holds) in [
        (f.data.begins_with(vec![1, 2]), true),
        (f.data.begins_with(vec![2]), false),
        (f.blob.begins_with(bytes::Bytes::from_static(b"\x01")), true),
        (
            f.blob.begins_with(bytes::Bytes::from_static(b"\x03")),
            false,
        ),
        (f.blob.size().eq(3), true),
        (f.data.size().eq(2), false),
    ] {
        let result = records
            .primary_key()
            .update("r1", 1, Record::update().set(&f.label, "checked"))
            .condition(condition.clone())
            .await;
        match result {
            Ok(()) => assert!(holds, "{condition:?} held"),
            Err(Error::ConditionalCheckFailed { .. }) => assert!(!holds, "{condition:?} failed"),
            Err(e) => panic!("{condition:?}: {e}"),
        }
    }
    records.delete_table().await.unwrap();
}
