use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "posts")]
#[dynamo(lsi(name = "by_likes", hash = "blog_id", range = "likes"))]
struct Post {
    #[dynamo(hash)]
    blog_id: String,
    #[dynamo(range)]
    post_id: String,
    likes: u64,
}

fn main() {}
