use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "users", tag(key = "team", value = "a&b"))]
struct User {
    #[dynamo(hash)]
    id: String,
    team: String,
}

fn main() {}
