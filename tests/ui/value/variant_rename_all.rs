use dynamo_types::DynamoValue;

#[derive(Clone, DynamoValue)]
enum Status {
    #[dynamo(rename_all = "lowercase")]
    Draft,
}

fn main() {}
