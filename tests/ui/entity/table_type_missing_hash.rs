// A `DynamoTable` type names its partition key attribute with `hash = "..."`.
use dynamo_types::DynamoTable;

#[derive(DynamoTable)]
#[dynamo(table = "shop", range = "sk", entity_attribute = "_et")]
struct Shop;

fn main() {}
