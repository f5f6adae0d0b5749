// Each key attribute of a `DynamoTable` type is its own: an index over the table's own key
// attributes (an inverted index) would have two templates write one attribute.
use dynamo_types::DynamoTable;

#[derive(DynamoTable)]
#[dynamo(table = "shop", hash = "pk", range = "sk", entity_attribute = "_et")]
#[dynamo(gsi(name = "inverted", hash = "sk", range = "pk"))]
struct Shop;

fn main() {}
