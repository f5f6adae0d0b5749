// A field in a key template is followed by `#` or the end: `-` is not a separator.
use dynamo_types::{DynamoModel, DynamoTable};

#[derive(DynamoTable)]
#[dynamo(table = "shop", hash = "pk", range = "sk", entity_attribute = "_et")]
#[dynamo(gsi(name = "gsi1", hash = "gsi1pk", range = "gsi1sk"))]
struct Shop;

#[derive(DynamoModel)]
#[dynamo(entity(table = Shop, name = "User"))]
#[dynamo(key(hash = "USER#{id}", range = "{a}-{b}"))]
struct User {
    id: String,
    a: String,
    b: String,
}

fn main() {}
