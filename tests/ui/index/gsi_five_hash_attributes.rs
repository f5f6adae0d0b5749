use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "orders")]
#[dynamo(gsi(name = "by_place", hash("a", "b", "c", "d", "e")))]
struct Order {
    #[dynamo(hash)]
    id: String,
    a: String,
    b: String,
    c: String,
    d: String,
    e: String,
}

fn main() {}
