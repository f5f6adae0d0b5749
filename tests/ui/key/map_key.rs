use std::collections::HashMap;

use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "users")]
struct User {
    #[dynamo(hash)]
    labels: HashMap<String, String>,
}

fn main() {}
