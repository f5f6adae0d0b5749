// `entity(table = ...)` names a type deriving `DynamoTable`.
use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(entity(table = String, name = "User"))]
#[dynamo(key(hash = "USER#{id}", range = "PROFILE"))]
struct User {
    id: String,
}

fn main() {}
