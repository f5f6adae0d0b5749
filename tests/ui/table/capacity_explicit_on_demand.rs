use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "users", billing = "on_demand", read_capacity = 5)]
struct User {
    #[dynamo(hash)]
    id: String,
    team: String,
}

fn main() {}
