//! Stream events without a server: decoding every view type and kind from Lambda, Kinesis and
//! JSON records, malformed records, handlers, the router, Lambda's partial batch failures and
//! typed event filters.

mod decode;
mod filter;
mod handlers;
mod lambda;
mod lambda_runtime;
mod malformed;
mod router;

use std::collections::BTreeSet;

use dynamo_types::DynamoModel;

/// `new_and_old_images`, with a TTL.
#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "posts", stream = "new_and_old_images", ttl = "expires_at")]
pub struct Post {
    #[dynamo(hash)]
    pub blog_id: String,
    #[dynamo(range)]
    pub post_id: String,
    pub title: String,
    #[dynamo(rename = "likes")]
    pub like_count: u64,
    pub tags: BTreeSet<String>,
    pub published: bool,
    pub expires_at: Option<i64>,
}

/// `new_image`, a number key.
#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "counters", stream = "new_image")]
pub struct Counter {
    #[dynamo(hash)]
    pub id: u64,
    pub count: i64,
}

/// `old_image`, a binary key.
#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "blobs", stream = "old_image")]
pub struct Blob {
    #[dynamo(hash)]
    pub id: Vec<u8>,
    pub size: u32,
}

/// `keys_only`, a hash and range key.
#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "events.v2-log", stream = "keys_only")]
pub struct LogLine {
    #[dynamo(hash)]
    pub stream: String,
    #[dynamo(range)]
    pub at: i64,
    pub text: String,
}

pub fn post(id: &str, title: &str) -> Post {
    Post {
        blog_id: "blog-1".into(),
        post_id: id.into(),
        title: title.into(),
        like_count: 3,
        tags: ["rust".to_owned(), "dynamodb".to_owned()].into(),
        published: true,
        expires_at: Some(1_700_000_000),
    }
}
