// `batch_get` on a numeric partition key does not take strings.
use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "counters")]
pub struct Counter {
    #[dynamo(hash)]
    pub id: u64,
}

async fn run(client: &dynamo_types::Client) {
    let _ = Counter::table(client)
        .primary_key()
        .batch_get(["a", "b"])
        .await;
}

fn main() {
    let _ = run;
}
