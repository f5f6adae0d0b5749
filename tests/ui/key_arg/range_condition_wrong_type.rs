// A range condition takes the sort key's type (`at: i64`).
use dynamo_types::{DynamoModel, RangeCondition};

#[derive(DynamoModel)]
#[dynamo(table = "readings")]
pub struct Reading {
    #[dynamo(hash)]
    pub sensor: String,
    #[dynamo(range)]
    pub at: i64,
}

async fn run(client: &dynamo_types::Client) {
    let _ = Reading::table(client)
        .primary_key()
        .query("s1")
        .range(RangeCondition::ge("noon"))
        .await;
}

fn main() {
    let _ = run;
}
