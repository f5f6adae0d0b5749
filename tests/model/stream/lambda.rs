//! Lambda's partial batch failures: records run in order, the first failure stops the batch and
//! is the one batch item failure, so that Lambda retries from exactly that record.

use std::sync::{Arc, Mutex};

use dynamo_types::Error;
use dynamo_types::lambda;
use dynamo_types::stream::testing::TestEvent;
use dynamo_types::stream::{Batch, Router};
use serde_json::json;

use super::{Counter, CounterEvent, Post, PostEvent, post};

fn five_posts() -> TestEvent {
    (1..=5).fold(TestEvent::new(), |event, i| {
        event.insert(&post(&format!("p-{i}"), "t"))
    })
}

fn failures(response: &lambda::DynamoDbEventResponse) -> Vec<String> {
    response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.clone().unwrap_or_default())
        .collect()
}

/// A handler that records which posts it saw and fails on `p-3`.
fn failing_on_p3(seen: Arc<Mutex<Vec<String>>>) -> dynamo_types::stream::TableHandler<Post> {
    PostEvent::handler().on_insert(move |r| {
        let seen = seen.clone();
        async move {
            seen.lock().unwrap().push(r.event.new.post_id.clone());
            if r.event.new.post_id == "p-3" {
                return Err(Error::Validation("p-3 is refused".into()));
            }
            Ok(())
        }
    })
}

#[tokio::test]
async fn the_failed_record_is_reported_and_nothing_after_it_runs() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let handler = failing_on_p3(seen.clone());
    let event = five_posts();
    let response = lambda::handle(event.to_lambda_event().unwrap(), &handler).await;
    assert_eq!(failures(&response), ["000000000000000000300"]);
    assert_eq!(*seen.lock().unwrap(), ["p-1", "p-2", "p-3"]);
    assert_eq!(
        serde_json::to_value(&response).unwrap(),
        json!({ "batchItemFailures": [{ "itemIdentifier": "000000000000000000300" }] })
    );

    // the same through the JSON reader `lambda::run` uses, and through Kinesis records
    seen.lock().unwrap().clear();
    let response = lambda::handle(event.to_batch().unwrap(), &handler).await;
    assert_eq!(failures(&response), ["000000000000000000300"]);
    seen.lock().unwrap().clear();
    let response = lambda::handle(event.to_kinesis_event().unwrap(), &handler).await;
    assert_eq!(failures(&response), ["000000000000000000300"]);
    assert_eq!(*seen.lock().unwrap(), ["p-1", "p-2", "p-3"]);

    // `process` gives the error itself
    match lambda::process(event.to_batch().unwrap(), &handler).await {
        Err(e @ Error::Handler { .. }) => {
            assert_eq!(e.sequence_number(), Some("000000000000000000300"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn all_succeeded_is_an_empty_response() {
    let handler = PostEvent::handler().on_insert(|_| async { Ok::<_, Error>(()) });
    let response = lambda::handle(five_posts().to_batch().unwrap(), &handler).await;
    assert!(response.batch_item_failures.is_empty());
    assert_eq!(
        serde_json::to_value(&response).unwrap(),
        json!({ "batchItemFailures": [] })
    );
    assert_eq!(
        lambda::process(five_posts().to_batch().unwrap(), &handler)
            .await
            .unwrap(),
        5
    );
}

#[tokio::test]
async fn a_record_that_does_not_decode_is_the_failure() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let handler = failing_on_p3(seen.clone());
    let mut records = five_posts().records().unwrap();
    records[1]["dynamodb"]["NewImage"]["title"] = json!({ "NS": ["1"] });
    let text = json!({ "Records": records }).to_string();
    let response = lambda::handle(Batch::from_json(text.as_bytes()).unwrap(), &handler).await;
    assert_eq!(failures(&response), ["000000000000000000200"]);
    assert_eq!(*seen.lock().unwrap(), ["p-1"]);

    // an attribute type serde_dynamo does not know: aws_lambda_events cannot read the event at
    // all, our reader fails that one record
    records[1]["dynamodb"]["NewImage"]["title"] = json!({ "Z": "?" });
    let text = json!({ "Records": records }).to_string();
    assert!(serde_json::from_str::<aws_lambda_events::event::dynamodb::Event>(&text).is_err());
    seen.lock().unwrap().clear();
    let response = lambda::handle(Batch::from_json(text.as_bytes()).unwrap(), &handler).await;
    assert_eq!(failures(&response), ["000000000000000000200"]);
    assert_eq!(*seen.lock().unwrap(), ["p-1"]);
}

#[tokio::test]
async fn a_failed_record_without_a_sequence_number_fails_the_whole_batch() {
    let handler = PostEvent::handler();
    let mut records = five_posts().records().unwrap();
    records[0]["dynamodb"]
        .as_object_mut()
        .unwrap()
        .remove("SequenceNumber");
    let text = json!({ "Records": records }).to_string();
    let response = lambda::handle(Batch::from_json(text.as_bytes()).unwrap(), &handler).await;
    // Lambda takes an empty item identifier as a failure of the whole batch
    assert_eq!(failures(&response), [""]);
}

#[tokio::test]
async fn an_unrouted_record_is_the_failure() {
    let router = Router::builder()
        .table::<Post>(PostEvent::handler())
        .build()
        .unwrap();
    let event = TestEvent::new()
        .insert(&post("p-1", "a"))
        .insert(&Counter { id: 1, count: 1 })
        .insert(&post("p-2", "b"));
    match lambda::process(event.to_batch().unwrap(), &router).await {
        Err(Error::Unrouted {
            sequence_number,
            reason,
        }) => {
            assert_eq!(sequence_number.as_deref(), Some("000000000000000000200"));
            assert!(reason.contains("no route for table `counters`"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    let response = lambda::handle(event.to_batch().unwrap(), &router).await;
    assert_eq!(failures(&response), ["000000000000000000200"]);
    let _ = CounterEvent::handler();
}

/// What `lambda::run` serves: a `TableHandler` reads the event straight into its model's
/// events (`EventBatch`, deserialized as `lambda_runtime` does), a router reads raw records;
/// both answer exactly as `handle` does.
#[tokio::test]
async fn run_answers_as_handle_does() {
    use dynamo_types::lambda::{LambdaHandler, RawRecords};
    use dynamo_types::stream::EventBatch;

    let seen = Arc::new(Mutex::new(Vec::new()));
    let handler = Arc::new(failing_on_p3(seen.clone()));
    let mut records = five_posts().records().unwrap();
    let good = json!({ "Records": records.clone() }).to_string();
    records[1]["dynamodb"]["NewImage"]["likes"] = json!({ "N": "many" });
    let malformed = json!({ "Records": records }).to_string();
    let kinesis = five_posts().to_kinesis_json().unwrap();
    for text in [&good, &malformed, &kinesis] {
        seen.lock().unwrap().clear();
        let expected =
            lambda::handle(Batch::from_json(text.as_bytes()).unwrap(), handler.as_ref()).await;
        let seen_by_handle = seen.lock().unwrap().clone();
        seen.lock().unwrap().clear();
        let event: EventBatch<PostEvent> = serde_json::from_str(text).unwrap();
        let answered = handler.handle_event(event).await;
        assert_eq!(answered, expected, "{text}");
        assert_eq!(*seen.lock().unwrap(), seen_by_handle);
        let raw = RawRecords(handler.clone())
            .handle_event(serde_json::from_str(text).unwrap())
            .await;
        assert_eq!(raw, expected);
    }
    assert_eq!(
        failures(
            &lambda::handle(
                Batch::from_json(malformed.as_bytes()).unwrap(),
                handler.as_ref()
            )
            .await
        ),
        ["000000000000000000200"]
    );
}

/// Each batch Lambda hands over is one span (`dynamo_types.stream_batch`, kind consumer) with
/// the number of records, how many were handled, and the kind of error that stopped it (not
/// its text, which can hold item values).
#[tokio::test]
async fn a_batch_is_one_span_saying_how_far_it_got() {
    let (capture, _guard) = crate::span_capture::capture();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let handler = failing_on_p3(seen.clone());
    lambda::handle(five_posts().to_batch().unwrap(), &handler).await;
    let ok = PostEvent::handler().on_insert(|_| async { Ok::<_, Error>(()) });
    lambda::handle(five_posts().to_lambda_event().unwrap(), &ok).await;
    let spans = capture.take();
    assert_eq!(spans.len(), 2, "{spans:#?}");
    for span in &spans {
        assert_eq!(span.name, "dynamo_types.stream_batch");
        assert_eq!(span.get("otel.kind"), Some("consumer"));
        assert_eq!(span.get("dynamo_types.stream.source"), Some("lambda"));
        assert_eq!(span.get("messaging.batch.message_count"), Some("5"));
        for value in span.fields.values() {
            assert!(!value.contains("refused"), "{span:?}");
        }
    }
    assert_eq!(spans[0].get("dynamo_types.stream.handled"), Some("2"));
    assert_eq!(spans[0].get("otel.status_code"), Some("ERROR"));
    assert_eq!(spans[0].get("error.type"), Some("Handler"));
    assert_eq!(spans[1].get("dynamo_types.stream.handled"), Some("5"));
    assert_eq!(spans[1].get("otel.status_code"), None);
}
