// An `i64` sort key does not take a float.
use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "readings")]
pub struct Reading {
    #[dynamo(hash)]
    pub sensor: String,
    #[dynamo(range)]
    pub at: i64,
}

async fn run(client: &dynamo_types::Client) {
    let _ = Reading::table(client).primary_key().get("s1", 1.5).await;
}

fn main() {
    let _ = run;
}
