//! `#[dynamo(created_at)]` and `#[dynamo(updated_at)]`: what each write stores, and what the
//! model holds afterwards, for chrono and time fields, plain or in an `Option`.

use std::time::Duration;

use chrono::{DateTime, Utc};
use dynamo_types::{DynamoModel, Error};
use time::OffsetDateTime;

use super::models::{created, is_condition_failed, raw_get, s};
use crate::common;

/// Optional chrono timestamps: `None` marks a new item.
#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "notes")]
pub struct Note {
    #[dynamo(hash)]
    pub id: String,
    pub text: String,
    #[dynamo(created_at)]
    pub created_at: Option<DateTime<Utc>>,
    #[dynamo(updated_at, rename = "modified")]
    pub updated_at: Option<DateTime<Utc>>,
}

fn note(id: &str) -> Note {
    Note {
        id: id.into(),
        text: format!("text of {id}"),
        created_at: None,
        updated_at: None,
    }
}

/// Plain chrono timestamps on a model without a version: the model always holds a time.
#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "events")]
pub struct Event {
    #[dynamo(hash)]
    pub id: String,
    #[dynamo(created_at)]
    pub created_at: DateTime<Utc>,
    #[dynamo(updated_at)]
    pub updated_at: DateTime<Utc>,
}

/// Plain `time` timestamps on a versioned model: version 0 marks a new item.
#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "pages")]
pub struct Page {
    #[dynamo(hash)]
    pub id: String,
    pub body: String,
    #[dynamo(version)]
    pub version: u32,
    #[dynamo(created_at)]
    pub created: OffsetDateTime,
    #[dynamo(updated_at)]
    pub updated: OffsetDateTime,
}

fn page(id: &str) -> Page {
    Page {
        id: id.into(),
        body: "first".into(),
        version: 0,
        created: OffsetDateTime::UNIX_EPOCH,
        updated: OffsetDateTime::UNIX_EPOCH,
    }
}

/// A time within the last minute.
fn recent(t: DateTime<Utc>) -> bool {
    let now = Utc::now();
    t <= now && now - t < chrono::Duration::minutes(1)
}

/// Writes in a row take distinct times even on a coarse clock.
async fn tick() {
    tokio::time::sleep(Duration::from_millis(5)).await;
}

#[tokio::test]
async fn a_put_of_a_new_item_stores_one_time_in_both_and_writes_it_back() {
    let client = common::client().await;
    let notes = created(Note::table(&client)).await;
    let mut new = note("n1");
    notes.writer().put(&mut new).await.unwrap();
    let (Some(created_at), Some(updated_at)) = (new.created_at, new.updated_at) else {
        panic!("both times written back: {new:?}");
    };
    assert_eq!(created_at, updated_at, "one time per write");
    assert!(recent(created_at), "{created_at}");
    // What the model holds is what is stored, to the nanosecond, under the attribute names.
    assert_eq!(
        notes.primary_key().get("n1").await.unwrap(),
        Some(new.clone())
    );
    let raw = raw_get(&notes, &[("id", s("n1"))]).await.unwrap();
    assert_eq!(raw.get("created_at"), raw.get("modified"));
    notes.delete_table().await.unwrap();
}

#[tokio::test]
async fn later_writes_keep_created_at_and_move_updated_at_forward() {
    let client = common::client().await;
    let notes = created(Note::table(&client)).await;
    let w = notes.writer();
    let mut first = note("n1");
    w.put(&mut first).await.unwrap();
    let created_at = first.created_at.unwrap();

    // A put of the model read: created_at stays, updated_at moves.
    tick().await;
    let mut read = notes.primary_key().get("n1").await.unwrap().unwrap();
    read.text = "edited".into();
    w.put(&mut read).await.unwrap();
    assert_eq!(read.created_at, Some(created_at));
    assert!(read.updated_at.unwrap() > first.updated_at.unwrap());
    assert_eq!(
        notes.primary_key().get("n1").await.unwrap(),
        Some(read.clone())
    );

    // The same value put again, as `replace` too: each write moves updated_at only.
    tick().await;
    let before = read.updated_at;
    w.replace(&mut read).await.unwrap();
    assert!(read.updated_at > before);
    assert_eq!(read.created_at, Some(created_at));
    assert_eq!(
        notes.primary_key().get("n1").await.unwrap(),
        Some(read.clone())
    );

    // An update by key: created_at is never changed, updated_at is set.
    tick().await;
    let f = Note::fields();
    let updated = notes
        .primary_key()
        .update("n1", Note::update().set(&f.text, "updated"))
        .return_all_new()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(updated.text, "updated");
    assert_eq!(updated.created_at, Some(created_at));
    assert!(updated.updated_at > read.updated_at);
    notes.delete_table().await.unwrap();
}

#[tokio::test]
async fn an_update_that_creates_the_item_sets_created_at() {
    let client = common::client().await;
    let notes = created(Note::table(&client)).await;
    let f = Note::fields();
    let new = notes
        .primary_key()
        .update("n1", Note::update().set(&f.text, "made by an update"))
        .return_all_new()
        .await
        .unwrap()
        .unwrap();
    let created_at = new
        .created_at
        .expect("an update that creates sets created_at");
    assert_eq!(new.updated_at, Some(created_at), "one time per write");
    assert!(recent(created_at));

    // A user's own action on a timestamp wins over the writer's: a backfill.
    let old = DateTime::<Utc>::from_timestamp(1_600_000_000, 0).unwrap();
    let fixed = notes
        .primary_key()
        .update("n1", Note::update().set(&f.created_at, old))
        .return_all_new()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(fixed.created_at, Some(old));
    assert!(
        fixed.updated_at > Some(created_at),
        "updated_at still moves"
    );
    notes.delete_table().await.unwrap();
}

#[tokio::test]
async fn whole_item_writes_stamp_created_at_only_for_an_item_known_to_be_new() {
    let client = common::client().await;
    let events = created(Event::table(&client)).await;
    let w = events.writer();
    let epoch = DateTime::<Utc>::UNIX_EPOCH;
    let fresh = |id: &str| Event {
        id: id.into(),
        created_at: epoch,
        updated_at: epoch,
    };

    // `put_if_absent` creates: both times are now, whatever the model held.
    let mut first = fresh("e1");
    w.put_if_absent(&mut first).await.unwrap();
    assert_eq!(first.created_at, first.updated_at);
    assert!(recent(first.created_at));
    assert_eq!(
        events.primary_key().get("e1").await.unwrap(),
        Some(first.clone())
    );

    // A failed put leaves the model as it was.
    let mut again = fresh("e1");
    assert!(is_condition_failed(w.put_if_absent(&mut again).await));
    assert_eq!(again, fresh("e1"));

    // A plain put of a model that was not read replaces the whole item, created_at included:
    // the model's value is what a plain put writes (an update would keep the stored one).
    let mut blind = fresh("e1");
    w.put(&mut blind).await.unwrap();
    assert_eq!(blind.created_at, epoch);
    assert!(recent(blind.updated_at));
    assert_eq!(events.primary_key().get("e1").await.unwrap(), Some(blind));
    events.delete_table().await.unwrap();
}

#[tokio::test]
async fn a_versioned_model_is_stamped_at_its_initial_version_and_put_twice_in_a_row() {
    let client = common::client().await;
    let pages = created(Page::table(&client)).await;
    let w = pages.writer();
    let mut p = page("p1");
    w.put(&mut p).await.unwrap();
    assert_eq!(p.version, 1);
    assert_eq!(p.created, p.updated);
    assert!(p.created > OffsetDateTime::UNIX_EPOCH);
    let created = p.created;
    assert_eq!(
        pages.primary_key().get("p1").await.unwrap(),
        Some(p.clone())
    );

    // Twice in a row, the same value: each put checks the version the model now holds.
    for (body, version) in [("second", 2), ("third", 3)] {
        tick().await;
        let before = p.updated;
        p.body = body.into();
        w.put(&mut p).await.unwrap();
        assert_eq!(p.version, version);
        assert_eq!(p.created, created);
        assert!(p.updated > before);
        assert_eq!(
            pages.primary_key().get("p1").await.unwrap(),
            Some(p.clone())
        );
    }

    // A stale copy loses and is left as it was.
    let mut stale = page("p1");
    assert!(is_condition_failed(w.put(&mut stale).await));
    assert_eq!(stale, page("p1"));

    // An update at the read version keeps created, moves updated.
    tick().await;
    let f = Page::fields();
    let after = pages
        .primary_key()
        .update("p1", Page::update().set(&f.body, "fourth"))
        .if_version(3u32)
        .return_all_new()
        .await
        .unwrap()
        .unwrap();
    assert_eq!((after.version, after.created), (4, created));
    assert!(after.updated > p.updated);
    pages.delete_table().await.unwrap();
}

#[tokio::test]
async fn batch_puts_stamp_and_write_back_every_item() {
    let client = common::client().await;
    let notes = created(Note::table(&client)).await;
    let mut many: Vec<Note> = (0..30).map(|i| note(&format!("n{i:02}"))).collect();
    notes.writer().batch_put(&mut many).await.unwrap();
    for n in &many {
        assert!(
            n.created_at.is_some() && n.created_at == n.updated_at,
            "{n:?}"
        );
    }
    let read = notes
        .primary_key()
        .batch_get(many.iter().map(|n| n.key()))
        .consistent()
        .await
        .unwrap();
    assert_eq!(read, many);

    // Again, the models as they are now: created_at kept, updated_at moved.
    tick().await;
    let before = many.clone();
    notes.writer().batch_put(&mut many).await.unwrap();
    for (now, was) in many.iter().zip(&before) {
        assert_eq!(now.created_at, was.created_at);
        assert!(now.updated_at > was.updated_at);
    }

    // A checked batch of versioned models: written back per transaction.
    let pages = created(Page::table(&client)).await;
    let mut versioned: Vec<Page> = (0..3).map(|i| page(&format!("p{i}"))).collect();
    pages
        .writer()
        .batch_put(&mut versioned)
        .checked()
        .await
        .unwrap();
    for p in &versioned {
        assert_eq!(p.version, 1);
        assert_eq!(p.created, p.updated);
        assert_eq!(
            pages
                .primary_key()
                .get(p.id.clone())
                .await
                .unwrap()
                .as_ref(),
            Some(p)
        );
    }
    notes.delete_table().await.unwrap();
    pages.delete_table().await.unwrap();
}

#[tokio::test]
async fn transactions_stamp_puts_and_updates_and_write_back_once_committed() {
    let client = common::client().await;
    let notes = created(Note::table(&client)).await;
    let pages = created(Page::table(&client)).await;
    let f = Note::fields();
    let mut n1 = note("n1");
    let mut p1 = page("p1");
    client
        .transact_write()
        .put(&notes, &mut n1)
        .put_if_absent(&pages, &mut p1)
        .update(
            &notes,
            NoteKey { id: "n2".into() },
            Note::update().set(&f.text, "made in a transaction"),
        )
        .await
        .unwrap();
    assert!(n1.created_at.is_some() && n1.created_at == n1.updated_at);
    assert_eq!(p1.version, 1);
    assert_eq!(p1.created, p1.updated);
    assert_eq!(
        notes.primary_key().get("n1").await.unwrap(),
        Some(n1.clone())
    );
    assert_eq!(
        pages.primary_key().get("p1").await.unwrap(),
        Some(p1.clone())
    );
    let n2 = notes.primary_key().get("n2").await.unwrap().unwrap();
    assert!(n2.created_at.is_some() && n2.created_at == n2.updated_at);

    // A transaction that fails changes no model.
    tick().await;
    let n1_before = n1.clone();
    let mut stale = page("p1");
    let err = client
        .transact_write()
        .put(&notes, &mut n1)
        .put(&pages, &mut stale)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::TransactionCanceled { .. }), "{err}");
    assert_eq!((n1, stale), (n1_before, page("p1")));

    // An update in a transaction keeps created_at.
    tick().await;
    client
        .transact_write()
        .update(
            &notes,
            NoteKey { id: "n2".into() },
            Note::update().set(&f.text, "changed"),
        )
        .await
        .unwrap();
    let changed = notes.primary_key().get("n2").await.unwrap().unwrap();
    assert_eq!(changed.created_at, n2.created_at);
    assert!(changed.updated_at > n2.updated_at);
    notes.delete_table().await.unwrap();
    pages.delete_table().await.unwrap();
}
