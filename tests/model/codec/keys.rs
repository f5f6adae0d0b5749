//! Key fields decode only the form their type writes back as the same key; other fields of the
//! same types read any valid form.

use aws_sdk_dynamodb::types::AttributeValue;
use dynamo_types::{DecodeErrorKind, DynamoModel, Item, ModelKey};

use super::{n, s};

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "events")]
struct Event {
    #[dynamo(hash)]
    user: uuid::Uuid,
    #[dynamo(range)]
    at: chrono::DateTime<chrono::Utc>,
    seen: chrono::DateTime<chrono::Utc>,
    other: uuid::Uuid,
}

const USER: &str = "67e55044-10b1-426f-9247-bb680e5fe0c8";
const AT: &str = "2024-05-01T12:00:00.000000000Z";

fn event(user: &str, at: &str) -> Item {
    [
        ("user".to_owned(), s(user)),
        ("at".to_owned(), s(at)),
        ("seen".to_owned(), s("2024-05-01T14:00:00+02:00")),
        (
            "other".to_owned(),
            s("{67E55044-10B1-426F-9247-BB680E5FE0C8}"),
        ),
    ]
    .into()
}

#[test]
fn key_fields_read_only_their_own_form() {
    let read = Event::from_item(event(USER, AT)).expect("the model's own form reads");
    assert_eq!(
        read.seen, read.at,
        "a non-key field reads another valid form"
    );
    assert_eq!(read.other.to_string(), USER);
    assert_eq!(read.to_item().unwrap()["at"], s(AT));

    let err = Event::from_item(event(USER, "2024-05-01T12:00:00Z")).unwrap_err();
    assert_eq!(err.path(), "at");
    assert_eq!(
        err.to_string(),
        "attribute `at`: expected a key in the form its type writes, \
         `2024-05-01T12:00:00.000000000Z` (another form would be written back as another key, \
         addressing another item), found \"2024-05-01T12:00:00Z\""
    );
    let err = Event::from_item(event(&USER.to_uppercase(), AT)).unwrap_err();
    assert_eq!(err.path(), "user");
    assert!(
        matches!(err.kind(), DecodeErrorKind::InvalidValue { found, .. } if found.contains("67E55044")),
        "{err}"
    );
}

#[test]
fn key_structs_read_only_their_own_form() {
    let key: Item = [("user".to_owned(), s(USER)), ("at".to_owned(), s(AT))].into();
    assert!(EventKey::from_key_item(&key).is_ok());
    let key: Item = [
        ("user".to_owned(), s(USER)),
        ("at".to_owned(), s("2024-05-01T13:00:00+01:00")),
    ]
    .into();
    let err = EventKey::from_key_item(&key).unwrap_err();
    assert_eq!(err.path(), "at");
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "readings")]
struct Reading {
    #[dynamo(hash)]
    x: f64,
    #[dynamo(range)]
    n: i64,
    #[dynamo(rename = "v")]
    value: f64,
}

#[test]
fn number_keys_compare_by_value() {
    let item = |x: &str, n_: &str| -> Item {
        [
            ("x".to_owned(), n(x)),
            ("n".to_owned(), n(n_)),
            ("v".to_owned(), n("0.10000000000000000000000001")),
        ]
        .into()
    };
    // What DynamoDB may hand back for what the codec wrote: the same numbers.
    for (x, n_) in [
        ("1.5", "10"),
        ("1.50", "1E+1"),
        ("0", "-0"),
        ("1E-7", "10.000"),
    ] {
        Reading::from_item(item(x, n_)).unwrap_or_else(|e| panic!("{x} {n_}: {e}"));
    }
    // More digits than an f64 keeps: read back, it would be written as 0.1.
    let err = Reading::from_item(item("0.10000000000000000000000001", "1")).unwrap_err();
    assert_eq!(err.path(), "x");
    assert!(err.to_string().contains("`0.1`"), "{err}");
    // An integer key reads any text of its value.
    assert_eq!(Reading::from_item(item("2", "1.000")).unwrap().n, 1);
}

/// A key type of the user's with a lenient decoder gets the check without writing anything.
#[derive(Debug, Clone, PartialEq)]
struct Code(String);

impl dynamo_types::IntoAttributeValue for Code {
    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, dynamo_types::EncodeError> {
        Ok(Some(AttributeValue::S(self.0.to_uppercase())))
    }
}

impl dynamo_types::FromAttributeValue for Code {
    fn from_attribute_value(value: AttributeValue) -> Result<Self, dynamo_types::DecodeError> {
        match value {
            AttributeValue::S(text) => Ok(Code(text.to_uppercase())),
            other => Err(dynamo_types::DecodeError::wrong_type(
                "a string (S)",
                &other,
            )),
        }
    }
}

impl dynamo_types::KeyAttribute for Code {
    const SCALAR_TYPE: dynamo_types::ScalarType = dynamo_types::ScalarType::String;
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "airports")]
struct Airport {
    #[dynamo(hash)]
    code: Code,
}

#[test]
fn user_key_types_are_checked_by_default() {
    let item = |code: &str| -> Item { [("code".to_owned(), s(code))].into() };
    assert_eq!(
        Airport::from_item(item("LHR")).unwrap().code,
        Code("LHR".into())
    );
    let err = Airport::from_item(item("lhr")).unwrap_err();
    assert_eq!(err.path(), "code");
    assert!(err.to_string().contains("`LHR`"), "{err}");
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "devices", stream = "new_image")]
struct Device {
    #[dynamo(hash)]
    id: uuid::Uuid,
    name: String,
}

/// Stream images are read the same way, whether into items first or straight from JSON.
#[test]
fn stream_images_read_keys_only_in_their_own_form() {
    use dynamo_types::stream::testing::TestEvent;
    use dynamo_types::stream::{Batch, EventBatch, RawRecord, RecordError};

    let device = Device {
        id: USER.parse().unwrap(),
        name: "phone".into(),
    };
    let mut record = TestEvent::new()
        .insert(&device)
        .records()
        .unwrap()
        .remove(0);
    let upper = serde_json::json!({ "S": USER.to_uppercase() });
    record["dynamodb"]["Keys"]["id"] = upper.clone();
    record["dynamodb"]["NewImage"]["id"] = upper;
    let text = serde_json::json!({ "Records": [record] }).to_string();

    let via_items = Batch::from_json(text.as_bytes()).unwrap().records.remove(0);
    let via_items = via_items.and_then(RawRecord::decode::<DeviceEvent>);
    let typed = EventBatch::<DeviceEvent>::from_json(text.as_bytes())
        .unwrap()
        .records
        .remove(0);
    for result in [via_items, typed] {
        match result {
            Err(dynamo_types::Error::StreamRecord {
                problem: RecordError::Decode { error, .. },
                ..
            }) => assert_eq!(error.path(), "id", "{error}"),
            other => panic!("expected a decode error of `id`, got {other:?}"),
        }
    }
}
