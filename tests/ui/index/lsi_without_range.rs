use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "posts")]
#[dynamo(lsi(name = "by_likes", range = "likes"))]
struct Post {
    #[dynamo(hash)]
    post_id: String,
    likes: u64,
}

fn main() {}
