use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "articles")]
struct Article {
    #[dynamo(hash)]
    id: String,
    #[dynamo(range, created_at)]
    created_at: chrono::DateTime<chrono::Utc>,
}

fn main() {}
