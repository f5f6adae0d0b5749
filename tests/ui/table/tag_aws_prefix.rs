use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "users", tag(key = "aws:createdBy", value = "me"))]
struct User {
    #[dynamo(hash)]
    id: String,
    team: String,
}

fn main() {}
