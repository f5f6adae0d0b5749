//! `query` on the primary key: every range operator on string and number sort keys in both
//! orders, filters, pagination, `limit` across pages, cursors and streams.

use aws_sdk_dynamodb::types::AttributeValue;
use dynamo_types::{Cursor, CursorError, Error, RangeCondition};

use super::{Article, Reading, article, articles, collect, put_all, readings};

/// Checks a query result against the stored items that satisfy `keep`, in both orders.
fn expect_ids(got: &[Article], stored: &[Article], keep: impl Fn(&str) -> bool, descending: bool) {
    let mut want: Vec<&str> = stored
        .iter()
        .filter(|a| a.blog == "b1" && keep(&a.id))
        .map(|a| a.id.as_str())
        .collect();
    if descending {
        want.reverse();
    }
    let got: Vec<&str> = got.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(got, want);
}

#[tokio::test]
async fn every_range_operator_on_a_string_sort_key_in_both_orders() {
    let t = articles().await;
    let mut stored: Vec<Article> = (0..30).map(|i| article("b1", i)).collect();
    stored.extend((0..5).map(|i| article("b2", i))); // another partition, never returned
    put_all(&t, &stored).await;
    let pk = t.primary_key();

    type Case = (RangeCondition<String>, Box<dyn Fn(&str) -> bool>);
    let cases: Vec<(&str, Case)> = vec![
        (
            "eq",
            (RangeCondition::eq("a005"), Box::new(|id| id == "a005")),
        ),
        (
            "lt",
            (RangeCondition::lt("a005"), Box::new(|id| id < "a005")),
        ),
        (
            "le",
            (RangeCondition::le("a005"), Box::new(|id| id <= "a005")),
        ),
        (
            "gt",
            (RangeCondition::gt("a025"), Box::new(|id| id > "a025")),
        ),
        (
            "ge",
            (RangeCondition::ge("a025"), Box::new(|id| id >= "a025")),
        ),
        (
            "between",
            (
                RangeCondition::between("a010", "a014"),
                Box::new(|id| ("a010"..="a014").contains(&id)),
            ),
        ),
        (
            "begins_with",
            (
                RangeCondition::begins_with("a01"),
                Box::new(|id| id.starts_with("a01")),
            ),
        ),
    ];
    for (name, (condition, keep)) in &cases {
        for descending in [false, true] {
            let mut q = pk.query("b1").range(condition.clone());
            if descending {
                q = q.descending();
            }
            let page = q.await.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(page.cursor.is_none(), "{name}: one page");
            expect_ids(&page.items, &stored, keep, descending);
        }
    }
    // The whole partition, ascending by default.
    let all = pk.query("b1").consistent().await.unwrap();
    expect_ids(&all.items, &stored, |_| true, false);
    t.delete_table().await.unwrap();
}

#[tokio::test]
async fn every_range_operator_on_a_number_sort_key_in_both_orders() {
    let t = readings().await;
    let mut stored: Vec<Reading> = (0..30)
        .map(|i| Reading {
            sensor: "s1".into(),
            at: i * 10 - 100, // negative numbers too: -100 ..= 190
            value: i as f64 / 2.0,
        })
        .collect();
    stored.push(Reading {
        sensor: "s2".into(),
        at: 0,
        value: 0.0,
    });
    put_all(&t, &stored).await;
    let pk = t.primary_key();

    type Case = (RangeCondition<i64>, Box<dyn Fn(i64) -> bool>);
    let cases: Vec<(&str, Case)> = vec![
        ("eq", (RangeCondition::eq(50), Box::new(|at| at == 50))),
        ("lt", (RangeCondition::lt(-50), Box::new(|at| at < -50))),
        ("le", (RangeCondition::le(-50), Box::new(|at| at <= -50))),
        ("gt", (RangeCondition::gt(150), Box::new(|at| at > 150))),
        ("ge", (RangeCondition::ge(150), Box::new(|at| at >= 150))),
        (
            "between",
            (
                RangeCondition::between(-20, 35),
                Box::new(|at| (-20..=35).contains(&at)),
            ),
        ),
    ];
    for (name, (condition, keep)) in &cases {
        for descending in [false, true] {
            let q = pk.query("s1").range(condition.clone());
            let q = if descending {
                q.descending()
            } else {
                q.ascending()
            };
            let page = q.await.unwrap_or_else(|e| panic!("{name}: {e}"));
            let mut want: Vec<i64> = stored
                .iter()
                .filter(|r| r.sensor == "s1" && keep(r.at))
                .map(|r| r.at)
                .collect();
            if descending {
                want.reverse();
            }
            let got: Vec<i64> = page.items.iter().map(|r| r.at).collect();
            assert_eq!(got, want, "{name} descending={descending}");
        }
    }
    // Numbers sort as numbers, not as text.
    let page = pk.query("s1").limit(3).await.unwrap();
    assert_eq!(
        page.items.iter().map(|r| r.at).collect::<Vec<_>>(),
        [-100, -90, -80]
    );
    t.delete_table().await.unwrap();
}

/// Follows cursors until the end; returns the pages' items.
async fn all_pages(
    query: impl Fn(Option<Cursor>) -> dynamo_types::Query<dynamo_types::FullPrimaryKey<Article>>,
) -> Vec<Vec<Article>> {
    let mut pages = Vec::new();
    let mut cursor = None;
    loop {
        let page = query(cursor.take()).await.unwrap();
        pages.push(page.items);
        match page.cursor {
            // Cursors survive being stored as text.
            Some(c) => cursor = Some(c.to_string().parse::<Cursor>().unwrap()),
            None => return pages,
        }
        assert!(pages.len() < 100, "pagination does not end");
    }
}

#[tokio::test]
async fn pagination_across_pages_with_and_without_a_filter() {
    let t = articles().await;
    let stored: Vec<Article> = (0..25).map(|i| article("b1", i)).collect();
    put_all(&t, &stored).await;
    let pk = t.primary_key();
    let start = |q: dynamo_types::Query<_>, cursor: Option<Cursor>| match cursor {
        Some(c) => q.start_after(c),
        None => q,
    };

    // No filter: 4 items evaluated per request, so 7 pages.
    let pages = all_pages(|c| start(pk.query("b1").page_size(4), c)).await;
    assert!(pages.len() >= 3, "{} pages", pages.len());
    let flat: Vec<Article> = pages.concat();
    assert_eq!(flat, stored);

    // With a filter: only `rust` articles (every third), still every page non-empty except
    // possibly the last, and nothing lost or repeated.
    let rust = Article::fields().tag.eq("rust");
    let pages = all_pages(|c| start(pk.query("b1").page_size(4).filter(rust.clone()), c)).await;
    assert!(pages.len() >= 3, "{} pages", pages.len());
    let flat: Vec<Article> = pages.concat();
    let want: Vec<Article> = stored.iter().filter(|a| a.tag == "rust").cloned().collect();
    assert_eq!(flat, want);

    // Descending pages walk the partition backwards.
    let pages = all_pages(|c| start(pk.query("b1").descending().page_size(10), c)).await;
    assert!(pages.len() >= 3);
    let mut reversed = stored.clone();
    reversed.reverse();
    assert_eq!(pages.concat(), reversed);
    t.delete_table().await.unwrap();
}

#[tokio::test]
async fn limit_counts_items_returned_across_requests_and_the_cursor_resumes_exactly() {
    let t = articles().await;
    let stored: Vec<Article> = (0..40).map(|i| article("b1", i)).collect();
    put_all(&t, &stored).await;
    let pk = t.primary_key();

    // 10 items through requests of 3: the last request returns more than needed, so the
    // cursor must point at the 10th item, not at DynamoDB's LastEvaluatedKey.
    let page = pk.query("b1").page_size(3).limit(10).await.unwrap();
    assert_eq!(page.items, stored[..10]);
    let next = pk
        .query("b1")
        .page_size(3)
        .limit(10)
        .start_after(page.cursor.expect("more to read"))
        .await
        .unwrap();
    assert_eq!(next.items, stored[10..20]);

    // With a filter the limit counts matching items, across however many requests it takes.
    let go = Article::fields().tag.eq("go");
    let want: Vec<Article> = stored.iter().filter(|a| a.tag == "go").cloned().collect();
    let page = pk
        .query("b1")
        .filter(go.clone())
        .page_size(5)
        .limit(4)
        .await
        .unwrap();
    assert_eq!(page.items, want[..4]);
    let rest = pk
        .query("b1")
        .filter(go)
        .page_size(5)
        .start_after(page.cursor.unwrap())
        .stream();
    assert_eq!(collect(rest).await, want[4..]);

    // Without page_size, DynamoDB would return everything in one response: limit still holds.
    let page = pk.query("b1").descending().limit(7).await.unwrap();
    assert_eq!(page.items.len(), 7);
    assert_eq!(page.items[0], stored[39]);
    let page2 = pk
        .query("b1")
        .descending()
        .limit(100)
        .start_after(page.cursor.unwrap())
        .await
        .unwrap();
    assert_eq!(page2.items.len(), 33);
    assert_eq!(page2.items[0], stored[32]);
    assert!(page2.cursor.is_none());
    t.delete_table().await.unwrap();
}

#[tokio::test]
async fn stream_yields_every_item_of_every_page() {
    let t = articles().await;
    let stored: Vec<Article> = (0..23).map(|i| article("b1", i)).collect();
    put_all(&t, &stored).await;
    let pk = t.primary_key();
    assert_eq!(collect(pk.query("b1").page_size(4).stream()).await, stored);
    assert_eq!(
        collect(pk.query("b1").page_size(4).limit(9).stream()).await,
        stored[..9]
    );
    let ann = Article::fields().author.eq("ann");
    let anns: Vec<Article> = stored
        .iter()
        .filter(|a| a.author == "ann")
        .cloned()
        .collect();
    assert_eq!(
        collect(pk.query("b1").page_size(4).filter(ann).stream()).await,
        anns
    );
    assert!(collect(pk.query("nobody").stream()).await.is_empty());
    t.delete_table().await.unwrap();
}

#[tokio::test]
async fn bad_cursors_are_rejected_before_sending() {
    let t = articles().await;
    put_all(&t, &(0..6).map(|i| article("b1", i)).collect::<Vec<_>>()).await;
    let pk = t.primary_key();
    let page = pk.query("b1").limit(2).await.unwrap();
    let cursor = page.cursor.unwrap();

    let mut text = cursor.to_string();
    text.replace_range(4..5, if &text[4..5] == "A" { "B" } else { "A" });
    let err = text.parse::<Cursor>().unwrap_err();
    assert!(
        matches!(&err, Error::Cursor(CursorError::Malformed(_)))
            && err.to_string().contains("invalid cursor"),
        "{err}"
    );
    assert!("garbage".parse::<Cursor>().is_err());

    // A cursor of one partition does not resume another.
    let err = pk
        .query("b2")
        .start_after(cursor.clone())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Cursor(CursorError::OtherPartition { .. })),
        "{err}"
    );
    // Nor a query of an index.
    let err = t
        .by_likes()
        .query("b1")
        .start_after(cursor)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Cursor(CursorError::OtherIndex { .. })),
        "{err}"
    );
    t.delete_table().await.unwrap();
}

#[tokio::test]
async fn pages_carry_the_cursor_after_each_page() {
    let t = articles().await;
    let stored: Vec<Article> = (0..11).map(|i| article("b1", i)).collect();
    put_all(&t, &stored).await;
    let pages: Vec<dynamo_types::Page<Article>> =
        collect(t.primary_key().query("b1").limit(4).pages()).await;
    let sizes: Vec<usize> = pages.iter().map(|p| p.items.len()).collect();
    assert_eq!(sizes, [4, 4, 3]);
    assert!(pages[..2].iter().all(|p| p.cursor.is_some()));
    assert!(pages[2].cursor.is_none());
    let flat: Vec<Article> = pages.into_iter().flat_map(|p| p.items).collect();
    assert_eq!(flat, stored);
    t.delete_table().await.unwrap();
}

#[tokio::test]
async fn query_and_scan_on_a_hash_only_key() {
    let t = super::sessions().await;
    let stored: Vec<super::Session> = (0..12)
        .map(|i| super::Session {
            token: format!("tok-{i}"),
            user: format!("user-{}", i % 3),
        })
        .collect();
    put_all(&t, &stored).await;
    let pk = t.primary_key();
    let page = pk.query("tok-7").consistent().await.unwrap();
    assert_eq!(page.items, [stored[7].clone()]);
    assert!(page.cursor.is_none());
    assert!(pk.query("tok-99").await.unwrap().items.is_empty());
    let user1 = super::Session::fields().user.eq("user-1");
    let mut found = collect(pk.scan().filter(user1).page_size(5).stream()).await;
    found.sort_by(|a, b| a.token.cmp(&b.token));
    let mut want: Vec<super::Session> = stored
        .iter()
        .filter(|s| s.user == "user-1")
        .cloned()
        .collect();
    want.sort_by(|a, b| a.token.cmp(&b.token));
    assert_eq!(found, want);
    let keys: Vec<super::SessionKey> = collect(pk.scan().keys_only().stream()).await;
    assert_eq!(keys.len(), 12);
    t.delete_table().await.unwrap();
}

/// A binary sort key, the other kind `begins_with` applies to.
#[derive(Debug, Clone, PartialEq, dynamo_types::DynamoModel)]
#[dynamo(table = "chunks")]
pub struct Chunk {
    #[dynamo(hash)]
    pub file: String,
    #[dynamo(range)]
    pub tag: Vec<u8>,
}

#[tokio::test]
async fn begins_with_and_between_on_a_binary_sort_key() {
    let t = Chunk::table(&super::client().await);
    t.create_table().await.unwrap();
    let tags: Vec<Vec<u8>> = vec![
        vec![0x00],
        vec![0x01, 0x00],
        vec![0x01, 0x7f],
        vec![0x01, 0xff],
        vec![0x02],
        vec![0xff, 0x00],
    ];
    let stored: Vec<Chunk> = tags
        .iter()
        .map(|tag| Chunk {
            file: "f".into(),
            tag: tag.clone(),
        })
        .collect();
    put_all(&t, &stored).await;
    let pk = t.primary_key();
    let got = |items: Vec<Chunk>| items.into_iter().map(|c| c.tag).collect::<Vec<_>>();

    // Bytes compare unsigned: 0xff sorts last.
    assert_eq!(got(pk.query("f").await.unwrap().items), tags);
    let page = pk
        .query("f")
        .range(RangeCondition::begins_with(&[0x01u8][..]))
        .descending()
        .await
        .unwrap();
    assert_eq!(
        got(page.items),
        [tags[3].clone(), tags[2].clone(), tags[1].clone()]
    );
    let page = pk
        .query("f")
        .range(RangeCondition::between(vec![0x01, 0x7f], vec![0x02]))
        .await
        .unwrap();
    assert_eq!(got(page.items), tags[2..5]);
    t.delete_table().await.unwrap();
}

/// Awaiting a filtered read sends a bounded number of requests: when the filter rejects
/// everything it read, the page is empty and its cursor goes on from where the requests
/// stopped, rather than one await reading the whole partition (or table).
#[tokio::test]
async fn filtered_reads_send_a_bounded_number_of_requests() {
    let t = readings().await;
    let stored: Vec<Reading> = (0..200)
        .map(|i| Reading {
            sensor: "s1".into(),
            at: i,
            value: if i == 199 { 1.0 } else { 0.0 },
        })
        .collect();
    put_all(&t, &stored).await;
    let pk = t.primary_key();
    let hot = || Reading::fields().value.gt(0.5);
    let position = |cursor: &Cursor| cursor.exclusive_start_key()["at"].clone();

    // 10 items per request: the default budget of 10 requests stops after 100 items.
    let page = pk.query("s1").page_size(10).filter(hot()).await.unwrap();
    assert!(page.items.is_empty());
    let cursor = page
        .cursor
        .expect("a cursor to go on: the partition is not read to its end");
    assert_eq!(position(&cursor), AttributeValue::N("99".into()));
    // `max_requests` sets the budget, with or without a limit, and for scans too.
    let page = pk
        .query("s1")
        .page_size(10)
        .filter(hot())
        .max_requests(3)
        .start_after(cursor)
        .await
        .unwrap();
    assert!(page.items.is_empty());
    assert_eq!(
        position(page.cursor.as_ref().unwrap()),
        AttributeValue::N("129".into())
    );
    let page = pk
        .query("s1")
        .page_size(10)
        .filter(hot())
        .limit(5)
        .max_requests(2)
        .await
        .unwrap();
    assert!(page.items.is_empty());
    assert_eq!(
        position(page.cursor.as_ref().unwrap()),
        AttributeValue::N("19".into())
    );
    let page = pk
        .scan()
        .page_size(10)
        .filter(hot())
        .max_requests(4)
        .await
        .unwrap();
    assert!(page.items.is_empty());
    assert!(page.cursor.is_some());

    // Pages go on to the end; a stream reads everything, whatever the budget.
    let pages = collect(pk.query("s1").page_size(10).filter(hot()).pages()).await;
    assert!(pages[0].items.is_empty());
    assert!(pages.last().unwrap().cursor.is_none());
    let found: Vec<Reading> = pages.into_iter().flat_map(|p| p.items).collect();
    assert_eq!(found, [stored[199].clone()]);
    let all = collect(pk.query("s1").page_size(10).filter(hot()).stream()).await;
    assert_eq!(all, [stored[199].clone()]);
    t.delete_table().await.unwrap();
}
