//! Consumed capacity of batch writes and transactions, asked for with
//! `.return_consumed_capacity()`: summed over every request of the call (and the tables of a
//! transaction). Each item here is under 1 KB, so DynamoDB charges one write unit per item in a
//! batch and two in a transaction, one read unit per key of a consistent batch read (half for
//! an eventually consistent one), and two read units per item read in a transaction. The
//! embedded server reports exactly that; AWS's DynamoDB Local reports two units per table of a
//! transaction whatever the number of items in it, which the checked batch put below allows
//! for (it still tells a sum over the transactions from one transaction's units).

use dynamo_types::ConsumedCapacity;

use super::models::{Doc, Post, PostKey, User, UserKey, created, on_external_server};
use crate::common;

fn units(what: &str, capacity: Option<ConsumedCapacity>) -> f64 {
    capacity
        .unwrap_or_else(|| panic!("{what}: no consumed capacity"))
        .capacity_units
}

#[tokio::test]
async fn batch_reads_writes_and_transactions_return_the_capacity_they_consumed() {
    let client = common::client().await;
    let posts = created(Post::table(&client)).await;
    let users = created(User::table(&client)).await;
    let docs = created(Doc::table(&client)).await;

    // 60 puts go out as 3 requests of 25, 25 and 10: the units of all three
    let mut batch: Vec<Post> = (0..60)
        .map(|i| Post::new("b1", &format!("p{i:02}")))
        .collect();
    let put = posts
        .writer()
        .batch_put(&mut batch)
        .return_consumed_capacity()
        .await
        .unwrap();
    assert_eq!(units("batch put", put), 60.0);
    // reads of 150 keys (60 stored) go out as 2 requests; a strongly consistent read of an
    // item under 4 KB costs one unit, an eventually consistent one half, and DynamoDB charges
    // a key with no item as one read (as the embedded server does); DynamoDB Local charges
    // only the items found
    let charged = if on_external_server() { 60.0 } else { 150.0 };
    let keys: Vec<(&str, String)> = (0..150).map(|i| ("b1", format!("p{i:02}"))).collect();
    let (found, read) = posts
        .primary_key()
        .batch_get(keys.clone())
        .consistent()
        .return_consumed_capacity()
        .await
        .unwrap();
    assert_eq!(found.len(), 60);
    assert_eq!(units("consistent batch get", read), charged);
    let (full, read_eventually) = posts
        .primary_key()
        .batch_get_full(keys)
        .return_consumed_capacity()
        .await
        .unwrap();
    assert_eq!(full.iter().flatten().count(), 60);
    assert_eq!(units("batch get full", read_eventually), charged / 2.0);
    let keys: Vec<(&str, String)> = (0..40).map(|i| ("b1", format!("p{i:02}"))).collect();
    let deleted = posts
        .primary_key()
        .batch_delete(keys)
        .return_consumed_capacity()
        .await
        .unwrap();
    assert_eq!(units("batch delete", deleted), 40.0);

    // a transaction over two tables: two units per write, summed over both tables
    let mut user = User {
        user_id: "u1".into(),
        name: "ann".into(),
        post_count: 0,
    };
    let written = client
        .transact_write()
        .put(&posts, &mut Post::new("b2", "t1"))
        .put(&users, &mut user)
        .return_consumed_capacity()
        .await
        .unwrap();
    assert_eq!(units("transaction", written), 4.0);
    let ((post, found), read) = client
        .transact_get((
            posts.get(PostKey {
                blog_id: "b2".into(),
                post_id: "t1".into(),
            }),
            users.get(UserKey {
                user_id: "u1".into(),
            }),
        ))
        .return_consumed_capacity()
        .await
        .unwrap();
    assert_eq!(post, Some(Post::new("b2", "t1")));
    assert_eq!(found, Some(user));
    assert_eq!(units("read transaction", read), 4.0);

    // a checked batch put is transactions of up to 100 puts: 150 puts, 2 transactions
    let mut versioned: Vec<Doc> = (0..150)
        .map(|i| Doc {
            id: format!("d{i}"),
            body: "text".into(),
            editors: Vec::new(),
            version: 0,
        })
        .collect();
    let checked = docs
        .writer()
        .batch_put(&mut versioned)
        .checked()
        .return_consumed_capacity()
        .await
        .unwrap();
    let checked = units("checked batch put", checked);
    if on_external_server() {
        // DynamoDB Local: 2 units per transaction of one table, summed over the 2 sent
        assert_eq!(checked, 4.0);
    } else {
        assert_eq!(checked, 300.0);
    }

    for table in [posts.name(), users.name(), docs.name()] {
        client
            .sdk()
            .delete_table()
            .table_name(table)
            .send()
            .await
            .unwrap();
    }
}
