use dynamo_types::{Client, DynamoModel};

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "orders")]
#[dynamo(gsi(name = "by_region", hash("tenant", "region"), range("status", "placed_at")))]
pub struct Order {
    #[dynamo(hash)]
    pub id: u32,
    pub tenant: String,
    pub region: String,
    pub status: String,
    pub placed_at: i64,
}

fn read(client: &Client) {
    let _ = Order::table(client).by_region().query(("acme", "eu")).sort_key(|s| s.ge(10));
}

fn main() {}
