use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "users")]
#[dynamo(gsi(name = "by_team", hash = "team", read_capacity = 5))]
struct User {
    #[dynamo(hash)]
    id: String,
    team: String,
}

fn main() {}
