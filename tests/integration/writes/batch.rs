//! Batch writes: 25-item requests, duplicates, size, versioned models, errors that hold
//! exactly the unwritten requests.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes};
use dynamo_types::{DynamoModel, Error, Item, Limit, MAX_ITEM_SIZE, RetryPolicy, TableRef};

use super::models::{Doc, Post, count_items, created, n, raw_get, s};
use crate::common;

/// Reads `keys` with raw `BatchGetItem` (100 keys per request, unprocessed keys retried).
/// This checks the writes with the SDK alone, so that the library's writes and its own
/// `batch_get` do not only vouch for each other.
async fn raw_batch_get<M: DynamoModel>(table: &TableRef<M>, keys: Vec<Item>) -> Vec<Item> {
    let mut found = Vec::new();
    for chunk in keys.chunks(100) {
        let mut pending = chunk.to_vec();
        for _ in 0..50 {
            let out = table
                .client()
                .sdk()
                .batch_get_item()
                .request_items(
                    table.name(),
                    KeysAndAttributes::builder()
                        .set_keys(Some(pending.clone()))
                        .consistent_read(true)
                        .build()
                        .unwrap(),
                )
                .send()
                .await
                .expect("BatchGetItem");
            if let Some(mut responses) = out.responses {
                found.extend(responses.remove(table.name()).unwrap_or_default());
            }
            pending = out
                .unprocessed_keys
                .and_then(|mut u| u.remove(table.name()))
                .map(|k| k.keys)
                .unwrap_or_default();
            if pending.is_empty() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert!(pending.is_empty(), "BatchGetItem kept keys unprocessed");
    }
    found
}

fn post_key(post: &str) -> Item {
    HashMap::from([
        ("blog_id".to_owned(), s("b1")),
        ("post_id".to_owned(), s(post)),
    ])
}

#[tokio::test]
async fn batch_put_of_1000_items_then_every_item_reads_back() {
    let client = common::client().await;
    let posts = created(Post::table(&client)).await;
    let mut many: Vec<Post> = (0..1000)
        .map(|i| {
            let mut p = Post::new("b1", &format!("p{i:04}"));
            p.like_count = i;
            p.body = Some("x".repeat(200));
            p
        })
        .collect();
    posts
        .writer()
        .retry_policy(RetryPolicy {
            concurrency: 4,
            ..RetryPolicy::default()
        })
        .batch_put(&mut many)
        .await
        .unwrap();

    let keys = many.iter().map(|p| post_key(&p.post_id)).collect();
    let mut found: Vec<Post> = raw_batch_get(&posts, keys)
        .await
        .into_iter()
        .map(|item| Post::from_item(item).unwrap())
        .collect();
    found.sort_by(|a, b| a.post_id.cmp(&b.post_id));
    assert_eq!(found.len(), 1000);
    assert_eq!(found, many);
    // The library's batch_get (input order kept) agrees with the raw reads.
    let read_back = posts
        .primary_key()
        .batch_get(many.iter().map(|p| p.key()))
        .consistent()
        .await
        .unwrap();
    assert_eq!(read_back, many);
    assert_eq!(count_items(&posts).await, 1000);
    posts.delete_table().await.unwrap();
}

#[tokio::test]
async fn batch_delete_removes_every_key() {
    let client = common::client().await;
    let posts = created(Post::table(&client)).await;
    let mut many: Vec<Post> = (0..60).map(|i| Post::new("b1", &format!("p{i}"))).collect();
    posts.writer().batch_put(&mut many).await.unwrap();
    assert_eq!(count_items(&posts).await, 60);
    // Delete 55 of them (3 requests), including a key that holds nothing.
    let mut keys: Vec<(String, String)> = (0..55)
        .map(|i| ("b1".to_owned(), format!("p{i}")))
        .collect();
    keys.push(("b1".to_owned(), "never-written".to_owned()));
    posts.primary_key().batch_delete(keys).await.unwrap();
    assert_eq!(count_items(&posts).await, 5);
    assert!(
        raw_get(&posts, &[("blog_id", s("b1")), ("post_id", s("p59"))])
            .await
            .is_some()
    );
    assert!(
        raw_get(&posts, &[("blog_id", s("b1")), ("post_id", s("p0"))])
            .await
            .is_none()
    );
    // Borrowed keys work too.
    posts
        .primary_key()
        .batch_delete([("b1", "p55"), ("b1", "p56")])
        .await
        .unwrap();
    assert_eq!(count_items(&posts).await, 3);
    // And the key structs the models give, by value and by reference, as batch_get takes them.
    let rest: Vec<_> = many[57..].iter().map(|p| p.key()).collect();
    posts.primary_key().batch_delete(&rest[..1]).await.unwrap();
    assert_eq!(count_items(&posts).await, 2);
    posts.primary_key().batch_delete(rest).await.unwrap();
    assert_eq!(count_items(&posts).await, 0);
    posts.delete_table().await.unwrap();
}

#[tokio::test]
async fn two_writes_to_one_key_are_refused_before_sending() {
    let client = common::client().await;
    let posts = created(Post::table(&client)).await;
    let mut many: Vec<Post> = (0..40).map(|i| Post::new("b1", &format!("p{i}"))).collect();
    let mut twin = Post::new("b1", "p7");
    twin.title = "a different value, same key".into();
    many.push(twin);
    let err = posts.writer().batch_put(&mut many).await.unwrap_err();
    match &err {
        Error::Validation(message) => {
            assert!(
                message.contains("blog_id = \"b1\", post_id = \"p7\""),
                "{message}"
            )
        }
        other => panic!("expected Validation, got {other}"),
    }
    // Nothing was sent, not even the first requests.
    assert_eq!(count_items(&posts).await, 0);

    let err = posts
        .primary_key()
        .batch_delete([("b1", "x"), ("b1", "y"), ("b1", "x")])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(m) if m.contains("post_id = \"x\"")),
        "{err}"
    );
    posts.delete_table().await.unwrap();
}

#[tokio::test]
async fn an_oversized_item_in_a_batch_is_refused_before_sending() {
    let client = common::client().await;
    let posts = created(Post::table(&client)).await;
    let mut many: Vec<Post> = (0..30).map(|i| Post::new("b1", &format!("p{i}"))).collect();
    many[27].body = Some("z".repeat(MAX_ITEM_SIZE + 1));
    let err = posts.writer().batch_put(&mut many).await.unwrap_err();
    assert!(
        matches!(&err, Error::LimitExceeded { limit: Limit::ItemSize, at, .. } if at.contains("post_id = \"p27\"")),
        "{err}"
    );
    assert_eq!(count_items(&posts).await, 0);
    posts.delete_table().await.unwrap();
}

#[tokio::test]
async fn a_failed_batch_returns_exactly_the_unwritten_requests() {
    let client = common::client().await;
    // The table is never created: every request fails for good.
    let posts = TableRef::<Post>::new(&client);
    let mut many: Vec<Post> = (0..30).map(|i| Post::new("b1", &format!("p{i}"))).collect();
    let err = posts.writer().batch_put(&mut many).await.unwrap_err();
    match err {
        Error::BatchWriteFailed {
            source,
            unprocessed,
            unconfirmed,
        } => {
            assert!(source.is_resource_not_found(), "{source}");
            assert!(unconfirmed.is_empty(), "every request was answered");
            let mut ids: Vec<String> = unprocessed
                .iter()
                .map(|r| match &r.put_request().unwrap().item()["post_id"] {
                    AttributeValue::S(id) => id.clone(),
                    other => panic!("{other:?}"),
                })
                .collect();
            ids.sort();
            let mut expected: Vec<String> = (0..30).map(|i| format!("p{i}")).collect();
            expected.sort();
            assert_eq!(ids, expected);
        }
        other => panic!("expected BatchWriteFailed, got {other}"),
    }
}

#[tokio::test]
async fn batch_writes_of_versioned_models_check_versions_or_need_an_opt_in() {
    let client = common::client().await;
    let docs = created(Doc::table(&client)).await;
    let mut many: Vec<Doc> = (0..3)
        .map(|i| Doc {
            id: format!("d{i}"),
            body: "b".into(),
            editors: vec![],
            version: 0,
        })
        .collect();
    let err = docs.writer().batch_put(&mut many).await.unwrap_err();
    assert!(
        matches!(&err, Error::Validation(m) if m.contains(".checked()")),
        "{err}"
    );
    assert_eq!(count_items(&docs).await, 0);
    assert!(
        many.iter().all(|d| d.version == 0),
        "a refused batch changes nothing"
    );
    let mut stale = many[..1].to_vec();
    // Checked: transactions whose puts check the version, storing the next one as `put` does,
    // and writing it back into each model.
    docs.writer().batch_put(&mut many).checked().await.unwrap();
    let stored = raw_get(&docs, &[("id", s("d0"))]).await.unwrap();
    assert_eq!(stored.get("version"), Some(&n(1)));
    assert!(many.iter().all(|d| d.version == 1), "written back");
    // ... so the same models can be put again, at the version they now hold.
    docs.writer().batch_put(&mut many).checked().await.unwrap();
    assert!(many.iter().all(|d| d.version == 2));
    let stored = raw_get(&docs, &[("id", s("d0"))]).await.unwrap();
    assert_eq!(stored.get("version"), Some(&n(2)));
    // A stale copy (read at version 0, stored since at 2) cannot move the version back.
    let err = docs
        .writer()
        .batch_put(&mut stale)
        .checked()
        .await
        .unwrap_err();
    match &err {
        Error::BatchPutStopped { written, source } => {
            assert_eq!(*written, 0);
            assert!(
                matches!(source.as_ref(), Error::TransactionCanceled { reasons } if reasons[0].is_condition_failed()),
                "{source}"
            );
        }
        other => panic!("{other}"),
    }
    let stored = raw_get(&docs, &[("id", s("d0"))]).await.unwrap();
    assert_eq!(stored.get("version"), Some(&n(2)), "never backwards");
    assert_eq!(stale[0].version, 0, "a put not written changes nothing");
    let err = docs
        .primary_key()
        .batch_delete(["d0", "d1"])
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{err}");
    docs.primary_key()
        .batch_delete(["d0", "d1"])
        .skip_version_check()
        .await
        .unwrap();
    assert_eq!(count_items(&docs).await, 1);
    docs.delete_table().await.unwrap();
}

#[tokio::test]
async fn a_checked_batch_put_goes_out_in_transactions_of_a_hundred_and_says_how_far_it_got() {
    let client = common::client().await;
    let docs = created(Doc::table(&client)).await;
    let mut many: Vec<Doc> = (0..250)
        .map(|i| Doc {
            id: format!("d{i:03}"),
            body: "b".into(),
            editors: vec![],
            version: 0,
        })
        .collect();
    // d180 exists already: the third transaction (d200..) passes, the second (d100..d199)
    // fails as a whole
    let mut existing = many[180].clone();
    docs.writer().put(&mut existing).await.unwrap();
    match docs.writer().batch_put(&mut many).checked().await {
        Err(Error::BatchPutStopped { written, .. }) => assert_eq!(written, 100),
        other => panic!("{other:?}"),
    }
    assert_eq!(count_items(&docs).await, 101, "the first hundred, and d180");
    // The models of the puts written hold the stored version; the others are as they were.
    assert!(many[..100].iter().all(|d| d.version == 1));
    assert!(many[100..].iter().all(|d| d.version == 0));
    many.drain(..100);
    many.retain(|d| d.id != "d180");
    docs.writer().batch_put(&mut many).checked().await.unwrap();
    assert_eq!(count_items(&docs).await, 250);
    docs.delete_table().await.unwrap();
}

#[tokio::test]
async fn a_checked_batch_put_refuses_a_bad_put_anywhere_before_sending_any() {
    let client = common::client().await;
    let docs = created(Doc::table(&client)).await;
    let doc = |id: String| Doc {
        id,
        body: "b".into(),
        editors: vec![],
        version: 0,
    };
    // put #151 (in the second transaction) has a partition key over 2,048 bytes
    let mut many: Vec<Doc> = (0..200).map(|i| doc(format!("d{i:03}"))).collect();
    many[150].id = "k".repeat(2049);
    let err = docs
        .writer()
        .batch_put(&mut many)
        .checked()
        .await
        .unwrap_err();
    assert!(err.limit().is_some(), "{err:?}");
    // ... and one key written twice, in different transactions
    let mut twice: Vec<Doc> = (0..200).map(|i| doc(format!("d{i:03}"))).collect();
    twice[170].id = "d007".into();
    let err = docs
        .writer()
        .batch_put(&mut twice)
        .checked()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(m) if m.contains("twice")),
        "{err}"
    );
    assert_eq!(count_items(&docs).await, 0, "nothing was sent");
    docs.delete_table().await.unwrap();
}
