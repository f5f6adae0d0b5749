// DynamoDB never changes an item's key: an update that sets the partition key must not
// compile, and the error must say how to move an item to another key.
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
    let f = Post::fields();
    let _ = Post::update().set(&f.title, "t").set(&f.blog_id, "other-blog");
}
