use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "orders")]
#[dynamo(gsi(name = "by_region", hash("tenant", "region"), range("status", "paid")))]
struct Order {
    #[dynamo(hash)]
    id: String,
    tenant: String,
    region: String,
    status: String,
    paid: bool,
}

fn main() {}
