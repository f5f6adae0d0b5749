use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "users")]
struct User;

fn main() {}
