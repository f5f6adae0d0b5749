// A sort condition on a later template field takes the earlier ones: `id_between` needs `placed_at`.
use dynamo_types::{DynamoModel, DynamoTable};

#[derive(DynamoTable)]
#[dynamo(table = "shop", hash = "pk", range = "sk", entity_attribute = "_et")]
#[dynamo(gsi(name = "gsi1", hash = "gsi1pk", range = "gsi1sk"))]
struct Shop;

#[derive(DynamoModel)]
#[dynamo(entity(table = Shop, name = "Order"))]
#[dynamo(key(hash = "USER#{user_id}", range = "ORDER#{placed_at}#{id}"))]
struct Order {
    user_id: String,
    id: String,
    placed_at: i64,
}

async fn run(client: &dynamo_types::Client) {
    let _ = Order::table(client)
        .primary_key()
        .query("alice")
        .range(OrderSk::id_between("o1", "o3"))
        .await;
}

fn main() {
    let _ = run;
}
