// TTL is the table's: an entity's `ttl` field is stored under the attribute its table type
// declares as `ttl`.
use dynamo_types::{DynamoModel, DynamoTable};

#[derive(DynamoTable)]
#[dynamo(table = "shop", hash = "pk", range = "sk", entity_attribute = "_et")]
struct Shop;

#[derive(DynamoModel)]
#[dynamo(entity(table = Shop, name = "Session"), ttl = "expires_at")]
#[dynamo(key(hash = "SESSION#{id}", range = "S"))]
struct Session {
    id: String,
    expires_at: i64,
}

fn main() {}
