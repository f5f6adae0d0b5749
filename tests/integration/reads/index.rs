//! `query` and `scan` on each kind of index: LSI, full GSI, hash-only GSI, and a keys-only GSI,
//! which reads its generated item type.

use dynamo_types::{Cursor, Error, RangeCondition};

use super::{Article, ArticleBySlugItem, ArticleKey, article, articles, collect, put_all};

/// A projection of [`Article`] that the `by_slug` index (keys only) cannot fill.
#[derive(Debug, PartialEq, dynamo_types::DynamoProjection)]
#[dynamo(model = Article)]
struct ArticleBody {
    id: String,
    body: Option<String>,
}

#[tokio::test]
async fn local_index_queries_and_scans_read_the_index() {
    let t = articles().await;
    let stored: Vec<Article> = (0..20).map(|i| article("b1", i)).collect();
    put_all(&t, &stored).await;
    let lsi = t.by_likes();

    // likes = 1000 - i: the index orders the partition by likes, the reverse of the table.
    let page = lsi.query("b1").consistent().await.unwrap();
    let mut by_likes = stored.clone();
    by_likes.reverse();
    assert_eq!(page.items, by_likes);

    for descending in [false, true] {
        let q = lsi.query("b1").range(RangeCondition::gt(990));
        let q = if descending { q.descending() } else { q };
        let got: Vec<u64> = q.await.unwrap().items.iter().map(|a| a.likes).collect();
        let mut want: Vec<u64> = (991..=1000).collect();
        if descending {
            want.reverse();
        }
        assert_eq!(got, want);
    }
    let got: Vec<u64> = lsi
        .query("b1")
        .range(RangeCondition::between(985, 987))
        .await
        .unwrap()
        .items
        .iter()
        .map(|a| a.likes)
        .collect();
    assert_eq!(got, [985, 986, 987]);

    // The scan reads the index too: in index order, and cursors are index cursors.
    let scanned = collect(lsi.scan().page_size(6).stream()).await;
    assert_eq!(scanned, by_likes);
    let page = lsi.scan().limit(5).consistent().await.unwrap();
    assert_eq!(page.items, by_likes[..5]);
    let cursor = page.cursor.unwrap();
    assert_eq!(cursor.index(), Some("by_likes"));
    let rest = lsi.scan().start_after(cursor).await.unwrap();
    assert_eq!(rest.items, by_likes[5..]);
    t.delete_table().await.unwrap();
}

#[tokio::test]
async fn full_global_index_queries_page_and_filter() {
    let t = articles().await;
    let mut stored: Vec<Article> = (0..30).map(|i| article("b1", i)).collect();
    stored.extend((30..40).map(|i| article("b2", i)));
    put_all(&t, &stored).await;
    let gsi = t.by_author();

    // ann wrote the even-numbered articles of both blogs: published_at 1000, 1002, ..., 1038.
    let anns: Vec<&Article> = stored.iter().filter(|a| a.author == "ann").collect();
    let page = gsi
        .query("ann")
        .range(RangeCondition::between(1_010, 1_020))
        .descending()
        .await
        .unwrap();
    let got: Vec<i64> = page.items.iter().map(|a| a.published_at).collect();
    assert_eq!(got, [1_020, 1_018, 1_016, 1_014, 1_012, 1_010]);

    // Paging over the index, 3 items per request, filtered to one blog.
    let b1 = Article::fields().blog.eq("b1");
    let mut cursor: Option<Cursor> = None;
    let mut pages = Vec::new();
    loop {
        let mut q = gsi.query("ann").filter(b1.clone()).page_size(3);
        if let Some(c) = cursor.take() {
            q = q.start_after(c);
        }
        let page = q.await.unwrap();
        pages.push(page.items);
        match page.cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert!(pages.len() >= 3, "{} pages", pages.len());
    let want: Vec<Article> = anns
        .iter()
        .filter(|a| a.blog == "b1")
        .map(|a| (*a).clone())
        .collect();
    assert_eq!(pages.concat(), want);

    // limit across pages on the index.
    let page = gsi.query("ann").page_size(2).limit(5).await.unwrap();
    let want: Vec<Article> = anns.iter().take(5).map(|a| (*a).clone()).collect();
    assert_eq!(page.items, want);
    let next = gsi
        .query("ann")
        .page_size(2)
        .limit(5)
        .start_after(page.cursor.unwrap())
        .await
        .unwrap();
    let want: Vec<Article> = anns.iter().skip(5).take(5).map(|a| (*a).clone()).collect();
    assert_eq!(next.items, want);

    // A scan of the index reads the index (every article has an author).
    let scanned = collect(gsi.scan().page_size(7).stream()).await;
    assert_eq!(scanned.len(), 40);
    // And a parallel scan of the index: every item once.
    let parallel = collect(gsi.scan().page_size(4).segments(3).stream()).await;
    let mut ids: Vec<(String, String)> = parallel
        .iter()
        .map(|a| (a.blog.clone(), a.id.clone()))
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 40);
    assert_eq!(parallel.len(), 40);
    t.delete_table().await.unwrap();
}

#[tokio::test]
async fn hash_only_global_index_queries_page() {
    let t = articles().await;
    let stored: Vec<Article> = (0..45).map(|i| article("b1", i)).collect();
    put_all(&t, &stored).await;
    let gsi = t.by_tag();
    let want: Vec<&Article> = stored.iter().filter(|a| a.tag == "sql").collect(); // 15

    let mut seen = Vec::new();
    let mut pages = 0;
    let mut cursor: Option<Cursor> = None;
    loop {
        let mut q = gsi.query("sql").page_size(4);
        if let Some(c) = cursor.take() {
            q = q.start_after(c);
        }
        let page = q.await.unwrap();
        pages += 1;
        seen.extend(page.items);
        match page.cursor {
            Some(c) => cursor = Some(c.to_string().parse().unwrap()),
            None => break,
        }
    }
    assert!(pages >= 4, "{pages} pages");
    // A hash-only index has no sort order to promise: compare as sets, with no repeats.
    let mut got: Vec<String> = seen.iter().map(|a| a.id.clone()).collect();
    got.sort();
    let before = got.len();
    got.dedup();
    assert_eq!(got.len(), before, "no item twice");
    let mut ids: Vec<String> = want.iter().map(|a| a.id.clone()).collect();
    ids.sort();
    assert_eq!(got, ids);

    // limit across pages, then the rest through the stream.
    let page = gsi.query("sql").page_size(4).limit(6).await.unwrap();
    assert_eq!(page.items.len(), 6);
    let rest = collect(gsi.query("sql").start_after(page.cursor.unwrap()).stream()).await;
    assert_eq!(rest.len(), 9);
    let mut all: Vec<String> = page
        .items
        .iter()
        .chain(&rest)
        .map(|a| a.id.clone())
        .collect();
    all.sort();
    assert_eq!(all, ids);

    // Scanning the hash-only index.
    let scan = gsi.scan().filter(Article::fields().tag.eq("go")).stream();
    assert_eq!(collect(scan).await.len(), 15);
    t.delete_table().await.unwrap();
}

#[tokio::test]
async fn a_keys_only_index_reads_its_item_type() {
    let t = articles().await;
    let stored: Vec<Article> = (0..5).map(|i| article("b1", i)).collect();
    put_all(&t, &stored).await;
    let gsi = t.by_slug();

    // The index holds the table's keys and its own: its generated item type, never a
    // half-filled model.
    let items: Vec<ArticleBySlugItem> = gsi.query("b1-s3").await.unwrap().items;
    assert_eq!(
        items,
        [ArticleBySlugItem {
            blog: "b1".into(),
            id: "a003".into(),
            slug: "b1-s3".into(),
        }]
    );
    let scanned = collect(gsi.scan().page_size(2).stream()).await;
    assert_eq!(scanned.len(), 5);
    // A projection asking for more than the index holds is refused before sending.
    let err = gsi
        .query("b1-s3")
        .project::<ArticleBody>()
        .await
        .unwrap_err();
    match &err {
        Error::IndexProjection { index, missing } => {
            assert_eq!(index, "by_slug");
            assert_eq!(missing, &["body"]);
        }
        other => panic!("expected IndexProjection, got {other:?}"),
    }
    assert!(err.to_string().contains("keys_only"), "{err}");

    // keys_only reads the keys, which batch_get turns into items.
    let keys: Vec<ArticleKey> = gsi.query("b1-s3").keys_only().await.unwrap().items;
    assert_eq!(
        keys,
        [ArticleKey {
            blog: "b1".into(),
            id: "a003".into()
        }]
    );
    let items = t.primary_key().batch_get(&keys).await.unwrap();
    assert_eq!(items, [stored[3].clone()]);
    let mut all_keys = collect(gsi.scan().keys_only().page_size(2).stream()).await;
    all_keys.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(all_keys.len(), 5);
    assert_eq!(all_keys[0].id, "a000");
    t.delete_table().await.unwrap();
}
