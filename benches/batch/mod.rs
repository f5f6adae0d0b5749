//! What the batch benches share (`batch_get.rs`, `latency.rs`): the item they read and write,
//! and the plain way of reading many keys with the SDK and serde_dynamo.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes};
use dynamo_types::{DynamoModel, Item};

/// A typical small item (~250 bytes).
#[derive(Debug, Clone, PartialEq, DynamoModel, serde::Serialize, serde::Deserialize)]
#[dynamo(table = "bench_orders")]
pub(crate) struct Order {
    #[dynamo(hash)]
    pub customer: String,
    #[dynamo(range)]
    pub order: u32,
    pub status: String,
    pub total_cents: u64,
    pub lines: Vec<String>,
    // As the derive does: no attribute for `None` (serde_dynamo would write a NULL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

pub(crate) fn order(i: u32) -> Order {
    Order {
        customer: format!("customer-{:04}", i % 1_000),
        order: i,
        status: ["new", "paid", "shipped"][(i % 3) as usize].to_owned(),
        total_cents: u64::from(i) * 137,
        lines: (0..3).map(|l| format!("sku-{i}-{l}")).collect(),
        note: i
            .is_multiple_of(5)
            .then(|| "leave at the door, please".to_owned()),
    }
}

/// The plain way: one `BatchGetItem` of 100 keys after the other, unprocessed keys sent again.
pub(crate) async fn sequential_get(
    sdk: &aws_sdk_dynamodb::Client,
    table: &str,
    keys: &[Item],
) -> Vec<Order> {
    let mut items: Vec<HashMap<String, AttributeValue>> = Vec::with_capacity(keys.len());
    for chunk in keys.chunks(100) {
        let mut pending = chunk.to_vec();
        while !pending.is_empty() {
            let out = sdk
                .batch_get_item()
                .request_items(
                    table,
                    KeysAndAttributes::builder()
                        .set_keys(Some(pending))
                        .build()
                        .expect("keys"),
                )
                .send()
                .await
                .expect("batch get");
            if let Some(found) = out.responses.and_then(|mut r| r.remove(table)) {
                items.extend(found);
            }
            pending = out
                .unprocessed_keys
                .and_then(|mut u| u.remove(table))
                .map(|k| k.keys)
                .unwrap_or_default();
        }
    }
    serde_dynamo::from_items(items).expect("decode")
}
