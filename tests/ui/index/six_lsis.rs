use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "posts")]
#[dynamo(lsi(name = "by_a", range = "a"))]
#[dynamo(lsi(name = "by_b", range = "b"))]
#[dynamo(lsi(name = "by_c", range = "c"))]
#[dynamo(lsi(name = "by_d", range = "d"))]
#[dynamo(lsi(name = "by_e", range = "e"))]
#[dynamo(lsi(name = "by_f", range = "f"))]
struct Post {
    #[dynamo(hash)]
    blog_id: String,
    #[dynamo(range)]
    post_id: String,
    a: i64,
    b: i64,
    c: i64,
    d: i64,
    e: i64,
    f: i64,
}

fn main() {}
