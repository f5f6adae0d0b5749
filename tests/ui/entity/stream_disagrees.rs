// An entity's stream is its table's: it declares the stream the table declares.
use dynamo_types::{DynamoModel, DynamoTable};

#[derive(DynamoTable)]
#[dynamo(table = "shop", hash = "pk", range = "sk", entity_attribute = "_et")]
#[dynamo(gsi(name = "gsi1", hash = "gsi1pk", range = "gsi1sk"))]
struct Shop;

#[derive(DynamoModel)]
#[dynamo(entity(table = Shop, name = "User"), stream = "new_and_old_images")]
#[dynamo(key(hash = "USER#{id}", range = "PROFILE"))]
struct User {
    id: String,
}

fn main() {}
