//! `created_at` and `updated_at` on every type that takes them: chrono and time, plain or in an
//! `Option`, renamed, as an index key, beside a version, and in a generic model; and the
//! writer's puts take the model by `&mut`.

use dynamo_types::{DynamoModel, TableRef};

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "articles")]
#[dynamo(gsi(name = "by_created", hash = "author", range = "created_at"))]
struct Article {
    #[dynamo(hash)]
    id: String,
    author: String,
    #[dynamo(version)]
    version: u32,
    #[dynamo(created_at)]
    created_at: chrono::DateTime<chrono::Utc>,
    #[dynamo(updated_at, rename = "modified")]
    updated_at: Option<time::OffsetDateTime>,
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "events")]
struct Event<T> {
    #[dynamo(hash)]
    id: String,
    payload: T,
    #[dynamo(created_at)]
    created_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "logs")]
struct Log {
    #[dynamo(hash)]
    id: String,
    #[dynamo(updated_at, default)]
    updated_at: chrono::DateTime<chrono::Utc>,
}

#[allow(dead_code)]
async fn writes(articles: TableRef<Article>, mut article: Article) -> dynamo_types::Result<()> {
    let w = articles.writer();
    w.put(&mut article).await?;
    w.put_if_absent(&mut article).await?;
    w.replace(&mut article).await?;
    let mut many = vec![article.clone()];
    w.batch_put(&mut many).checked().await?;
    articles
        .client()
        .transact_write()
        .put(&articles, &mut article)
        .await?;
    Ok(())
}

fn main() {
    assert_eq!(Article::SCHEMA.created_at, Some("created_at"));
    assert_eq!(Article::SCHEMA.updated_at, Some("modified"));
    assert_eq!(Event::<u8>::SCHEMA.created_at, Some("created_at"));
    assert_eq!(Event::<u8>::SCHEMA.updated_at, None);
    assert_eq!(Log::SCHEMA.updated_at, Some("updated_at"));
    assert_eq!(Log::SCHEMA.created_at, None);
}
