use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "users", tag(key = "team"))]
struct User {
    #[dynamo(hash)]
    id: String,
    team: String,
}

fn main() {}
