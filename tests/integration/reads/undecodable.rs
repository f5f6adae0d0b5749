//! Items that do not decode into the model (another program wrote them): a stream yields an
//! error in their place and goes on; an awaited page stops with the error, whose cursor goes
//! on after the item; a batch read names the item's key.

use aws_sdk_dynamodb::types::AttributeValue;
use dynamo_types::Error;
use futures::StreamExt;

use super::{Reading, put_all, readings};

/// Readings 0..10 of sensor `s1`, and two more another program wrote with a text `value`.
async fn with_two_bad(table: &super::ReadingTable) {
    let good: Vec<Reading> = (0..10)
        .map(|at| Reading {
            sensor: "s1".into(),
            at: at * 10,
            value: at as f64,
        })
        .collect();
    put_all(table, &good).await;
    for at in [35, 75] {
        table
            .client()
            .sdk()
            .put_item()
            .table_name(table.name())
            .item("sensor", AttributeValue::S("s1".into()))
            .item("at", AttributeValue::N(at.to_string()))
            .item("value", AttributeValue::S("high".into()))
            .send()
            .await
            .unwrap();
    }
}

fn bad_at(error: &Error) -> i64 {
    match error {
        Error::Undecodable {
            key, source, table, ..
        } => {
            assert_eq!(source.path(), "value", "{error}");
            assert!(table.ends_with("readings"), "{table}");
            match &key["at"] {
                AttributeValue::N(n) => n.parse().unwrap(),
                other => panic!("{other:?}"),
            }
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_stream_yields_an_error_in_the_place_of_an_item_and_goes_on() {
    let table = readings().await;
    with_two_bad(&table).await;
    let results: Vec<dynamo_types::Result<Reading>> = table
        .primary_key()
        .query("s1")
        .page_size(4)
        .stream()
        .collect()
        .await;
    assert_eq!(results.len(), 12, "every item, bad or not, once");
    let order: Vec<i64> = results
        .iter()
        .map(|r| match r {
            Ok(reading) => reading.at,
            Err(e) => bad_at(e),
        })
        .collect();
    assert_eq!(order, [0, 10, 20, 30, 35, 40, 50, 60, 70, 75, 80, 90]);
    assert_eq!(results.iter().filter(|r| r.is_err()).count(), 2);
    // a scan too
    let scanned: Vec<dynamo_types::Result<Reading>> =
        table.primary_key().scan().stream().collect().await;
    assert_eq!(scanned.len(), 12);
    assert_eq!(scanned.iter().filter(|r| r.is_err()).count(), 2);
    table.delete_table().await.unwrap();
}

#[tokio::test]
async fn awaited_pages_end_before_a_bad_item_and_its_error_resumes_after_it() {
    let table = readings().await;
    with_two_bad(&table).await;
    let pk = table.primary_key();
    // walked as a caller walks pages: good items up to a bad one, then the bad one's error,
    // whose cursor goes on after it; every item is seen once
    let (mut seen, mut errors, mut cursor) = (Vec::new(), Vec::new(), None);
    for _ in 0..10 {
        let query = pk.query("s1");
        let query = match cursor.take() {
            Some(c) => query.start_after(c),
            None => query,
        };
        match query.await {
            Ok(page) => {
                seen.extend(page.items.iter().map(|r| r.at));
                match page.cursor {
                    Some(next) => cursor = Some(next),
                    None => break,
                }
            }
            Err(error) => {
                errors.push(bad_at(&error));
                let Error::Undecodable {
                    cursor: Some(after),
                    ..
                } = error
                else {
                    panic!("a query's undecodable item has a cursor")
                };
                cursor = Some(*after);
            }
        }
    }
    assert_eq!(seen, [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    assert_eq!(errors, [35, 75]);
    // a batch read names the item's key
    let error = pk.batch_get([("s1", 30), ("s1", 35)]).await.unwrap_err();
    assert_eq!(bad_at(&error), 35);
    table.delete_table().await.unwrap();
}
