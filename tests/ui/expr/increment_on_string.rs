// `increment` is arithmetic: on a string field it must not compile.
use std::collections::HashSet;

use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "articles")]
pub struct Article {
    #[dynamo(hash)]
    pub id: String,
    pub title: String,
    pub body: Option<String>,
    pub views: u64,
    pub score: f64,
    pub tags: Vec<String>,
    pub labels: HashSet<String>,
}

fn main() {
    let _ = Article::update().increment(&Article::fields().title, "x");
}
