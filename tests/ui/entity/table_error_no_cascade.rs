// A `DynamoTable` with a mistake (a table name too short) reports it once: its entities do not
// add errors of their own.
use dynamo_types::{DynamoModel, DynamoTable};

#[derive(DynamoTable)]
#[dynamo(table = "ab", hash = "pk", range = "sk", entity_attribute = "_et")]
struct Shop;

#[derive(DynamoModel)]
#[dynamo(entity(table = Shop, name = "User"))]
#[dynamo(key(hash = "USER#{id}", range = "PROFILE"))]
struct User {
    id: String,
}

fn main() {}
