use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "posts")]
#[dynamo(gsi(name = by_author, hash = "author_id"))]
struct Post {
    #[dynamo(hash)]
    post_id: String,
    author_id: String,
}

fn main() {}
