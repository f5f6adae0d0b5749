use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "sessions", ttl = "expires")]
struct Session {
    #[dynamo(hash)]
    id: String,
    expires_at: i64,
}

fn main() {}
