use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "posts")]
#[dynamo(gsi(name = "by_author", hash = "author"))]
struct Post {
    #[dynamo(hash)]
    post_id: String,
    #[dynamo(rename = "author")]
    author_id: String,
}

fn main() {}
