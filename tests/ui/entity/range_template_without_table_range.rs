// The table has no sort key, so an entity gives no `range` template.
use dynamo_types::{DynamoModel, DynamoTable};

#[derive(DynamoTable)]
#[dynamo(table = "things", hash = "pk", entity_attribute = "_et")]
struct Things;

#[derive(DynamoModel)]
#[dynamo(entity(table = Things, name = "Thing"))]
#[dynamo(key(hash = "THING#{id}", range = "META"))]
struct Thing {
    id: String,
}

fn main() {}
