use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "articles")]
struct Article {
    #[dynamo(hash)]
    id: String,
    #[dynamo(serde, updated_at)]
    updated_at: time::OffsetDateTime,
}

fn main() {}
