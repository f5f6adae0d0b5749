use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "articles")]
struct Article {
    #[dynamo(hash)]
    id: String,
    #[dynamo(created_at, updated_at)]
    stamped_at: chrono::DateTime<chrono::Utc>,
}

fn main() {}
