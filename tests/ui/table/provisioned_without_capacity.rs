use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "users", billing = "provisioned")]
struct User {
    #[dynamo(hash)]
    id: String,
    team: String,
}

fn main() {}
