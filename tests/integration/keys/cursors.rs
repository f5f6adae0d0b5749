//! Cursors are bound to the table and index they were made on: a cursor of one table does not
//! resume a read of another table with the same key names.

use dynamo_types::Error;

use super::Measure;

fn measure(x: f64, seq: u32) -> Measure {
    Measure {
        x,
        seq,
        note: format!("{x}/{seq}"),
    }
}

#[tokio::test]
async fn a_cursor_of_one_table_does_not_resume_another() {
    // Two tables of one model: same key names, different tables (the clients' prefixes differ).
    let first = Measure::table(&crate::common::client().await);
    let second = Measure::table(&crate::common::client().await);
    assert_ne!(first.name(), second.name());
    for t in [&first, &second] {
        t.create_table().await.unwrap();
        for seq in 0..4 {
            t.writer().put(&mut measure(1.0, seq)).await.unwrap();
        }
    }

    let page = first.primary_key().query(1.0).limit(2).await.unwrap();
    let cursor = page.cursor.expect("more to read");
    assert_eq!(cursor.table(), first.name());
    let err = second
        .primary_key()
        .query(1.0)
        .start_after(cursor.clone())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Cursor(dynamo_types::CursorError::OtherTable { made_on, used_on })
            if made_on == first.name() && used_on == second.name()),
        "{err:?}"
    );
    // Its text form carries the table too.
    let text = cursor.to_string();
    let err = second
        .primary_key()
        .query(1.0)
        .start_after(text.parse().unwrap())
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Cursor(_)), "{err:?}");
    assert!(
        first
            .primary_key()
            .query(1.0)
            .start_after(text.parse().unwrap())
            .await
            .is_ok()
    );

    // Scans and parallel scans alike.
    let page = first.primary_key().scan().limit(1).await.unwrap();
    let err = second
        .primary_key()
        .scan()
        .start_after(page.cursor.unwrap())
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Cursor(_)), "{err:?}");
    let page = first
        .primary_key()
        .scan()
        .segments(2)
        .limit(1)
        .await
        .unwrap();
    let err = second
        .primary_key()
        .scan()
        .segments(2)
        .start_after(page.cursor.unwrap())
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Cursor(_)), "{err:?}");

    first.delete_table().await.unwrap();
    second.delete_table().await.unwrap();
}

/// Emails as partition keys: what a plain cursor would show to whoever holds it.
#[derive(Debug, Clone, PartialEq, dynamo_types::DynamoModel)]
#[dynamo(table = "inbox")]
pub struct Message {
    #[dynamo(hash)]
    pub email: String,
    #[dynamo(range)]
    pub id: u32,
}

#[tokio::test]
async fn sealed_cursors_resume_reads_and_show_nothing() {
    use base64::Engine;
    use dynamo_types::{Cursor, CursorError, CursorKey, ScanCursor};

    let inbox = Message::table(&crate::common::client().await);
    inbox.create_table().await.unwrap();
    let email = "ann@example.com";
    let mut all: Vec<Message> = (0..5)
        .map(|id| Message {
            email: email.into(),
            id,
        })
        .collect();
    inbox.writer().batch_put(&mut all).await.unwrap();

    let key = CursorKey::generate().unwrap();
    let page = inbox.primary_key().query(email).limit(2).await.unwrap();
    let cursor = page.cursor.unwrap();
    let plain = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor.to_string())
        .unwrap();
    assert!(
        plain.windows(email.len()).any(|w| w == email.as_bytes()),
        "a plain cursor shows the key"
    );
    let sealed = cursor.seal(&key).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(&sealed)
        .unwrap();
    assert!(
        !bytes.windows(3).any(|w| w == b"ann"),
        "a sealed one does not"
    );

    // What the browser sends back resumes the read.
    let rest = inbox
        .primary_key()
        .query(email)
        .start_after(Cursor::open(&sealed, &key).unwrap())
        .await
        .unwrap();
    assert_eq!(rest.items, all[2..]);
    // A plain cursor is not accepted where sealed ones are expected, nor another key's.
    assert!(matches!(
        Cursor::open(&cursor.to_string(), &key),
        Err(Error::Cursor(CursorError::NotSealed))
    ));
    assert!(matches!(
        Cursor::open(&sealed, &CursorKey::generate().unwrap()),
        Err(Error::Cursor(CursorError::SealBroken))
    ));

    // Parallel scans too.
    let page = inbox
        .primary_key()
        .scan()
        .segments(2)
        .limit(1)
        .await
        .unwrap();
    let sealed = page.cursor.unwrap().seal(&key).unwrap();
    let rest = inbox
        .primary_key()
        .scan()
        .segments(2)
        .start_after(ScanCursor::open(&sealed, &key).unwrap())
        .stream();
    let rest: Vec<Message> = crate::reads::collect(rest).await;
    assert_eq!(rest.len() + 1, all.len());
    inbox.delete_table().await.unwrap();
}
