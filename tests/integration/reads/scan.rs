//! `scan` on the table: pages, filters, `limit`, streams, and the parallel scan.

use std::collections::HashSet;

use dynamo_types::{Cursor, Error, ScanCursor};

use super::{Article, Reading, article, articles, collect, put_all, readings};

#[tokio::test]
async fn scan_pages_filters_and_limits() {
    let t = articles().await;
    let mut stored: Vec<Article> = (0..30).map(|i| article("b1", i)).collect();
    stored.extend((0..20).map(|i| article("b2", i)));
    put_all(&t, &stored).await;
    let pk = t.primary_key();
    let ids = |items: &[Article]| -> Vec<(String, String)> {
        let mut v: Vec<_> = items
            .iter()
            .map(|a| (a.blog.clone(), a.id.clone()))
            .collect();
        v.sort();
        v
    };

    // Pages of at most 7 evaluated items, following cursors to the end.
    let mut cursor: Option<Cursor> = None;
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let mut q = pk.scan().page_size(7);
        if let Some(c) = cursor.take() {
            q = q.start_after(c);
        }
        let page = q.await.unwrap();
        pages += 1;
        seen.extend(page.items);
        match page.cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert!(pages >= 3, "{pages} pages");
    assert_eq!(ids(&seen), ids(&stored));

    // Filtered, with limit across pages: exactly the first 8 matches in scan order, then the
    // rest from the cursor.
    let popular = Article::fields().likes.ge(990);
    let want: Vec<Article> = stored.iter().filter(|a| a.likes >= 990).cloned().collect();
    let page = pk
        .scan()
        .filter(popular.clone())
        .page_size(5)
        .limit(8)
        .await
        .unwrap();
    assert_eq!(page.items.len(), 8);
    let rest = collect(
        pk.scan()
            .filter(popular.clone())
            .page_size(5)
            .start_after(page.cursor.unwrap())
            .stream(),
    )
    .await;
    let mut all = page.items.clone();
    all.extend(rest);
    assert_eq!(ids(&all), ids(&want));
    assert_eq!(all.len(), want.len(), "no item twice");

    // The stream with a limit, and a consistent scan.
    assert_eq!(
        collect(pk.scan().page_size(4).limit(11).stream())
            .await
            .len(),
        11
    );
    assert_eq!(
        pk.scan().consistent().limit(50).await.unwrap().items.len(),
        50
    );
    t.delete_table().await.unwrap();
}

#[tokio::test]
async fn parallel_scan_covers_the_table_once() {
    let t = readings().await;
    let stored: Vec<Reading> = (0..200)
        .map(|i| Reading {
            sensor: format!("s{}", i % 17),
            at: i,
            value: 0.5,
        })
        .collect();
    put_all(&t, &stored).await;
    let pk = t.primary_key();
    let want: HashSet<(String, i64)> = stored.iter().map(|r| (r.sensor.clone(), r.at)).collect();

    // Merged stream of 4 segments: every item exactly once.
    let items = collect(pk.scan().page_size(9).segments(4).stream()).await;
    let got: Vec<(String, i64)> = items.iter().map(|r| (r.sensor.clone(), r.at)).collect();
    assert_eq!(got.len(), 200, "no duplicates, nothing lost");
    assert_eq!(got.into_iter().collect::<HashSet<_>>(), want);

    // The segments one by one: disjoint, and together the table.
    let mut union = HashSet::new();
    for segment in 0..3 {
        let part = collect(pk.scan().segment(segment, 3).stream()).await;
        for r in part {
            assert!(union.insert((r.sensor, r.at)), "an item in two segments");
        }
    }
    assert_eq!(union, want);

    // Resumable per segment: pages with a ScanCursor stored as text between them.
    let mut cursor: Option<ScanCursor> = None;
    let mut seen = Vec::new();
    let mut rounds = 0;
    loop {
        let mut scan = pk.scan().page_size(10).segments(5).limit(30);
        if let Some(c) = cursor.take() {
            scan = scan.start_after(c);
        }
        let page = scan.await.unwrap();
        assert!(page.items.len() <= 30);
        rounds += 1;
        seen.extend(page.items.into_iter().map(|r| (r.sensor, r.at)));
        match page.cursor {
            Some(c) => {
                assert_eq!(c.total_segments(), 5);
                cursor = Some(c.to_string().parse().unwrap());
            }
            None => break,
        }
        assert!(rounds < 100);
    }
    assert!(rounds >= 3, "{rounds} rounds");
    assert_eq!(seen.len(), 200, "no duplicates across resumed rounds");
    assert_eq!(seen.into_iter().collect::<HashSet<_>>(), want);

    // The stream with a limit stops there; a scan cursor of 5 segments does not fit 4.
    assert_eq!(
        collect(pk.scan().segments(4).limit(15).stream())
            .await
            .len(),
        15
    );
    let page = pk.scan().segments(5).limit(10).await.unwrap();
    let err = pk
        .scan()
        .segments(4)
        .start_after(page.cursor.unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Cursor(dynamo_types::CursorError::OtherSegments {
                made_with: 5,
                used_with: 4
            })
        ),
        "{err}"
    );
    let err = pk.scan().segments(0).await.unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{err}");
    t.delete_table().await.unwrap();
}
