use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "users")]
struct User {
    #[dynamo(hash)]
    org: String,
    #[dynamo(range)]
    roles: Vec<String>,
}

fn main() {}
