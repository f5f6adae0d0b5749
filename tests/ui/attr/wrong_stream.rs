use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "users", stream = "new_images")]
struct User {
    #[dynamo(hash)]
    id: String,
}

fn main() {}
