use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "posts")]
#[dynamo(lsi(name = "by_author", range = "published_at"))]
#[dynamo(gsi(name = "by_author", hash = "author_id"))]
struct Post {
    #[dynamo(hash)]
    blog_id: String,
    #[dynamo(range)]
    post_id: String,
    author_id: String,
    published_at: i64,
}

fn main() {}
