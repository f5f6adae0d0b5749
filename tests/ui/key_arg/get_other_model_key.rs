// The key struct of another model is not a key of this one, even when its field has the
// same type.
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
    let _ = Session::table(client).primary_key().get(key).await;
}

fn main() {
    let _ = run;
}
