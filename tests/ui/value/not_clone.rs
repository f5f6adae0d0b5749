use dynamo_types::DynamoValue;

#[derive(DynamoValue)]
enum Status {
    Draft,
    Published,
}

fn main() {}
