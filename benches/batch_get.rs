//! `batch_get` of 10,000 items on the embedded server, against the plain way: a sequential
//! loop of `BatchGetItem` calls of 100 keys (re-sending `UnprocessedKeys`) through
//! aws-sdk-dynamodb, decoded with `serde_dynamo::from_items`. Both run in the same process on
//! the same server and table; results are in `benches/RESULTS-batch_get.md`.
//!
//! Run with `cargo bench --bench batch_get`.

#![allow(missing_docs)]

#[path = "batch/mod.rs"]
mod batch;

use std::time::Duration;

use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
use batch::{Order, order, sequential_get};
use criterion::{Criterion, criterion_group, criterion_main};
use dynamo_types::{DynamoModel, Item, ModelKey, TableRef};
use futures::StreamExt;

const ITEMS: u32 = 10_000;

async fn setup() -> (dynamo_types::Client, TableRef<Order>) {
    let client = dynamo_types::local::client().await.expect("local server");
    let table = Order::table(&client);
    table.create_table().await.expect("create table");
    let requests: Vec<Vec<WriteRequest>> = (0..ITEMS)
        .map(|i| {
            WriteRequest::builder()
                .put_request(
                    PutRequest::builder()
                        .set_item(Some(order(i).to_item().expect("encode")))
                        .build()
                        .expect("put"),
                )
                .build()
        })
        .collect::<Vec<_>>()
        .chunks(25)
        .map(<[_]>::to_vec)
        .collect();
    let name = table.name().to_owned();
    futures::stream::iter(requests)
        .for_each_concurrent(8, |mut chunk| {
            let sdk = client.sdk().clone();
            let name = name.clone();
            async move {
                while !chunk.is_empty() {
                    let out = sdk
                        .batch_write_item()
                        .request_items(&name, chunk)
                        .send()
                        .await
                        .expect("batch write");
                    chunk = out
                        .unprocessed_items
                        .and_then(|mut u| u.remove(&name))
                        .unwrap_or_default();
                }
            }
        })
        .await;
    (client, TableRef::clone(&table))
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (client, table) = runtime.block_on(setup());
    let pk = Order::table(&client).primary_key();
    let keys: Vec<(String, u32)> = (0..ITEMS)
        .map(|i| (format!("customer-{:04}", i % 1_000), i))
        .collect();
    let raw_keys: Vec<Item> = (0..ITEMS)
        .map(|i| order(i).key().to_key_item().expect("key"))
        .collect();

    // Both return all 10,000 items.
    let ours = runtime
        .block_on(async { pk.batch_get(keys.clone()).await })
        .expect("batch_get");
    assert_eq!(ours.len(), ITEMS as usize);
    assert_eq!(ours[1234], order(1234));
    let raw = runtime.block_on(sequential_get(client.sdk(), table.name(), &raw_keys));
    assert_eq!(raw.len(), ITEMS as usize);

    let mut group = c.benchmark_group("batch_get_10000");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(2));
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("dynamo_types_batch_get", |b| {
        b.to_async(&runtime)
            .iter(|| async { pk.batch_get(keys.clone()).await.expect("batch_get") });
    });
    group.bench_function("sdk_sequential_loop_serde_dynamo", |b| {
        b.to_async(&runtime)
            .iter(|| sequential_get(client.sdk(), table.name(), &raw_keys));
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
