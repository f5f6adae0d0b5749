use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "users", table_class = "infrequent_access")]
struct User {
    #[dynamo(hash)]
    id: String,
    team: String,
}

fn main() {}
