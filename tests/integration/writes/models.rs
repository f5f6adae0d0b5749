//! Models and helpers shared by the write tests.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_dynamodb::types::AttributeValue;
use dynamo_types::{DynamoModel, Error, Item, TableRef};

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "posts")]
pub struct Post {
    #[dynamo(hash)]
    pub blog_id: String,
    #[dynamo(range)]
    pub post_id: String,
    pub title: String,
    #[dynamo(rename = "likes")]
    pub like_count: u64,
    pub score: f64,
    pub tags: BTreeSet<String>,
    pub ratings: BTreeSet<i64>,
    pub body: Option<String>,
    pub history: Vec<String>,
    pub meta: BTreeMap<String, String>,
    pub matrix: Vec<Vec<i64>>,
}

impl Post {
    pub fn new(blog: &str, post: &str) -> Self {
        Post {
            blog_id: blog.into(),
            post_id: post.into(),
            title: format!("title of {post}"),
            like_count: 0,
            score: 1.5,
            tags: BTreeSet::new(),
            ratings: BTreeSet::new(),
            body: None,
            history: Vec::new(),
            meta: BTreeMap::new(),
            matrix: Vec::new(),
        }
    }
}

/// A hash-only model.
#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "users")]
pub struct User {
    #[dynamo(hash)]
    pub user_id: String,
    pub name: String,
    #[dynamo(default)]
    pub post_count: i64,
}

/// A versioned model (optimistic locking).
#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "docs")]
pub struct Doc {
    #[dynamo(hash)]
    pub id: String,
    pub body: String,
    #[dynamo(default)]
    pub editors: Vec<String>,
    #[dynamo(version)]
    pub version: u64,
}

/// Creates the table of a generated table handle (`Post::table(&client)`) and returns it.
pub async fn created<T, M>(table: T) -> T
where
    T: std::ops::Deref<Target = TableRef<M>>,
    M: DynamoModel,
{
    table.create_table().await.expect("create table");
    table
}

/// The raw item with `key`, read with a consistent `GetItem` through the SDK.
pub async fn raw_get<M: DynamoModel>(
    table: &TableRef<M>,
    key: &[(&str, AttributeValue)],
) -> Option<Item> {
    let mut request = table
        .client()
        .sdk()
        .get_item()
        .table_name(table.name())
        .consistent_read(true);
    for (name, value) in key {
        request = request.key(*name, value.clone());
    }
    request.send().await.expect("GetItem").item
}

/// The number of items in the table (a raw, paged, consistent scan).
pub async fn count_items<M: DynamoModel>(table: &TableRef<M>) -> usize {
    let mut count = 0;
    let mut start = None;
    loop {
        let out = table
            .client()
            .sdk()
            .scan()
            .table_name(table.name())
            .consistent_read(true)
            .set_exclusive_start_key(start)
            .send()
            .await
            .expect("Scan");
        count += out.items().len();
        start = out.last_evaluated_key;
        if start.is_none() {
            return count;
        }
    }
}

pub fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_owned())
}

pub fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

/// True for a failed condition; panics on any other error.
pub fn is_condition_failed<T: std::fmt::Debug>(result: Result<T, Error>) -> bool {
    match result {
        Ok(_) => false,
        Err(Error::ConditionalCheckFailed { .. }) => true,
        Err(other) => panic!("expected a conditional check failure, got {other}"),
    }
}

/// True when the tests run against `DYNAMODB_ENDPOINT` (AWS's DynamoDB Local in CI) rather than
/// the embedded dynoxide server; used only where the two servers are known to differ.
pub fn on_external_server() -> bool {
    std::env::var(dynamo_types::ENDPOINT_ENV).is_ok_and(|e| !e.trim().is_empty())
}
