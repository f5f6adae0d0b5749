//! `count()` on queries and scans, the scanned count and consumed capacity of pages, and
//! cursors made from a raw `LastEvaluatedKey`.

use aws_sdk_dynamodb::types::AttributeValue;
use dynamo_types::{Cursor, CursorError, Error, RangeCondition};

use super::{Article, article, articles, collect, put_all};

/// 30 articles in blog `b1` and 10 in `b2`.
fn stored() -> Vec<Article> {
    let mut stored: Vec<Article> = (0..30).map(|i| article("b1", i)).collect();
    stored.extend((30..40).map(|i| article("b2", i)));
    stored
}

#[tokio::test]
async fn count_walks_every_page_with_and_without_a_filter() {
    let t = articles().await;
    let stored = stored();
    put_all(&t, &stored).await;
    let pk = t.primary_key();
    let ann = Article::fields().author.eq("ann");

    // 4 items per request: a count of 30 takes 8 requests, so it must follow the pages.
    let n = pk.query("b1").page_size(4).count().await.unwrap();
    assert_eq!((n.count, n.scanned_count), (30, 30));
    assert_eq!(n.consumed_capacity, None, "not asked for");
    let n = pk
        .query("b1")
        .filter(ann.clone())
        .page_size(4)
        .count()
        .await
        .unwrap();
    assert_eq!((n.count, n.scanned_count), (15, 30));
    // A filter that rejects everything still counts to the end (no `max_requests` bound).
    let n = pk
        .query("b1")
        .filter(Article::fields().author.eq("nobody"))
        .page_size(2)
        .count()
        .await
        .unwrap();
    assert_eq!((n.count, n.scanned_count), (0, 30));
    // The key condition applies: a010..=a019, of which the even ones are ann's.
    let n = pk
        .query("b1")
        .range(RangeCondition::between("a010", "a019"))
        .filter(ann.clone())
        .page_size(3)
        .count()
        .await
        .unwrap();
    assert_eq!((n.count, n.scanned_count), (5, 10));
    // From a cursor: what is left after the first page.
    let page = pk.query("b1").page_size(7).await.unwrap();
    let n = pk
        .query("b1")
        .start_after(page.cursor.unwrap())
        .page_size(4)
        .count()
        .await
        .unwrap();
    assert_eq!(n.count, 23);
    // A count is the number of items the read would return.
    let items = collect(pk.query("b1").filter(ann.clone()).page_size(4).stream()).await;
    assert_eq!(items.len(), 15);

    // Scans, plain and parallel.
    let n = pk.scan().page_size(6).count().await.unwrap();
    assert_eq!((n.count, n.scanned_count), (40, 40));
    let n = pk
        .scan()
        .filter(ann.clone())
        .page_size(6)
        .count()
        .await
        .unwrap();
    assert_eq!((n.count, n.scanned_count), (20, 40));
    let n = pk
        .scan()
        .filter(ann.clone())
        .page_size(3)
        .segments(3)
        .count()
        .await
        .unwrap();
    assert_eq!((n.count, n.scanned_count), (20, 40));
    let n = pk.scan().segment(1, 2).count().await.unwrap();
    let m = pk.scan().segment(0, 2).count().await.unwrap();
    assert_eq!(n.count + m.count, 40);

    // `limit` would change the answer: refused.
    let err = pk.query("b1").limit(3).count().await.unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{err}");
    t.delete_table().await.unwrap();
}

#[tokio::test]
async fn count_on_every_kind_of_index() {
    let t = articles().await;
    let stored = stored();
    put_all(&t, &stored).await;

    // LSI: likes = 1000 - i, so likes > 990 is i < 10.
    let n = t
        .by_likes()
        .query("b1")
        .range(RangeCondition::gt(990))
        .page_size(3)
        .count()
        .await
        .unwrap();
    assert_eq!(n.count, 10);
    // Full GSI: ann wrote the 20 even-numbered articles; 10 of them in b1.
    let gsi = t.by_author();
    let n = gsi.query("ann").page_size(3).count().await.unwrap();
    assert_eq!(n.count, 20);
    let n = gsi
        .query("ann")
        .filter(Article::fields().blog.eq("b1"))
        .page_size(3)
        .count()
        .await
        .unwrap();
    assert_eq!((n.count, n.scanned_count), (15, 20));
    let n = gsi
        .query("ann")
        .range(RangeCondition::ge(1_030))
        .count()
        .await
        .unwrap();
    assert_eq!(n.count, 5);
    // Hash-only GSI: tag = i % 3.
    let sql = stored.iter().filter(|a| a.tag == "sql").count() as u64;
    let n = t.by_tag().query("sql").page_size(4).count().await.unwrap();
    assert_eq!(n.count, sql);
    // A keys-only index reads its item type (the keys), and it can be counted.
    assert_eq!(t.by_slug().scan().limit(3).await.unwrap().items.len(), 3);
    let n = t.by_slug().query("b1-s3").count().await.unwrap();
    assert_eq!(n.count, 1);
    let n = t.by_slug().scan().page_size(7).count().await.unwrap();
    assert_eq!(n.count, 40);
    // ... but not through a filter on what it does not hold: DynamoDB would take every item as
    // lacking it, and the count would be silently wrong
    let author = Article::fields().author.eq("ann");
    for refused in [
        t.by_slug().scan().filter(author.clone()).count().await,
        t.by_slug()
            .query("b1-s2")
            .filter(author.clone())
            .count()
            .await,
    ] {
        assert!(
            matches!(&refused, Err(Error::Validation(m)) if m.contains("`author`")),
            "{refused:?}"
        );
    }
    assert!(t.by_slug().scan().filter(author).keys_only().await.is_err());
    let n = t
        .by_slug()
        .scan()
        .filter(Article::fields().slug.begins_with("b1-"))
        .count()
        .await
        .unwrap();
    assert_eq!(n.count, 30, "a filter on what it holds counts");
    let n = t
        .by_tag()
        .scan()
        .page_size(7)
        .segments(2)
        .count()
        .await
        .unwrap();
    assert_eq!(n.count, 40);
    t.delete_table().await.unwrap();
}

#[tokio::test]
async fn pages_carry_their_scanned_count() {
    let t = articles().await;
    let stored = stored();
    put_all(&t, &stored).await;
    let pk = t.primary_key();
    let ann = Article::fields().author.eq("ann");

    let page = pk.query("b1").page_size(5).await.unwrap();
    assert_eq!((page.items.len(), page.scanned_count), (5, 5));
    // Filtered: two requests of 4 read 8 items, of which ann's are 4.
    let page = pk
        .query("b1")
        .filter(ann.clone())
        .page_size(4)
        .max_requests(2)
        .limit(100)
        .await
        .unwrap();
    assert_eq!((page.items.len(), page.scanned_count), (4, 8));
    assert!(page.cursor.is_some());
    // A filter that rejects everything: the page is empty but says what it read.
    let page = pk
        .query("b1")
        .filter(Article::fields().author.eq("nobody"))
        .page_size(4)
        .max_requests(3)
        .await
        .unwrap();
    assert_eq!((page.items.len(), page.scanned_count), (0, 12));
    // Every page of `.pages()`, and of a scan; they add up to the whole partition / table.
    let pages = collect(pk.query("b1").filter(ann.clone()).page_size(4).pages()).await;
    assert_eq!(pages.iter().map(|p| p.scanned_count).sum::<u64>(), 30);
    let pages = collect(pk.scan().filter(ann.clone()).page_size(4).pages()).await;
    assert_eq!(pages.iter().map(|p| p.scanned_count).sum::<u64>(), 40);
    assert_eq!(pages.iter().map(|p| p.items.len()).sum::<usize>(), 20);
    let pages = collect(pk.scan().page_size(4).segments(2).pages()).await;
    assert_eq!(pages.iter().map(|p| p.scanned_count).sum::<u64>(), 40);
    t.delete_table().await.unwrap();
}

#[tokio::test]
async fn consumed_capacity_only_when_asked() {
    let t = articles().await;
    let stored = stored();
    put_all(&t, &stored).await;
    let pk = t.primary_key();

    let page = pk.query("b1").page_size(5).await.unwrap();
    assert_eq!(page.consumed_capacity, None);
    let page = pk.scan().page_size(5).segments(2).await.unwrap();
    assert_eq!(page.consumed_capacity, None);
    let n = pk.scan().count().await.unwrap();
    assert_eq!(n.consumed_capacity, None);

    let page = pk
        .query("b1")
        .page_size(5)
        .return_consumed_capacity()
        .await
        .unwrap();
    let scan_page = pk
        .scan()
        .page_size(5)
        .segments(2)
        .return_consumed_capacity()
        .await
        .unwrap();
    let query_count = t
        .by_author()
        .query("ann")
        .page_size(3)
        .return_consumed_capacity()
        .count()
        .await
        .unwrap();
    let scan_count = pk
        .scan()
        .page_size(5)
        .return_consumed_capacity()
        .count()
        .await
        .unwrap();
    for (what, capacity) in [
        ("query page", page.consumed_capacity),
        ("parallel scan page", scan_page.consumed_capacity),
        ("query count", query_count.consumed_capacity),
        ("scan count", scan_count.consumed_capacity),
    ] {
        // Both servers report it (dynoxide and AWS's DynamoDB Local), as DynamoDB does.
        let capacity = capacity.unwrap_or_else(|| panic!("{what}: no consumed capacity"));
        assert!(capacity.capacity_units > 0.0, "{what}: {capacity:?}");
    }
    // a count is the sum over its requests: the same read as pages, request for request,
    // consumes what they consume together, more than any one of them
    let pages: Vec<f64> = {
        use futures::TryStreamExt;
        pk.scan()
            .page_size(5)
            .return_consumed_capacity()
            .pages()
            .map_ok(|p| p.consumed_capacity.expect("asked for").capacity_units)
            .try_collect()
            .await
            .unwrap()
    };
    assert!(pages.len() > 1, "{pages:?}");
    let total: f64 = pages.iter().sum();
    let counted = scan_count.consumed_capacity.unwrap().capacity_units;
    assert!(
        (counted - total).abs() < 1e-9,
        "{counted} against {pages:?}"
    );
    assert!(
        pages.iter().all(|p| *p < counted),
        "{counted} against {pages:?}"
    );
    t.delete_table().await.unwrap();
}

#[tokio::test]
async fn a_cursor_from_a_raw_last_evaluated_key_resumes_the_typed_read() {
    let t = articles().await;
    let stored = stored();
    put_all(&t, &stored).await;
    let pk = t.primary_key();
    let sdk = t.client().sdk();

    // A first page read with the SDK directly, resumed with the typed query.
    let out = sdk
        .query()
        .table_name(t.name())
        .key_condition_expression("blog = :b")
        .expression_attribute_values(":b", AttributeValue::S("b1".into()))
        .limit(7)
        .send()
        .await
        .unwrap();
    let key = out.last_evaluated_key.unwrap();
    let cursor = Cursor::from_last_evaluated_key(&pk, key.clone()).unwrap();
    // The same cursor as the typed read's own page makes.
    let typed = pk.query("b1").page_size(7).await.unwrap();
    assert_eq!(typed.cursor.as_ref(), Some(&cursor));
    let rest = pk.query("b1").start_after(cursor.clone()).await.unwrap();
    let want: Vec<Article> = stored[7..30].to_vec();
    assert_eq!(rest.items, want);
    // And back: the typed cursor's key resumes a raw SDK query.
    assert_eq!(cursor.exclusive_start_key(), &key);
    let out = sdk
        .query()
        .table_name(t.name())
        .key_condition_expression("blog = :b")
        .expression_attribute_values(":b", AttributeValue::S("b1".into()))
        .set_exclusive_start_key(Some(cursor.into_exclusive_start_key()))
        .limit(1)
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.items.unwrap()[0].get("id"),
        Some(&AttributeValue::S("a007".into()))
    );

    // On a GSI: the key holds the table's keys and the index's.
    let gsi = t.by_author();
    let out = sdk
        .query()
        .table_name(t.name())
        .index_name("by_author")
        .key_condition_expression("author = :a")
        .expression_attribute_values(":a", AttributeValue::S("ann".into()))
        .limit(4)
        .send()
        .await
        .unwrap();
    let key = out.last_evaluated_key.unwrap();
    assert_eq!(key.len(), 4);
    let cursor = Cursor::from_last_evaluated_key(&gsi, key.clone()).unwrap();
    assert_eq!(cursor.index(), Some("by_author"));
    let all = collect(gsi.query("ann").stream()).await;
    let rest = collect(gsi.query("ann").start_after(cursor).stream()).await;
    assert_eq!(rest, all[4..]);
    // A scan too.
    let out = sdk
        .scan()
        .table_name(t.name())
        .limit(9)
        .send()
        .await
        .unwrap();
    let cursor = Cursor::from_last_evaluated_key(&pk, out.last_evaluated_key.unwrap()).unwrap();
    let all = collect(pk.scan().stream()).await;
    let rest = collect(pk.scan().start_after(cursor).stream()).await;
    assert_eq!(rest, all[9..]);

    // The wrong attributes, or the wrong types, are refused before anything is sent.
    let err = Cursor::from_last_evaluated_key(&pk, key.clone()).unwrap_err();
    assert!(
        matches!(&err, Error::Cursor(CursorError::OtherKeys { .. })),
        "{err}"
    );
    let mut table_key = key.clone();
    table_key.retain(|name, _| name == "blog" || name == "id");
    let err = Cursor::from_last_evaluated_key(&gsi, table_key).unwrap_err();
    assert!(
        matches!(&err, Error::Cursor(CursorError::OtherKeys { .. })),
        "{err}"
    );
    let mut wrong = key.clone();
    wrong.insert("published_at".into(), AttributeValue::S("1004".into()));
    let err = Cursor::from_last_evaluated_key(&gsi, wrong).unwrap_err();
    assert!(
        matches!(&err, Error::Cursor(CursorError::KeyType { attribute, expected: "N" }) if attribute == "published_at"),
        "{err}"
    );
    // A cursor of another partition is still refused by the query.
    let cursor = Cursor::from_last_evaluated_key(&gsi, key).unwrap();
    let err = gsi.query("bob").start_after(cursor).await.unwrap_err();
    assert!(
        matches!(&err, Error::Cursor(CursorError::OtherPartition { .. })),
        "{err}"
    );
    t.delete_table().await.unwrap();
}
