use dynamo_types::DynamoValue;

#[derive(DynamoValue)]
struct Address {
    street: String,
}

fn main() {}
