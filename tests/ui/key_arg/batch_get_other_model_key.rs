// `batch_get` takes this model's key struct, not another model's with the same fields.
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

#[derive(DynamoModel)]
#[dynamo(table = "comments")]
pub struct Comment {
    #[dynamo(hash)]
    pub blog_id: String,
    #[dynamo(range)]
    pub comment_id: String,
}

async fn run(client: &dynamo_types::Client) {
    let key = CommentKey {
        blog_id: "blog-1".to_owned(),
        comment_id: "c-1".to_owned(),
    };
    let _ = Post::table(client).primary_key().batch_get([key]).await;
}

fn main() {
    let _ = run;
}
