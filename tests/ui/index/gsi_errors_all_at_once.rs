use dynamo_types::DynamoModel;

// A bad `range` does not hide the `include` typo: both are reported in one build.
#[derive(DynamoModel)]
#[dynamo(table = "posts")]
#[dynamo(gsi(name = "by_author", hash = "author", range = "publshed", projection(include(boddy))))]
struct Post {
    #[dynamo(hash)]
    id: String,
    author: String,
    published: i64,
    body: String,
}

fn main() {}
