// `begins_with` exists only for string and binary sort keys: on a number key it must not
// compile, and the error must say why.
use dynamo_types::{DynamoModel, RangeCondition};

#[derive(DynamoModel)]
#[dynamo(table = "readings")]
pub struct Reading {
    #[dynamo(hash)]
    pub sensor: String,
    #[dynamo(range)]
    pub at: i64,
}

async fn query(client: &dynamo_types::Client) {
    let _ = Reading::table(client)
        .primary_key()
        .query("s1")
        .range(RangeCondition::begins_with(12))
        .await;
}

fn main() {
    let _ = query;
}
