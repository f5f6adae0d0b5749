use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "orders")]
#[dynamo(gsi(name = "by_place", hash = "tenant", range("a", "b", "c", "d", "e")))]
struct Order {
    #[dynamo(hash)]
    id: String,
    tenant: String,
    a: String,
    b: String,
    c: u32,
    d: u32,
    e: u32,
}

fn main() {}
