use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "documents")]
struct Document {
    #[dynamo(hash)]
    id: String,
    #[dynamo(version)]
    version: u64,
    #[dynamo(version)]
    revision: u64,
}

fn main() {}
