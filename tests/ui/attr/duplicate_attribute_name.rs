use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "users")]
struct User {
    #[dynamo(hash)]
    id: String,
    name: String,
    #[dynamo(rename = "name")]
    display_name: String,
}

fn main() {}
