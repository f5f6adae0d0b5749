// The entity attribute of a `DynamoTable` type is none of its key attributes.
use dynamo_types::DynamoTable;

#[derive(DynamoTable)]
#[dynamo(table = "shop", hash = "pk", range = "sk", entity_attribute = "pk")]
struct Shop;

fn main() {}
