// A `DynamoTable` whose attribute does not parse (a misspelt key) reports that once: its
// entities add no errors of their own.
use dynamo_types::{DynamoModel, DynamoTable};

#[derive(DynamoTable)]
#[dynamo(table = "shop", hash = "pk", range = "sk", entity_atribute = "_et")]
struct Shop;

#[derive(DynamoModel)]
#[dynamo(entity(table = Shop, name = "User"))]
#[dynamo(key(hash = "USER#{id}", range = "PROFILE"))]
#[dynamo(index(name = "gsi1", hash = "ORG#{org}", range = "USER#{id}"))]
struct User {
    id: String,
    org: String,
}

fn main() {}
