use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "posts")]
#[dynamo(gsi(name = "by_author", range = "published_at"))]
struct Post {
    #[dynamo(hash)]
    post_id: String,
    published_at: i64,
}

fn main() {}
