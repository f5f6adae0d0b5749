//! Handlers per kind and per record: each closure gets what its kind carries, kinds without a
//! handler are skipped, and a handler's error comes back with the record's sequence number.

use std::sync::{Arc, Mutex};

use dynamo_types::Error;
use dynamo_types::stream::testing::TestEvent;
use dynamo_types::stream::{
    Batch, BoxError, Dispatch, EventKind, Handler, Record, StreamEvent, TableHandler,
};

use super::{Counter, CounterEvent, Post, PostEvent, post};

type Log = Arc<Mutex<Vec<String>>>;

async fn dispatch_all(handler: &impl Dispatch, batch: Batch) -> Vec<Result<(), Error>> {
    let mut out = Vec::new();
    for record in batch.records {
        out.push(handler.dispatch(record.unwrap()).await);
    }
    out
}

fn changes() -> TestEvent {
    let old = post("p-1", "a");
    let new = post("p-1", "b");
    TestEvent::new()
        .insert(&old)
        .modify(&old, &new)
        .remove(&new)
        .expire(&new)
}

#[tokio::test]
async fn kinds_get_their_payload_and_unhandled_kinds_are_skipped() {
    let log: Log = Arc::default();
    let (l1, l2) = (log.clone(), log.clone());
    let handler = PostEvent::handler()
        .on_insert(move |r| {
            let log = l1.clone();
            async move {
                log.lock().unwrap().push(format!(
                    "insert {} {}",
                    r.sequence_number, r.event.new.title
                ));
                Ok::<_, Error>(())
            }
        })
        .on_remove(move |r| {
            let log = l2.clone();
            async move {
                log.lock().unwrap().push(format!(
                    "remove {} expired={}",
                    r.event.old.title, r.event.expired
                ));
                Ok::<_, Error>(())
            }
        });
    assert!(handler.handles(EventKind::Insert));
    assert!(!handler.handles(EventKind::Modify));
    let results = dispatch_all(&handler, changes().to_batch().unwrap()).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(
        *log.lock().unwrap(),
        [
            "insert 000000000000000000100 a",
            "remove b expired=false",
            "remove b expired=true"
        ]
    );
}

#[tokio::test]
async fn on_record_takes_the_kinds_without_their_own_handler() {
    let log: Log = Arc::default();
    let (l1, l2) = (log.clone(), log.clone());
    let handler = TableHandler::<Post>::new()
        .on_modify(move |r| {
            let log = l1.clone();
            async move {
                log.lock().unwrap().push(format!(
                    "modify {} -> {}",
                    r.event.old.title, r.event.new.title
                ));
                Ok::<_, Error>(())
            }
        })
        .on_record(move |r: Record<PostEvent>| {
            let log = l2.clone();
            async move {
                log.lock()
                    .unwrap()
                    .push(format!("record {:?}", r.event.kind()));
                Ok::<_, Error>(())
            }
        });
    dispatch_all(&handler, changes().to_batch().unwrap()).await;
    assert_eq!(
        *log.lock().unwrap(),
        [
            "record Insert",
            "modify a -> b",
            "record Remove",
            "record Remove"
        ]
    );
}

#[tokio::test]
async fn a_handler_error_is_returned_with_the_sequence_number() {
    #[derive(Debug)]
    struct Refused;
    impl std::fmt::Display for Refused {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("refused")
        }
    }
    impl std::error::Error for Refused {}

    let handler = PostEvent::handler().on_modify(|_| async { Err(Refused) });
    let results = dispatch_all(&handler, changes().to_batch().unwrap()).await;
    assert!(results[0].is_ok());
    match &results[1] {
        Err(Error::Handler {
            sequence_number,
            source,
        }) => {
            assert_eq!(sequence_number.as_deref(), Some("000000000000000000200"));
            assert!(source.downcast_ref::<Refused>().is_some());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        results[1].as_ref().unwrap_err().to_string(),
        "the handler failed on stream record `000000000000000000200`: refused"
    );
}

/// A handler as a type: `Handler<M>` implemented by hand, used through the router.
struct Totals(Arc<Mutex<i64>>);

impl Handler<Counter> for Totals {
    async fn handle(&self, record: Record<CounterEvent>) -> Result<(), BoxError> {
        if let CounterEvent::Insert { new } | CounterEvent::Modify { new } = record.event {
            *self.0.lock().unwrap() += new.count;
        }
        Ok(())
    }
}

#[tokio::test]
async fn handlers_as_types_and_closures() {
    let total = Arc::new(Mutex::new(0));
    let router = dynamo_types::stream::Router::builder()
        .table::<Counter>(Totals(total.clone()))
        .table::<Post>(|r: Record<PostEvent>| async move {
            assert_eq!(r.event.key().blog_id, "blog-1");
            Ok::<_, BoxError>(())
        })
        .build()
        .unwrap();
    let a = Counter { id: 1, count: 5 };
    let b = Counter { id: 1, count: 7 };
    let event = TestEvent::new()
        .insert(&a)
        .modify(&a, &b)
        .insert(&post("p-1", "x"));
    let results = dispatch_all(&router, event.to_batch().unwrap()).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(*total.lock().unwrap(), 12);
}

#[tokio::test]
async fn a_malformed_record_fails_even_when_its_kind_is_not_handled() {
    let handler = PostEvent::handler().on_insert(|_| async { Ok::<_, Error>(()) });
    let mut records = changes().records().unwrap();
    records[2]["dynamodb"]["OldImage"]["likes"] = serde_json::json!({ "S": "x" });
    let batch = Batch::from_json(
        serde_json::json!({ "Records": records })
            .to_string()
            .as_bytes(),
    )
    .unwrap();
    let results = dispatch_all(&handler, batch).await;
    assert!(results[1].is_ok(), "a MODIFY with no handler is skipped");
    assert!(
        matches!(&results[2], Err(Error::StreamRecord { sequence_number: Some(s), .. }) if s == "000000000000000000300"),
        "{:?}",
        results[2]
    );
}

#[test]
fn events_are_plain_values() {
    let a = post("p-1", "a");
    let event = PostEvent::Insert { new: a.clone() };
    assert_eq!(event.clone(), event);
    assert_eq!(format!("{event:?}"), format!("Insert {{ new: {a:?} }}"));
    assert_ne!(
        event,
        PostEvent::Remove {
            old: a,
            expired: false
        }
    );
    let change = StreamEvent::into_change(event.clone());
    assert_eq!(PostEvent::from_change(change), event);
}

/// A `TableHandler` serves one table: a record from another (a function subscribed to two
/// tables, a prefix not set) is refused, not decoded as its model because it happens to fit.
#[tokio::test]
async fn a_table_handler_refuses_records_of_other_tables() {
    let handler = PostEvent::handler().on_insert(|_| async { Ok::<_, Error>(()) });
    let prefixed = TestEvent::new()
        .table_prefix("prod_")
        .insert(&post("p-1", "a"));
    let results = dispatch_all(&handler, prefixed.to_batch().unwrap()).await;
    match &results[0] {
        Err(Error::Unrouted { reason, .. }) => {
            assert!(
                reason.contains("from table `prod_posts`") && reason.contains("serves `posts`"),
                "{reason}"
            )
        }
        other => panic!("{other:?}"),
    }
    let handler = handler.table_prefix("prod_");
    assert_eq!(handler.table(), "prod_posts");
    let results = dispatch_all(&handler, prefixed.to_batch().unwrap()).await;
    assert!(results[0].is_ok(), "{results:?}");
}
