// A collection tells its entities apart by name: two entities cannot share one.
use dynamo_types::{DynamoCollection, DynamoModel, DynamoTable};

#[derive(DynamoTable)]
#[dynamo(table = "shop", hash = "pk", range = "sk", entity_attribute = "_et")]
#[dynamo(gsi(name = "gsi1", hash = "gsi1pk", range = "gsi1sk"))]
struct Shop;

#[derive(DynamoModel)]
#[dynamo(entity(table = Shop, name = "User"))]
#[dynamo(key(hash = "USER#{id}", range = "PROFILE"))]
struct User {
    id: String,
}

#[derive(DynamoModel)]
#[dynamo(entity(table = Shop, name = "User"))]
#[dynamo(key(hash = "USER#{user_id}", range = "ORDER#{order}"))]
struct Order {
    user_id: String,
    order: String,
}

#[derive(DynamoCollection)]
enum UserWithOrders {
    User(User),
    Order(Order),
}

fn main() {}
