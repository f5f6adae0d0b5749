use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "orders")]
#[dynamo(gsi(name = "by_region", hash()))]
struct Order {
    #[dynamo(hash)]
    id: String,
    region: String,
}

fn main() {}
