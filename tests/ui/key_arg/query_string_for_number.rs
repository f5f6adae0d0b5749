// `query` on a numeric partition key does not take a string.
use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "counters")]
pub struct Counter {
    #[dynamo(hash)]
    pub id: u64,
}

async fn run(client: &dynamo_types::Client) {
    let _ = Counter::table(client).primary_key().query("7").await;
}

fn main() {
    let _ = run;
}
