use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "posts")]
#[dynamo(lsi(name = "by_blog", range = "blog_id"))]
struct Post {
    #[dynamo(hash)]
    blog_id: String,
    #[dynamo(range)]
    post_id: String,
}

fn main() {}
