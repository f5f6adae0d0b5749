//! `#[derive(DynamoValue)]`: unit enums stored as strings, as fields, keys and set members.

use std::collections::{BTreeSet, HashSet};

use aws_sdk_dynamodb::types::AttributeValue;
use dynamo_types::{
    DecodeErrorKind, DynamoModel, DynamoValue, FromAttributeValue, IntoAttributeValue,
    KeyAttribute, ModelKey, ScalarType,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, DynamoValue)]
enum Plain {
    Draft,
    InReview,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, DynamoValue)]
#[dynamo(rename_all = "snake_case")]
enum Status {
    Draft,
    InReview,
    #[dynamo(rename = "live")]
    Published,
}

macro_rules! rule_enum {
    ($name:ident, $rule:literal) => {
        #[derive(Debug, Clone, Copy, PartialEq, DynamoValue)]
        #[dynamo(rename_all = $rule)]
        enum $name {
            InReview,
        }
    };
}
rule_enum!(Lower, "lowercase");
rule_enum!(Upper, "UPPERCASE");
rule_enum!(Kebab, "kebab-case");
rule_enum!(ScreamingSnake, "SCREAMING_SNAKE_CASE");
rule_enum!(Camel, "camelCase");
rule_enum!(Pascal, "PascalCase");
rule_enum!(Snake, "snake_case");
rule_enum!(ScreamingKebab, "SCREAMING-KEBAB-CASE");

fn stored<T: IntoAttributeValue>(value: T) -> String {
    match value.to_attribute_value() {
        Ok(Some(AttributeValue::S(s))) => s,
        other => panic!("expected a string, got {other:?}"),
    }
}

fn read<T: FromAttributeValue>(s: &str) -> T {
    T::from_attribute_value(AttributeValue::S(s.to_owned())).unwrap()
}

#[test]
fn variant_names_by_default() {
    assert_eq!(stored(Plain::Draft), "Draft");
    assert_eq!(stored(Plain::InReview), "InReview");
    assert_eq!(read::<Plain>("InReview"), Plain::InReview);
}

#[test]
fn rename_all_and_rename() {
    assert_eq!(stored(Status::Draft), "draft");
    assert_eq!(stored(Status::InReview), "in_review");
    assert_eq!(stored(Status::Published), "live");
    for status in [Status::Draft, Status::InReview, Status::Published] {
        assert_eq!(read::<Status>(&stored(status)), status);
    }
    assert_eq!(stored(Lower::InReview), "inreview");
    assert_eq!(stored(Upper::InReview), "INREVIEW");
    assert_eq!(stored(Kebab::InReview), "in-review");
    assert_eq!(stored(ScreamingSnake::InReview), "IN_REVIEW");
    assert_eq!(stored(Camel::InReview), "inReview");
    assert_eq!(stored(Pascal::InReview), "InReview");
    assert_eq!(stored(Snake::InReview), "in_review");
    assert_eq!(stored(ScreamingKebab::InReview), "IN-REVIEW");
    assert_eq!(read::<Kebab>("in-review"), Kebab::InReview);
}

#[test]
fn unknown_strings_name_the_variants() {
    // The renamed variant is known only by its stored name.
    let err = Status::from_attribute_value(AttributeValue::S("Published".into())).unwrap_err();
    match err.kind() {
        DecodeErrorKind::InvalidValue { expected, found } => {
            assert_eq!(expected, "a `Status` (one of `draft`, `in_review`, `live`)");
            assert_eq!(found, "\"Published\"");
        }
        other => panic!("unexpected {other:?}"),
    }
    let err = Status::from_attribute_value(AttributeValue::N("1".into())).unwrap_err();
    assert!(
        matches!(
            err.kind(),
            DecodeErrorKind::WrongType {
                expected: "a string (S)",
                ..
            }
        ),
        "{err}"
    );
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "tickets")]
#[dynamo(gsi(name = "by_status", hash = "status", range = "priority"))]
struct Ticket {
    #[dynamo(hash)]
    queue: Plain,
    #[dynamo(range)]
    id: String,
    status: Status,
    priority: u8,
    previous: Option<Status>,
    history: Vec<Status>,
    labels: BTreeSet<Status>,
    seen: HashSet<Plain>,
}

#[test]
fn enums_in_a_model() {
    let ticket = Ticket {
        queue: Plain::InReview,
        id: "t-1".into(),
        status: Status::Published,
        priority: 2,
        previous: Some(Status::Draft),
        history: vec![Status::Draft, Status::InReview],
        labels: [Status::Draft, Status::Published].into(),
        seen: [Plain::Draft].into(),
    };
    let item = ticket.to_item().unwrap();
    assert_eq!(item["queue"], AttributeValue::S("InReview".into()));
    assert_eq!(item["status"], AttributeValue::S("live".into()));
    assert_eq!(
        item["history"],
        AttributeValue::L(vec![
            AttributeValue::S("draft".into()),
            AttributeValue::S("in_review".into())
        ])
    );
    match &item["labels"] {
        AttributeValue::Ss(members) => {
            let mut members = members.clone();
            members.sort();
            assert_eq!(members, ["draft", "live"]);
        }
        other => panic!("expected a string set, got {other:?}"),
    }
    assert_eq!(Ticket::from_item(item).unwrap(), ticket);

    let key = ticket.key();
    let key_item = key.to_key_item().unwrap();
    assert_eq!(key_item["queue"], AttributeValue::S("InReview".into()));
    assert_eq!(TicketKey::from_key_item(&key_item).unwrap(), key);

    assert_eq!(<Status as KeyAttribute>::SCALAR_TYPE, ScalarType::String);
    assert_eq!(Ticket::SCHEMA.hash.scalar, ScalarType::String);
    assert_eq!(
        Ticket::SCHEMA.indexes[0].hash[0].scalar,
        ScalarType::String,
        "an enum index key is a string"
    );
}

#[test]
fn a_bad_set_member_is_an_error() {
    let err = BTreeSet::<Status>::from_attribute_value(AttributeValue::Ss(vec![
        "draft".into(),
        "gone".into(),
    ]))
    .unwrap_err();
    assert_eq!(err.path(), "[1]");
}
