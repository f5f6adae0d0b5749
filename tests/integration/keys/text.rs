//! Key text that another program stored in a valid but different form than the model writes
//! (a timestamp without fractions or with an offset, an uppercase or braced UUID, a number with
//! more digits than an `f64` holds). Such a key reads as a value whose own text names another
//! item, so writing it back would miss the item read: a second item after a `put`, nothing
//! deleted by a `delete`. Key fields therefore decode only the form the model writes; the error
//! names the attribute and the text found.

use dynamo_types::{DecodeErrorKind, DynamoModel, Error};

use super::{Measure, n, put_raw, s, scan_raw};

/// Timeline entries: a `chrono` sort key.
#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "moments")]
pub struct Moment {
    #[dynamo(hash)]
    pub feed: String,
    #[dynamo(range)]
    pub at: chrono::DateTime<chrono::Utc>,
    pub note: String,
}

/// The same with a `time` sort key.
#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "instants")]
pub struct Instant {
    #[dynamo(hash)]
    pub feed: String,
    #[dynamo(range)]
    pub at: time::OffsetDateTime,
    pub note: String,
}

/// A `uuid` partition key.
#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "accounts")]
pub struct Account {
    #[dynamo(hash)]
    pub id: uuid::Uuid,
    pub note: String,
}

/// The decode error of `result`, which must be about the key attribute `attribute` holding
/// `found`.
#[track_caller]
fn assert_refused<T: std::fmt::Debug>(
    result: dynamo_types::Result<T>,
    attribute: &str,
    found: &str,
) {
    let err = match result {
        // the error names the item by its key as stored, the text that does not read
        Err(Error::Undecodable { key, source, .. }) => {
            assert!(key.contains_key(attribute), "{key:?}");
            source
        }
        other => panic!("stored form {found:?}: expected an undecodable item, got {other:?}"),
    };
    assert_eq!(err.path(), attribute, "{err}");
    assert!(
        matches!(err.kind(), DecodeErrorKind::InvalidValue { found: f, .. } if f.contains(found)),
        "{err}"
    );
    assert!(err.to_string().contains("key"), "{err}");
}

#[tokio::test]
async fn timestamps_in_another_form_are_refused_as_keys() {
    let client = crate::common::client().await;
    let moments = Moment::table(&client);
    moments.create_table().await.unwrap();
    let forms = [
        "2024-05-01T12:00:00Z",
        "2024-05-01T14:00:00+02:00",
        "2024-05-01T12:00:00.5Z",
        "2024-05-01t12:00:00.000000000z",
    ];
    for (i, form) in forms.iter().enumerate() {
        let feed = format!("other-{i}");
        put_raw(
            &client,
            moments.name(),
            &[("feed", s(&feed)), ("at", s(form)), ("note", s("x"))],
        )
        .await;
        assert_refused(moments.primary_key().query(feed.as_str()).await, "at", form);
    }

    // The model's own form reads, and writing the value back addresses the same item.
    put_raw(
        &client,
        moments.name(),
        &[
            ("feed", s("mine")),
            ("at", s("2024-05-01T12:00:00.000000000Z")),
            ("note", s("x")),
        ],
    )
    .await;
    let mut page = moments.primary_key().query("mine").await.unwrap();
    let mut moment = page.items.pop().expect("the item");
    moment.note = "changed".into();
    moments.writer().put(&mut moment).await.unwrap();
    let mine: Vec<_> = scan_raw(&client, moments.name())
        .await
        .into_iter()
        .filter(|item| item["feed"] == s("mine"))
        .collect();
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert_eq!(mine[0]["note"], s("changed"));
    moments.delete_table().await.unwrap();
}

#[tokio::test]
async fn time_offsets_are_refused_as_keys() {
    let client = crate::common::client().await;
    let instants = Instant::table(&client);
    instants.create_table().await.unwrap();
    let form = "2024-05-01T12:00:00.000000000-00:00";
    put_raw(
        &client,
        instants.name(),
        &[("feed", s("f")), ("at", s(form)), ("note", s("x"))],
    )
    .await;
    assert_refused(instants.primary_key().scan().await, "at", form);
    instants.delete_table().await.unwrap();
}

#[tokio::test]
async fn uuids_in_another_form_are_refused_as_keys() {
    let client = crate::common::client().await;
    let accounts = Account::table(&client);
    accounts.create_table().await.unwrap();
    for form in [
        "67E55044-10B1-426F-9247-BB680E5FE0C8",
        "{67e55044-10b1-426f-9247-bb680e5fe0c8}",
        "67e5504410b1426f9247bb680e5fe0c8",
        "urn:uuid:67e55044-10b1-426f-9247-bb680e5fe0c8",
    ] {
        put_raw(
            &client,
            accounts.name(),
            &[("id", s(form)), ("note", s("x"))],
        )
        .await;
        assert_refused(accounts.primary_key().scan().await, "id", form);
        accounts
            .client()
            .sdk()
            .delete_item()
            .table_name(accounts.name())
            .key("id", s(form))
            .send()
            .await
            .unwrap();
    }

    // The hyphenated lowercase form reads; a delete of what was read deletes it.
    let id = uuid::Uuid::from_u128(0x67e5_5044_10b1_426f_9247_bb68_0e5f_e0c8);
    put_raw(
        &client,
        accounts.name(),
        &[("id", s(&id.to_string())), ("note", s("x"))],
    )
    .await;
    let read = accounts.primary_key().scan().await.unwrap().items;
    assert_eq!(read.len(), 1);
    assert_eq!(read[0].id, id);
    accounts.writer().delete(&read[0]).await.unwrap();
    assert!(scan_raw(&client, accounts.name()).await.is_empty());
    accounts.delete_table().await.unwrap();
}

#[tokio::test]
async fn numbers_beyond_a_float_are_refused_as_keys() {
    let client = crate::common::client().await;
    let measures = Measure::table(&client);
    measures.create_table().await.unwrap();
    // 0.1 and 25 more digits: an f64 reads it as 0.1, whose text is another key.
    let form = "0.10000000000000000000000001";
    put_raw(
        &client,
        measures.name(),
        &[("x", n(form)), ("seq", n("1")), ("note", s("x"))],
    )
    .await;
    assert_refused(measures.primary_key().scan().await, "x", form);
    measures.delete_table().await.unwrap();
}
