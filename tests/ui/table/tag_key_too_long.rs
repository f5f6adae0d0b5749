use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "users", tag(key = "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk", value = "v"))]
struct User {
    #[dynamo(hash)]
    id: String,
    team: String,
}

fn main() {}
