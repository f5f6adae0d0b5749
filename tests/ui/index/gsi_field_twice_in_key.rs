use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "orders")]
#[dynamo(gsi(name = "by_region", hash("tenant", "region", "tenant")))]
#[dynamo(gsi(name = "by_status", hash("tenant", "region"), range("status", "region")))]
struct Order {
    #[dynamo(hash)]
    id: String,
    tenant: String,
    region: String,
    status: String,
}

fn main() {}
