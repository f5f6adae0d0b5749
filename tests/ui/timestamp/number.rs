use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "articles")]
struct Article {
    #[dynamo(hash)]
    id: String,
    #[dynamo(updated_at)]
    updated_at: i64,
}

fn main() {}
