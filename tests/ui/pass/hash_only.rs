//! A model with only a partition key gets a `HashPrimaryKey`.

use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "users")]
struct User {
    #[dynamo(hash)]
    id: String,
    name: String,
}

fn main() {
    let _: fn(&UserTable) -> dynamo_types::HashPrimaryKey<User> = UserTable::primary_key;
    let _ = UserKey { id: String::new() };
    let _ = User::SCHEMA.range.is_none();
    let _ = User { id: String::new(), name: String::new() }.name;
}
