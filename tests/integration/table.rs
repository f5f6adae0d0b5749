//! Table lifecycle: create, describe (compared with the model and with DescribeTable /
//! DescribeTimeToLive), delete.

use std::collections::BTreeSet;

use aws_sdk_dynamodb::types::{KeyType, ProjectionType, ScalarAttributeType, StreamViewType};
use dynamo_types::{DynamoModel, SchemaDifference};

use crate::common;

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(
    table = "blog_posts",
    ttl = "expires_at",
    stream = "new_and_old_images"
)]
#[dynamo(lsi(name = "by_likes", range = "like_count"))]
#[dynamo(gsi(name = "by_author", hash = "author_id", range = "published_at"))]
#[dynamo(gsi(name = "by_slug", hash = "slug", projection = "keys_only"))]
#[dynamo(gsi(name = "by-title.v2", hash = "title", projection(include(body, tags))))]
pub struct Post {
    #[dynamo(hash)]
    pub blog_id: String,
    #[dynamo(range)]
    pub post_id: String,
    pub author_id: String,
    pub slug: String,
    pub title: String,
    pub published_at: i64,
    #[dynamo(rename = "likes")]
    pub like_count: u64,
    pub tags: BTreeSet<String>,
    pub body: Option<String>,
    pub expires_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "sessions")]
pub struct Session {
    #[dynamo(hash)]
    pub token: Vec<u8>,
    pub user: String,
}

#[tokio::test]
async fn hash_and_range_model_creates_what_it_declares() {
    let client = common::client().await;
    let posts = Post::table(&client);
    posts.create_table().await.unwrap();

    let sdk = client.sdk();
    let table = sdk
        .describe_table()
        .table_name(posts.name())
        .send()
        .await
        .unwrap()
        .table
        .unwrap();
    assert_eq!(table.table_name(), Some(posts.name()));
    let keys: Vec<(&str, KeyType)> = table
        .key_schema()
        .iter()
        .map(|k| (k.attribute_name(), k.key_type().clone()))
        .collect();
    assert_eq!(
        keys,
        [("blog_id", KeyType::Hash), ("post_id", KeyType::Range)]
    );
    let mut definitions: Vec<(&str, ScalarAttributeType)> = table
        .attribute_definitions()
        .iter()
        .map(|d| (d.attribute_name(), d.attribute_type().clone()))
        .collect();
    definitions.sort_by_key(|d| d.0);
    assert_eq!(
        definitions,
        [
            ("author_id", ScalarAttributeType::S),
            ("blog_id", ScalarAttributeType::S),
            ("likes", ScalarAttributeType::N),
            ("post_id", ScalarAttributeType::S),
            ("published_at", ScalarAttributeType::N),
            ("slug", ScalarAttributeType::S),
            ("title", ScalarAttributeType::S),
        ]
    );
    let lsis = table.local_secondary_indexes();
    assert_eq!(lsis.len(), 1);
    assert_eq!(lsis[0].index_name(), Some("by_likes"));
    assert_eq!(lsis[0].key_schema()[1].attribute_name(), "likes");
    let mut gsis: Vec<(&str, Option<&ProjectionType>, Vec<&str>)> = table
        .global_secondary_indexes()
        .iter()
        .map(|g| {
            let projection = g.projection().unwrap();
            let mut include: Vec<&str> = projection
                .non_key_attributes()
                .iter()
                .map(String::as_str)
                .collect();
            include.sort_unstable();
            (
                g.index_name().unwrap(),
                projection.projection_type(),
                include,
            )
        })
        .collect();
    gsis.sort_by_key(|g| g.0);
    assert_eq!(
        gsis,
        [
            (
                "by-title.v2",
                Some(&ProjectionType::Include),
                vec!["body", "tags"]
            ),
            ("by_author", Some(&ProjectionType::All), vec![]),
            ("by_slug", Some(&ProjectionType::KeysOnly), vec![]),
        ]
    );
    let stream = table.stream_specification().unwrap();
    assert!(stream.stream_enabled());
    assert_eq!(
        stream.stream_view_type(),
        Some(&StreamViewType::NewAndOldImages)
    );
    assert_eq!(
        table.billing_mode_summary().and_then(|b| b.billing_mode()),
        Some(&aws_sdk_dynamodb::types::BillingMode::PayPerRequest)
    );

    let ttl = sdk
        .describe_time_to_live()
        .table_name(posts.name())
        .send()
        .await
        .unwrap()
        .time_to_live_description
        .unwrap();
    assert_eq!(ttl.attribute_name(), Some("expires_at"));
    assert_eq!(
        ttl.time_to_live_status(),
        Some(&aws_sdk_dynamodb::types::TimeToLiveStatus::Enabled)
    );

    let description = posts.describe().await.unwrap();
    assert!(
        description.matches_model(),
        "differences: {:?}",
        description.differences
    );
    assert_eq!(description.ttl_attribute.as_deref(), Some("expires_at"));
    assert!(description.stream_arn.is_some());
    posts.verify().await.unwrap();

    posts.delete_table().await.unwrap();
    let gone = sdk.describe_table().table_name(posts.name()).send().await;
    assert!(dynamo_types::Error::from(gone.unwrap_err()).is_resource_not_found());
}

#[tokio::test]
async fn hash_only_model_with_binary_key() {
    let client = common::client().await;
    let sessions = Session::table(&client);
    sessions.create_table().await.unwrap();
    let table = client
        .sdk()
        .describe_table()
        .table_name(sessions.name())
        .send()
        .await
        .unwrap()
        .table
        .unwrap();
    assert_eq!(table.key_schema().len(), 1);
    assert_eq!(
        table.attribute_definitions()[0].attribute_type(),
        &ScalarAttributeType::B
    );
    assert!(table.local_secondary_indexes().is_empty());
    assert!(table.global_secondary_indexes().is_empty());
    let description = sessions.describe().await.unwrap();
    assert!(description.matches_model(), "{:?}", description.differences);
    assert_eq!(description.ttl_attribute, None);
    assert_eq!(description.stream_arn, None);
    // Creating it again is reported, and `create_table_if_not_exists` accepts it.
    let again = sessions.create_table().await.unwrap_err();
    assert!(
        matches!(&again, dynamo_types::Error::Sdk(e) if matches!(**e, aws_sdk_dynamodb::Error::ResourceInUseException(_))),
        "{again}"
    );
    assert!(!sessions.create_table_if_not_exists().await.unwrap());
    sessions.delete_table().await.unwrap();
    assert!(sessions.create_table_if_not_exists().await.unwrap());
    sessions.delete_table().await.unwrap();
}

/// The same table name, declared by a model whose keys and indexes differ.
mod drifted {
    use dynamo_types::DynamoModel;

    #[derive(Debug, Clone, PartialEq, DynamoModel)]
    #[dynamo(table = "blog_posts")]
    #[dynamo(gsi(name = "by_author", hash = "author_id"))]
    pub struct Post {
        #[dynamo(hash)]
        pub blog_id: String,
        #[dynamo(range)]
        pub post_id: u64,
        pub author_id: String,
    }
}

#[tokio::test]
async fn describe_reports_how_the_live_table_differs() {
    let client = common::client().await;
    let live = drifted::Post::table(&client);
    live.create_table().await.unwrap();
    // The full model reads the same table name on the same client (same prefix).
    let model = Post::table(&client);
    let description = model.describe().await.unwrap();
    let d = &description.differences;
    assert!(!description.matches_model());
    assert!(
        d.contains(&SchemaDifference::Key {
            index: None,
            role: "RANGE",
            expected: "`post_id` (S)".into(),
            found: "`post_id` (N)".into(),
        }),
        "{d:?}"
    );
    assert!(
        d.contains(&SchemaDifference::MissingIndex {
            name: "by_likes".into(),
            kind: "local"
        }),
        "{d:?}"
    );
    assert!(
        d.contains(&SchemaDifference::MissingIndex {
            name: "by_slug".into(),
            kind: "global"
        }),
        "{d:?}"
    );
    assert!(
        d.iter().any(|x| matches!(x, SchemaDifference::Key { index: Some(i), role: "RANGE", .. } if i == "by_author")),
        "{d:?}"
    );
    assert!(
        d.iter()
            .any(|x| matches!(x, SchemaDifference::Stream { .. })),
        "{d:?}"
    );
    assert!(
        d.iter().any(|x| matches!(x, SchemaDifference::Ttl { .. })),
        "{d:?}"
    );
    let err = model.verify().await.unwrap_err();
    assert!(
        matches!(err, dynamo_types::Error::SchemaMismatch { .. }),
        "{err}"
    );
    live.delete_table().await.unwrap();
}

#[tokio::test]
async fn an_invalid_prefixed_name_is_rejected_before_sending() {
    let client = common::client().await.with_table_prefix("bad prefix!");
    let err = Session::table(&client).create_table().await.unwrap_err();
    assert!(matches!(err, dynamo_types::Error::Validation(_)), "{err}");
}

/// Two declarations of one table whose index `by_score` is local in one and global in the
/// other.
mod kinds {
    use dynamo_types::DynamoModel;

    #[derive(Debug, Clone, PartialEq, DynamoModel)]
    #[dynamo(table = "scores")]
    #[dynamo(lsi(name = "by_score", range = "score"))]
    pub struct Local {
        #[dynamo(hash)]
        pub game: String,
        #[dynamo(range)]
        pub player: String,
        pub score: u64,
    }

    #[derive(Debug, Clone, PartialEq, DynamoModel)]
    #[dynamo(table = "scores")]
    #[dynamo(gsi(name = "by_score", hash = "game", range = "score"))]
    pub struct Global {
        #[dynamo(hash)]
        pub game: String,
        #[dynamo(range)]
        pub player: String,
        pub score: u64,
    }
}

#[tokio::test]
async fn describe_reports_an_index_of_the_other_kind() {
    let client = common::client().await;
    let live = kinds::Local::table(&client);
    live.create_table().await.unwrap();
    let d = kinds::Global::table(&client)
        .describe()
        .await
        .unwrap()
        .differences;
    assert!(
        d.contains(&SchemaDifference::MissingIndex {
            name: "by_score".into(),
            kind: "global"
        }),
        "{d:?}"
    );
    assert!(
        d.contains(&SchemaDifference::ExtraIndex {
            name: "by_score".into()
        }),
        "the live local index is reported too: {d:?}"
    );
    live.delete_table().await.unwrap();
}
