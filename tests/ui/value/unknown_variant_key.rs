use dynamo_types::DynamoValue;

#[derive(Clone, DynamoValue)]
enum Status {
    #[dynamo(renam = "draft")]
    Draft,
}

fn main() {}
