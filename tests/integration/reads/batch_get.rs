//! `batch_get` and `batch_get_full`: order, alignment, duplicates, missing keys, key forms,
//! retries and the 16 MB response cap.

use std::collections::HashSet;

use dynamo_types::{DynamoModel, Error, ModelKey, RetryPolicy};

use super::{Article, ArticleKey, Session, article, articles, put_all, sessions};

#[tokio::test]
async fn batch_get_of_250_keys_with_duplicates_and_missing_keys() {
    let t = articles().await;
    let stored: Vec<Article> = (0..200).map(|i| article("b1", i)).collect();
    put_all(&t, &stored).await;

    // 250 keys: 180 distinct stored ones, 40 repeats of them, 30 that do not exist; shuffled
    // deterministically so that order matters.
    let mut keys: Vec<(String, String)> = (0..180)
        .map(|i| ("b1".into(), format!("a{i:03}")))
        .collect();
    keys.extend((0..40).map(|i| ("b1".to_owned(), format!("a{:03}", (i * 7) % 180))));
    keys.extend((0..30).map(|i| ("b1".to_owned(), format!("missing-{i}"))));
    let n = keys.len();
    let keys: Vec<(String, String)> = (0..n).map(|i| keys[(i * 97) % n].clone()).collect();
    assert_eq!(keys.len(), 250);
    assert_eq!(keys.iter().collect::<HashSet<_>>().len(), 210);

    let expected: Vec<Option<Article>> = keys
        .iter()
        .map(|(_, id)| stored.iter().find(|a| &a.id == id).cloned())
        .collect();

    let pk = t.primary_key();
    let full = pk.batch_get_full(keys.clone()).await.unwrap();
    assert_eq!(full.len(), 250);
    assert_eq!(full, expected, "batch_get_full is aligned with its input");

    let found = pk.batch_get(keys.clone()).consistent().await.unwrap();
    let expected_found: Vec<Article> = expected.into_iter().flatten().collect();
    assert_eq!(found.len(), 220);
    assert_eq!(
        found, expected_found,
        "batch_get keeps input order, repeats included"
    );
    t.delete_table().await.unwrap();
}

#[tokio::test]
async fn batch_get_takes_tuples_keys_and_key_references() {
    let t = articles().await;
    let stored: Vec<Article> = (0..5).map(|i| article("b1", i)).collect();
    put_all(&t, &stored).await;
    let pk = t.primary_key();

    let by_tuple = pk
        .batch_get([("b1", "a003"), ("b1", "a001")])
        .await
        .unwrap();
    assert_eq!(by_tuple, [stored[3].clone(), stored[1].clone()]);

    let keys: Vec<ArticleKey> = vec![stored[4].key(), stored[0].key()];
    let by_ref = pk.batch_get(&keys).await.unwrap();
    assert_eq!(by_ref, [stored[4].clone(), stored[0].clone()]);
    let by_value = pk.batch_get_full(keys).await.unwrap();
    assert_eq!(by_value, [Some(stored[4].clone()), Some(stored[0].clone())]);

    let none = pk.batch_get(Vec::<(&str, &str)>::new()).await.unwrap();
    assert!(none.is_empty());
    t.delete_table().await.unwrap();
}

#[tokio::test]
async fn batch_get_on_a_hash_only_key() {
    let t = sessions().await;
    let stored: Vec<Session> = (0..120)
        .map(|i| Session {
            token: format!("tok-{i}"),
            user: format!("user-{i}"),
        })
        .collect();
    put_all(&t, &stored).await;
    let pk = t.primary_key();
    let keys: Vec<String> = (0..130).rev().map(|i| format!("tok-{i}")).collect();
    let full = pk.batch_get_full(&keys).await.unwrap();
    assert_eq!(full.len(), 130);
    assert!(full[..10].iter().all(Option::is_none));
    assert_eq!(full[10].as_ref(), Some(&stored[119]));
    assert_eq!(full[129].as_ref(), Some(&stored[0]));
    let found = pk.batch_get(["tok-5", "nope", "tok-5"]).await.unwrap();
    assert_eq!(found, [stored[5].clone(), stored[5].clone()]);
    t.delete_table().await.unwrap();
}

/// An item of ~300 KB, in a table without indexes.
#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "blobs")]
pub struct Big {
    #[dynamo(hash)]
    pub n: u32,
    pub payload: String,
}

#[tokio::test]
async fn batch_get_over_the_16_mb_response_cap() {
    // 100 items of ~300 KB: one BatchGetItem answer would hold ~30 MB, over DynamoDB's 16 MB
    // cap, so DynamoDB answers part of them and returns the rest as UnprocessedKeys.
    let t = Big::table(&super::client().await);
    t.create_table().await.unwrap();
    let payload = "x".repeat(300 * 1024);
    let stored: Vec<Big> = (0..100)
        .map(|n| Big {
            n,
            payload: payload.clone(),
        })
        .collect();
    put_all(&t, &stored).await;
    let keys: Vec<u32> = (0..100).collect();
    let pk = t.primary_key();

    // One attempt only: whatever the server leaves unprocessed comes back as exactly the keys
    // not read, next to the items that were.
    let one_shot = RetryPolicy {
        max_attempts: 1,
        ..RetryPolicy::default()
    };
    // Keys given twice are sent, and reported, once.
    let with_repeats: Vec<u32> = keys.iter().chain(&keys[..10]).copied().collect();
    match pk.batch_get(with_repeats).retry_policy(one_shot).await {
        // Both servers CI runs on (dynoxide and DynamoDB Local) emulate the cap; a server that
        // does not would answer everything at once, and this test would say so here.
        Ok(items) => panic!(
            "one BatchGetItem answered all {} items of 300 KB: this server does not emulate the 16 MB cap",
            items.len()
        ),
        Err(Error::BatchGetIncomplete {
            found,
            projection,
            unprocessed,
            attempts,
            last_error,
        }) => {
            assert_eq!(projection, None, "whole items were read");
            assert_eq!(attempts, 1);
            assert!(last_error.is_none(), "keys left unprocessed, no error");
            assert!(!unprocessed.is_empty());
            assert!(!found.is_empty(), "some items fit in 16 MB");
            let found: HashSet<u32> = found
                .into_iter()
                .map(|item| Big::from_item(item).unwrap().n)
                .collect();
            let unprocessed_count = unprocessed.len();
            let unprocessed: HashSet<u32> = unprocessed
                .iter()
                .map(|key| {
                    assert_eq!(key.len(), 1, "an unprocessed key holds only the key");
                    <BigKey as ModelKey>::from_key_item(key).unwrap().n
                })
                .collect();
            eprintln!(
                "note: one BatchGetItem answered {} of 100 items of 300 KB",
                found.len()
            );
            assert_eq!(unprocessed.len(), unprocessed_count, "each key once");
            assert!(found.is_disjoint(&unprocessed));
            assert_eq!(
                found.union(&unprocessed).copied().collect::<HashSet<_>>(),
                keys.iter().copied().collect::<HashSet<_>>()
            );
        }
        Err(other) => panic!("unexpected error: {other}"),
    }

    // With retries, every item arrives, in order.
    let items = pk.batch_get(keys).await.unwrap();
    assert_eq!(items, stored);
    // Integer literals take the key's type.
    let two = pk.batch_get([3, 4]).await.unwrap();
    assert_eq!(two, stored[3..5]);
    assert_eq!(pk.get(5).await.unwrap().as_ref(), Some(&stored[5]));
    t.delete_table().await.unwrap();
}

#[tokio::test]
async fn a_request_that_fails_for_good_returns_exactly_the_keys_not_read() {
    // No table: every request fails with ResourceNotFound, which retrying does not cure. The
    // error keeps the cause and every key, each once, instead of losing them.
    let t = Article::table(&super::client().await);
    let keys: Vec<(String, String)> = (0..250)
        .map(|i| ("b1".to_owned(), format!("a{:03}", i % 230)))
        .collect();
    match t.primary_key().batch_get(keys).await {
        Err(Error::BatchGetFailed {
            source,
            found,
            projection: None,
            unprocessed,
        }) => {
            assert!(source.is_resource_not_found(), "{source}");
            assert!(found.is_empty());
            let ids: HashSet<String> = unprocessed
                .iter()
                .map(|k| ArticleKey::from_key_item(k).unwrap().id)
                .collect();
            assert_eq!(unprocessed.len(), 230, "each distinct key once");
            assert_eq!(ids.len(), 230);
        }
        other => panic!("expected BatchGetFailed, got {other:?}"),
    }
}
