// `query` takes the partition key's type.
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
    let _ = Post::table(client).primary_key().query(7).await;
}

fn main() {
    let _ = run;
}
