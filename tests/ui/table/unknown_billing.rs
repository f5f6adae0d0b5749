use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "users", billing = "pay_per_request")]
struct User {
    #[dynamo(hash)]
    id: String,
    team: String,
}

fn main() {}
