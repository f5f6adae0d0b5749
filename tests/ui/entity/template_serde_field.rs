// A template writes its fields as order-preserving text: a `serde` field cannot be one.
use dynamo_types::{DynamoModel, DynamoTable};

#[derive(DynamoTable)]
#[dynamo(table = "shop", hash = "pk", range = "sk", entity_attribute = "_et")]
struct Shop;

#[derive(DynamoModel)]
#[dynamo(entity(table = Shop, name = "User"))]
#[dynamo(key(hash = "USER#{id}", range = "PROFILE"))]
struct User {
    #[dynamo(serde)]
    id: String,
}

fn main() {}
