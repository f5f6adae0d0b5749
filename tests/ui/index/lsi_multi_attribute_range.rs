use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "orders")]
#[dynamo(lsi(name = "by_status", range("status", "placed_at")))]
struct Order {
    #[dynamo(hash)]
    tenant: String,
    #[dynamo(range)]
    id: String,
    status: String,
    placed_at: i64,
}

fn main() {}
