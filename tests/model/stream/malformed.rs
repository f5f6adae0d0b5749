//! Records that do not decode are typed errors naming the record's sequence number, the image
//! and the attribute; nothing panics, whatever the input.

use dynamo_types::stream::testing::TestEvent;
use dynamo_types::stream::{Batch, EventBatch, Image, RawRecord, Record, RecordError, StreamEvent};
use dynamo_types::{DecodeErrorKind, Error};
use serde_json::{Value, json};

use super::{Post, PostEvent, post};

/// One valid record of `posts` as JSON, to break in one place.
fn record() -> Value {
    let event = TestEvent::new().insert(&post("p-1", "Hello"));
    event.records().unwrap().remove(0)
}

fn batch(records: Vec<Value>) -> Batch {
    let text = json!({ "Records": records }).to_string();
    let batch = Batch::from_json(text.as_bytes()).unwrap();
    same_both_ways(text.as_bytes());
    batch
}

/// Read into items then decoded, or read straight into the model: the same records, the same
/// errors.
fn same_both_ways(text: &[u8]) {
    let items = Batch::from_json(text).map(|b| {
        b.records
            .into_iter()
            .map(|r| r.and_then(RawRecord::decode::<PostEvent>))
            .collect::<Vec<_>>()
    });
    let typed = EventBatch::<PostEvent>::from_json(text).map(|b| b.records);
    assert_eq!(
        format!("{items:?}"),
        format!("{typed:?}"),
        "{}",
        String::from_utf8_lossy(text)
    );
}

/// Decodes one record through our reader, and through `aws_lambda_events` when it can read
/// the record at all; both must give the same error.
fn decode_one(record: Value) -> Result<Record<PostEvent>, Error> {
    let ours = batch(vec![record.clone()])
        .records
        .remove(0)
        .and_then(RawRecord::decode::<PostEvent>);
    if let Ok(theirs) =
        serde_json::from_value::<aws_lambda_events::event::dynamodb::EventRecord>(record)
    {
        let theirs = PostEvent::from_lambda(&theirs);
        assert_eq!(
            format!("{:?}", ours.as_ref().map(|r| &r.event)),
            format!("{:?}", theirs.as_ref().map(|r| &r.event)),
            "both readers agree"
        );
    }
    ours
}

fn failure(result: Result<Record<PostEvent>, Error>) -> (Option<String>, RecordError) {
    match result {
        Err(Error::StreamRecord {
            sequence_number,
            problem,
        }) => (sequence_number, problem),
        other => panic!("expected a stream record error, got {other:?}"),
    }
}

const SEQUENCE: &str = "000000000000000000100";

#[test]
fn unknown_event_name() {
    let mut r = record();
    r["eventName"] = json!("UPSERT");
    let (sequence, problem) = failure(decode_one(r));
    assert_eq!(sequence.as_deref(), Some(SEQUENCE));
    assert_eq!(problem, RecordError::UnknownEventName("UPSERT".into()));
    let message = Error::StreamRecord {
        sequence_number: sequence,
        problem,
    }
    .to_string();
    assert_eq!(
        message,
        "stream record `000000000000000000100`: unknown event name \"UPSERT\" (expected INSERT, MODIFY or REMOVE)"
    );
}

#[test]
fn missing_image_the_view_type_promises() {
    let mut r = record();
    r["dynamodb"].as_object_mut().unwrap().remove("NewImage");
    r["dynamodb"]["StreamViewType"] = json!("KEYS_ONLY");
    let (sequence, problem) = failure(decode_one(r));
    assert_eq!(sequence.as_deref(), Some(SEQUENCE));
    assert_eq!(
        problem,
        RecordError::MissingImage {
            image: Image::NewImage,
            record_view: Some("KEYS_ONLY".into()),
        }
    );
    assert!(
        problem.to_string().contains("view type is KEYS_ONLY"),
        "{problem}"
    );

    // a MODIFY needs both images
    let old = post("p-1", "a");
    let mut r = TestEvent::new()
        .modify(&old, &post("p-1", "b"))
        .records()
        .unwrap()
        .remove(0);
    r["dynamodb"].as_object_mut().unwrap().remove("OldImage");
    let (_, problem) = failure(decode_one(r));
    assert!(matches!(
        problem,
        RecordError::MissingImage {
            image: Image::OldImage,
            ..
        }
    ));
}

#[test]
fn attribute_of_the_wrong_type_names_the_image_and_attribute() {
    let mut r = record();
    r["dynamodb"]["NewImage"]["likes"] = json!({ "S": "many" });
    let (sequence, problem) = failure(decode_one(r));
    assert_eq!(sequence.as_deref(), Some(SEQUENCE));
    match &problem {
        RecordError::Decode { image, error } => {
            assert_eq!(*image, Image::NewImage);
            assert_eq!(error.path(), "likes");
            assert!(matches!(error.kind(), DecodeErrorKind::WrongType { .. }));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        problem.to_string(),
        "NewImage: attribute `likes`: expected a number (N), found a string (S)"
    );
}

#[test]
fn malformed_key() {
    let mut r = record();
    r["dynamodb"]["Keys"]["post_id"] = json!({ "N": "1" });
    r["dynamodb"]["NewImage"]["post_id"] = json!({ "N": "1" });
    let (_, problem) = failure(decode_one(r));
    assert!(
        matches!(&problem, RecordError::Decode { image: Image::NewImage, error } if error.path() == "post_id"),
        "{problem:?}"
    );
}

#[test]
fn invalid_attribute_values_name_their_path() {
    let cases = [
        (
            json!({ "M": { "a": { "L": [{ "S": "x" }, { "X": "1" }] } } }),
            "title.a[1]",
            "unknown attribute type \"X\"",
        ),
        (json!({ "B": "not base64!" }), "title", "invalid base64"),
        (
            json!({ "N": 5 }),
            "title",
            "expected a string, found a number",
        ),
        (json!({ "S": "a", "N": "1" }), "title", "more than one type"),
        (json!("plain"), "title", "found a string"),
        (json!({}), "title", "no type"),
        (json!({ "SS": ["a", 1] }), "title[1]", "expected a string"),
        (json!({ "BS": ["%%%"] }), "title[0]", "invalid base64"),
        (json!({ "BOOL": "yes" }), "title", "expected a boolean"),
    ];
    for (value, path, reason) in cases {
        let mut r = record();
        r["dynamodb"]["NewImage"]["title"] = value.clone();
        let ours = batch(vec![r])
            .records
            .remove(0)
            .and_then(RawRecord::decode::<PostEvent>);
        let (sequence, problem) = failure(ours);
        assert_eq!(sequence.as_deref(), Some(SEQUENCE), "{value}");
        match problem {
            RecordError::InvalidAttribute {
                image,
                path: found_path,
                reason: found_reason,
            } => {
                assert_eq!(image, Image::NewImage, "{value}");
                assert_eq!(found_path, path, "{value}");
                assert!(found_reason.contains(reason), "{value}: {found_reason}");
            }
            other => panic!("{value}: {other:?}"),
        }
    }
}

#[test]
fn malformed_records() {
    let mut no_sequence = record();
    no_sequence["dynamodb"]
        .as_object_mut()
        .unwrap()
        .remove("SequenceNumber");
    let mut no_change = record();
    no_change.as_object_mut().unwrap().remove("dynamodb");
    let mut no_id = record();
    no_id.as_object_mut().unwrap().remove("eventID");
    let mut bad_name = record();
    bad_name["eventName"] = json!(7);
    let mut no_name = record();
    no_name.as_object_mut().unwrap().remove("eventName");
    let mut empty_id = record();
    empty_id["eventID"] = json!("");
    let cases = [
        (no_sequence, None, "no sequence number"),
        (no_change, None, "no `dynamodb` section"),
        (no_id, Some(SEQUENCE), "no event id"),
        (bad_name, Some(SEQUENCE), "`eventName`: expected a string"),
        (no_name, Some(SEQUENCE), "no event name (`eventName`)"),
        (empty_id, Some(SEQUENCE), "no event id"),
        (json!("a string"), None, "a record is a string"),
        (json!([1, 2]), None, "a record is an array"),
    ];
    for (value, sequence, what) in cases {
        let result = batch(vec![value.clone()])
            .records
            .remove(0)
            .and_then(RawRecord::decode::<PostEvent>);
        match result {
            Err(Error::StreamRecord {
                sequence_number,
                problem: RecordError::Malformed(message),
            }) => {
                // the sequence number is in the `dynamodb` section
                assert_eq!(sequence_number.as_deref(), sequence, "{value}");
                assert!(message.contains(what), "{value}: {message}");
            }
            other => panic!("{value}: {other:?}"),
        }
    }
}

#[test]
fn one_bad_record_does_not_spoil_the_others() {
    let good = TestEvent::new()
        .insert(&post("p-1", "a"))
        .insert(&post("p-2", "b"))
        .records()
        .unwrap();
    let mut bad = good[1].clone();
    bad["dynamodb"]["NewImage"]["likes"] = json!({ "Q": "1" });
    let batch = batch(vec![good[0].clone(), bad, good[1].clone()]);
    let decoded: Vec<_> = batch
        .records
        .into_iter()
        .map(|r| r.and_then(RawRecord::decode::<PostEvent>))
        .collect();
    assert!(decoded[0].is_ok());
    assert!(matches!(
        &decoded[1],
        Err(Error::StreamRecord { problem: RecordError::InvalidAttribute { path, .. }, .. }) if path == "likes"
    ));
    assert!(decoded[2].is_ok());
}

#[test]
fn text_that_is_not_an_event() {
    for text in [
        "",
        "{",
        "[]",
        "{\"Records\": 5}",
        "{\"records\": []}",
        "null",
    ] {
        match Batch::from_json(text.as_bytes()) {
            Err(Error::StreamRecord {
                sequence_number: None,
                problem: RecordError::Malformed(m),
            }) => assert!(m.contains("not a Lambda event"), "{text}: {m}"),
            other => panic!("{text}: {other:?}"),
        }
    }
}

#[test]
fn nesting_is_bounded() {
    let nest = |depth: usize| {
        let mut v = json!({ "S": "leaf" });
        for _ in 0..depth {
            v = json!({ "L": [v] });
        }
        v
    };
    // 32 levels, DynamoDB's limit: read
    let mut r = record();
    r["dynamodb"]["NewImage"]["deep"] = nest(32);
    let raw = batch(vec![r]).records.remove(0).unwrap();
    assert!(raw.new_image.unwrap().contains_key("deep"));
    // deeper than DynamoDB allows: that record fails, naming itself
    let mut r = record();
    r["dynamodb"]["NewImage"]["deep"] = nest(45);
    match batch(vec![r]).records.remove(0) {
        Err(Error::StreamRecord {
            sequence_number,
            problem: RecordError::InvalidAttribute { path, reason, .. },
        }) => {
            assert_eq!(sequence_number.as_deref(), Some(SEQUENCE));
            assert!(path.starts_with("deep[0][0]"), "{path}");
            assert!(reason.contains("nested deeper than 40 levels"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    // far deeper (written as text: a `serde_json::Value` that deep overflows the stack itself):
    // the rest is skipped without recursion, and still only that record fails
    let mut r = record();
    r["dynamodb"]["NewImage"]["deep"] = json!("DEEP");
    let depth = 5000;
    let deep = format!(
        "{}{{\"S\":\"x\"}}{}",
        "{\"L\":[".repeat(depth),
        "]}".repeat(depth)
    );
    let text = json!({ "Records": [r] })
        .to_string()
        .replace("\"DEEP\"", &deep);
    same_both_ways(text.as_bytes());
    match Batch::from_json(text.as_bytes()).unwrap().records.remove(0) {
        Err(Error::StreamRecord {
            sequence_number,
            problem: RecordError::InvalidAttribute { reason, .. },
        }) => {
            assert_eq!(sequence_number.as_deref(), Some(SEQUENCE));
            assert!(reason.contains("nested deeper than 40 levels"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

/// Thousands of random corruptions of a valid event: every one reads to an error or a value,
/// never a panic, and what decodes is a post.
#[test]
fn random_corruption_never_panics() {
    let base = json!({ "Records": [record()] }).to_string().into_bytes();
    let mut rng = fastrand::Rng::with_seed(0x5eed_cafe);
    let alphabet = b"{}[]\":,0123456789aeSNBLMXtrufl \\-.";
    let mut decoded = 0;
    for _ in 0..20_000 {
        let mut text = base.clone();
        for _ in 0..rng.usize(1..4) {
            let at = rng.usize(..text.len());
            match rng.u8(..3) {
                0 => text[at] = alphabet[rng.usize(..alphabet.len())],
                1 => {
                    text.remove(at);
                }
                _ => text.insert(at, alphabet[rng.usize(..alphabet.len())]),
            }
        }
        same_both_ways(&text);
        if let Ok(batch) = Batch::from_json(&text) {
            for record in batch.records.into_iter().flatten() {
                if let Ok(r) = record.decode::<PostEvent>() {
                    let _: Post = match r.event {
                        PostEvent::Insert { new } => new,
                        PostEvent::Modify { new, .. } => new,
                        PostEvent::Remove { old, .. } => old,
                    };
                    decoded += 1;
                }
            }
        }
    }
    assert!(decoded > 0, "some corruptions leave a valid record");
}

/// A Kinesis record whose fields are of the wrong type still names its sequence number, so
/// Lambda retries from it rather than the whole batch.
#[test]
fn a_malformed_kinesis_record_names_its_sequence_number() {
    let text = json!({ "Records": [{
        "kinesis": { "sequenceNumber": "4959", "data": 5 },
        "eventSource": "aws:kinesis",
    }] })
    .to_string();
    same_both_ways(text.as_bytes());
    match Batch::from_json(text.as_bytes()).unwrap().records.remove(0) {
        Err(Error::StreamRecord {
            sequence_number,
            problem: RecordError::Malformed(m),
        }) => {
            assert_eq!(sequence_number.as_deref(), Some("4959"));
            assert!(m.contains("`kinesis.data`"), "{m}");
        }
        other => panic!("{other:?}"),
    }
}

/// A model for the cases where the two readers could part: repeated names, several wrong
/// fields, a map, and values kept as they are.
#[derive(Debug, Clone, PartialEq, dynamo_types::DynamoModel)]
#[dynamo(table = "ledgers", stream = "new_image")]
pub struct Ledger {
    #[dynamo(hash)]
    pub id: String,
    pub n: i64,
    pub m: i64,
    pub amounts: std::collections::HashMap<String, i64>,
    pub raw: Vec<aws_sdk_dynamodb::types::AttributeValue>,
}

/// An event of one `ledgers` record whose new image is `image`, written as JSON text (so that
/// it may repeat a name).
fn ledger_event(image: &str) -> Vec<u8> {
    let ledger = Ledger {
        id: "k".into(),
        n: 0,
        m: 0,
        amounts: Default::default(),
        raw: Vec::new(),
    };
    let mut record = TestEvent::new()
        .insert(&ledger)
        .records()
        .unwrap()
        .remove(0);
    record["dynamodb"]["NewImage"] = json!("IMAGE");
    json!({ "Records": [record] })
        .to_string()
        .replace("\"IMAGE\"", image)
        .into_bytes()
}

/// Both readers on a `ledgers` event: they must agree; the typed reader's record is returned.
fn ledger_both_ways(text: &[u8]) -> Result<Record<LedgerEvent>, Error> {
    let items = Batch::from_json(text)
        .unwrap()
        .records
        .remove(0)
        .and_then(RawRecord::decode::<LedgerEvent>);
    let typed = EventBatch::<LedgerEvent>::from_json(text)
        .unwrap()
        .records
        .remove(0);
    assert_eq!(
        format!("{items:?}"),
        format!("{typed:?}"),
        "{}",
        String::from_utf8_lossy(text)
    );
    typed
}

fn decode_path(result: Result<Record<LedgerEvent>, Error>) -> String {
    match result {
        Err(Error::StreamRecord {
            problem: RecordError::Decode { error, .. },
            ..
        }) => error.path().to_owned(),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

const LEDGER_REST: &str = r#""id":{"S":"k"},"raw":{"L":[]}"#;

#[test]
fn a_repeated_name_keeps_its_last_value_both_ways() {
    let text = ledger_event(&format!(
        r#"{{{LEDGER_REST},"n":{{"S":"x"}},"n":{{"N":"1"}},"m":{{"N":"2"}},"amounts":{{"M":{{"a":{{"S":"x"}},"a":{{"N":"3"}}}}}}}}"#
    ));
    let record = ledger_both_ways(&text).unwrap();
    let LedgerEvent::Insert { new } = record.event else {
        panic!("an insert")
    };
    assert_eq!((new.n, new.amounts["a"]), (1, 3));
    // the last one wrong: wrong both ways
    let text = ledger_event(&format!(
        r#"{{{LEDGER_REST},"n":{{"N":"1"}},"n":{{"S":"x"}},"m":{{"N":"2"}},"amounts":{{"M":{{}}}}}}"#
    ));
    assert_eq!(decode_path(ledger_both_ways(&text)), "n");
}

#[test]
fn of_several_wrong_fields_the_first_declared_is_reported_every_time() {
    // `m` comes first in the JSON, `n` first in the struct; the map's bad entries come in no
    // order: the smallest key is reported
    let text = ledger_event(&format!(
        r#"{{{LEDGER_REST},"m":{{"S":"x"}},"amounts":{{"M":{{"c":{{"S":"x"}},"a":{{"S":"x"}},"b":{{"N":"1"}}}}}},"n":{{"S":"y"}}}}"#
    ));
    for _ in 0..20 {
        assert_eq!(decode_path(ledger_both_ways(&text)), "n");
    }
    let text = ledger_event(&format!(
        r#"{{{LEDGER_REST},"n":{{"N":"1"}},"m":{{"N":"2"}},"amounts":{{"M":{{"c":{{"S":"x"}},"a":{{"S":"x"}},"b":{{"N":"1"}}}}}}}}"#
    ));
    for _ in 0..20 {
        assert_eq!(decode_path(ledger_both_ways(&text)), "amounts.a");
    }
}

#[test]
fn null_values_the_model_does_not_read_are_worded_alike() {
    for value in [
        r#"{"S":null}"#,
        r#"{"N":null}"#,
        r#"{"B":null}"#,
        r#"{"M":null}"#,
    ] {
        let text = ledger_event(&format!(
            r#"{{{LEDGER_REST},"n":{{"N":"1"}},"m":{{"N":"2"}},"amounts":{{"M":{{"a":{{"N":"1"}},"b":{value}}}}},"extra":{value}}}"#
        ));
        match ledger_both_ways(&text) {
            Err(Error::StreamRecord {
                problem: RecordError::InvalidAttribute { reason, .. },
                ..
            }) => assert!(reason.ends_with("is null"), "{value}: {reason}"),
            other => panic!("{value}: {other:?}"),
        }
    }
}

#[test]
fn nesting_is_bounded_in_decoded_fields_too() {
    let nest = |depth: usize| {
        let mut v = json!({ "S": "leaf" });
        for _ in 0..depth {
            v = json!({ "L": [v] });
        }
        v.to_string()
    };
    let image = |raw: String| {
        ledger_event(&format!(
            r#"{{"id":{{"S":"k"}},"n":{{"N":"1"}},"m":{{"N":"2"}},"amounts":{{"M":{{}}}},"raw":{{"L":[{raw}]}}}}"#
        ))
    };
    assert!(ledger_both_ways(&image(nest(31))).is_ok());
    match ledger_both_ways(&image(nest(45))) {
        Err(Error::StreamRecord {
            problem: RecordError::InvalidAttribute { path, reason, .. },
            ..
        }) => {
            assert!(path.starts_with("raw[0][0]"), "{path}");
            assert!(reason.contains("nested deeper than 40 levels"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn json_serde_cannot_hold_fails_only_its_record() {
    // a number beyond f64 and a lone UTF-16 surrogate are valid JSON that a reader cannot
    // hold: the records around them are read, and each names its sequence number
    let records = |n: usize| {
        (0..n)
            .map(|i| {
                let mut r = record();
                r["dynamodb"]["SequenceNumber"] = json!(format!("{}", 100 + i));
                r
            })
            .collect::<Vec<_>>()
    };
    let mut text = json!({ "Records": records(3) }).to_string();
    text = text.replacen("\"SizeBytes\":", "\"SizeBytes\":1e400,\"Was\":", 1);
    let third = text.rfind("\"title\":{\"S\":\"").unwrap() + "\"title\":{\"S\":\"".len();
    text.insert_str(third, "\\ud800");
    for (name, results) in [
        (
            "items",
            Batch::from_json(text.as_bytes())
                .unwrap()
                .records
                .into_iter()
                .map(|r| r.map(|_| ()))
                .collect::<Vec<_>>(),
        ),
        (
            "typed",
            EventBatch::<PostEvent>::from_json(text.as_bytes())
                .unwrap()
                .records
                .into_iter()
                .map(|r| r.map(|_| ()))
                .collect(),
        ),
    ] {
        assert_eq!(results.len(), 3, "{name}");
        for (i, result) in results.into_iter().enumerate() {
            match (i, result) {
                (1, Ok(())) => {}
                (
                    _,
                    Err(Error::StreamRecord {
                        sequence_number,
                        problem: RecordError::Malformed(why),
                    }),
                ) if i != 1 => {
                    assert_eq!(sequence_number, Some(format!("{}", 100 + i)), "{name}");
                    assert!(why.contains("cannot be read"), "{name}: {why}");
                }
                other => panic!("{name}: record {i}: {other:?}"),
            }
        }
    }
}
