use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "events")]
struct Event {
    #[dynamo(range)]
    at: i64,
    source: String,
}

fn main() {}
