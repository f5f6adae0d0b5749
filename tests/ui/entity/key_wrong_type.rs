// An entity's key takes its template fields' types: `id: String`, not an integer.
use dynamo_types::{DynamoModel, DynamoTable};

#[derive(DynamoTable)]
#[dynamo(table = "shop", hash = "pk", range = "sk", entity_attribute = "_et")]
#[dynamo(gsi(name = "gsi1", hash = "gsi1pk", range = "gsi1sk"))]
struct Shop;

#[derive(DynamoModel)]
#[dynamo(entity(table = Shop, name = "User"))]
#[dynamo(key(hash = "USER#{id}", range = "PROFILE"))]
#[dynamo(index(name = "gsi1", hash = "ORG#{org}", range = "USER#{id}"))]
struct User {
    id: String,
    org: String,
    name: String,
}

async fn run(client: &dynamo_types::Client) {
    let _ = User::table(client).primary_key().get(5, ()).await;
}

fn main() {
    let _ = run;
}
