// Key templates are for entities of a shared table; a plain model marks its key fields.
use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "users")]
#[dynamo(key(hash = "USER#{id}"))]
struct User {
    #[dynamo(hash)]
    id: String,
}

fn main() {}
