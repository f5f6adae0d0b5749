use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "posts")]
#[dynamo(lsi(name = "by_likes", range = "lkes"))]
struct Post {
    #[dynamo(hash)]
    blog_id: String,
    #[dynamo(range)]
    post_id: String,
    likes: u64,
}

fn main() {}
