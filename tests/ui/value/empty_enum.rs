use dynamo_types::DynamoValue;

#[derive(Clone, DynamoValue)]
enum Never {}

fn main() {}
