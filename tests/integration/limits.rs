//! DynamoDB's limits, checked before sending: each at its boundary, where the value at the
//! limit goes to the server for real and one more is refused here with `Error::limit()` saying
//! which limit, and the error naming what exceeds it.
//!
//! The servers differ on what they check themselves (seen with dynoxide 3.2 and DynamoDB Local
//! 3.3.1): dynoxide accepts index keys over their limits, and neither checks the partition key
//! value of a query (DynamoDB does, with a `ValidationException`). The library refuses all of
//! these alike, so the tests hold on both.

use aws_sdk_dynamodb::types::AttributeValue;
use dynamo_types::{
    Condition, DynamoModel, Error, Limit, MAX_EXPRESSION_LENGTH, MAX_NESTING_DEPTH, Path,
    Placeholders, RangeCondition,
};

use crate::common;

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "limits")]
#[dynamo(gsi(name = "by_tag", hash = "tag", range = "label"))]
pub struct Entry {
    #[dynamo(hash)]
    pub pk: String,
    #[dynamo(range)]
    pub sk: String,
    pub tag: Option<String>,
    pub label: Option<String>,
    pub doc: Option<AttributeValue>,
}

fn entry(pk: &str, sk: &str) -> Entry {
    Entry {
        pk: pk.into(),
        sk: sk.into(),
        tag: None,
        label: None,
        doc: None,
    }
}

/// `bytes` bytes of UTF-8 in two-byte characters (the limits count bytes, not characters).
fn text(bytes: usize) -> String {
    assert_eq!(bytes % 2, 0);
    "é".repeat(bytes / 2)
}

#[track_caller]
fn assert_limit<T: std::fmt::Debug>(result: Result<T, Error>, limit: Limit, attribute: &str) {
    let err = result.expect_err("refused before sending");
    assert_eq!(err.limit(), Some(limit), "{err}");
    let message = err.to_string();
    assert!(message.contains(&format!("`{attribute}`")), "{message}");
    assert!(message.contains(&limit.max().to_string()), "{message}");
    assert!(message.len() < 400, "the error stays short: {message}");
}

#[tokio::test]
async fn keys_at_their_size_limits_are_stored_and_read_and_one_byte_more_is_refused() {
    let client = common::client().await;
    let entries = Entry::table(&client);
    entries.create_table().await.unwrap();
    let pk = entries.primary_key();
    let w = entries.writer();

    // At the limits, for real: 2,048 bytes of partition key, 1,024 of sort key, on the table
    // and on the index.
    let (hash, range) = (text(2048), text(1024));
    let mut at_limit = entry(&hash, &range);
    at_limit.tag = Some(text(2048));
    at_limit.label = Some(text(1024));
    w.put(&mut at_limit).await.unwrap();
    assert_eq!(pk.get(&hash, &range).await.unwrap(), Some(at_limit.clone()));
    assert_eq!(
        pk.batch_get([(hash.clone(), range.clone())]).await.unwrap(),
        vec![at_limit.clone()]
    );
    let page = pk
        .query(&hash)
        .range(RangeCondition::le(range.clone()))
        .await
        .unwrap();
    assert_eq!(page.items, vec![at_limit.clone()]);
    let page = entries
        .by_tag()
        .query(text(2048))
        .range(RangeCondition::eq(text(1024)))
        .await
        .unwrap();
    assert_eq!(page.items, vec![at_limit.clone()]);

    // One byte more (and more), on every path that sends a key.
    let (long_hash, long_range) = (format!("{hash}x"), format!("{range}x"));
    let part = Limit::PartitionKeySize;
    let sort = Limit::SortKeySize;
    // Writes of items: the table's keys and the index's.
    assert_limit(w.put(&mut entry(&long_hash, "s")).await, part, "pk");
    assert_limit(w.put(&mut entry("p", &long_range)).await, sort, "sk");
    let mut long_tag = entry("p", "s");
    long_tag.tag = Some(format!("{}x", text(2048)));
    long_tag.label = Some("l".into());
    let err = w.put(&mut long_tag).await.unwrap_err();
    assert!(err.to_string().contains("index `by_tag`"), "{err}");
    assert_limit(Err::<(), _>(err), part, "tag");
    let mut long_label = entry("p", "s");
    long_label.tag = Some("t".into());
    long_label.label = Some(format!("{}x", text(1024)));
    assert_limit(w.put(&mut long_label).await, sort, "label");
    // an update that sets an index's key attribute is held to the same limits
    let f = Entry::fields();
    let update = |value: String| Entry::update().set(&f.tag, value);
    assert_limit(
        entries
            .primary_key()
            .update("p", "s", update(format!("{}x", text(2048))))
            .await,
        part,
        "tag",
    );
    let err = entries
        .primary_key()
        .update("p", "s", update(String::new()))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(m) if m.contains("`tag`")),
        "an empty index key value is refused too: {err}"
    );
    let mut many: Vec<Entry> = (0..30).map(|i| entry("p", &format!("s{i}"))).collect();
    many[21].sk = long_range.clone();
    let err = w.batch_put(&mut many).await.unwrap_err();
    assert!(
        err.to_string().contains("bytes)"),
        "a long key is shortened: {err}"
    );
    assert_limit(Err::<(), _>(err), sort, "sk");
    assert_limit(w.batch_put(&mut many).checked().await, sort, "sk");
    assert_limit(
        client
            .transact_write()
            .put(&entries, &mut entry(&long_hash, "s"))
            .await,
        part,
        "pk",
    );
    // Writes by key.
    assert_limit(pk.delete(&long_hash, "s").await, part, "pk");
    assert_limit(pk.delete("p", &long_range).await, sort, "sk");
    assert_limit(w.delete(&entry("p", &long_range)).await, sort, "sk");
    let f = Entry::fields();
    assert_limit(
        pk.update(&long_hash, "s", Entry::update().set(&f.tag, "t".to_owned()))
            .await,
        part,
        "pk",
    );
    assert_limit(
        pk.batch_delete([("p".to_owned(), long_range.clone())])
            .await,
        sort,
        "sk",
    );
    assert_limit(
        client
            .transact_write()
            .delete(&entries, &entry("p", &long_range))
            .await,
        sort,
        "sk",
    );
    // Reads: such a key can never match, and DynamoDB answers it with a ValidationException.
    assert_limit(pk.get(&long_hash, "s").await, part, "pk");
    assert_limit(pk.get("p", &long_range).await, sort, "sk");
    assert_limit(
        pk.batch_get([("p".to_owned(), long_range.clone())]).await,
        sort,
        "sk",
    );
    assert_limit(pk.query(&long_hash).await, part, "pk");
    assert_limit(
        pk.query("p")
            .range(RangeCondition::lt(long_range.clone()))
            .await,
        sort,
        "sk",
    );
    assert_limit(
        entries.by_tag().query(format!("{}x", text(2048))).await,
        part,
        "tag",
    );
    assert_limit(
        entries
            .by_tag()
            .query("t")
            .range(RangeCondition::begins_with(format!("{}x", text(1024))))
            .await,
        sort,
        "label",
    );

    // Nothing but the item at the limits was written.
    let all: Vec<Entry> = futures::TryStreamExt::try_collect(pk.scan().stream())
        .await
        .unwrap();
    assert_eq!(all, vec![at_limit]);
    entries.delete_table().await.unwrap();
}

/// A condition joined by OR, each part true of an item that does not exist yet: `exists` parts
/// `attribute_not_exists(#n0)` and `compares` parts `#n1 <> :v7`.
fn long_condition(exists: usize, compares: usize) -> Condition<Entry> {
    let f = Entry::fields();
    let parts = (0..exists)
        .map(|_| f.pk.not_exists())
        .chain((0..compares).map(|i| f.tag.ne(format!("t{i}"))));
    Condition::any(parts).unwrap()
}

fn rendered_len(condition: &Condition<Entry>) -> usize {
    Placeholders::default().condition(condition).unwrap().len()
}

/// A condition whose rendered text is exactly `len` bytes long, of about 140 parts. (A 4 KB
/// condition of some 250 short parts overflowed the stack of the embedded server, dynoxide
/// 3.2, whose expression parser recurses per part; DynamoDB Local takes it.)
fn condition_of_length(len: usize) -> Condition<Entry> {
    for exists in (100..=140).rev() {
        let mut compares = 0;
        while rendered_len(&long_condition(exists, compares)) < len {
            compares += 1;
        }
        let condition = long_condition(exists, compares);
        if rendered_len(&condition) == len {
            return condition;
        }
    }
    panic!("no condition of {len} bytes");
}

#[tokio::test]
async fn expressions_of_4_kb_are_sent_and_one_byte_more_is_refused_naming_the_expression() {
    let client = common::client().await;
    let entries = Entry::table(&client);
    entries.create_table().await.unwrap();
    let w = entries.writer();

    let at_limit = condition_of_length(MAX_EXPRESSION_LENGTH);
    w.put(&mut entry("p", "at"))
        .condition(at_limit.clone())
        .await
        .unwrap();
    let over = condition_of_length(MAX_EXPRESSION_LENGTH + 1);
    match w.put(&mut entry("p", "over")).condition(over.clone()).await {
        Err(Error::LimitExceeded {
            limit: Limit::ExpressionLength,
            found,
            at,
        }) => {
            assert_eq!(found, MAX_EXPRESSION_LENGTH + 1);
            assert_eq!(at, "the ConditionExpression");
        }
        other => panic!("expected LimitExceeded, got {other:?}"),
    }
    // The same check on every expression: a filter, an update, a transaction's condition.
    let err = entries
        .primary_key()
        .query("p")
        .filter(over.clone())
        .await
        .unwrap_err();
    assert_eq!(err.limit(), Some(Limit::ExpressionLength), "{err}");
    assert!(err.to_string().contains("FilterExpression"), "{err}");
    let err = entries
        .primary_key()
        .scan()
        .filter(over.clone())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("FilterExpression"), "{err}");
    let mut update = Entry::update();
    for i in 0..400 {
        update = update.set(&Path::<Entry, i64>::attribute(&format!("a{i}")), i);
    }
    let err = entries
        .primary_key()
        .update("p", "at", update)
        .await
        .unwrap_err();
    assert_eq!(err.limit(), Some(Limit::ExpressionLength), "{err}");
    assert!(err.to_string().contains("UpdateExpression"), "{err}");
    let err = client
        .transact_write()
        .action(dynamo_types::ConditionCheck::new(
            &entries,
            EntryKey {
                pk: "p".into(),
                sk: "at".into(),
            },
            over,
        ))
        .await
        .unwrap_err();
    assert_eq!(err.limit(), Some(Limit::ExpressionLength), "{err}");
    assert!(err.to_string().contains("action #0"), "{err}");

    let all: Vec<Entry> = futures::TryStreamExt::try_collect(entries.primary_key().scan().stream())
        .await
        .unwrap();
    assert_eq!(all, vec![entry("p", "at")]);
    entries.delete_table().await.unwrap();
}

/// `levels` lists inside one another around a string, at the end of each list.
fn nested(levels: usize) -> AttributeValue {
    let mut value = AttributeValue::S("deep".into());
    for _ in 0..levels {
        value = AttributeValue::L(vec![AttributeValue::Bool(true), value]);
    }
    value
}

#[tokio::test]
async fn values_nested_32_levels_are_stored_and_33_are_refused_naming_the_path() {
    let client = common::client().await;
    let entries = Entry::table(&client);
    entries.create_table().await.unwrap();
    let w = entries.writer();

    // DynamoDB's 32 levels count the item: an attribute holds 31 lists, nested. Both local
    // servers accept that and refuse one more.
    let mut at_limit = entry("p", "32");
    at_limit.doc = Some(nested(MAX_NESTING_DEPTH - 1));
    w.put(&mut at_limit).await.unwrap();
    assert_eq!(
        entries.primary_key().get("p", "32").await.unwrap(),
        Some(at_limit.clone())
    );

    let mut over = entry("p", "33");
    over.doc = Some(nested(MAX_NESTING_DEPTH));
    let err = over.to_item().unwrap_err();
    assert_eq!(err.limit(), Some(Limit::NestingDepth));
    assert_eq!(err.path(), format!("doc{}", "[1]".repeat(31)));
    let err = w.put(&mut over).await.unwrap_err();
    assert_eq!(err.limit(), Some(Limit::NestingDepth), "{err}");
    assert!(matches!(err, Error::Encode(_)), "{err}");
    assert!(err.to_string().contains("33 levels"), "{err}");
    // The server's own answer to it, sent raw past the library.
    let mut raw = at_limit.to_item().unwrap();
    raw.insert("sk".into(), AttributeValue::S("33".into()));
    raw.insert("doc".into(), nested(MAX_NESTING_DEPTH));
    let sent = client
        .sdk()
        .put_item()
        .table_name(entries.name())
        .set_item(Some(raw))
        .send()
        .await;
    assert!(sent.is_err(), "the server refuses 33 levels too");

    // An update counts the levels of its path too: `doc[1]` holds 30 lists at most.
    let f = Entry::fields();
    let pk = entries.primary_key();
    let set = |value: AttributeValue| Entry::update().set(&f.doc, value);
    pk.update("p", "32", set(nested(MAX_NESTING_DEPTH - 1)))
        .await
        .unwrap();
    let err = pk
        .update("p", "32", set(nested(MAX_NESTING_DEPTH)))
        .await
        .unwrap_err();
    assert_eq!(err.limit(), Some(Limit::NestingDepth), "{err}");
    assert!(err.to_string().contains("`doc[1]"), "{err}");
    let element = Path::<Entry, Vec<AttributeValue>>::attribute("doc").at(1);
    pk.update(
        "p",
        "32",
        Entry::update().set(&element, nested(MAX_NESTING_DEPTH - 2)),
    )
    .await
    .unwrap();
    let err = pk
        .update(
            "p",
            "32",
            Entry::update().set(&element, nested(MAX_NESTING_DEPTH - 1)),
        )
        .await
        .unwrap_err();
    assert_eq!(err.limit(), Some(Limit::NestingDepth), "{err}");
    assert!(
        err.to_string().contains("32 levels") || err.to_string().contains("33 levels"),
        "{err}"
    );
    assert!(err.to_string().contains("`doc[1][1]"), "{err}");
    entries.delete_table().await.unwrap();
}

#[tokio::test]
async fn a_read_transaction_of_100_gets_is_sent_and_101_are_refused() {
    let client = common::client().await;
    let entries = Entry::table(&client);
    entries.create_table().await.unwrap();
    entries.writer().put(&mut entry("p", "s0")).await.unwrap();
    let get = |i: usize| {
        entries
            .get(EntryKey {
                pk: "p".into(),
                sk: format!("s{i}"),
            })
            .consistent()
    };
    let found = client
        .transact_get((0..100).map(get).collect::<Vec<_>>())
        .await
        .unwrap();
    assert_eq!(found.iter().flatten().count(), 1);
    match client
        .transact_get((0..101).map(get).collect::<Vec<_>>())
        .await
    {
        Err(Error::LimitExceeded {
            limit: Limit::TransactionActions,
            found: 101,
            ..
        }) => {}
        other => panic!("expected LimitExceeded, got {other:?}"),
    }
    entries.delete_table().await.unwrap();
}
