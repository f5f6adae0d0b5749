use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "app/users")]
struct User {
    #[dynamo(hash)]
    id: String,
}

fn main() {}
