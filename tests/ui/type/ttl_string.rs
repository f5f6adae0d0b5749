use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "sessions", ttl = "expires_at")]
struct Session {
    #[dynamo(hash)]
    id: String,
    expires_at: String,
}

fn main() {}
