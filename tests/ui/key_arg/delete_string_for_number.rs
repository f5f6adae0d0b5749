// `delete` on a numeric sort key does not take a string.
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
    let _ = Reading::table(client)
        .primary_key()
        .delete("s1", "noon")
        .await;
}

fn main() {
    let _ = run;
}
