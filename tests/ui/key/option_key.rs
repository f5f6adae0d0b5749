use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "users")]
struct User {
    #[dynamo(hash)]
    id: Option<String>,
}

fn main() {}
