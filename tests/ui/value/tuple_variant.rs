use dynamo_types::DynamoValue;

#[derive(Clone, DynamoValue)]
enum Status {
    Draft,
    Scheduled(i64),
    Archived { reason: String },
}

fn main() {}
