use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "users", tag(key = "team", value = "a"), tag(key = "team", value = "b"))]
struct User {
    #[dynamo(hash)]
    id: String,
    team: String,
}

fn main() {}
