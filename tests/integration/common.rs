//! Shared helpers of the integration tests.

use dynamo_types::Client;

/// A client with a table prefix of its own (embedded server, or `DYNAMODB_ENDPOINT`).
pub async fn client() -> Client {
    dynamo_types::local::client()
        .await
        .expect("the local DynamoDB starts")
}

/// Every item of `table` (its full name), raw, read with the SDK page by page: what the table
/// holds, without this crate's reads in between.
pub async fn raw_scan(
    client: &Client,
    table: &str,
) -> Vec<std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>> {
    let mut items = Vec::new();
    let mut start = None;
    loop {
        let out = client
            .sdk()
            .scan()
            .table_name(table)
            .consistent_read(true)
            .set_exclusive_start_key(start)
            .send()
            .await
            .expect("Scan");
        items.extend(out.items.unwrap_or_default());
        match out.last_evaluated_key.filter(|k| !k.is_empty()) {
            Some(key) => start = Some(key),
            None => return items,
        }
    }
}
