use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "users", billing = "provisioned", read_capacity = 0, write_capacity = 5)]
struct User {
    #[dynamo(hash)]
    id: String,
    team: String,
}

fn main() {}
