use dynamo_types::DynamoValue;

#[derive(Clone, DynamoValue)]
#[dynamo(rename_all = "snake-case")]
enum Status {
    Draft,
    InReview,
}

fn main() {}
