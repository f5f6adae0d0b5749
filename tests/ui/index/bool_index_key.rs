use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "posts")]
#[dynamo(gsi(name = "by_draft", hash = "draft"))]
struct Post {
    #[dynamo(hash)]
    post_id: String,
    draft: bool,
}

fn main() {}
