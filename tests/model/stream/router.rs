//! Routing by table (any valid name, any region, the table prefix) and by an attribute value;
//! an unrouted record and a duplicate route are errors.

use std::sync::{Arc, Mutex};

use dynamo_types::stream::testing::TestEvent;
use dynamo_types::stream::{Dispatch, RawRecord, Record, Router, table_from_arn};
use dynamo_types::{DynamoModel, Error};

use super::{LogLine, LogLineEvent, Post, PostEvent, post};

/// Two models sharing one table, told apart by `kind`.
#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "app-data.v1", stream = "new_and_old_images")]
pub struct User {
    #[dynamo(hash)]
    pub pk: String,
    #[dynamo(range)]
    pub sk: String,
    pub kind: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "app-data.v1", stream = "new_and_old_images")]
pub struct Order {
    #[dynamo(hash)]
    pub pk: String,
    #[dynamo(range)]
    pub sk: String,
    pub kind: String,
    pub total: u64,
}

type Log = Arc<Mutex<Vec<String>>>;

fn logging<E: std::fmt::Debug + Send + 'static>(
    log: &Log,
    label: &'static str,
) -> impl Fn(Record<E>) -> std::future::Ready<Result<(), Error>> + Send + Sync + 'static {
    let log = log.clone();
    move |r: Record<E>| {
        log.lock().unwrap().push(format!(
            "{label} {} {}",
            r.table.unwrap_or_default(),
            r.sequence_number
        ));
        std::future::ready(Ok(()))
    }
}

async fn run(router: &Router, event: &TestEvent) -> Vec<Result<(), Error>> {
    let mut out = Vec::new();
    for r in event.to_batch().unwrap().records {
        out.push(router.dispatch(r.unwrap()).await);
    }
    out
}

#[tokio::test]
async fn by_table_with_a_prefix_and_tricky_names() {
    let log: Log = Arc::default();
    let router = Router::builder()
        .table_prefix("prod-eu.west_")
        .table::<Post>(logging::<PostEvent>(&log, "post"))
        .table::<LogLine>(logging::<LogLineEvent>(&log, "line"))
        .build()
        .unwrap();
    assert_eq!(
        router.tables().collect::<Vec<_>>(),
        ["prod-eu.west_posts", "prod-eu.west_events.v2-log"]
    );
    let line = LogLine {
        stream: "s".into(),
        at: 1,
        text: "t".into(),
    };
    let event = TestEvent::new()
        .table_prefix("prod-eu.west_")
        .region("us-gov-west-1")
        .insert(&post("p-1", "a"))
        .insert(&line);
    let results = run(&router, &event).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(
        *log.lock().unwrap(),
        [
            "post prod-eu.west_posts 000000000000000000100",
            "line prod-eu.west_events.v2-log 000000000000000000200"
        ]
    );

    // the same records without the prefix belong to other tables: unrouted
    let unprefixed = TestEvent::new().insert(&post("p-1", "a"));
    match &run(&router, &unprefixed).await[0] {
        Err(Error::Unrouted { reason, .. }) => {
            assert!(reason.contains("no route for table `posts`"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn table_names_from_real_arns() {
    for (arn, table) in [
        (
            "arn:aws:dynamodb:us-west-2:123456789012:table/ExampleTableWithStream/stream/2015-06-27T00:48:05.899",
            "ExampleTableWithStream",
        ),
        (
            "arn:aws-us-gov:dynamodb:us-gov-west-1:123456789012:table/prod-eu.west_events.v2-log/stream/2024-11-29T10:11:12.123",
            "prod-eu.west_events.v2-log",
        ),
        (
            "arn:aws-cn:dynamodb:cn-northwest-1:123456789012:table/a.b-c_d/stream/2020-01-01T00:00:00.000",
            "a.b-c_d",
        ),
        (
            "arn:aws:dynamodb:ddblocal:000000000000:table/t1_0_ab12_posts/stream/2024-11-29T19:12:56.789",
            "t1_0_ab12_posts",
        ),
    ] {
        assert_eq!(table_from_arn(arn), Some(table), "{arn}");
    }
}

#[tokio::test]
async fn by_attribute_within_one_table() {
    let log: Log = Arc::default();
    let router = Router::builder()
        .table_where::<User>("kind", "user", logging::<UserEvent>(&log, "user"))
        .table_where::<Order>("kind", "order", logging::<OrderEvent>(&log, "order"))
        .build()
        .unwrap();
    let user = User {
        pk: "u#1".into(),
        sk: "profile".into(),
        kind: "user".into(),
        name: "Ann".into(),
    };
    let order = Order {
        pk: "u#1".into(),
        sk: "order#1".into(),
        kind: "order".into(),
        total: 10,
    };
    let stray = User {
        kind: "invoice".into(),
        ..user.clone()
    };
    let event = TestEvent::new()
        .insert(&user)
        .insert(&order)
        .remove(&order)
        .insert(&stray);
    let results = run(&router, &event).await;
    assert!(results[..3].iter().all(Result::is_ok), "{results:?}");
    assert_eq!(
        *log.lock().unwrap(),
        [
            "user app-data.v1 000000000000000000100",
            "order app-data.v1 000000000000000000200",
            "order app-data.v1 000000000000000000300"
        ]
    );
    match &results[3] {
        Err(Error::Unrouted {
            sequence_number,
            reason,
        }) => {
            assert_eq!(sequence_number.as_deref(), Some("000000000000000000400"));
            assert_eq!(
                reason,
                "no route for `kind` = \"invoice\" in table `app-data.v1`"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn records_that_name_no_table_or_lack_the_attribute() {
    let router = Router::builder()
        .table_where::<User>("kind", "user", |_r: Record<UserEvent>| async {
            Ok::<_, Error>(())
        })
        .build()
        .unwrap();
    let mut raw = RawRecord {
        event_name: "INSERT".into(),
        sequence_number: Some("1".into()),
        ..RawRecord::default()
    };
    match router.dispatch(raw.clone()).await {
        Err(Error::Unrouted { reason, .. }) => {
            assert!(reason.contains("names no table"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    raw.table_name = Some("app-data.v1".into());
    raw.keys = Some(Default::default());
    match router.dispatch(raw).await {
        Err(Error::Unrouted { reason, .. }) => {
            assert!(
                reason.contains("attribute `kind`, which the record lacks"),
                "{reason}"
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn duplicate_routes_are_refused() {
    let ok = |_r: Record<UserEvent>| async { Ok::<_, Error>(()) };
    let cases = [
        Router::builder()
            .table::<User>(ok)
            .table::<Order>(|_r: Record<OrderEvent>| async { Ok::<_, Error>(()) }),
        Router::builder()
            .table::<User>(ok)
            .table_where::<User>("kind", "user", ok),
        Router::builder()
            .table_where::<User>("kind", "user", ok)
            .table::<User>(ok),
        Router::builder()
            .table_where::<User>("kind", "user", ok)
            .table_where::<User>("type", "order", ok),
        Router::builder()
            .table_where::<User>("kind", "user", ok)
            .table_where::<User>("kind", "user", ok),
    ];
    for builder in cases {
        match builder.build() {
            Err(Error::DuplicateRoute(message)) => {
                assert!(message.contains("app-data.v1"), "{message}")
            }
            other => panic!("{other:?}"),
        }
    }
}

/// A route by attribute needs every record to carry it: a key attribute does under every view
/// type, any other attribute only under `new_and_old_images`.
#[tokio::test]
async fn routes_by_attribute_that_some_records_lack_are_refused() {
    #[derive(Debug, Clone, PartialEq, DynamoModel)]
    #[dynamo(table = "shared", stream = "new_image")]
    pub struct Invoice {
        #[dynamo(hash)]
        pub pk: String,
        #[dynamo(range)]
        pub sk: String,
        pub kind: String,
    }
    #[derive(Debug, Clone, PartialEq, DynamoModel)]
    #[dynamo(table = "shared", stream = "keys_only")]
    pub struct Receipt {
        #[dynamo(hash)]
        pub pk: String,
        #[dynamo(range)]
        pub sk: String,
        pub kind: String,
    }
    let ok = |_r: Record<InvoiceEvent>| async { Ok::<_, Error>(()) };
    match Router::builder()
        .table_where::<Invoice>("kind", "invoice", ok)
        .build()
    {
        Err(Error::Validation(m)) => {
            assert!(
                m.contains("not a key attribute") && m.contains("new_and_old_images"),
                "{m}"
            )
        }
        other => panic!("{other:?}"),
    }
    // by the sort key: every record has it, whatever the view type
    let log: Log = Arc::default();
    let router = Router::builder()
        .table_where::<Receipt>("sk", "receipt#1", logging::<ReceiptEvent>(&log, "receipt"))
        .build()
        .unwrap();
    let receipt = Receipt {
        pk: "p".into(),
        sk: "receipt#1".into(),
        kind: "receipt".into(),
    };
    let event = TestEvent::new()
        .insert(&receipt)
        .modify(&receipt, &receipt)
        .remove(&receipt);
    let results = run(&router, &event).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(log.lock().unwrap().len(), 3);
}
