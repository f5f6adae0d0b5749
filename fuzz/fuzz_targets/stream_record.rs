//! Stream record decoding: Lambda events as JSON (`Batch`, `EventBatch`), the same records
//! through `aws_lambda_events` (`from_lambda`), through `aws-sdk-dynamodbstreams` records
//! (`from_streams`), and Kinesis change documents (`from_kinesis_data`).
//!
//! The first byte picks the input: raw JSON (the rest of the bytes), or an event the target
//! writes from structured input (records whose images are edits of a valid item).
//!
//! Properties: nothing panics; the two JSON readers agree on every input (both refuse the
//! event, or read as many records, each decoding to the same record or failing in both); a
//! record `Batch` reads, rebuilt as an SDK streams record, reads back the same through
//! `from_streams` and decodes to the same event; where `aws_lambda_events` reads the event
//! too, its records decode to the same events.

#![no_main]

use std::collections::HashMap;

use arbitrary::{Arbitrary, Unstructured};
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodbstreams::primitives::{Blob, DateTime};
use aws_sdk_dynamodbstreams::types::{self as streams, OperationType, StreamViewType};
use dynamo_types::stream::testing::item_json;
use dynamo_types::stream::{Batch, EventBatch, RawRecord, StreamEvent};
use dynamo_types::{DynamoModel, Item, ModelKey};
use dynamo_types_fuzz::{EverythingEvent, ItemInput, sample, valid_item};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

#[derive(Debug, Arbitrary)]
struct RecordInput {
    kind: u8,
    sequence: Option<u16>,
    event_id: bool,
    ttl: bool,
    time: Option<u32>,
    keys: Option<ItemInput>,
    new: Option<ItemInput>,
    old: Option<ItemInput>,
}

fn image(input: &Option<ItemInput>, valid: &Item) -> Option<Value> {
    input.as_ref().map(|i| item_json(&i.build(valid)))
}

fn event_json(records: &[RecordInput]) -> Vec<u8> {
    let valid = valid_item();
    let key = sample().key().to_key_item().unwrap();
    let records: Vec<Value> = records
        .iter()
        .map(|r| {
            let mut change = serde_json::Map::new();
            let mut put = |name: &str, value: Option<Value>| {
                if let Some(value) = value {
                    change.insert(name.to_owned(), value);
                }
            };
            put("Keys", image(&r.keys, &key));
            put("NewImage", image(&r.new, &valid));
            put("OldImage", image(&r.old, &valid));
            put("SequenceNumber", r.sequence.map(|s| json!(s.to_string())));
            put("ApproximateCreationDateTime", r.time.map(|t| json!(t)));
            put("StreamViewType", Some(json!("NEW_AND_OLD_IMAGES")));
            let name = ["INSERT", "MODIFY", "REMOVE", "insert"][usize::from(r.kind % 4)];
            let mut record = json!({
                "eventName": name,
                "eventSource": "aws:dynamodb",
                "eventSourceARN": "arn:aws:dynamodb:us-east-1:1:table/everything/stream/x",
                "dynamodb": change,
            });
            if r.event_id {
                record["eventID"] = json!("e-1");
            }
            if r.ttl {
                record["userIdentity"] =
                    json!({"type": "Service", "principalId": "dynamodb.amazonaws.com"});
            }
            record
        })
        .collect();
    json!({ "Records": records }).to_string().into_bytes()
}

fn streams_value(value: &AttributeValue) -> streams::AttributeValue {
    use streams::AttributeValue as S;
    match value {
        AttributeValue::S(s) => S::S(s.clone()),
        AttributeValue::N(n) => S::N(n.clone()),
        AttributeValue::B(b) => S::B(Blob::new(b.as_ref())),
        AttributeValue::Bool(b) => S::Bool(*b),
        AttributeValue::Null(b) => S::Null(*b),
        AttributeValue::Ss(v) => S::Ss(v.clone()),
        AttributeValue::Ns(v) => S::Ns(v.clone()),
        AttributeValue::Bs(v) => S::Bs(v.iter().map(|b| Blob::new(b.as_ref())).collect()),
        AttributeValue::L(v) => S::L(v.iter().map(streams_value).collect()),
        AttributeValue::M(m) => S::M(
            m.iter()
                .map(|(k, v)| (k.clone(), streams_value(v)))
                .collect(),
        ),
        other => panic!("the JSON reader made {other:?}"),
    }
}

fn streams_item(item: &Option<Item>) -> Option<HashMap<String, streams::AttributeValue>> {
    item.as_ref().map(|item| {
        item.iter()
            .map(|(k, v)| (k.clone(), streams_value(v)))
            .collect()
    })
}

/// `raw` as `aws-sdk-dynamodbstreams` would hand it over.
fn streams_record(raw: &RawRecord) -> streams::Record {
    let change = streams::StreamRecord::builder()
        .set_keys(streams_item(&raw.keys))
        .set_new_image(streams_item(&raw.new_image))
        .set_old_image(streams_item(&raw.old_image))
        .set_sequence_number(raw.sequence_number.clone())
        .set_size_bytes(raw.size_bytes.and_then(|s| i64::try_from(s).ok()))
        .set_stream_view_type(raw.view_type.as_deref().map(StreamViewType::from))
        .set_approximate_creation_date_time(raw.approximate_creation_time.map(DateTime::from))
        .build();
    streams::Record::builder()
        .set_event_id(raw.event_id.clone())
        .event_name(OperationType::from(raw.event_name.as_str()))
        .dynamodb(change)
        .set_user_identity(raw.user_identity.as_ref().map(|u| {
            streams::Identity::builder()
                .r#type(u.identity_type.clone())
                .principal_id(u.principal_id.clone())
                .build()
        }))
        .build()
}

fn check(json: &[u8]) {
    let batch = Batch::from_json(json);
    let typed = EventBatch::<EverythingEvent>::from_json(json);
    let lambda = serde_json::from_slice::<aws_lambda_events::event::dynamodb::Event>(json).ok();
    let _ = EverythingEvent::from_kinesis_data(json, "1");
    let (batch, typed) = match (batch, typed) {
        (Ok(batch), Ok(typed)) => (batch, typed),
        (Err(_), Err(_)) => return,
        (batch, typed) => panic!("the readers disagree: {batch:?} vs {typed:?}"),
    };
    assert_eq!(batch.records.len(), typed.records.len());
    for (at, (raw, straight)) in batch.records.into_iter().zip(typed.records).enumerate() {
        let via_raw = match &raw {
            Ok(raw) => raw.clone().decode::<EverythingEvent>().map_err(|_| ()),
            Err(_) => Err(()),
        };
        match (&via_raw, &straight) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "record {at}"),
            (Err(_), Err(_)) => {}
            _ => panic!("record {at}: through items {via_raw:?}, straight {straight:?}"),
        }
        if let Ok(raw) = &raw {
            let sdk = streams_record(raw);
            let back = RawRecord::from_streams(sdk.clone()).expect("an SDK record of ours reads");
            let expected = RawRecord {
                event_source_arn: None,
                table_name: None,
                event_name: OperationType::from(raw.event_name.as_str())
                    .as_str()
                    .to_owned(),
                ..raw.clone()
            };
            assert_eq!(back, expected, "record {at}");
            let from_sdk = EverythingEvent::from_streams(&sdk);
            match (&via_raw, &from_sdk) {
                (Ok(a), Ok(b)) => assert_eq!(a.event, b.event, "record {at}"),
                (Err(_), Err(_)) => {}
                _ => panic!("record {at}: from JSON {via_raw:?}, from the SDK {from_sdk:?}"),
            }
        }
        if let Some(lambda) = &lambda
            && let Some(record) = lambda.records.get(at)
            && let (Ok(a), Ok(b)) = (&via_raw, EverythingEvent::from_lambda(record))
        {
            assert_eq!(a.event, b.event, "record {at}");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        check(rest);
    } else if let Ok(records) = Vec::<RecordInput>::arbitrary_take_rest(Unstructured::new(rest)) {
        check(&event_json(&records));
    }
});
