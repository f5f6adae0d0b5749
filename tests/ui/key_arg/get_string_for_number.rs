// A number sort key is not given as a string.
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
    let _ = Reading::table(client).primary_key().get("s1", "noon").await;
}

fn main() {
    let _ = run;
}
