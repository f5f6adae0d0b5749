use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "users")]
struct User {
    #[dynamo(hash)]
    id: String,
    #[dynamo(skip, rename = "cache")]
    cached: Option<String>,
}

fn main() {}
