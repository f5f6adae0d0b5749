//! Tracing spans: one per request sent, named and attributed after OpenTelemetry's semantic
//! conventions for DynamoDB, with no key or item value in any field. Spans are captured per test
//! thread (`#[tokio::test]` runs on one thread) through one global subscriber
//! (`tests/support/spans.rs`).

use dynamo_types::{DynamoModel, DynamoProjection, Error};

use crate::proxy::{Fault, Proxy};
use crate::span_capture::{Captured, capture};

/// Key and item values that must never show in a span.
const SECRET_KEY: &str = "alice@example.com";
const SECRET_VALUE: &str = "Alice Liddell, 7 Wonderland Row";

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "patients")]
#[dynamo(gsi(name = "by_ward", hash = "ward", range = "admitted"))]
pub struct Patient {
    #[dynamo(hash)]
    pub email: String,
    #[dynamo(range)]
    pub visit: u32,
    pub ward: String,
    pub admitted: i64,
    pub address: String,
}

#[derive(Debug, Clone, PartialEq, DynamoProjection)]
#[dynamo(model = Patient)]
pub struct WardOnly {
    pub ward: String,
}

fn patient(email: &str, visit: u32) -> Patient {
    Patient {
        email: email.to_owned(),
        visit,
        ward: "north".to_owned(),
        admitted: 1_700_000_000 + i64::from(visit),
        address: SECRET_VALUE.to_owned(),
    }
}

/// Asserts the fields every request span has, and that no field holds a key or item value.
fn assert_request_span(span: &Captured, operation: &str, table: &str) {
    assert_eq!(span.name, format!("DynamoDB.{operation}"), "{span:?}");
    assert_eq!(span.get("otel.name"), Some(span.name));
    assert_eq!(span.get("otel.kind"), Some("client"));
    assert_eq!(span.get("db.system.name"), Some("aws.dynamodb"));
    assert_eq!(span.get("db.operation.name"), Some(operation));
    assert_eq!(span.get("rpc.system"), Some("aws-api"));
    assert_eq!(span.get("rpc.service"), Some("DynamoDB"));
    assert_eq!(span.get("rpc.method"), Some(operation));
    assert_eq!(
        span.get("aws.dynamodb.table_names"),
        Some(table),
        "{span:?}"
    );
    assert_no_values(span);
}

fn assert_no_values(span: &Captured) {
    for (field, value) in &span.fields {
        for secret in [SECRET_KEY, "alice", SECRET_VALUE, "Wonderland"] {
            assert!(
                !value.contains(secret),
                "span {} field {field} holds a value: {value}",
                span.name
            );
        }
    }
}

fn only<'a>(spans: &'a [Captured], name: &str) -> &'a Captured {
    let found: Vec<&Captured> = spans.iter().filter(|s| s.name == name).collect();
    assert_eq!(found.len(), 1, "one {name} span in {spans:#?}");
    found[0]
}

#[tokio::test]
async fn every_request_has_a_span_named_and_attributed_after_the_conventions() {
    let client = crate::common::client().await;
    let table = Patient::table(&client);
    table.create_table().await.unwrap();
    let name = table.name().to_owned();
    let (capture, _guard) = capture();

    // PutItem, GetItem (consistent, projected), UpdateItem, DeleteItem
    table
        .writer()
        .put(&mut patient(SECRET_KEY, 1))
        .await
        .unwrap();
    let pk = table.primary_key();
    let got = pk
        .get(SECRET_KEY, 1)
        .consistent()
        .project::<WardOnly>()
        .await
        .unwrap();
    assert_eq!(got.map(|p| p.ward), Some("north".to_owned()));
    let f = Patient::fields();
    pk.update(
        SECRET_KEY,
        1,
        Patient::update().set(&f.address, SECRET_VALUE),
    )
    .await
    .unwrap();
    pk.delete(SECRET_KEY, 7).await.unwrap();
    let spans = capture.take();
    let names: Vec<&str> = spans.iter().map(|s| s.name).collect();
    assert_eq!(
        names,
        [
            "DynamoDB.PutItem",
            "DynamoDB.GetItem",
            "DynamoDB.UpdateItem",
            "DynamoDB.DeleteItem"
        ]
    );
    assert_request_span(&spans[0], "PutItem", &name);
    assert_request_span(&spans[1], "GetItem", &name);
    assert_eq!(spans[1].get("aws.dynamodb.consistent_read"), Some("true"));
    // what the request reads: the projection's attribute and the table's key
    assert_eq!(
        spans[1].get("aws.dynamodb.projection"),
        Some("ward, email, visit")
    );
    assert_request_span(&spans[2], "UpdateItem", &name);
    assert_request_span(&spans[3], "DeleteItem", &name);
    for span in &spans {
        assert_eq!(span.get("otel.status_code"), None, "{span:?}");
        assert_eq!(span.get("http.request.resend_count"), None, "{span:?}");
    }

    // BatchWriteItem: 30 puts are two requests (25 + 5), each a span of its own.
    let mut many: Vec<Patient> = (0..30).map(|i| patient(SECRET_KEY, 100 + i)).collect();
    table.writer().batch_put(&mut many).await.unwrap();
    let spans = capture.take();
    assert_eq!(spans.len(), 2, "{spans:#?}");
    let mut sizes: Vec<&str> = Vec::new();
    for span in &spans {
        assert_request_span(span, "BatchWriteItem", &name);
        assert_eq!(span.get("dynamo_types.batch.attempt"), Some("1"));
        assert_eq!(span.get("dynamo_types.batch.unprocessed"), Some("0"));
        sizes.push(span.get("dynamo_types.batch.requested").unwrap());
    }
    sizes.sort_unstable();
    assert_eq!(sizes, ["25", "5"]);

    // BatchGetItem with consumed capacity asked for: recorded as DynamoDB's JSON.
    let keys: Vec<(String, u32)> = (0..3).map(|i| (SECRET_KEY.to_owned(), 100 + i)).collect();
    let (read, _) = pk.batch_get(keys).return_consumed_capacity().await.unwrap();
    assert_eq!(read.len(), 3);
    let spans = capture.take();
    let span = only(&spans, "DynamoDB.BatchGetItem");
    assert_request_span(span, "BatchGetItem", &name);
    assert_eq!(span.get("dynamo_types.batch.requested"), Some("3"));
    let capacity = span.get("aws.dynamodb.consumed_capacity").unwrap();
    assert!(
        capacity.starts_with(&format!("[{{\"TableName\":\"{name}\",\"CapacityUnits\":")),
        "{capacity}"
    );

    // Query on an index, with a page size: index, limit, count, direction.
    let page = table
        .by_ward()
        .query("north")
        .page_size(4)
        .descending()
        .await
        .unwrap();
    assert_eq!(page.items.len(), 4);
    let spans = capture.take();
    let span = only(&spans, "DynamoDB.Query");
    assert_request_span(span, "Query", &name);
    assert_eq!(span.get("aws.dynamodb.index_name"), Some("by_ward"));
    assert_eq!(span.get("aws.dynamodb.limit"), Some("4"));
    assert_eq!(span.get("aws.dynamodb.count"), Some("4"));
    assert_eq!(span.get("aws.dynamodb.scanned_count"), Some("4"));
    assert_eq!(span.get("aws.dynamodb.scan_forward"), Some("false"));
    assert_eq!(span.get("aws.dynamodb.consistent_read"), Some("false"));

    // A parallel scan: one span per segment request, each with its segment.
    let all = pk.scan().segments(3).await.unwrap();
    assert_eq!(all.items.len(), 31);
    let spans = capture.take();
    let mut segments: Vec<&str> = spans
        .iter()
        .map(|span| {
            assert_request_span(span, "Scan", &name);
            assert_eq!(span.get("aws.dynamodb.total_segments"), Some("3"));
            span.get("aws.dynamodb.segment").unwrap()
        })
        .collect();
    segments.sort_unstable();
    segments.dedup();
    assert_eq!(segments, ["0", "1", "2"]);

    // A transaction over one table, and a failed conditional write.
    client
        .transact_write()
        .put(&table, &mut patient(SECRET_KEY, 2))
        .delete(&table, &patient(SECRET_KEY, 1))
        .await
        .unwrap();
    let failed = table
        .writer()
        .put_if_absent(&mut patient(SECRET_KEY, 2))
        .await;
    assert!(matches!(failed, Err(Error::ConditionalCheckFailed { .. })));
    let spans = capture.take();
    assert_eq!(spans.len(), 2, "{spans:#?}");
    assert_request_span(&spans[0], "TransactWriteItems", &name);
    assert_eq!(spans[0].get("dynamo_types.transaction.actions"), Some("2"));
    assert_request_span(&spans[1], "PutItem", &name);
    assert_eq!(spans[1].get("otel.status_code"), Some("ERROR"));
    assert_eq!(
        spans[1].get("error.type"),
        Some("ConditionalCheckFailedException")
    );

    // A read transaction: one span, its actions counted.
    let (read,): (Option<Patient>,) = client
        .transact_get((table.primary_key().get(SECRET_KEY, 2),))
        .await
        .unwrap();
    assert!(read.is_some());
    let spans = capture.take();
    let span = only(&spans, "DynamoDB.TransactGetItems");
    assert_request_span(span, "TransactGetItems", &name);
    assert_eq!(span.get("dynamo_types.transaction.actions"), Some("1"));
    table.delete_table().await.unwrap();
}

#[tokio::test]
async fn a_resent_request_says_how_often_and_a_lost_one_says_why() {
    let direct = crate::common::client().await;
    let proxy = Proxy::in_front_of_test_server(31).await;
    let through = proxy.client(&direct).await;
    Patient::table(&direct).create_table().await.unwrap();
    let table = Patient::table(&through);
    let (capture, _guard) = capture();

    // Throttled twice, then answered: the SDK's third attempt succeeds in one span.
    proxy.times("GetItem", Fault::Throttle, 2);
    let got = table.primary_key().get(SECRET_KEY, 1).await.unwrap();
    assert_eq!(got, None);
    let spans = capture.take();
    let span = only(&spans, "DynamoDB.GetItem");
    assert_request_span(span, "GetItem", table.name());
    assert_eq!(span.get("http.request.resend_count"), Some("2"));
    assert_eq!(span.get("otel.status_code"), None);

    // Throttled on every attempt: the span ends in DynamoDB's error code.
    proxy.at_rate("PutItem", Fault::Throttle, 1.0);
    let put = table.writer().put(&mut patient(SECRET_KEY, 1)).await;
    assert!(put.as_ref().is_err_and(Error::is_throttling), "{put:?}");
    let spans = capture.take();
    let span = only(&spans, "DynamoDB.PutItem");
    assert_eq!(span.get("otel.status_code"), Some("ERROR"));
    assert_eq!(
        span.get("error.type"),
        Some("ProvisionedThroughputExceededException")
    );
    assert_eq!(span.get("http.request.resend_count"), Some("2"));

    // No answer at all: the span says so in place of an error code.
    proxy.heal();
    proxy.at_rate("GetItem", Fault::DropBefore, 1.0);
    let lost = table.primary_key().get(SECRET_KEY, 1).await;
    assert!(lost.as_ref().is_err_and(Error::is_unanswered), "{lost:?}");
    let spans = capture.take();
    let span = only(&spans, "DynamoDB.GetItem");
    assert_eq!(span.get("otel.status_code"), Some("ERROR"));
    assert_eq!(span.get("error.type"), Some("DispatchFailure"));

    // A client made from another's SDK client counts each attempt once, not twice.
    proxy.heal();
    let again =
        dynamo_types::Client::new(through.sdk().clone()).with_table_prefix(direct.table_prefix());
    proxy.times("GetItem", Fault::Throttle, 1);
    Patient::table(&again)
        .primary_key()
        .get(SECRET_KEY, 1)
        .await
        .unwrap();
    let spans = capture.take();
    let span = only(&spans, "DynamoDB.GetItem");
    assert_eq!(span.get("http.request.resend_count"), Some("1"));
    proxy.heal();
    Patient::table(&direct).delete_table().await.unwrap();
}
