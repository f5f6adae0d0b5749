//! `#[dynamo(version)]`: optimistic locking on put, delete and update.

use std::collections::BTreeMap;
use std::sync::Arc;

use dynamo_types::{DynamoModel, Error};

use super::models::{Doc, DocKey, created, is_condition_failed, n, raw_get, s};
use crate::common;

fn doc(version: u64) -> Doc {
    Doc {
        id: "d1".into(),
        body: format!("body at {version}"),
        editors: vec![],
        version,
    }
}

fn key() -> DocKey {
    DocKey { id: "d1".into() }
}

#[tokio::test]
async fn put_creates_at_version_1_and_then_requires_the_read_version() {
    let client = common::client().await;
    let docs = created(Doc::table(&client)).await;
    let w = docs.writer();

    // A new model (version 0) is stored at version 1, only if absent, and then holds 1.
    let mut new = doc(0);
    w.put(&mut new).await.unwrap();
    assert_eq!(new.version, 1, "the put wrote the stored version back");
    let stored = docs.get(key()).consistent().await.unwrap().unwrap();
    assert_eq!(stored, new);
    assert!(
        is_condition_failed(w.put(&mut doc(0)).await),
        "creating twice loses"
    );

    // Writing the version read (1) stores 2, and the value holds 2: the same value can be
    // put again, twice in a row, and what is stored is what it says.
    let mut read = stored.clone();
    read.body = "edited".into();
    w.put(&mut read).await.unwrap();
    assert_eq!(read.version, 2);
    read.body = "edited again".into();
    w.put(&mut read).await.unwrap();
    assert_eq!(read.version, 3);
    assert_eq!(
        docs.get(key()).consistent().await.unwrap(),
        Some(read.clone())
    );

    // A copy still at an older version is a lost race, and a failed put leaves it alone.
    let mut stale = stored.clone();
    assert!(
        is_condition_failed(w.put(&mut stale).await),
        "a stale version loses"
    );
    assert_eq!(stale, stored, "a failed put changes nothing");
    // A version from the future loses too.
    assert!(is_condition_failed(w.put(&mut doc(7)).await));

    // `replace` and `put_if_absent` write the version back as `put` does.
    let mut current = docs.get(key()).consistent().await.unwrap().unwrap();
    current.body = "replaced".into();
    w.replace(&mut current).await.unwrap();
    assert_eq!(current.version, 4);
    assert_eq!(
        docs.get(key()).consistent().await.unwrap(),
        Some(current.clone())
    );

    // Delete needs the current version; a model at version 0 was never stored.
    let err = w.delete(&doc(0)).await.unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{err}");
    assert!(is_condition_failed(w.delete(&doc(3)).await));
    w.delete(&current).await.unwrap();
    assert_eq!(docs.get(key()).consistent().await.unwrap(), None);
    docs.delete_table().await.unwrap();
}

#[tokio::test]
async fn updates_and_deletes_by_key_state_the_version() {
    let client = common::client().await;
    let docs = created(Doc::table(&client)).await;
    let pk = docs.primary_key();
    let f = Doc::fields();
    docs.writer().put(&mut doc(0)).await.unwrap();

    // Saying nothing about the version is refused before sending.
    let err = pk
        .update("d1", Doc::update().set(&f.body, "x"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(m) if m.contains("if_version")),
        "{err}"
    );
    let err = pk.delete("d1").await.unwrap_err();
    assert!(
        matches!(&err, Error::Validation(m) if m.contains("if_version")),
        "{err}"
    );
    // The version attribute is not the caller's to update.
    let err = pk
        .update("d1", Doc::update().set(&f.version, 9))
        .skip_version_check()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{err}");

    pk.update("d1", Doc::update().set(&f.body, "v2"))
        .if_version(1u64)
        .await
        .unwrap();
    let stored = raw_get(&docs, &[("id", s("d1"))]).await.unwrap();
    assert_eq!(stored.get("version"), Some(&n(2)));
    assert_eq!(stored.get("body"), Some(&s("v2")));
    assert!(is_condition_failed(
        pk.update("d1", Doc::update().set(&f.body, "lost"))
            .if_version(1u64)
            .await
    ));
    // Skipping the check still increments, so holders of version 2 lose.
    let new = pk
        .update("d1", Doc::update().set(&f.body, "forced"))
        .skip_version_check()
        .return_all_new()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(new.version, 3);
    assert!(is_condition_failed(pk.delete("d1").if_version(2u64).await));
    pk.delete("d1").if_version(3u64).await.unwrap();
    assert_eq!(docs.get(key()).consistent().await.unwrap(), None);
    docs.delete_table().await.unwrap();
}

#[tokio::test]
async fn twenty_concurrent_versioned_updates_have_one_winner_per_version() {
    let client = common::client().await;
    let docs = Arc::new(created(Doc::table(&client)).await);
    docs.writer().put(&mut doc(0)).await.unwrap();
    const TASKS: usize = 20;
    let mut handles = Vec::new();
    for task in 0..TASKS {
        let docs = Arc::clone(&docs);
        handles.push(tokio::spawn(async move {
            let f = Doc::fields();
            let mut losses = 0;
            loop {
                let read = docs.get(key()).consistent().await.unwrap().unwrap();
                let update = Doc::update().append(&f.editors, [format!("task-{task}")]);
                match docs
                    .primary_key()
                    .update("d1", update)
                    .if_version(read.version)
                    .await
                {
                    Ok(()) => return (read.version, losses),
                    Err(Error::ConditionalCheckFailed { .. }) => losses += 1,
                    Err(e) => panic!("{e}"),
                }
            }
        }));
    }
    let mut winners: BTreeMap<u64, usize> = BTreeMap::new();
    let mut losses = 0;
    for handle in handles {
        let (version, lost) = handle.await.unwrap();
        *winners.entry(version).or_default() += 1;
        losses += lost;
    }
    // Each version 1..=20 was won by exactly one task.
    assert_eq!(winners.len(), TASKS, "{winners:?}");
    assert!(winners.values().all(|&w| w == 1), "{winners:?}");
    assert_eq!(
        winners.keys().copied().collect::<Vec<_>>(),
        (1..=TASKS as u64).collect::<Vec<_>>()
    );
    let last = docs.get(key()).consistent().await.unwrap().unwrap();
    assert_eq!(last.version, TASKS as u64 + 1);
    // Every task's edit is there exactly once: no lost update.
    let mut editors = last.editors.clone();
    editors.sort();
    let mut expected: Vec<String> = (0..TASKS).map(|t| format!("task-{t}")).collect();
    expected.sort();
    assert_eq!(editors, expected);
    println!("{losses} lost races retried");
    docs.delete_table().await.unwrap();
}

#[tokio::test]
async fn twenty_puts_of_the_same_read_version_have_exactly_one_winner() {
    let client = common::client().await;
    let docs = Arc::new(created(Doc::table(&client)).await);
    docs.writer().put(&mut doc(0)).await.unwrap();
    let read = docs.get(key()).consistent().await.unwrap().unwrap();
    let barrier = Arc::new(tokio::sync::Barrier::new(20));
    let mut handles = Vec::new();
    for task in 0..20 {
        let (docs, barrier, mut mine) = (Arc::clone(&docs), Arc::clone(&barrier), read.clone());
        handles.push(tokio::spawn(async move {
            mine.body = format!("written by {task}");
            barrier.wait().await;
            match docs.writer().put(&mut mine).await {
                Ok(()) => Some(mine),
                Err(Error::ConditionalCheckFailed { .. }) => None,
                Err(e) => panic!("{e}"),
            }
        }));
    }
    let mut winners = Vec::new();
    for handle in handles {
        winners.extend(handle.await.unwrap());
    }
    assert_eq!(winners.len(), 1, "exactly one put of version 1 wins");
    assert_eq!(winners[0].version, 2);
    assert_eq!(
        docs.get(key()).consistent().await.unwrap(),
        Some(winners[0].clone())
    );
    docs.delete_table().await.unwrap();
}

#[tokio::test]
async fn create_and_replace_helpers_refuse_versions_that_contradict_them() {
    let client = common::client().await;
    let docs = created(Doc::table(&client)).await;
    let w = docs.writer();
    let mut doc = Doc {
        id: "d".into(),
        body: "first".into(),
        editors: Vec::new(),
        version: 0,
    };
    // Version 0 was never stored: `replace` of it could only fail, so it is refused unsent.
    let err = w.replace(&mut doc).await.unwrap_err();
    assert!(
        matches!(&err, Error::Validation(m) if m.contains("version 0")),
        "{err}"
    );
    w.put_if_absent(&mut doc).await.unwrap();
    assert_eq!(doc.version, 1, "written back");
    // A stored version says the item exists: `put_if_absent` of it is refused unsent.
    let err = w.put_if_absent(&mut doc).await.unwrap_err();
    assert!(
        matches!(&err, Error::Validation(m) if m.contains("not 0")),
        "{err}"
    );
    // Neither refusal wrote anything: the stored item is still the first one.
    let stored = docs.primary_key().get("d").await.unwrap().unwrap();
    assert_eq!((stored.body.as_str(), stored.version), ("first", 1));
    w.replace(&mut doc).await.unwrap();
    assert_eq!(doc.version, 2);
    assert_eq!(
        docs.primary_key().get("d").await.unwrap().unwrap().version,
        2
    );
    docs.delete_table().await.unwrap();
}
