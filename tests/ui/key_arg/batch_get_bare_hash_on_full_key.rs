// A table with a sort key is read by the whole key: a bare partition key is not one.
use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "blog_posts")]
#[dynamo(gsi(name = "by_author", hash = "author_id", range = "published_at"))]
pub struct Post {
    #[dynamo(hash)]
    pub blog_id: String,
    #[dynamo(range)]
    pub post_id: String,
    pub author_id: String,
    pub published_at: i64,
}

async fn run(client: &dynamo_types::Client) {
    let _ = Post::table(client)
        .primary_key()
        .batch_get(["blog-1"])
        .await;
}

fn main() {
    let _ = run;
}
