// Projections: of a generic model, through a renamed crate path, of `default` and `serde`
// fields; index item types of a generic model; the projection's own generic parameters.
use dynamo_types::{DynamoModel, DynamoProjection};

#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Meta {
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "docs")]
#[dynamo(gsi(name = "by_kind", hash = "kind", projection(include(payload))))]
#[dynamo(gsi(name = "by_owner", hash = "owner", projection = "keys_only"))]
pub struct Doc<T> {
    #[dynamo(hash)]
    pub id: String,
    pub kind: String,
    pub owner: Option<String>,
    pub payload: T,
    #[dynamo(default)]
    pub votes: u64,
    #[dynamo(serde)]
    pub meta: Meta,
}

#[derive(Debug, PartialEq, DynamoProjection)]
#[dynamo(model = "Doc<u32>")]
pub struct DocPayload {
    pub payload: u32,
    pub votes: u64,
    pub meta: Meta,
}

mod renamed {
    pub use dynamo_types as dt;
}

#[derive(DynamoProjection)]
#[dynamo(model = Doc::<String>, crate = "renamed::dt")]
pub struct DocKind {
    pub kind: String,
}

async fn reads(client: &dynamo_types::Client) -> dynamo_types::Result<()> {
    let docs = Doc::<u32>::table(client);
    let _: Option<DocPayload> = docs.primary_key().get("d-1").project::<DocPayload>().await?;
    let _: Vec<DocKindItemOf> = docs.by_kind().query("a").await?.items;
    let _: Vec<DocByOwnerItem<u32>> = docs.by_owner().scan().await?.items;
    let _ = docs.by_kind().scan().project::<DocPayload>().segments(2).await?;
    Ok(())
}

type DocKindItemOf = DocByKindItem<u32>;

fn main() {
    let _ = reads;
    assert_eq!(<DocPayload as DynamoProjection>::ATTRIBUTES, ["payload", "votes", "meta"]);
    assert_eq!(<DocKind as DynamoProjection>::ATTRIBUTES, ["kind"]);
    assert_eq!(
        <DocByKindItem<u32> as DynamoProjection>::ATTRIBUTES,
        ["id", "kind", "payload"]
    );
}
