// A key attribute cannot be removed by an update: `remove` must not take its path.
use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "posts")]
pub struct Post {
    #[dynamo(hash)]
    pub blog_id: String,
    #[dynamo(range)]
    pub post_id: String,
    pub title: String,
}

fn main() {
    let _ = Post::update().remove(&Post::fields().post_id);
}
