//! Typed projections: `.project::<P>()` on get, batch_get, batch_get_full, query, scan and
//! parallel scan (on the table and on indexes), and the item types generated for `keys_only`
//! and `include(..)` indexes, which their queries and scans return.

use std::collections::BTreeSet;

use aws_sdk_dynamodb::types::AttributeValue;
use dynamo_types::{DecodeError, DynamoModel, DynamoProjection, Error, Item, RangeCondition};
use serde::{Deserialize, Serialize};

use super::{client, collect, put_all};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Meta {
    pub source: String,
}

/// An issue tracker's ticket: an LSI and a GSI that include some fields, a keys-only GSI, a
/// GSI projecting everything; a renamed, a `default` and a `serde` field.
#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "tickets")]
#[dynamo(lsi(name = "by_rank", range = "rank", projection(include(title))))]
#[dynamo(gsi(
    name = "by_owner",
    hash = "owner",
    range = "opened_at",
    projection(include(title, labels))
))]
#[dynamo(gsi(name = "by_code", hash = "code", projection = "keys_only"))]
#[dynamo(gsi(name = "by_state", hash = "state"))]
pub struct Ticket {
    #[dynamo(hash)]
    pub project: String,
    #[dynamo(range)]
    pub id: String,
    pub owner: String,
    pub opened_at: i64,
    pub rank: u32,
    pub code: String,
    pub state: String,
    #[dynamo(rename = "t")]
    pub title: String,
    pub labels: BTreeSet<String>,
    pub body: Option<String>,
    #[dynamo(default)]
    pub votes: u64,
    #[dynamo(serde)]
    pub meta: Meta,
}

/// A few fields, one of them renamed in the model.
#[derive(Debug, Clone, PartialEq, DynamoProjection)]
#[dynamo(model = Ticket)]
pub struct TicketTitle {
    pub id: String,
    pub title: String,
}

/// Fields with the model's missing-attribute rules: an `Option`, a `default`, a `serde` field
/// and a set.
#[derive(Debug, Clone, PartialEq, DynamoProjection)]
#[dynamo(model = Ticket)]
pub struct TicketDetails {
    pub title: String,
    pub body: Option<String>,
    pub votes: u64,
    pub meta: Meta,
    pub labels: BTreeSet<String>,
}

/// A projection written by hand: it keeps the names of the attributes DynamoDB answered with,
/// so a test sees what the request asked for.
#[derive(Debug)]
pub struct AnsweredNames(Vec<String>);

impl DynamoProjection for AnsweredNames {
    type Model = Ticket;
    const ATTRIBUTES: &'static [&'static str] = &["t", "votes"];
    fn from_item(item: Item) -> Result<Self, DecodeError> {
        let mut names: Vec<String> = item.into_keys().collect();
        names.sort();
        Ok(AnsweredNames(names))
    }
}

fn ticket(project: &str, i: u32) -> Ticket {
    Ticket {
        project: project.to_owned(),
        id: format!("t{i:03}"),
        owner: ["ann", "bob"][(i % 2) as usize].to_owned(),
        opened_at: 100 + i64::from(i),
        rank: 200 - i,
        code: format!("{project}-c{i}"),
        state: ["open", "closed"][(i % 2) as usize].to_owned(),
        title: format!("title {i}"),
        labels: (0..i % 3).map(|l| format!("l{l}")).collect(),
        body: i.is_multiple_of(3).then(|| format!("body {i}")),
        votes: u64::from(i) * 10,
        meta: Meta {
            source: format!("src{i}"),
        },
    }
}

fn title_of(t: &Ticket) -> TicketTitle {
    TicketTitle {
        id: t.id.clone(),
        title: t.title.clone(),
    }
}

fn details_of(t: &Ticket) -> TicketDetails {
    TicketDetails {
        title: t.title.clone(),
        body: t.body.clone(),
        votes: t.votes,
        meta: t.meta.clone(),
        labels: t.labels.clone(),
    }
}

async fn tickets() -> TicketTable {
    let table = Ticket::table(&client().await);
    table.create_table().await.expect("create table");
    table
}

#[test]
fn attributes_are_the_model_attribute_names() {
    assert_eq!(TicketTitle::ATTRIBUTES, ["id", "t"]);
    assert_eq!(
        TicketDetails::ATTRIBUTES,
        ["t", "body", "votes", "meta", "labels"]
    );
    assert_eq!(
        TicketByOwnerItem::ATTRIBUTES,
        ["project", "id", "owner", "opened_at", "t", "labels"]
    );
    assert_eq!(TicketByCodeItem::ATTRIBUTES, ["project", "id", "code"]);
    assert_eq!(TicketByRankItem::ATTRIBUTES, ["project", "id", "rank", "t"]);
}

#[tokio::test]
async fn get_and_batch_get_read_projections() {
    let t = tickets().await;
    let stored: Vec<Ticket> = (0..6).map(|i| ticket("p1", i)).collect();
    put_all(&t, &stored).await;
    // An item written by another program without `body`, `votes` and `labels`: they read as the
    // model reads them (`None`, the default, empty).
    let mut sparse = ticket("p1", 9).to_item().unwrap();
    for attr in ["body", "votes", "labels"] {
        sparse.remove(attr);
    }
    t.client()
        .sdk()
        .put_item()
        .table_name(t.name())
        .set_item(Some(sparse))
        .send()
        .await
        .unwrap();
    let pk = t.primary_key();

    let got = pk.get("p1", "t001").project::<TicketTitle>().await.unwrap();
    assert_eq!(got, Some(title_of(&stored[1])));
    let got = pk
        .get("p1", "t003")
        .project::<TicketDetails>()
        .consistent()
        .await
        .unwrap();
    assert_eq!(got, Some(details_of(&stored[3])));
    let got = pk
        .get("p1", "t009")
        .project::<TicketDetails>()
        .await
        .unwrap();
    assert_eq!(
        got,
        Some(TicketDetails {
            title: "title 9".into(),
            body: None,
            votes: 0,
            meta: Meta {
                source: "src9".into()
            },
            labels: BTreeSet::new(),
        })
    );
    assert_eq!(
        pk.get("p1", "nope").project::<TicketTitle>().await.unwrap(),
        None
    );
    // The answer holds the projection's attributes and the table's keys, nothing else (item 9
    // has no `votes`).
    let answered = pk
        .get("p1", "t002")
        .project::<AnsweredNames>()
        .await
        .unwrap();
    assert_eq!(answered.unwrap().0, ["id", "project", "t", "votes"]);
    let answered = pk
        .get("p1", "t009")
        .project::<AnsweredNames>()
        .await
        .unwrap();
    assert_eq!(answered.unwrap().0, ["id", "project", "t"]);

    // batch_get: in the order of the keys, a key twice answered twice, missing keys skipped.
    let got = pk
        .batch_get([
            ("p1", "t004"),
            ("p1", "nope"),
            ("p1", "t000"),
            ("p1", "t004"),
        ])
        .project::<TicketTitle>()
        .await
        .unwrap();
    assert_eq!(
        got,
        [
            title_of(&stored[4]),
            title_of(&stored[0]),
            title_of(&stored[4])
        ]
    );
    let got = pk
        .batch_get_full([("p1", "t005"), ("p1", "nope")])
        .project::<TicketDetails>()
        .consistent()
        .await
        .unwrap();
    assert_eq!(got, [Some(details_of(&stored[5])), None]);
    let answered = pk
        .batch_get([("p1", "t001")])
        .project::<AnsweredNames>()
        .await
        .unwrap();
    assert_eq!(answered[0].0, ["id", "project", "t", "votes"]);
    // Many keys: several requests, each with the projection.
    let many: Vec<Ticket> = (10..160).map(|i| ticket("p2", i)).collect();
    put_all(&t, &many).await;
    let got = pk
        .batch_get(many.iter().map(|m| (m.project.clone(), m.id.clone())))
        .project::<TicketTitle>()
        .await
        .unwrap();
    assert_eq!(got, many.iter().map(title_of).collect::<Vec<_>>());
    t.delete_table().await.unwrap();
}

#[tokio::test]
async fn queries_and_scans_of_the_table_read_projections() {
    let t = tickets().await;
    let stored: Vec<Ticket> = (0..25).map(|i| ticket("p1", i)).collect();
    put_all(&t, &stored).await;
    let pk = t.primary_key();
    let titles: Vec<TicketTitle> = stored.iter().map(title_of).collect();

    // Pages with a limit resume through their cursors, as without a projection.
    let page = pk
        .query("p1")
        .range(RangeCondition::ge("t005"))
        .project::<TicketTitle>()
        .limit(7)
        .page_size(3)
        .await
        .unwrap();
    assert_eq!(page.items, titles[5..12]);
    let rest = pk
        .query("p1")
        .range(RangeCondition::ge("t005"))
        .project::<TicketTitle>()
        .start_after(page.cursor.unwrap())
        .await
        .unwrap();
    assert_eq!(rest.items, titles[12..]);
    let descending = collect(
        pk.query("p1")
            .descending()
            .project::<TicketDetails>()
            .page_size(4)
            .stream(),
    )
    .await;
    let mut want: Vec<TicketDetails> = stored.iter().map(details_of).collect();
    want.reverse();
    assert_eq!(descending, want);
    // A filter may read attributes the projection does not.
    let filtered = collect(
        pk.query("p1")
            .filter(Ticket::fields().owner.eq("bob"))
            .project::<TicketTitle>()
            .stream(),
    )
    .await;
    assert_eq!(filtered.len(), 12);
    assert!(filtered.iter().all(|t| t.id.as_str() > "t000"));
    // The answer holds the projection's attributes and the keys only.
    let answered = pk
        .query("p1")
        .project::<AnsweredNames>()
        .limit(1)
        .await
        .unwrap();
    assert_eq!(answered.items[0].0, ["id", "project", "t", "votes"]);

    // Scans: paged, and parallel (merged, and awaited page by page).
    let mut scanned = collect(pk.scan().project::<TicketTitle>().page_size(5).stream()).await;
    scanned.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(scanned, titles);
    let mut parallel = collect(
        pk.scan()
            .project::<TicketTitle>()
            .page_size(4)
            .segments(3)
            .stream(),
    )
    .await;
    parallel.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(parallel, titles);
    let mut paged = Vec::new();
    let mut cursor = None;
    loop {
        let mut scan = pk.scan().project::<TicketTitle>().segments(2).limit(6);
        if let Some(c) = cursor.take() {
            scan = scan.start_after(c);
        }
        let page = scan.await.unwrap();
        paged.extend(page.items);
        match page.cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    paged.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(paged, titles);
    t.delete_table().await.unwrap();
}

#[tokio::test]
async fn index_reads_return_what_the_index_holds() {
    let t = tickets().await;
    let stored: Vec<Ticket> = (0..12).map(|i| ticket("p1", i)).collect();
    put_all(&t, &stored).await;

    // keys_only: the table's keys and the index's.
    let by_code: Vec<TicketByCodeItem> = t.by_code().query("p1-c4").await.unwrap().items;
    assert_eq!(
        by_code,
        [TicketByCodeItem {
            project: "p1".into(),
            id: "t004".into(),
            code: "p1-c4".into(),
        }]
    );
    let mut scanned = collect(t.by_code().scan().page_size(5).stream()).await;
    scanned.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(scanned.len(), 12);
    assert_eq!(scanned[7].code, "p1-c7");
    // `.keys_only()` still reads the table's keys.
    let keys = t.by_code().query("p1-c4").keys_only().await.unwrap().items;
    assert_eq!(keys, [stored[4].key()]);

    // include(title, labels) on a global index: its keys, the table's, and those two.
    let anns: Vec<TicketByOwnerItem> = collect(
        t.by_owner()
            .query("ann")
            .range(RangeCondition::between(102, 106))
            .page_size(2)
            .stream(),
    )
    .await;
    let want: Vec<TicketByOwnerItem> = [2, 4, 6].iter().map(|&i| owner_item(&stored[i])).collect();
    assert_eq!(anns, want);
    let mut parallel = collect(t.by_owner().scan().segments(2).stream()).await;
    parallel.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(parallel, stored.iter().map(owner_item).collect::<Vec<_>>());

    // include(title) on a local index, in rank order (rank falls as the id grows).
    let page = t
        .by_rank()
        .query("p1")
        .range(RangeCondition::le(191))
        .consistent()
        .await
        .unwrap();
    let ranks: Vec<(u32, &str)> = page
        .items
        .iter()
        .map(|i| (i.rank, i.title.as_str()))
        .collect();
    assert_eq!(
        ranks,
        [(189, "title 11"), (190, "title 10"), (191, "title 9")]
    );

    // An index projecting everything still reads the model.
    let open: Vec<Ticket> = collect(t.by_state().query("open").stream()).await;
    assert_eq!(open.len(), 6);
    assert!(open.contains(&stored[4]));
    t.delete_table().await.unwrap();
}

#[tokio::test]
async fn projections_on_indexes_read_what_the_index_holds() {
    let t = tickets().await;
    let stored: Vec<Ticket> = (0..8).map(|i| ticket("p1", i)).collect();
    put_all(&t, &stored).await;

    // A projection within what the index holds.
    let titles = collect(t.by_owner().query("bob").project::<TicketTitle>().stream()).await;
    let want: Vec<TicketTitle> = stored
        .iter()
        .filter(|s| s.owner == "bob")
        .map(title_of)
        .collect();
    assert_eq!(titles, want);
    let mut titles = collect(
        t.by_rank()
            .scan()
            .project::<TicketTitle>()
            .segments(2)
            .stream(),
    )
    .await;
    titles.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(titles, stored.iter().map(title_of).collect::<Vec<_>>());
    // Any projection on an index projecting everything.
    let details = collect(
        t.by_state()
            .query("open")
            .project::<TicketDetails>()
            .stream(),
    )
    .await;
    assert_eq!(details.len(), 4);
    // The generated item types are projections of the model too.
    let items = pk_items(&t).await;
    let want: Vec<TicketByOwnerItem> = stored.iter().map(owner_item).collect();
    assert_eq!(items, want, "read from the table, in its key order");

    // A projection the index does not hold is refused before anything is sent, naming what
    // the index lacks.
    for err in [
        t.by_owner()
            .query("ann")
            .project::<TicketDetails>()
            .await
            .unwrap_err(),
        t.by_code()
            .scan()
            .project::<TicketTitle>()
            .await
            .unwrap_err(),
        t.by_rank()
            .query("p1")
            .project::<TicketDetails>()
            .await
            .unwrap_err(),
    ] {
        match &err {
            Error::IndexProjection { index, missing } => match index.as_str() {
                "by_owner" => assert_eq!(missing, &["body", "votes", "meta"]),
                "by_code" => assert_eq!(missing, &["t"]),
                "by_rank" => assert_eq!(missing, &["body", "votes", "meta", "labels"]),
                other => panic!("index {other}"),
            },
            other => panic!("expected IndexProjection, got {other:?}"),
        }
    }
    let streamed: Vec<_> = futures::StreamExt::collect::<Vec<_>>(
        t.by_code()
            .scan()
            .project::<TicketDetails>()
            .segments(2)
            .stream(),
    )
    .await;
    assert!(matches!(
        streamed.as_slice(),
        [Err(Error::IndexProjection { .. })]
    ));
    t.delete_table().await.unwrap();
}

/// The by_owner item type read from the table's primary key.
/// What the `by_owner` index holds of a ticket.
fn owner_item(s: &Ticket) -> TicketByOwnerItem {
    TicketByOwnerItem {
        project: s.project.clone(),
        id: s.id.clone(),
        owner: s.owner.clone(),
        opened_at: s.opened_at,
        title: s.title.clone(),
        labels: s.labels.clone(),
    }
}

async fn pk_items(t: &TicketTable) -> Vec<TicketByOwnerItem> {
    collect(
        t.primary_key()
            .query("p1")
            .project::<TicketByOwnerItem>()
            .stream(),
    )
    .await
}

#[tokio::test]
async fn an_attribute_of_the_wrong_type_is_undecodable_naming_it() {
    let t = tickets().await;
    let mut item = ticket("p1", 1).to_item().unwrap();
    item.insert("t".into(), AttributeValue::N("7".into()));
    t.client()
        .sdk()
        .put_item()
        .table_name(t.name())
        .set_item(Some(item))
        .send()
        .await
        .unwrap();
    let err = t
        .primary_key()
        .get("p1", "t001")
        .project::<TicketTitle>()
        .await
        .unwrap_err();
    match err {
        Error::Undecodable { source, .. } => {
            assert!(source.to_string().contains("`t`"), "{source}");
        }
        other => panic!("expected Undecodable, got {other:?}"),
    }
    t.delete_table().await.unwrap();
}
