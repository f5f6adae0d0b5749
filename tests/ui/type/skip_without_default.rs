use dynamo_types::DynamoModel;

struct Connection;

#[derive(DynamoModel)]
#[dynamo(table = "users")]
struct User {
    #[dynamo(hash)]
    id: String,
    #[dynamo(skip)]
    connection: Connection,
}

fn main() {}
