//! `from_item` on items that do not fit: always an error naming the attribute (with a document
//! path for nested values), what was expected and what was found; never a panic.

use std::collections::{BTreeMap, HashMap, HashSet};

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use dynamo_types::{DecodeError, DecodeErrorKind, DynamoModel, Item};

use super::{n, s};

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Profile {
    owner: String,
    score: u32,
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "strict")]
struct Strict {
    #[dynamo(hash)]
    id: String,
    name: String,
    age: u8,
    count: u32,
    wide: i64,
    huge: i128,
    ratio: f64,
    single: f32,
    active: bool,
    data: Vec<u8>,
    tags: Vec<String>,
    grid: Vec<Vec<i32>>,
    meta: HashMap<String, String>,
    scores: BTreeMap<String, Vec<u16>>,
    people: Vec<BTreeMap<String, u8>>,
    labels: HashSet<String>,
    ids: HashSet<i64>,
    note: Option<String>,
    user: uuid::Uuid,
    at: chrono::DateTime<chrono::Utc>,
    day: chrono::NaiveDate,
    seen: time::OffsetDateTime,
    #[dynamo(serde)]
    profile: Profile,
}

fn valid() -> Item {
    HashMap::from([
        ("id".to_owned(), s("x")),
        ("name".to_owned(), s("name")),
        ("age".to_owned(), n("30")),
        ("count".to_owned(), n("1")),
        ("wide".to_owned(), n("-1")),
        ("huge".to_owned(), n("1")),
        ("ratio".to_owned(), n("0.5")),
        ("single".to_owned(), n("0.25")),
        ("active".to_owned(), AttributeValue::Bool(true)),
        ("data".to_owned(), AttributeValue::B(Blob::new(vec![1, 2]))),
        (
            "tags".to_owned(),
            AttributeValue::L(vec![s("a"), s("b"), s("c"), s("d")]),
        ),
        (
            "grid".to_owned(),
            AttributeValue::L(vec![AttributeValue::L(vec![n("1")])]),
        ),
        (
            "meta".to_owned(),
            AttributeValue::M(HashMap::from([("owner".to_owned(), s("alice"))])),
        ),
        (
            "scores".to_owned(),
            AttributeValue::M(HashMap::from([(
                "alice".to_owned(),
                AttributeValue::L(vec![n("1"), n("2")]),
            )])),
        ),
        (
            "labels".to_owned(),
            AttributeValue::Ss(vec!["l".to_owned()]),
        ),
        ("ids".to_owned(), AttributeValue::Ns(vec!["1".to_owned()])),
        (
            "people".to_owned(),
            AttributeValue::L(vec![AttributeValue::M(HashMap::from([(
                "age".to_owned(),
                n("1"),
            )]))]),
        ),
        ("user".to_owned(), s("67e55044-10b1-426f-9247-bb680e5fe0c8")),
        ("at".to_owned(), s("2024-01-02T03:04:05.000000006Z")),
        ("day".to_owned(), s("2024-01-02")),
        ("seen".to_owned(), s("2024-01-02T03:04:05Z")),
        (
            "profile".to_owned(),
            AttributeValue::M(HashMap::from([
                ("owner".to_owned(), s("bob")),
                ("score".to_owned(), n("3")),
            ])),
        ),
    ])
}

/// Decodes `valid()` with `attribute` set to `value`, expecting an error.
#[track_caller]
fn decode_with(attribute: &str, value: AttributeValue) -> DecodeError {
    let mut item = valid();
    item.insert(attribute.to_owned(), value);
    match Strict::from_item(item) {
        Ok(model) => panic!("`{attribute}` should not decode, got {model:?}"),
        Err(err) => err,
    }
}

#[track_caller]
fn assert_invalid(err: &DecodeError, path: &str, expected: &str, found: &str) {
    assert_eq!(err.path(), path);
    assert_eq!(
        err.kind(),
        &DecodeErrorKind::InvalidValue {
            expected: expected.to_owned(),
            found: format!("{found:?}"),
        }
    );
    assert_eq!(
        err.to_string(),
        format!("attribute `{path}`: expected {expected}, found {found:?}")
    );
}

#[track_caller]
fn assert_wrong_type(err: &DecodeError, path: &str, expected: &str, found: &str) {
    assert_eq!(err.path(), path);
    assert_eq!(
        err.kind(),
        &DecodeErrorKind::WrongType {
            expected: match expected {
                "N" => "a number (N)",
                "S" => "a string (S)",
                "BOOL" => "a boolean (BOOL)",
                "B" => "binary (B)",
                "L" => "a list (L)",
                "M" => "a map (M)",
                "SS" => "a string set (SS)",
                "NS" => "a number set (NS)",
                other => panic!("unknown type {other}"),
            },
            found: match found {
                "N" => "a number (N)",
                "S" => "a string (S)",
                "BOOL" => "a boolean (BOOL)",
                "NULL" => "null (NULL)",
                "B" => "binary (B)",
                "L" => "a list (L)",
                "M" => "a map (M)",
                "SS" => "a string set (SS)",
                "NS" => "a number set (NS)",
                "BS" => "a binary set (BS)",
                other => panic!("unknown type {other}"),
            },
        }
    );
    assert!(
        err.to_string()
            .starts_with(&format!("attribute `{path}`: expected ")),
        "{err}"
    );
}

#[test]
fn the_valid_item_decodes() {
    let model = Strict::from_item(valid()).unwrap();
    assert_eq!(model.age, 30);
    assert_eq!(model.profile.owner, "bob");
    assert_eq!(model.note, None);
}

#[test]
fn a_missing_required_attribute_is_named() {
    for attribute in [
        "id", "name", "age", "ratio", "active", "data", "user", "at", "profile",
    ] {
        let mut item = valid();
        item.remove(attribute);
        let err = Strict::from_item(item).unwrap_err();
        assert_eq!(err.path(), attribute);
        assert_eq!(err.kind(), &DecodeErrorKind::Missing);
        assert_eq!(
            err.to_string(),
            format!("attribute `{attribute}` is missing")
        );
        // Through the crate's one error type the message is the same.
        assert_eq!(
            dynamo_types::Error::from(err).to_string(),
            format!("attribute `{attribute}` is missing")
        );
    }
}

#[test]
fn optional_and_collection_attributes_may_be_missing() {
    let mut item = valid();
    for attribute in [
        "note", "labels", "ids", "tags", "grid", "meta", "scores", "people",
    ] {
        item.remove(attribute);
    }
    let model = Strict::from_item(item).unwrap();
    assert!(model.labels.is_empty() && model.ids.is_empty() && model.note.is_none());
    assert!(model.tags.is_empty() && model.grid.is_empty() && model.people.is_empty());
    assert!(model.meta.is_empty() && model.scores.is_empty());
}

#[test]
fn a_wrong_type_names_expected_and_found() {
    assert_wrong_type(&decode_with("age", s("12")), "age", "N", "S");
    let err = decode_with("age", s("12"));
    assert_eq!(
        err.to_string(),
        "attribute `age`: expected a number (N), found a string (S)"
    );
    assert_wrong_type(&decode_with("name", n("1")), "name", "S", "N");
    assert_wrong_type(
        &decode_with("name", AttributeValue::Null(true)),
        "name",
        "S",
        "NULL",
    );
    assert_wrong_type(&decode_with("active", s("true")), "active", "BOOL", "S");
    assert_wrong_type(&decode_with("data", s("AQI=")), "data", "B", "S");
    assert_wrong_type(
        &decode_with("tags", AttributeValue::Ss(vec!["a".to_owned()])),
        "tags",
        "L",
        "SS",
    );
    assert_wrong_type(
        &decode_with("meta", AttributeValue::L(vec![])),
        "meta",
        "M",
        "L",
    );
    assert_wrong_type(
        &decode_with("ratio", AttributeValue::Bool(false)),
        "ratio",
        "N",
        "BOOL",
    );
    assert_wrong_type(
        &decode_with("note", AttributeValue::Bool(true)),
        "note",
        "S",
        "BOOL",
    );
    assert_wrong_type(&decode_with("user", n("1")), "user", "S", "N");
    assert_wrong_type(
        &decode_with("at", AttributeValue::M(HashMap::new())),
        "at",
        "S",
        "M",
    );
}

#[test]
fn a_wrong_set_type_is_named() {
    assert_wrong_type(
        &decode_with("ids", AttributeValue::Ss(vec!["1".to_owned()])),
        "ids",
        "NS",
        "SS",
    );
    assert_wrong_type(
        &decode_with("labels", AttributeValue::Ns(vec!["1".to_owned()])),
        "labels",
        "SS",
        "NS",
    );
    assert_wrong_type(
        &decode_with("labels", AttributeValue::Bs(vec![Blob::new(b"x".to_vec())])),
        "labels",
        "SS",
        "BS",
    );
    assert_wrong_type(
        &decode_with("labels", AttributeValue::L(vec![s("x")])),
        "labels",
        "SS",
        "L",
    );
    // A set member that is not a number.
    let err = decode_with(
        "ids",
        AttributeValue::Ns(vec!["1".to_owned(), "one".to_owned()]),
    );
    assert_invalid(&err, "ids[1]", "an integer that fits i64", "one");
}

#[test]
fn integers_out_of_range_for_the_field_type() {
    assert_invalid(
        &decode_with("age", n("300")),
        "age",
        "an integer that fits u8",
        "300",
    );
    assert_invalid(
        &decode_with("age", n("256")),
        "age",
        "an integer that fits u8",
        "256",
    );
    assert_invalid(
        &decode_with("age", n("-1")),
        "age",
        "an integer that fits u8",
        "-1",
    );
    assert_invalid(
        &decode_with("count", n("-1")),
        "count",
        "an integer that fits u32",
        "-1",
    );
    assert_invalid(
        &decode_with("count", n("4294967296")),
        "count",
        "an integer that fits u32",
        "4294967296",
    );
    assert_invalid(
        &decode_with("wide", n("9223372036854775808")),
        "wide",
        "an integer that fits i64",
        "9223372036854775808",
    );
    assert_invalid(
        &decode_with("age", n("3e2")),
        "age",
        "an integer that fits u8",
        "3e2",
    );
    assert_invalid(
        &decode_with("age", n("30.5")),
        "age",
        "an integer that fits u8",
        "30.5",
    );
}

#[test]
fn numbers_of_39_and_100_digits_into_integers() {
    let digits_39 = "9".repeat(39); // above i128::MAX (1.7e38) too
    let digits_100 = format!("-9{}", "0".repeat(99));
    assert_invalid(
        &decode_with("wide", n(&digits_39)),
        "wide",
        "an integer that fits i64",
        &digits_39,
    );
    assert_invalid(
        &decode_with("huge", n(&digits_39)),
        "huge",
        "an integer that fits i128",
        &digits_39,
    );
    // Long values are shortened in the message, and the message says how long they were.
    for attribute in ["wide", "huge"] {
        let err = decode_with(attribute, n(&digits_100));
        assert_eq!(err.path(), attribute);
        let text = err.to_string();
        assert!(text.contains("(101 bytes)"), "{text}");
        assert!(text.len() < 150, "{text}");
    }
    let err = decode_with("huge", n("1e100"));
    assert_invalid(&err, "huge", "an integer that fits i128", "1e100");
}

#[test]
fn garbage_in_a_number_is_refused() {
    for garbage in [
        "12abc", "", "--1", "-", "+", ".", "e5", "1e", "1e+", "-e1", ".e1", " 1", "1 ", "0x10",
        "1_000", "1,000", "١٢", "١", "1.2.3", "1e2e3", "Infinity", "NaN",
    ] {
        let err = decode_with("wide", n(garbage));
        assert_invalid(&err, "wide", "an integer that fits i64", garbage);
        let err = decode_with("age", n(garbage));
        assert_invalid(&err, "age", "an integer that fits u8", garbage);
    }
}

#[test]
fn huge_exponents_never_overflow() {
    for text in [
        "11e9223372036854775807",
        "1e9223372036854775807",
        "0.1e-9223372036854775808",
        "123.456e9223372036854775807",
        "1e99999999999999999999999",
    ] {
        let err = decode_with("wide", n(text));
        assert_invalid(&err, "wide", "an integer that fits i64", text);
        let err = decode_with("huge", n(text));
        assert_eq!(err.path(), "huge");
    }
}

#[test]
fn non_finite_or_out_of_range_floats_are_refused() {
    for text in [
        "NaN",
        "nan",
        "Infinity",
        "-Infinity",
        "inf",
        "1e400",
        "-1e400",
        "1e39",
    ] {
        let err = decode_with("single", n(text));
        assert_invalid(&err, "single", "a finite number that fits f32", text);
    }
    for text in [
        "NaN", "Infinity", "-inf", "1e400", "-1e309", "12abc", "", "--1", ".",
    ] {
        let err = decode_with("ratio", n(text));
        assert_invalid(&err, "ratio", "a finite number that fits f64", text);
    }
}

#[test]
fn nested_errors_carry_a_document_path() {
    let err = decode_with(
        "tags",
        AttributeValue::L(vec![s("a"), s("b"), s("c"), n("4")]),
    );
    assert_wrong_type(&err, "tags[3]", "S", "N");
    assert_eq!(
        err.to_string(),
        "attribute `tags[3]`: expected a string (S), found a number (N)"
    );

    let err = decode_with(
        "tags",
        AttributeValue::L(vec![s("a"), s("b"), AttributeValue::Null(true)]),
    );
    assert_eq!(err.path(), "tags[2]");
    assert_eq!(err.kind(), &DecodeErrorKind::Missing);

    let err = decode_with(
        "meta",
        AttributeValue::M(HashMap::from([("owner".to_owned(), n("7"))])),
    );
    assert_wrong_type(&err, "meta.owner", "S", "N");
    assert_eq!(
        err.to_string(),
        "attribute `meta.owner`: expected a string (S), found a number (N)"
    );

    let err = decode_with(
        "grid",
        AttributeValue::L(vec![
            AttributeValue::L(vec![]),
            AttributeValue::L(vec![n("1"), n("2"), n("99999999999")]),
        ]),
    );
    assert_invalid(
        &err,
        "grid[1][2]",
        "an integer that fits i32",
        "99999999999",
    );

    let err = decode_with(
        "scores",
        AttributeValue::M(HashMap::from([(
            "alice".to_owned(),
            AttributeValue::L(vec![n("1"), n("-2")]),
        )])),
    );
    assert_invalid(&err, "scores.alice[1]", "an integer that fits u16", "-2");

    let err = decode_with(
        "scores",
        AttributeValue::M(HashMap::from([("bob".to_owned(), s("x"))])),
    );
    assert_wrong_type(&err, "scores.bob", "L", "S");

    // A map inside a list: the name after an index is joined with a dot.
    let err = decode_with(
        "people",
        AttributeValue::L(vec![
            AttributeValue::M(HashMap::new()),
            AttributeValue::M(HashMap::from([("age".to_owned(), n("-7"))])),
        ]),
    );
    assert_invalid(&err, "people[1].age", "an integer that fits u8", "-7");
    assert_eq!(
        err.to_string(),
        "attribute `people[1].age`: expected an integer that fits u8, found \"-7\""
    );
}

#[test]
fn serde_fields_name_the_attribute() {
    let err = decode_with(
        "profile",
        AttributeValue::M(HashMap::from([("owner".to_owned(), n("7"))])),
    );
    assert_eq!(err.path(), "profile");
    assert!(matches!(err.kind(), DecodeErrorKind::Custom(_)), "{err:?}");
    assert!(
        err.to_string().starts_with("attribute `profile`: "),
        "{err}"
    );
    let err = decode_with("profile", s("not a map"));
    assert_eq!(err.path(), "profile");
}

#[test]
fn invalid_uuids_and_timestamps_are_named() {
    for bad in [
        "not-a-uuid",
        "",
        "67e55044-10b1-426f-9247-bb680e5fe0c",
        "🦀",
    ] {
        assert_invalid(&decode_with("user", s(bad)), "user", "a UUID", bad);
    }
    for bad in [
        "2024-13-01T00:00:00Z",
        "2024-02-30T00:00:00Z",
        "2024-01-01",
        "2024-01-01T25:00:00Z",
        "yesterday",
        "",
        "1700000000",
    ] {
        assert_invalid(
            &decode_with("at", s(bad)),
            "at",
            "an RFC 3339 timestamp",
            bad,
        );
        assert_invalid(
            &decode_with("seen", s(bad)),
            "seen",
            "an RFC 3339 timestamp",
            bad,
        );
    }
    for bad in ["2024-02-30", "2024-1-1x", "01/02/2024", ""] {
        assert_invalid(
            &decode_with("day", s(bad)),
            "day",
            "a date as YYYY-MM-DD",
            bad,
        );
    }
}

#[test]
fn unknown_attributes_are_ignored() {
    let mut item = valid();
    item.insert("added_later".to_owned(), AttributeValue::Bool(true));
    item.insert("AGE".to_owned(), s("not the age"));
    assert_eq!(Strict::from_item(item).unwrap().age, 30);
}
