// `gsi2` has no sort key, so an entity's `index(name = "gsi2", ...)` gives no `range` template.
use dynamo_types::{DynamoModel, DynamoTable};

#[derive(DynamoTable)]
#[dynamo(table = "shop", hash = "pk", range = "sk", entity_attribute = "_et")]
#[dynamo(gsi(name = "gsi1", hash = "gsi1pk", range = "gsi1sk"))]
#[dynamo(gsi(name = "gsi2", hash = "gsi2pk"))]
struct Shop;

#[derive(DynamoModel)]
#[dynamo(entity(table = Shop, name = "User"))]
#[dynamo(key(hash = "USER#{id}", range = "PROFILE"))]
#[dynamo(index(name = "gsi2", hash = "ORG#{org}", range = "USER#{id}"))]
struct User {
    id: String,
    org: String,
}

fn main() {}
