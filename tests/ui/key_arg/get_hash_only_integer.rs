// A partition-key-only table's `get` takes the partition key's type.
use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "sessions")]
pub struct Session {
    #[dynamo(hash)]
    pub token: String,
}

async fn run(client: &dynamo_types::Client) {
    let _ = Session::table(client).primary_key().get(42).await;
}

fn main() {
    let _ = run;
}
