use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "documents")]
struct Document {
    #[dynamo(hash)]
    id: String,
    #[dynamo(version)]
    version: String,
}

fn main() {}
