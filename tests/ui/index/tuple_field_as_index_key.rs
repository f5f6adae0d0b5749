use dynamo_types::DynamoModel;

// A tuple field is one attribute (a list): it cannot stand for an index key of several
// attributes, nor be a key attribute itself.
#[derive(DynamoModel)]
#[dynamo(table = "orders")]
#[dynamo(gsi(name = "by_place", hash = "place"))]
struct Order {
    #[dynamo(hash)]
    id: String,
    #[dynamo(serde)]
    place: (String, String),
}

fn main() {}
