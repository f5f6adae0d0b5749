//! Shared helpers of the integration tests.

use dynamo_types::Client;

/// A client with a table prefix of its own (embedded server, or `DYNAMODB_ENDPOINT`).
pub async fn client() -> Client {
    dynamo_types::local::client()
        .await
        .expect("the local DynamoDB starts")
}
