use dynamo_types::DynamoModel;

struct Address {
    street: String,
}

#[derive(DynamoModel)]
#[dynamo(table = "users")]
struct User {
    #[dynamo(hash)]
    id: String,
    address: Address,
}

fn main() {}
