//! DynamoDB rejects an empty string or binary as a key value, of the table or of an index. The
//! library refuses such keys before sending, naming the attribute: in a batch, the server's
//! rejection would fail the other items of the request with it.

use dynamo_types::{DynamoModel, Error};

use crate::common;

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "empty_keys")]
#[dynamo(gsi(name = "by_author", hash = "author"))]
pub struct Note {
    #[dynamo(hash)]
    pub folder: String,
    #[dynamo(range)]
    pub id: String,
    pub author: String,
}

fn note(folder: &str, id: &str, author: &str) -> Note {
    Note {
        folder: folder.into(),
        id: id.into(),
        author: author.into(),
    }
}

fn assert_names(err: &Error, attribute: &str) {
    let text = err.to_string();
    assert!(
        text.contains(&format!("`{attribute}`")) && text.contains("empty"),
        "{text}"
    );
}

#[tokio::test]
async fn empty_keys_are_refused_before_sending_and_nothing_is_written() {
    let client = common::client().await;
    let notes = Note::table(&client);
    notes.create_table().await.unwrap();
    let w = notes.writer();

    // A table key and an index key, on a single put.
    let err = w.put(&mut note("", "n1", "ann")).await.unwrap_err();
    assert!(
        matches!(err, Error::Encode(_) | Error::Validation(_)),
        "{err}"
    );
    assert_names(&err, "folder");
    let err = w.put(&mut note("f", "n1", "")).await.unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{err}");
    assert_names(&err, "author");

    // One bad item among 30 in a batch: refused whole, before any request is sent.
    let mut many: Vec<Note> = (0..30)
        .map(|i| note("f", &format!("n{i}"), "ann"))
        .collect();
    many[17].author = String::new();
    let err = w.batch_put(&mut many).await.unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{err}");
    assert_names(&err, "author");
    assert!(
        err.to_string().contains("n17"),
        "the error names the item's key: {err}"
    );
    let stored = notes.primary_key().scan().stream();
    let stored: Vec<Note> = futures::TryStreamExt::try_collect(stored).await.unwrap();
    assert!(stored.is_empty(), "nothing was written: {stored:?}");

    // Reads and deletes by an empty key.
    let pk = notes.primary_key();
    assert_names(&pk.get("", "n1").await.unwrap_err(), "folder");
    assert_names(&pk.get("f", "").await.unwrap_err(), "id");
    let key = NoteKey {
        folder: "f".into(),
        id: String::new(),
    };
    assert_names(&pk.batch_get([key.clone()]).await.unwrap_err(), "id");
    assert_names(&pk.batch_delete([key]).await.unwrap_err(), "id");
    assert_names(&pk.query("").await.unwrap_err(), "folder");
    assert_names(&notes.by_author().query("").await.unwrap_err(), "author");
    // A sort-key condition names the sort key attribute itself.
    let err = pk
        .query("f")
        .range(dynamo_types::RangeCondition::begins_with(""))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("attribute `id`:"), "{err}");

    // The good items still go through.
    many[17].author = "ann".into();
    w.batch_put(&mut many).await.unwrap();
    assert_eq!(pk.query("f").limit(100).await.unwrap().items.len(), 30);
    notes.delete_table().await.unwrap();
}
