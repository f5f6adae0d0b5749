// The entities of a collection are stored in one table.
use dynamo_types::{DynamoCollection, DynamoModel, DynamoTable};

#[derive(DynamoTable)]
#[dynamo(table = "shop", hash = "pk", range = "sk", entity_attribute = "_et")]
#[dynamo(gsi(name = "gsi1", hash = "gsi1pk", range = "gsi1sk"))]
struct Shop;

#[derive(DynamoTable)]
#[dynamo(table = "archive", hash = "pk", range = "sk", entity_attribute = "_et")]
struct Archive;

#[derive(DynamoModel)]
#[dynamo(entity(table = Shop, name = "User"))]
#[dynamo(key(hash = "USER#{id}", range = "PROFILE"))]
struct User {
    id: String,
}

#[derive(DynamoModel)]
#[dynamo(entity(table = Archive, name = "Order"))]
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
