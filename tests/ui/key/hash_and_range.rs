use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "users")]
struct User {
    #[dynamo(hash, range)]
    id: String,
}

fn main() {}
