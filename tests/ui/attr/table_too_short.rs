use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "ab")]
struct User {
    #[dynamo(hash)]
    id: String,
}

fn main() {}
