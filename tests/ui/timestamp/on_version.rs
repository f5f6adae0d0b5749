use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "articles")]
struct Article {
    #[dynamo(hash)]
    id: String,
    #[dynamo(version, updated_at)]
    version: u64,
}

fn main() {}
