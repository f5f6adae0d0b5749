// Every mistake in one build: the derive does not stop at the first.
use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "x", ttl = "expires")]
#[dynamo(lsi(name = "by_likes", range = "likes"))]
#[dynamo(gsi(name = "by_author", hash = "auther_id"))]
struct Post {
    #[dynamo(hash)]
    post_id: String,
    #[dynamo(hash)]
    slug: String,
    author_id: String,
    likes: u64,
    #[dynamo(skip, version)]
    version: u64,
}

fn main() {}
