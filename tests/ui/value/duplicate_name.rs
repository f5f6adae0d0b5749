use dynamo_types::DynamoValue;

#[derive(Clone, DynamoValue)]
#[dynamo(rename_all = "lowercase")]
enum Status {
    Draft,
    #[dynamo(rename = "draft")]
    Unpublished,
}

fn main() {}
