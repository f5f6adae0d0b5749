// A `DynamoTable` type is a unit struct: it describes a table, it holds no data.
use dynamo_types::DynamoTable;

#[derive(DynamoTable)]
#[dynamo(table = "shop", hash = "pk", range = "sk", entity_attribute = "_et")]
struct Shop {
    name: String,
}

fn main() {}
