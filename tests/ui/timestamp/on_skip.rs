use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "articles")]
struct Article {
    #[dynamo(hash)]
    id: String,
    #[dynamo(skip, created_at)]
    created_at: Option<chrono::DateTime<chrono::Utc>>,
}

fn main() {}
