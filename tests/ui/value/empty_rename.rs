use dynamo_types::DynamoValue;

#[derive(Clone, DynamoValue)]
enum Status {
    #[dynamo(rename = "")]
    Draft,
}

fn main() {}
