use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "posts")]
#[dynamo(gsi(name = "by_author", hash = "author_id", projection(include(title, title))))]
struct Post {
    #[dynamo(hash)]
    post_id: String,
    author_id: String,
    title: String,
}

fn main() {}
