use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "sessions", ttl = "expires_at")]
struct Session {
    #[dynamo(hash)]
    id: String,
    #[dynamo(skip)]
    expires_at: Option<i64>,
}

fn main() {}
