// The entities of a collection share a partition: their partition key templates have the same literal text.
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
#[dynamo(entity(table = Shop, name = "Order"))]
#[dynamo(key(hash = "ORG#{id}", range = "ORDER#{order}"))]
struct Order {
    id: String,
    order: String,
}

#[derive(DynamoCollection)]
enum UserWithOrders {
    User(User),
    Order(Order),
}

fn main() {}
