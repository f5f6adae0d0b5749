use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "users", deletion_protect)]
struct User {
    #[dynamo(hash)]
    id: String,
    team: String,
}

fn main() {}
