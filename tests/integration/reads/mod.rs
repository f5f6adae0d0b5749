//! Reads: `get`, `batch_get`, `batch_get_full`, `query` and `scan` on the five query objects,
//! against a real server (the embedded one, or `DYNAMODB_ENDPOINT`).
//!
//! Items are written with the SDK's own `BatchWriteItem` and `DynamoModel::to_item`, so these
//! tests depend on nothing but the reads under test.

use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
use dynamo_types::{Client, DynamoModel};
use futures::StreamExt;

mod batch_get;
mod count;
mod get;
mod index;
mod projection;
mod query;
mod scan;
mod undecodable;

/// A blog article: string sort key, an LSI, a full GSI, a hash-only GSI and a keys-only GSI.
#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "articles")]
#[dynamo(lsi(name = "by_likes", range = "likes"))]
#[dynamo(gsi(name = "by_author", hash = "author", range = "published_at"))]
#[dynamo(gsi(name = "by_tag", hash = "tag"))]
#[dynamo(gsi(name = "by_slug", hash = "slug", projection = "keys_only"))]
pub struct Article {
    #[dynamo(hash)]
    pub blog: String,
    #[dynamo(range)]
    pub id: String,
    pub author: String,
    pub tag: String,
    pub slug: String,
    pub published_at: i64,
    pub likes: u64,
    pub body: Option<String>,
}

/// `i`th article of `blog`: ids `a000`, `a001`, ...; `likes` falls as `i` grows, so the
/// `by_likes` index orders a partition the other way round from the table.
pub fn article(blog: &str, i: u32) -> Article {
    Article {
        blog: blog.to_owned(),
        id: format!("a{i:03}"),
        author: ["ann", "bob"][(i % 2) as usize].to_owned(),
        tag: ["rust", "go", "sql"][(i % 3) as usize].to_owned(),
        slug: format!("{blog}-s{i}"),
        published_at: 1_000 + i64::from(i),
        likes: 1_000 - u64::from(i),
        body: i.is_multiple_of(4).then(|| format!("body of {i}")),
    }
}

/// A sensor reading: number sort key.
#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "readings")]
pub struct Reading {
    #[dynamo(hash)]
    pub sensor: String,
    #[dynamo(range)]
    pub at: i64,
    pub value: f64,
}

/// A model with only a partition key.
#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "sessions")]
pub struct Session {
    #[dynamo(hash)]
    pub token: String,
    pub user: String,
}

/// A fresh client (a table prefix of its own), for one test.
pub async fn client() -> Client {
    crate::common::client().await
}

/// The articles table on a fresh client, created.
pub async fn articles() -> ArticleTable {
    let table = Article::table(&client().await);
    table.create_table().await.expect("create table");
    table
}

/// The readings table on a fresh client, created.
pub async fn readings() -> ReadingTable {
    let table = Reading::table(&client().await);
    table.create_table().await.expect("create table");
    table
}

/// The sessions table on a fresh client, created.
pub async fn sessions() -> SessionTable {
    let table = Session::table(&client().await);
    table.create_table().await.expect("create table");
    table
}

/// Collects a stream of results, failing on the first error.
pub async fn collect<T>(stream: impl futures::Stream<Item = dynamo_types::Result<T>>) -> Vec<T> {
    let items: Vec<dynamo_types::Result<T>> = stream.collect().await;
    items.into_iter().map(|r| r.expect("stream item")).collect()
}

/// Writes `items` with plain `BatchWriteItem` calls (retrying unprocessed items).
pub async fn put_all<M: DynamoModel>(table: &dynamo_types::TableRef<M>, items: &[M]) {
    let requests: Vec<WriteRequest> = items
        .iter()
        .map(|m| {
            WriteRequest::builder()
                .put_request(
                    PutRequest::builder()
                        .set_item(Some(m.to_item().expect("encode")))
                        .build()
                        .expect("put request"),
                )
                .build()
        })
        .collect();
    let chunks: Vec<Vec<WriteRequest>> = requests.chunks(25).map(<[_]>::to_vec).collect();
    futures::stream::iter(chunks)
        .for_each_concurrent(4, |mut chunk| async move {
            for _ in 0..50 {
                let out = table
                    .client()
                    .sdk()
                    .batch_write_item()
                    .request_items(table.name(), chunk)
                    .send()
                    .await
                    .expect("batch write");
                chunk = out
                    .unprocessed_items
                    .and_then(|mut u| u.remove(table.name()))
                    .unwrap_or_default();
                if chunk.is_empty() {
                    return;
                }
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            panic!("items still unprocessed after 50 attempts");
        })
        .await;
}
