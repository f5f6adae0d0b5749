// A model with a mistake, used the usual ways: only the mistake is reported.
use dynamo_types::{Client, DynamoModel};

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(tabel = "users")]
struct User {
    #[dynamo(hash)]
    id: String,
    name: String,
}

#[allow(dead_code)]
async fn use_it(client: &Client, user: User) {
    let _ = user.to_item();
    let _ = User::SCHEMA.table;
    let users = User::table(client);
    let _ = users.primary_key();
    let _ = users.name();
    let _: UserKey = user.key();
}

fn main() {}
