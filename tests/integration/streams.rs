//! Stream events end to end: write through the Writer, read the table's stream with
//! `aws-sdk-dynamodbstreams` from the same server, decode, and check each event.
//!
//! Both servers serve DynamoDB Streams on their one endpoint, with one shard per table. The
//! tests never write an item unchanged: DynamoDB Local emits no record for such a write and
//! dynoxide emits a MODIFY, and neither is what these tests are about.

use std::time::{Duration, Instant};

use aws_sdk_dynamodbstreams::types::ShardIteratorType;
use dynamo_types::stream::{RawRecord, Record, Router, StreamEvent};
use dynamo_types::{Client, DynamoModel, Error};

use crate::common;

/// Every record of `table`'s stream, all shards, oldest first, once `expected` have arrived
/// (or after ten seconds, with what there is).
pub(crate) async fn read_stream(client: &Client, table: &str, expected: usize) -> Vec<RawRecord> {
    let description = client
        .sdk()
        .describe_table()
        .table_name(table)
        .send()
        .await
        .expect("DescribeTable");
    let arn = description
        .table()
        .and_then(|t| t.latest_stream_arn())
        .expect("the table has a stream")
        .to_owned();
    let streams = client.streams().expect("the test client reads streams");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let mut records = Vec::new();
        let shards = streams
            .describe_stream()
            .stream_arn(&arn)
            .send()
            .await
            .expect("DescribeStream")
            .stream_description
            .and_then(|d| d.shards)
            .unwrap_or_default();
        for shard in shards {
            let mut iterator = streams
                .get_shard_iterator()
                .stream_arn(&arn)
                .shard_id(shard.shard_id().unwrap_or_default())
                .shard_iterator_type(ShardIteratorType::TrimHorizon)
                .send()
                .await
                .expect("GetShardIterator")
                .shard_iterator;
            // a few empty reads in a row mean the end of what is there now
            let mut empty = 0;
            while let Some(it) = iterator.take() {
                let page = streams
                    .get_records()
                    .shard_iterator(it)
                    .send()
                    .await
                    .expect("GetRecords");
                let got = page.records.unwrap_or_default();
                empty = if got.is_empty() { empty + 1 } else { 0 };
                for record in got {
                    let mut raw = RawRecord::from_streams(record).expect("the record converts");
                    raw.table_name = Some(table.to_owned());
                    records.push(raw);
                }
                if empty >= 3 {
                    break;
                }
                iterator = page.next_shard_iterator;
            }
        }
        if records.len() >= expected || Instant::now() > deadline {
            return records;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn decode<E: StreamEvent>(records: Vec<RawRecord>) -> Vec<E> {
    records
        .into_iter()
        .map(|r| r.decode::<E>().expect("the record decodes").event)
        .collect()
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "stream_posts", stream = "new_and_old_images")]
pub struct Post {
    #[dynamo(hash)]
    pub blog_id: String,
    #[dynamo(range)]
    pub post_id: String,
    pub title: String,
    pub likes: u64,
    pub tags: std::collections::BTreeSet<String>,
}

fn post(title: &str, likes: u64) -> Post {
    Post {
        blog_id: "b-1".into(),
        post_id: "p-1".into(),
        title: title.into(),
        likes,
        tags: ["a".to_owned()].into(),
    }
}

#[tokio::test]
async fn new_and_old_images_from_the_writer() {
    let client = common::client().await;
    let posts = Post::table(&client);
    posts.create_table().await.unwrap();
    let w = posts.writer();
    let mut first = post("Hello", 0);
    let mut second = post("Hello, world", 1);
    w.put(&mut first).await.unwrap();
    w.put(&mut second).await.unwrap();
    posts.primary_key().delete("b-1", "p-1").await.unwrap();

    let raw = read_stream(&client, posts.name(), 3).await;
    let sequence: Vec<String> = raw
        .iter()
        .map(|r| r.sequence_number.clone().unwrap())
        .collect();
    assert_eq!(
        decode::<PostEvent>(raw.clone()),
        [
            PostEvent::Insert { new: first.clone() },
            PostEvent::Modify {
                old: first,
                new: second.clone()
            },
            PostEvent::Remove {
                old: second,
                expired: false
            },
        ]
    );
    // records come with their metadata; sequence numbers grow within the shard
    let records: Vec<Record<PostEvent>> = raw.into_iter().map(|r| r.decode().unwrap()).collect();
    for r in &records {
        assert!(!r.event_id.is_empty());
        assert!(r.approximate_creation_time.is_some());
        assert_eq!(r.table.as_deref(), Some(posts.name()));
    }
    let numbers: Vec<u128> = sequence.iter().map(|s| s.parse().unwrap()).collect();
    assert!(numbers.windows(2).all(|w| w[0] < w[1]), "{sequence:?}");
    posts.delete_table().await.unwrap();
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "stream_counters", stream = "new_image")]
pub struct Counter {
    #[dynamo(hash)]
    pub id: u64,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "stream_blobs", stream = "old_image")]
pub struct Blob {
    #[dynamo(hash)]
    pub id: Vec<u8>,
    pub size: u32,
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "stream-log.v2", stream = "keys_only")]
pub struct Line {
    #[dynamo(hash)]
    pub stream: String,
    #[dynamo(range)]
    pub at: i64,
    pub text: String,
}

#[tokio::test]
async fn the_other_view_types_from_the_writer() {
    let client = common::client().await;
    let counters = Counter::table(&client);
    let blobs = Blob::table(&client);
    let lines = Line::table(&client);
    tokio::try_join!(
        counters.create_table(),
        blobs.create_table(),
        lines.create_table()
    )
    .unwrap();

    let (mut c1, mut c2) = (Counter { id: 9, count: 1 }, Counter { id: 9, count: 2 });
    counters.writer().put(&mut c1).await.unwrap();
    counters.writer().put(&mut c2).await.unwrap();
    counters.primary_key().delete(9u64).await.unwrap();
    let key = CounterKey { id: 9 };
    assert_eq!(
        decode::<CounterEvent>(read_stream(&client, counters.name(), 3).await),
        [
            CounterEvent::Insert { new: c1 },
            CounterEvent::Modify { new: c2 },
            CounterEvent::Remove {
                key,
                expired: false
            },
        ]
    );

    let (mut b1, mut b2) = (
        Blob {
            id: vec![1, 2],
            size: 1,
        },
        Blob {
            id: vec![1, 2],
            size: 2,
        },
    );
    blobs.writer().put(&mut b1).await.unwrap();
    blobs.writer().put(&mut b2).await.unwrap();
    blobs.writer().delete(&b2).await.unwrap();
    assert_eq!(
        decode::<BlobEvent>(read_stream(&client, blobs.name(), 3).await),
        [
            BlobEvent::Insert {
                key: BlobKey { id: vec![1, 2] }
            },
            BlobEvent::Modify { old: b1 },
            BlobEvent::Remove {
                old: b2,
                expired: false
            },
        ]
    );

    let mut l1 = Line {
        stream: "s".into(),
        at: -1,
        text: "a".into(),
    };
    let mut l2 = Line {
        text: "b".into(),
        ..l1.clone()
    };
    lines.writer().put(&mut l1).await.unwrap();
    lines.writer().put(&mut l2).await.unwrap();
    lines.writer().delete(&l2).await.unwrap();
    let key = LineKey {
        stream: "s".into(),
        at: -1,
    };
    assert_eq!(
        decode::<LineEvent>(read_stream(&client, lines.name(), 3).await),
        [
            LineEvent::Insert { key: key.clone() },
            LineEvent::Modify { key: key.clone() },
            LineEvent::Remove {
                key,
                expired: false
            },
        ]
    );
    tokio::try_join!(
        counters.delete_table(),
        blobs.delete_table(),
        lines.delete_table()
    )
    .unwrap();
}

/// Records read from two tables' streams go through one router to each model's handler.
#[tokio::test]
async fn a_router_over_two_live_tables() {
    use std::sync::{Arc, Mutex};

    let client = common::client().await;
    let posts = Post::table(&client);
    let counters = Counter::table(&client);
    tokio::try_join!(posts.create_table(), counters.create_table()).unwrap();
    posts.writer().put(&mut post("t", 1)).await.unwrap();
    counters
        .writer()
        .put(&mut Counter { id: 1, count: 5 })
        .await
        .unwrap();

    let seen = Arc::new(Mutex::new(Vec::new()));
    let (s1, s2) = (seen.clone(), seen.clone());
    let router = Router::for_client(&client)
        .table::<Post>(PostEvent::handler().on_insert(move |r| {
            let seen = s1.clone();
            async move {
                seen.lock()
                    .unwrap()
                    .push(format!("post {}", r.event.new.title));
                Ok::<_, Error>(())
            }
        }))
        .table::<Counter>(CounterEvent::handler().on_insert(move |r| {
            let seen = s2.clone();
            async move {
                seen.lock()
                    .unwrap()
                    .push(format!("counter {}", r.event.new.count));
                Ok::<_, Error>(())
            }
        }))
        .build()
        .unwrap();
    let mut records = read_stream(&client, posts.name(), 1).await;
    records.extend(read_stream(&client, counters.name(), 1).await);
    for record in records {
        dynamo_types::stream::Dispatch::dispatch(&router, record)
            .await
            .unwrap();
    }
    assert_eq!(*seen.lock().unwrap(), ["post t", "counter 5"]);
    tokio::try_join!(posts.delete_table(), counters.delete_table()).unwrap();
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(
    table = "stream_sessions",
    ttl = "expires_at",
    stream = "new_and_old_images"
)]
pub struct Session {
    #[dynamo(hash)]
    pub id: String,
    pub user: String,
    pub expires_at: Option<i64>,
}

/// An item removed by TTL arrives as `Remove { expired: true }`; one deleted by a user as
/// `expired: false`.
///
/// This runs on the embedded server whatever `DYNAMODB_ENDPOINT` says: AWS's DynamoDB Local
/// never runs TTL (expired items stay until deleted), so only the embedded server's sweep can
/// make DynamoDB's TTL process happen on demand.
#[tokio::test]
async fn ttl_expiry_arrives_as_an_expired_removal() {
    let client = dynamo_types::local::embedded_client().await.unwrap();
    let sessions = Session::table(&client);
    sessions.create_table().await.unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let mut expired = Session {
        id: "old".into(),
        user: "ann".into(),
        expires_at: Some(now - 3600),
    };
    let mut live = Session {
        id: "new".into(),
        user: "bob".into(),
        expires_at: Some(now + 3600),
    };
    let mut deleted = Session {
        id: "gone".into(),
        user: "cy".into(),
        expires_at: None,
    };
    for s in [&mut expired, &mut live, &mut deleted] {
        sessions.writer().put(s).await.unwrap();
    }
    sessions.writer().delete(&deleted).await.unwrap();
    // the sweep covers every table of the shared server: at least this one item goes
    assert!(dynamo_types::local::sweep_ttl().unwrap() >= 1);
    assert_eq!(sessions.primary_key().get("old").await.unwrap(), None);
    assert_eq!(
        sessions.primary_key().get("new").await.unwrap(),
        Some(live.clone())
    );

    let events = decode::<SessionEvent>(read_stream(&client, sessions.name(), 5).await);
    assert_eq!(
        events,
        [
            SessionEvent::Insert {
                new: expired.clone()
            },
            SessionEvent::Insert { new: live },
            SessionEvent::Insert {
                new: deleted.clone()
            },
            SessionEvent::Remove {
                old: deleted,
                expired: false
            },
            SessionEvent::Remove {
                old: expired,
                expired: true
            },
        ]
    );
    sessions.delete_table().await.unwrap();
}
