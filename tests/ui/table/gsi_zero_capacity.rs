use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "users", billing = "provisioned", read_capacity = 5, write_capacity = 5)]
#[dynamo(gsi(name = "by_team", hash = "team", write_capacity = 0))]
struct User {
    #[dynamo(hash)]
    id: String,
    team: String,
}

fn main() {}
