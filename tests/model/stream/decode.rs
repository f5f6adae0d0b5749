//! Every view type and every kind decodes to the variant DESIGN.md's table promises, the same
//! way from our JSON reader, from `aws_lambda_events` and from Kinesis payloads.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::time::{Duration, SystemTime};

use dynamo_types::stream::testing::TestEvent;
use dynamo_types::stream::{Batch, EventBatch, EventKind, RawRecord, Record, StreamEvent};
use dynamo_types::{DynamoModel, DynamoValue};

use super::{
    Blob, BlobEvent, BlobKey, Counter, CounterEvent, CounterKey, LogLine, LogLineEvent, LogLineKey,
    Post, PostEvent, PostKey, post,
};

/// Decodes `event` three ways (our JSON reader, `aws_lambda_events` + `from_lambda`, and the
/// Kinesis form), checks that they agree, and returns the records.
fn decode_all<E: StreamEvent + std::fmt::Debug + PartialEq>(event: &TestEvent) -> Vec<Record<E>> {
    let from_json: Vec<Record<E>> = event
        .to_batch()
        .expect("the test event builds")
        .records
        .into_iter()
        .map(|r| {
            r.and_then(RawRecord::decode::<E>)
                .expect("the record decodes")
        })
        .collect();
    // straight into the model's events, with no item in between: the same records
    let typed: Vec<Record<E>> = EventBatch::<E>::from_json(event.to_json().unwrap().as_bytes())
        .expect("the event reads")
        .records
        .into_iter()
        .map(|r| r.expect("the record decodes"))
        .collect();
    assert_eq!(
        from_json, typed,
        "read into items, or straight into the model"
    );
    let typed_kinesis: Vec<Record<E>> =
        EventBatch::<E>::from_json(event.to_kinesis_json().unwrap().as_bytes())
            .expect("the event reads")
            .records
            .into_iter()
            .map(|r| r.expect("the Kinesis record decodes"))
            .collect();
    let lambda = event.to_lambda_event().expect("aws_lambda_events reads it");
    let from_lambda: Vec<Record<E>> = lambda
        .records
        .iter()
        .map(|r| E::from_lambda(r).expect("the record decodes"))
        .collect();
    assert_eq!(
        from_json, from_lambda,
        "our JSON reader and from_lambda agree"
    );

    let kinesis = event
        .to_kinesis_event()
        .expect("aws_lambda_events reads it");
    let from_kinesis: Vec<Record<E>> = kinesis
        .records
        .iter()
        .map(|r| E::from_kinesis(r).expect("the Kinesis record decodes"))
        .collect();
    let kinesis_batch: Vec<Record<E>> =
        Batch::from_json(event.to_kinesis_json().unwrap().as_bytes())
            .unwrap()
            .records
            .into_iter()
            .map(|r| {
                r.and_then(RawRecord::decode::<E>)
                    .expect("the Kinesis record decodes")
            })
            .collect();
    assert_eq!(from_kinesis, kinesis_batch);
    assert_eq!(from_kinesis, typed_kinesis);
    assert_eq!(from_kinesis.len(), from_json.len());
    for (k, j) in from_kinesis.iter().zip(&from_json) {
        assert_eq!(
            k.event, j.event,
            "Kinesis and Streams records carry the same event"
        );
        assert_eq!(k.sequence_number, j.sequence_number);
        assert_eq!(k.table, j.table);
        assert_eq!(k.approximate_creation_time, j.approximate_creation_time);
    }
    from_json
}

fn events<E>(records: Vec<Record<E>>) -> Vec<E> {
    records.into_iter().map(|r| r.event).collect()
}

#[test]
fn new_and_old_images() {
    let old = post("p-1", "Hello");
    let new = Post {
        title: "Hello, world".into(),
        like_count: 4,
        ..old.clone()
    };
    let event = TestEvent::new()
        .insert(&old)
        .modify(&old, &new)
        .remove(&new)
        .expire(&new);
    let records = decode_all::<PostEvent>(&event);
    let key = PostKey {
        blog_id: "blog-1".into(),
        post_id: "p-1".into(),
    };
    for r in &records {
        assert_eq!(r.event.key(), key);
    }
    let kinds: Vec<EventKind> = records.iter().map(|r| r.event.kind()).collect();
    assert_eq!(
        kinds,
        [
            EventKind::Insert,
            EventKind::Modify,
            EventKind::Remove,
            EventKind::Remove
        ]
    );
    assert_eq!(
        events(records),
        [
            PostEvent::Insert { new: old.clone() },
            PostEvent::Modify {
                old: old.clone(),
                new: new.clone()
            },
            PostEvent::Remove {
                old: new.clone(),
                expired: false
            },
            PostEvent::Remove {
                old: new,
                expired: true
            },
        ]
    );
}

#[test]
fn new_image() {
    let old = Counter { id: 7, count: 1 };
    let new = Counter { id: 7, count: 2 };
    let event = TestEvent::new()
        .insert(&old)
        .modify(&old, &new)
        .remove(&new)
        .expire(&new);
    let records = decode_all::<CounterEvent>(&event);
    for r in &records {
        assert_eq!(r.event.key(), CounterKey { id: 7 });
    }
    assert_eq!(
        events(records),
        [
            CounterEvent::Insert { new: old },
            CounterEvent::Modify { new },
            CounterEvent::Remove {
                key: CounterKey { id: 7 },
                expired: false
            },
            CounterEvent::Remove {
                key: CounterKey { id: 7 },
                expired: true
            },
        ]
    );
}

#[test]
fn old_image() {
    let old = Blob {
        id: vec![0, 1, 255],
        size: 10,
    };
    let new = Blob {
        size: 20,
        ..old.clone()
    };
    let event = TestEvent::new()
        .insert(&old)
        .modify(&old, &new)
        .remove(&new)
        .expire(&new);
    let records = decode_all::<BlobEvent>(&event);
    let key = BlobKey {
        id: vec![0, 1, 255],
    };
    for r in &records {
        assert_eq!(r.event.key(), key);
    }
    assert_eq!(
        events(records),
        [
            BlobEvent::Insert { key: key.clone() },
            BlobEvent::Modify { old },
            BlobEvent::Remove {
                old: new.clone(),
                expired: false
            },
            BlobEvent::Remove {
                old: new,
                expired: true
            },
        ]
    );
}

#[test]
fn keys_only() {
    let line = LogLine {
        stream: "s".into(),
        at: -5,
        text: "x".into(),
    };
    let event = TestEvent::new()
        .insert(&line)
        .modify(&line, &line)
        .remove(&line)
        .expire(&line);
    let records = decode_all::<LogLineEvent>(&event);
    let key = LogLineKey {
        stream: "s".into(),
        at: -5,
    };
    assert_eq!(
        events(records),
        [
            LogLineEvent::Insert { key: key.clone() },
            LogLineEvent::Modify { key: key.clone() },
            LogLineEvent::Remove {
                key: key.clone(),
                expired: false
            },
            LogLineEvent::Remove { key, expired: true },
        ]
    );
}

#[test]
fn metadata_and_table_names() {
    let line = LogLine {
        stream: "s".into(),
        at: 1,
        text: "x".into(),
    };
    let event = TestEvent::new()
        .table_prefix("prod-eu.")
        .region("us-gov-west-1")
        .insert(&line);
    let records = decode_all::<LogLineEvent>(&event);
    let record = &records[0];
    assert_eq!(record.table.as_deref(), Some("prod-eu.events.v2-log"));
    assert_eq!(record.sequence_number, "000000000000000000100");
    assert_eq!(record.event_id.len(), 32);
    assert_eq!(
        record.approximate_creation_time,
        Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_001))
    );
    assert!(record.size_bytes.is_some_and(|n| n > 0));
}

/// A Lambda event as AWS documents it (the sample in the Lambda developer guide's DynamoDB
/// page, with this test's own table and values), read by both readers.
const AWS_SAMPLE: &str = r#"{
  "Records": [
    {
      "eventID": "c4ca4238a0b923820dcc509a6f75849b",
      "eventName": "INSERT",
      "eventVersion": "1.1",
      "eventSource": "aws:dynamodb",
      "awsRegion": "us-east-1",
      "dynamodb": {
        "Keys": {"post_id": {"S": "p-9"}, "blog_id": {"S": "blog-1"}},
        "NewImage": {
          "published": {"BOOL": true},
          "title": {"S": "Sample"},
          "post_id": {"S": "p-9"},
          "likes": {"N": "101"},
          "blog_id": {"S": "blog-1"},
          "tags": {"SS": ["a", "b"]}
        },
        "ApproximateCreationDateTime": 1428537600,
        "SequenceNumber": "4421584500000000017450439091",
        "SizeBytes": 26,
        "StreamViewType": "NEW_AND_OLD_IMAGES"
      },
      "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/posts/stream/2015-06-27T00:48:05.899"
    },
    {
      "eventID": "c81e728d9d4c2f636f067f89cc14862c",
      "eventName": "MODIFY",
      "eventVersion": "1.1",
      "eventSource": "aws:dynamodb",
      "awsRegion": "us-east-1",
      "dynamodb": {
        "Keys": {"post_id": {"S": "p-9"}, "blog_id": {"S": "blog-1"}},
        "NewImage": {
          "published": {"BOOL": true}, "title": {"S": "Sample 2"}, "post_id": {"S": "p-9"},
          "likes": {"N": "102"}, "blog_id": {"S": "blog-1"}
        },
        "OldImage": {
          "published": {"BOOL": true}, "title": {"S": "Sample"}, "post_id": {"S": "p-9"},
          "likes": {"N": "101"}, "blog_id": {"S": "blog-1"}, "tags": {"SS": ["a", "b"]}
        },
        "ApproximateCreationDateTime": 1428537601,
        "SequenceNumber": "4421584500000000017450439092",
        "SizeBytes": 59,
        "StreamViewType": "NEW_AND_OLD_IMAGES"
      },
      "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/posts/stream/2015-06-27T00:48:05.899"
    },
    {
      "eventID": "eccbc87e4b5ce2fe28308fd9f2a7baf3",
      "eventName": "REMOVE",
      "eventVersion": "1.1",
      "eventSource": "aws:dynamodb",
      "awsRegion": "us-east-1",
      "userIdentity": {"type": "Service", "principalId": "dynamodb.amazonaws.com"},
      "dynamodb": {
        "Keys": {"post_id": {"S": "p-9"}, "blog_id": {"S": "blog-1"}},
        "OldImage": {
          "published": {"BOOL": true}, "title": {"S": "Sample 2"}, "post_id": {"S": "p-9"},
          "likes": {"N": "102"}, "blog_id": {"S": "blog-1"}, "expires_at": {"N": "1428537000"}
        },
        "ApproximateCreationDateTime": 1428537602,
        "SequenceNumber": "4421584500000000017450439093",
        "SizeBytes": 38,
        "StreamViewType": "NEW_AND_OLD_IMAGES"
      },
      "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/posts/stream/2015-06-27T00:48:05.899"
    }
  ]
}"#;

#[test]
fn the_documented_sample_event() {
    let sample = |title: &str, likes: u64, tags: &[&str], expires_at: Option<i64>| Post {
        blog_id: "blog-1".into(),
        post_id: "p-9".into(),
        title: title.into(),
        like_count: likes,
        tags: tags.iter().map(|t| t.to_string()).collect(),
        published: true,
        expires_at,
    };
    let expected = [
        PostEvent::Insert {
            new: sample("Sample", 101, &["a", "b"], None),
        },
        PostEvent::Modify {
            old: sample("Sample", 101, &["a", "b"], None),
            new: sample("Sample 2", 102, &[], None),
        },
        PostEvent::Remove {
            old: sample("Sample 2", 102, &[], Some(1_428_537_000)),
            expired: true,
        },
    ];
    let ours: Vec<Record<PostEvent>> = Batch::from_json(AWS_SAMPLE.as_bytes())
        .unwrap()
        .records
        .into_iter()
        .map(|r| r.and_then(RawRecord::decode).unwrap())
        .collect();
    let event: aws_lambda_events::event::dynamodb::Event =
        serde_json::from_str(AWS_SAMPLE).unwrap();
    let theirs: Vec<Record<PostEvent>> = event
        .records
        .iter()
        .map(|r| PostEvent::from_lambda(r).unwrap())
        .collect();
    assert_eq!(ours, theirs);
    assert_eq!(
        ours.iter().map(|r| r.event.clone()).collect::<Vec<_>>(),
        expected
    );
    assert_eq!(ours[0].sequence_number, "4421584500000000017450439091");
    assert_eq!(ours[0].event_id, "c4ca4238a0b923820dcc509a6f75849b");
    assert_eq!(ours[0].table.as_deref(), Some("posts"));
    assert_eq!(ours[0].size_bytes, Some(26));
    assert_eq!(
        ours[1].approximate_creation_time,
        Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_428_537_601))
    );

    // A fractional time is kept to the nanosecond by our reader. (aws_lambda_events 1.2 reads
    // `.5` as 500 microseconds; DynamoDB Streams itself writes whole seconds.)
    let fractional = AWS_SAMPLE.replace("1428537601,", "1428537601.5,");
    let record = Batch::from_json(fractional.as_bytes())
        .unwrap()
        .records
        .remove(1)
        .unwrap();
    assert_eq!(
        record.approximate_creation_time,
        Some(SystemTime::UNIX_EPOCH + Duration::from_millis(1_428_537_601_500))
    );
}

/// Kinesis payloads carry the creation time in milliseconds, or microseconds when the table
/// is set so; a payload that does not say is read by magnitude.
#[test]
fn kinesis_creation_time_precision() {
    let payload = |time: &str, precision: Option<&str>| {
        let precision = precision
            .map(|p| format!(r#", "ApproximateCreationDateTimePrecision": "{p}""#))
            .unwrap_or_default();
        format!(
            r#"{{"awsRegion":"us-east-1","eventID":"e-1","eventName":"INSERT","userIdentity":null,
            "recordFormat":"application/json","tableName":"counters","eventSource":"aws:dynamodb",
            "dynamodb":{{"ApproximateCreationDateTime":{time},"Keys":{{"id":{{"N":"1"}}}},
            "NewImage":{{"id":{{"N":"1"}},"count":{{"N":"5"}}}},"SizeBytes":12{precision}}}}}"#
        )
    };
    let at = SystemTime::UNIX_EPOCH + Duration::from_millis(1_700_000_000_123);
    for (time, precision) in [
        ("1700000000123", Some("MILLISECOND")),
        ("1700000000123000", Some("MICROSECOND")),
        ("1700000000123", None),
        ("1700000000123000", None),
    ] {
        let record = CounterEvent::from_kinesis_data(
            payload(time, precision).as_bytes(),
            "49590338271490256608559692538361571095921575989136588898",
        )
        .unwrap();
        assert_eq!(
            record.approximate_creation_time,
            Some(at),
            "{time} {precision:?}"
        );
        assert_eq!(record.table.as_deref(), Some("counters"));
        assert_eq!(
            record.sequence_number,
            "49590338271490256608559692538361571095921575989136588898"
        );
        assert_eq!(
            record.event,
            CounterEvent::Insert {
                new: Counter { id: 1, count: 5 }
            }
        );
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, DynamoValue)]
enum Mood {
    Calm,
    Busy,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Extra {
    source: String,
    n: Vec<u8>,
}

/// Every codec type survives an image: written by the test kit as DynamoDB would send it,
/// read back by all three readers into an equal model.
#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "everything", stream = "new_and_old_images")]
struct Everything {
    #[dynamo(hash)]
    id: uuid::Uuid,
    #[dynamo(range)]
    at: chrono::DateTime<chrono::Utc>,
    text: String,
    flag: bool,
    small: i8,
    big: i128,
    unsigned: u64,
    ratio: f64,
    single: f32,
    bytes: Vec<u8>,
    blob: bytes::Bytes,
    maybe: Option<String>,
    nothing: Option<i64>,
    list: Vec<Option<i32>>,
    nested: Vec<Vec<String>>,
    names: BTreeSet<String>,
    numbers: HashSet<u16>,
    binaries: BTreeSet<Vec<u8>>,
    map: BTreeMap<String, Vec<bool>>,
    mood: Mood,
    moods: BTreeSet<Mood>,
    when: time::OffsetDateTime,
    day: chrono::NaiveDate,
    #[dynamo(serde)]
    extra: Extra,
}

#[test]
fn every_codec_type_in_images() {
    let value = Everything {
        id: uuid::Uuid::from_u128(0x1234_5678_9abc_def0_1234_5678_9abc_def0),
        at: chrono::DateTime::from_timestamp(1_700_000_000, 123_456_789).unwrap(),
        text: "ünïcødé \"quoted\" \\ \n".into(),
        flag: true,
        small: -128,
        big: -170_141_183_460_469_231_731_687_303_715_884,
        unsigned: u64::MAX,
        ratio: -0.000_123_456_789,
        single: 3.5,
        bytes: vec![0, 159, 146, 150],
        blob: bytes::Bytes::from_static(b"\xff\x00blob"),
        maybe: Some(String::new()),
        nothing: None,
        list: vec![Some(1), None, Some(-3)],
        nested: vec![vec![], vec!["a".into()]],
        names: ["x".to_owned(), "y".to_owned()].into(),
        numbers: [1, 2, 65535].into(),
        binaries: [vec![1u8], vec![2, 3]].into(),
        map: [("k".to_owned(), vec![true, false])].into(),
        mood: Mood::Busy,
        moods: [Mood::Calm, Mood::Busy].into(),
        when: time::OffsetDateTime::from_unix_timestamp_nanos(1_600_000_000_000_000_001).unwrap(),
        day: chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap(),
        extra: Extra {
            source: "import".into(),
            n: vec![7],
        },
    };
    let mut changed = value.clone();
    changed.text = "changed".into();
    changed.nothing = Some(0);
    let event = TestEvent::new().insert(&value).modify(&value, &changed);
    let records = decode_all::<EverythingEvent>(&event);
    assert_eq!(
        events(records),
        [
            EverythingEvent::Insert { new: value.clone() },
            EverythingEvent::Modify {
                old: value,
                new: changed
            },
        ]
    );
}
