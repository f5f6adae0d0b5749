use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
struct User {
    #[dynamo(hash)]
    id: String,
}

fn main() {}
