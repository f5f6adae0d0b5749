// `delete` on a partition-key-only table takes the partition key, not another model's key
// struct.
use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "sessions")]
pub struct Session {
    #[dynamo(hash)]
    pub token: String,
}

#[derive(DynamoModel)]
#[dynamo(table = "users")]
pub struct User {
    #[dynamo(hash)]
    pub name: String,
}

async fn run(client: &dynamo_types::Client) {
    let key = UserKey {
        name: "ann".to_owned(),
    };
    let _ = Session::table(client).primary_key().delete(key).await;
}

fn main() {
    let _ = run;
}
