//! Keys as DynamoDB sees them: numbers compared the way DynamoDB normalises them, and key
//! text stored in another form than the model writes.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use dynamo_types::{Client, DynamoModel};

mod cursors;
mod number_identity;
mod numbers;
mod text;

/// A float partition key and an integer sort key.
#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "measures")]
pub struct Measure {
    #[dynamo(hash)]
    pub x: f64,
    #[dynamo(range)]
    pub seq: u32,
    pub note: String,
}

/// Stores an item with the SDK, as another program would.
pub async fn put_raw(client: &Client, table: &str, item: &[(&str, AttributeValue)]) {
    let item: HashMap<String, AttributeValue> = item
        .iter()
        .map(|(name, value)| ((*name).to_owned(), value.clone()))
        .collect();
    client
        .sdk()
        .put_item()
        .table_name(table)
        .set_item(Some(item))
        .send()
        .await
        .expect("put_item");
}

pub use crate::common::raw_scan as scan_raw;

pub fn s(text: &str) -> AttributeValue {
    AttributeValue::S(text.to_owned())
}

pub fn n(text: &str) -> AttributeValue {
    AttributeValue::N(text.to_owned())
}
