use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(tabel = "users")]
struct User {
    #[dynamo(hash)]
    id: String,
}

fn main() {}
