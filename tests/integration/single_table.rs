//! Single-table design end to end: users, orders and order lines in one table with an
//! overloaded global secondary index (the schema of `examples/single_table.rs`). What is stored
//! (derived key texts, the entity attribute), the order of templated sort keys, the generated
//! sort conditions, entity checks on reads, collections over the table and over an index with
//! their pagination, `set_index`, cross-entity batch reads and transactions, table creation
//! from any entity, and stream routing by entity.

use std::collections::{BTreeSet, HashMap};

use aws_sdk_dynamodb::types::{AttributeValue, KeyType};
use dynamo_types::entity::OtherEntity;
use dynamo_types::{
    Client, Cursor, DecodeErrorKind, DynamoCollection, DynamoModel, DynamoTable, Error,
    RangeCondition,
};
use futures::TryStreamExt;

use crate::common;

/// The one table every entity below is stored in.
#[derive(DynamoTable)]
#[dynamo(table = "shop", hash = "pk", range = "sk", entity_attribute = "_et")]
#[dynamo(gsi(name = "gsi1", hash = "gsi1pk", range = "gsi1sk"))]
pub struct Shop;

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(entity(table = Shop, name = "User"))]
#[dynamo(key(hash = "USER#{id}", range = "PROFILE"))]
#[dynamo(index(name = "gsi1", hash = "ORG#{org}", range = "USER#{id}"))]
pub struct User {
    pub id: String,
    pub org: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(entity(table = Shop, name = "Order"))]
#[dynamo(key(hash = "USER#{user_id}", range = "ORDER#{placed_at}#{id}"))]
#[dynamo(index(name = "gsi1", hash = "ORDER#{id}", range = "ORDER"))]
pub struct Order {
    pub user_id: String,
    pub id: String,
    pub placed_at: i64,
    pub total_cents: u64,
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(entity(table = Shop, name = "OrderLine"))]
#[dynamo(key(hash = "ORDER#{order_id}", range = "LINE#{line}"))]
#[dynamo(index(name = "gsi1", hash = "ORDER#{order_id}", range = "LINE#{line}"))]
pub struct OrderLine {
    pub order_id: String,
    pub line: u32,
    pub sku: String,
    pub quantity: u32,
}

/// A user and their orders: one partition of the table.
#[derive(Debug, Clone, PartialEq, DynamoCollection)]
pub enum UserWithOrders {
    User(User),
    Order(Order),
}

/// The same partition, with every other entity's items kept as `Other`.
#[derive(Debug, Clone, PartialEq, DynamoCollection)]
pub enum UserPartition {
    User(User),
    Order(Order),
    #[dynamo(other)]
    Other(OtherEntity),
}

/// An order and its lines: one partition of `gsi1`.
#[derive(Debug, Clone, PartialEq, DynamoCollection)]
#[dynamo(index = "gsi1")]
pub enum OrderWithLines {
    Order(Order),
    Line(OrderLine),
}

type Raw = HashMap<String, AttributeValue>;

fn user(id: &str, org: &str) -> User {
    User {
        id: id.into(),
        org: org.into(),
        name: format!("name of {id}"),
    }
}

fn order(user_id: &str, id: &str, placed_at: i64) -> Order {
    Order {
        user_id: user_id.into(),
        id: id.into(),
        placed_at,
        total_cents: 100,
    }
}

fn line(order_id: &str, line: u32) -> OrderLine {
    OrderLine {
        order_id: order_id.into(),
        line,
        sku: format!("sku-{line}"),
        quantity: line,
    }
}

/// A client whose `shop` table exists (created from `User`).
async fn shop() -> Client {
    let client = common::client().await;
    User::table(&client).create_table().await.unwrap();
    client
}

/// The key text an `i64` template field is stored as: `v - i64::MIN`, 20 digits.
fn i64_text(v: i64) -> String {
    format!("{:020}", (v as u64) ^ (1u64 << 63))
}

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_owned())
}

fn text<'a>(item: &'a Raw, attribute: &str) -> &'a str {
    match item.get(attribute) {
        Some(AttributeValue::S(t)) => t,
        other => panic!("`{attribute}` is not a string: {other:?} in {item:?}"),
    }
}

/// The raw item of the table with this primary key.
async fn raw_get(client: &Client, table: &str, pk: &str, sk: &str) -> Option<Raw> {
    client
        .sdk()
        .get_item()
        .table_name(table)
        .key("pk", s(pk))
        .key("sk", s(sk))
        .consistent_read(true)
        .send()
        .await
        .expect("GetItem")
        .item
}

async fn raw_put(client: &Client, table: &str, item: Raw) {
    client
        .sdk()
        .put_item()
        .table_name(table)
        .set_item(Some(item))
        .send()
        .await
        .expect("PutItem");
}

/// Every raw item of the table whose `pk` is `pk`.
async fn raw_partition(client: &Client, table: &str, pk: &str) -> Vec<Raw> {
    common::raw_scan(client, table)
        .await
        .into_iter()
        .filter(|item| item.get("pk") == Some(&s(pk)))
        .collect()
}

/// A raw item of the entity `Coupon`, which no model here declares, in `USER#{user}`.
fn coupon(user: &str, code: &str) -> Raw {
    HashMap::from([
        ("pk".to_owned(), s(&format!("USER#{user}"))),
        ("sk".to_owned(), s(&format!("COUPON#{code}"))),
        ("_et".to_owned(), s("Coupon")),
        ("code".to_owned(), s(code)),
    ])
}

/// Alice (org acme) with three orders, in one partition.
async fn alice_and_orders(client: &Client) -> (User, Vec<Order>) {
    let mut alice = user("alice", "acme");
    User::table(client).writer().put(&mut alice).await.unwrap();
    let mut orders = vec![
        order("alice", "o1", 1_700_000_000),
        order("alice", "o2", 1_700_100_000),
        order("alice", "o3", 1_700_200_000),
    ];
    let table = Order::table(client);
    for o in &mut orders {
        table.writer().put(o).await.unwrap();
    }
    (alice, orders)
}

fn ids(orders: &[Order]) -> Vec<&str> {
    orders.iter().map(|o| o.id.as_str()).collect()
}

// 1. ----------------------------------------------------------------------------------------

#[tokio::test]
async fn each_entity_round_trips_and_stores_its_derived_attributes() {
    let client = shop().await;
    let users = User::table(&client);
    let orders = Order::table(&client);
    let lines = OrderLine::table(&client);
    let table = users.name().to_owned();

    let mut alice = user("alice", "acme");
    users.writer().put(&mut alice).await.unwrap();
    let mut o1 = order("alice", "o1", 1_700_000_000);
    orders.writer().put(&mut o1).await.unwrap();
    let mut l1 = line("o1", 1);
    lines.writer().put(&mut l1).await.unwrap();

    let read = users
        .primary_key()
        .get("alice", ())
        .consistent()
        .await
        .unwrap();
    assert_eq!(read, Some(alice.clone()));
    let read = orders
        .primary_key()
        .get("alice", (1_700_000_000i64, "o1"))
        .consistent()
        .await
        .unwrap();
    assert_eq!(read, Some(o1.clone()));
    let read = lines
        .primary_key()
        .get("o1", 1u32)
        .consistent()
        .await
        .unwrap();
    assert_eq!(read, Some(l1.clone()));
    // Another key of the same templates: nothing.
    assert_eq!(
        users
            .primary_key()
            .get("bob", ())
            .consistent()
            .await
            .unwrap(),
        None
    );

    let raw = raw_get(&client, &table, "USER#alice", "PROFILE")
        .await
        .expect("the user is stored under its key texts");
    assert_eq!(text(&raw, "pk"), "USER#alice");
    assert_eq!(text(&raw, "sk"), "PROFILE");
    assert_eq!(text(&raw, "gsi1pk"), "ORG#acme");
    assert_eq!(text(&raw, "gsi1sk"), "USER#alice");
    assert_eq!(text(&raw, "_et"), "User");
    assert_eq!(text(&raw, "name"), "name of alice");

    let items = raw_partition(&client, &table, "USER#alice").await;
    let raw_order = items
        .iter()
        .find(|i| text(i, "_et") == "Order")
        .expect("the order is in its user's partition");
    let sk = text(raw_order, "sk");
    // ORDER#, the time zero-padded to 20 digits (shifted so that i64::MIN is all zeros), #id.
    assert_eq!(sk, "ORDER#09223372038554775808#o1");
    assert_eq!(sk, format!("ORDER#{}#o1", i64_text(1_700_000_000)));
    assert_eq!(text(raw_order, "gsi1pk"), "ORDER#o1");
    assert_eq!(text(raw_order, "gsi1sk"), "ORDER");

    let raw_line = raw_get(&client, &table, "ORDER#o1", "LINE#0000000001")
        .await
        .expect("a u32 is zero-padded to 10 digits");
    assert_eq!(text(&raw_line, "_et"), "OrderLine");
    assert_eq!(text(&raw_line, "gsi1pk"), "ORDER#o1");
    assert_eq!(text(&raw_line, "gsi1sk"), "LINE#0000000001");
}

#[tokio::test]
async fn a_string_field_with_separators_is_escaped_in_the_key_and_round_trips() {
    let client = shop().await;
    let users = User::table(&client);
    let mut odd = user("a#b%c", "x#y");
    users.writer().put(&mut odd).await.unwrap();
    // The id text "a" must not read a user whose id starts with "a#".
    assert_eq!(
        users.primary_key().get("a", ()).consistent().await.unwrap(),
        None
    );
    let read = users
        .primary_key()
        .get("a#b%c", ())
        .consistent()
        .await
        .unwrap();
    assert_eq!(read, Some(odd.clone()));
    let raw = raw_get(&client, users.name(), "USER#a%23b%25c", "PROFILE")
        .await
        .expect("`#` and `%` are escaped as %XX");
    assert_eq!(text(&raw, "gsi1pk"), "ORG#x%23y");
    let page = users.gsi1().query("x#y").await.unwrap();
    assert_eq!(page.items, vec![odd]);
}

// 2. ----------------------------------------------------------------------------------------

#[tokio::test]
async fn orders_sort_by_placed_at_with_negative_and_large_values() {
    let client = shop().await;
    let orders = Order::table(&client);
    User::table(&client)
        .writer()
        .put(&mut user("alice", "acme"))
        .await
        .unwrap();
    // Written out of order; text order of plain decimals would put -5 and 1_700_000_000
    // before 7.
    let times = [7, 1_700_000_000, -5, i64::MAX, 0, i64::MIN, -1_700_000_000];
    for (n, t) in times.iter().enumerate() {
        orders
            .writer()
            .put(&mut order("alice", &format!("o{n}"), *t))
            .await
            .unwrap();
    }
    let mut sorted = times.to_vec();
    sorted.sort();

    let page = orders
        .primary_key()
        .query("alice")
        .consistent()
        .await
        .unwrap();
    assert!(page.cursor.is_none());
    let got: Vec<i64> = page.items.iter().map(|o| o.placed_at).collect();
    assert_eq!(got, sorted, "ascending");

    let page = orders
        .primary_key()
        .query("alice")
        .descending()
        .consistent()
        .await
        .unwrap();
    let got: Vec<i64> = page.items.iter().map(|o| o.placed_at).collect();
    let mut reversed = sorted.clone();
    reversed.reverse();
    assert_eq!(got, reversed, "descending");
}

// 3. ----------------------------------------------------------------------------------------

#[tokio::test]
async fn sort_conditions_on_templated_fields_return_exactly_the_matching_orders() {
    let client = shop().await;
    let orders = Order::table(&client);
    User::table(&client)
        .writer()
        .put(&mut user("alice", "acme"))
        .await
        .unwrap();
    // Two orders share a time (t = 10: ids a, b, c); the others differ.
    let stored = [
        order("alice", "neg", -5),
        order("alice", "zero", 0),
        order("alice", "a", 10),
        order("alice", "b", 10),
        order("alice", "c", 10),
        order("alice", "d", 20),
        order("alice", "e", 1_700_000_000),
    ];
    for o in &stored {
        orders.writer().put(&mut o.clone()).await.unwrap();
    }
    // Another user's orders in the same time range: another partition, never returned.
    orders
        .writer()
        .put(&mut order("bob", "x", 10))
        .await
        .unwrap();

    let q = |cond: RangeCondition<OrderSk>| {
        let orders = orders.clone();
        async move {
            orders
                .primary_key()
                .query("alice")
                .range(cond)
                .consistent()
                .await
                .unwrap()
                .items
        }
    };
    let cases: Vec<(&str, RangeCondition<OrderSk>, Vec<&str>)> = vec![
        (
            "all",
            OrderSk::all(),
            vec!["neg", "zero", "a", "b", "c", "d", "e"],
        ),
        (
            "between, both ends included",
            OrderSk::placed_at_between(0, 20),
            vec!["zero", "a", "b", "c", "d"],
        ),
        (
            "between across zero",
            OrderSk::placed_at_between(-5, 0),
            vec!["neg", "zero"],
        ),
        (
            "between of one value",
            OrderSk::placed_at_between(10, 10),
            vec!["a", "b", "c"],
        ),
        (
            "between, nothing",
            OrderSk::placed_at_between(11, 19),
            vec![],
        ),
        (
            "ge, included",
            OrderSk::placed_at_ge(10),
            vec!["a", "b", "c", "d", "e"],
        ),
        ("ge, negative", OrderSk::placed_at_ge(-4), {
            vec!["zero", "a", "b", "c", "d", "e"]
        }),
        (
            "le, included",
            OrderSk::placed_at_le(10),
            vec!["neg", "zero", "a", "b", "c"],
        ),
        ("le, negative", OrderSk::placed_at_le(-5), vec!["neg"]),
        (
            "with_placed_at",
            OrderSk::with_placed_at(10),
            vec!["a", "b", "c"],
        ),
        ("with_placed_at, none", OrderSk::with_placed_at(11), vec![]),
        ("with_id", OrderSk::with_id(10, "b"), vec!["b"]),
        ("with_id, other time", OrderSk::with_id(20, "b"), vec![]),
        (
            "id_between, both ends included",
            OrderSk::id_between(10, "a", "b"),
            vec!["a", "b"],
        ),
        ("id_ge", OrderSk::id_ge(10, "b"), vec!["b", "c"]),
        ("id_le", OrderSk::id_le(10, "b"), vec!["a", "b"]),
    ];
    // Every case is run before asserting, so that a failure lists all the wrong ones.
    let mut wrong = Vec::new();
    for (name, cond, want) in cases {
        let got = q(cond).await;
        if ids(&got) != want {
            wrong.push(format!("{name}: got {:?}, want {want:?}", ids(&got)));
        }
    }
    // LIBRARY BUG (found by this test): `OrderSk::with_placed_at(10)` is
    // `begins_with("ORDER#09223372036854775818##")`, with the separator after the field
    // twice (macros/src/expand/entity/template.rs, `sort_conditions`: `prefix(k + 1)` already
    // ends with the literal after field k, and `with_body` pushes `literals[k + 1]` again), so
    // it matches nothing.
    assert!(wrong.is_empty(), "wrong results:\n{}", wrong.join("\n"));
    // The user's item shares the partition: a query with no sort condition still returns
    // orders only.
    let all = orders
        .primary_key()
        .query("alice")
        .consistent()
        .await
        .unwrap();
    assert_eq!(all.items.len(), stored.len());
}

// 4. ----------------------------------------------------------------------------------------

#[tokio::test]
async fn a_read_never_decodes_another_entitys_item() {
    let client = shop().await;
    let (_, stored) = alice_and_orders(&client).await;
    let orders = Order::table(&client);
    let table = orders.name().to_owned();

    // An item under Order's key texts, with every field an Order has, but written by (or
    // for) the entity `User`.
    let sk = format!("ORDER#{}#o9", i64_text(5));
    raw_put(
        &client,
        &table,
        HashMap::from([
            ("pk".to_owned(), s("USER#alice")),
            ("sk".to_owned(), s(&sk)),
            ("_et".to_owned(), s("User")),
            ("user_id".to_owned(), s("alice")),
            ("id".to_owned(), s("o9")),
            ("placed_at".to_owned(), AttributeValue::N("5".into())),
            ("total_cents".to_owned(), AttributeValue::N("1".into())),
            ("org".to_owned(), s("acme")),
            ("name".to_owned(), s("not an order")),
        ]),
    )
    .await;
    let err = orders
        .primary_key()
        .get("alice", (5i64, "o9"))
        .consistent()
        .await
        .expect_err("an item of `User` is not an `Order`");
    match &err {
        Error::Undecodable { source, .. } => {
            assert_eq!(source.path(), "_et");
            assert!(
                matches!(source.kind(), DecodeErrorKind::InvalidValue { expected, found }
                    if expected.contains("`Order`") && found.contains("`User`")),
                "{source:?}"
            );
        }
        other => panic!("expected Error::Undecodable, got {other:?}"),
    }
    let message = err.to_string();
    assert!(
        message.contains("Order") && message.contains("User"),
        "{message}"
    );

    // The same fields without any entity attribute: an error too.
    let sk2 = format!("ORDER#{}#o8", i64_text(6));
    raw_put(
        &client,
        &table,
        HashMap::from([
            ("pk".to_owned(), s("USER#alice")),
            ("sk".to_owned(), s(&sk2)),
            ("user_id".to_owned(), s("alice")),
            ("id".to_owned(), s("o8")),
            ("placed_at".to_owned(), AttributeValue::N("6".into())),
            ("total_cents".to_owned(), AttributeValue::N("1".into())),
        ]),
    )
    .await;
    let err = orders
        .primary_key()
        .get("alice", (6i64, "o8"))
        .consistent()
        .await
        .expect_err("an item without `_et` is not an `Order`");
    assert!(
        matches!(&err, Error::Undecodable { source, .. } if source.path() == "_et"),
        "{err:?}"
    );

    // A query of the partition skips the user, both foreign items and returns the orders.
    let page = orders
        .primary_key()
        .query("alice")
        .consistent()
        .await
        .unwrap();
    assert_eq!(page.items, stored);
    let streamed: Vec<Order> = orders
        .primary_key()
        .query("alice")
        .page_size(1)
        .consistent()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(streamed, stored);
    let raw = raw_partition(&client, &table, "USER#alice").await;
    assert_eq!(
        raw.len(),
        stored.len() + 3,
        "user, orders, two foreign items"
    );

    // A scan of orders is filtered the same way.
    let scanned: Vec<Order> = orders
        .primary_key()
        .scan()
        .stream()
        .try_collect()
        .await
        .unwrap();
    let got: BTreeSet<&str> = scanned.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(got, BTreeSet::from(["o1", "o2", "o3"]));

    // The user read through its own entity, unaffected.
    assert!(
        User::table(&client)
            .primary_key()
            .get("alice", ())
            .consistent()
            .await
            .unwrap()
            .is_some()
    );
}

// 5. ----------------------------------------------------------------------------------------

#[tokio::test]
async fn a_collection_reads_a_partition_each_item_as_its_entity() {
    let client = shop().await;
    let (alice, orders) = alice_and_orders(&client).await;
    // Another user's partition, never returned.
    alice_and_orders_of(&client, "bob").await;

    let page = UserWithOrders::collection(&client)
        .query("alice")
        .consistent()
        .await
        .unwrap();
    assert!(page.cursor.is_none());
    let mut want: Vec<UserWithOrders> = orders.iter().cloned().map(UserWithOrders::Order).collect();
    // Sort keys: ORDER#... before PROFILE.
    want.push(UserWithOrders::User(alice.clone()));
    assert_eq!(page.items, want);

    // A sort condition on the raw sort key text.
    let page = UserWithOrders::collection(&client)
        .query("alice")
        .range(RangeCondition::begins_with("ORDER#"))
        .consistent()
        .await
        .unwrap();
    assert_eq!(page.items, want[..3]);
    let page = UserWithOrders::collection(&client)
        .query("alice")
        .range(RangeCondition::eq("PROFILE"))
        .consistent()
        .await
        .unwrap();
    assert_eq!(page.items, [UserWithOrders::User(alice.clone())]);

    // Descending.
    let page = UserWithOrders::collection(&client)
        .query("alice")
        .descending()
        .consistent()
        .await
        .unwrap();
    let mut reversed = want.clone();
    reversed.reverse();
    assert_eq!(page.items, reversed);
}

async fn alice_and_orders_of(client: &Client, id: &str) {
    User::table(client)
        .writer()
        .put(&mut user(id, "acme"))
        .await
        .unwrap();
    Order::table(client)
        .writer()
        .put(&mut order(id, &format!("{id}-o1"), 1))
        .await
        .unwrap();
}

/// Follows cursors page by page (with `limit(1)`, a cursor stored as text between pages);
/// returns the items and the number of pages.
async fn all_pages<E: dynamo_types::ReadSource, T: Send + 'static>(
    start: impl Fn() -> dynamo_types::Query<E, T>,
) -> (Vec<T>, usize) {
    let mut items = Vec::new();
    let mut cursor: Option<Cursor> = None;
    let mut pages = 0;
    loop {
        let mut query = start().limit(1);
        if let Some(c) = cursor.take() {
            query = query.start_after(c);
        }
        let page = query.await.unwrap();
        pages += 1;
        assert!(page.items.len() <= 1, "limit(1)");
        items.extend(page.items);
        match page.cursor {
            Some(c) => cursor = Some(c.to_string().parse().unwrap()),
            None => return (items, pages),
        }
        assert!(pages < 50, "the cursors never end");
    }
}

#[tokio::test]
async fn collection_pagination_skips_unlisted_entities_and_other_keeps_them() {
    let client = shop().await;
    let (alice, orders) = alice_and_orders(&client).await;
    let table = User::table(&client).name().to_owned();
    // Items of an entity no model declares, at both ends and between the orders.
    raw_put(&client, &table, coupon("alice", "A")).await;
    let mut between = coupon("alice", "B");
    between.insert(
        "sk".into(),
        s(&format!("ORDER#{}#zz-coupon", i64_text(1_700_050_000))),
    );
    raw_put(&client, &table, between.clone()).await;
    let mut last = coupon("alice", "C");
    last.insert("sk".into(), s("ZZZ"));
    raw_put(&client, &table, last.clone()).await;
    assert_eq!(raw_partition(&client, &table, "USER#alice").await.len(), 7);

    let mut want: Vec<UserWithOrders> = orders.iter().cloned().map(UserWithOrders::Order).collect();
    want.push(UserWithOrders::User(alice.clone()));

    // limit(1) and cursors: every item once, in order, and no coupon.
    let (got, pages) = all_pages(|| {
        UserWithOrders::collection(&client)
            .query("alice")
            .consistent()
    })
    .await;
    assert_eq!(got, want);
    assert!(pages >= want.len(), "{pages} pages");

    // page_size(1), streamed.
    let got: Vec<UserWithOrders> = UserWithOrders::collection(&client)
        .query("alice")
        .page_size(1)
        .consistent()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(got, want);

    // page_size(1) with pages(): each cursor resumes right after its page.
    let pages: Vec<_> = UserWithOrders::collection(&client)
        .query("alice")
        .page_size(2)
        .consistent()
        .pages()
        .try_collect()
        .await
        .unwrap();
    let flat: Vec<UserWithOrders> = pages.into_iter().flat_map(|p| p.items).collect();
    assert_eq!(flat, want);

    // A collection with an `other` variant receives the coupons.
    let (got, _) = all_pages(|| {
        UserPartition::collection(&client)
            .query("alice")
            .consistent()
    })
    .await;
    assert_eq!(got.len(), 7);
    let others: Vec<&OtherEntity> = got
        .iter()
        .filter_map(|i| match i {
            UserPartition::Other(o) => Some(o),
            _ => None,
        })
        .collect();
    assert_eq!(others.len(), 3);
    for o in &others {
        assert_eq!(o.entity.as_deref(), Some("Coupon"));
        assert_eq!(text(&o.item, "pk"), "USER#alice");
    }
    assert_eq!(others[0].item, coupon("alice", "A"));
    assert_eq!(others[1].item, between);
    assert_eq!(others[2].item, last);
    assert_eq!(
        got.iter()
            .filter(|i| matches!(i, UserPartition::Order(_)))
            .count(),
        3
    );
    assert!(got.contains(&UserPartition::User(alice)));
}

// 6. ----------------------------------------------------------------------------------------

#[tokio::test]
async fn an_index_collection_reads_an_order_and_its_lines() {
    let client = shop().await;
    let (_, orders) = alice_and_orders(&client).await;
    let lines = OrderLine::table(&client);
    let mut written = Vec::new();
    for n in [2, 1, 10] {
        let mut l = line("o2", n);
        lines.writer().put(&mut l).await.unwrap();
        written.push(l);
    }
    // A line of another order: another partition of gsi1.
    lines.writer().put(&mut line("o3", 1)).await.unwrap();

    let page = OrderWithLines::collection(&client)
        .query("o2")
        .await
        .unwrap();
    // gsi1sk: LINE#0000000001, LINE#0000000002, LINE#0000000010, ORDER.
    assert_eq!(
        page.items,
        vec![
            OrderWithLines::Line(line("o2", 1)),
            OrderWithLines::Line(line("o2", 2)),
            OrderWithLines::Line(line("o2", 10)),
            OrderWithLines::Order(orders[1].clone()),
        ]
    );

    let got: Vec<OrderWithLines> = OrderWithLines::collection(&client)
        .query("o2")
        .page_size(1)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(got, page.items);

    // An order without lines: the order alone.
    let page = OrderWithLines::collection(&client)
        .query("o1")
        .await
        .unwrap();
    assert_eq!(page.items, vec![OrderWithLines::Order(orders[0].clone())]);

    // The entities' own index queries.
    let page = Order::table(&client).gsi1().query("o2").await.unwrap();
    assert_eq!(page.items, vec![orders[1].clone()]);
    let page = lines.gsi1().query("o2").await.unwrap();
    assert_eq!(page.items.len(), 3);
}

// 7. ----------------------------------------------------------------------------------------

#[tokio::test]
async fn set_index_moves_a_user_to_another_org_and_guards_the_key_fields() {
    let client = shop().await;
    let users = User::table(&client);
    let mut alice = user("alice", "acme");
    let mut bob = user("bob", "acme");
    users.writer().put(&mut alice).await.unwrap();
    users.writer().put(&mut bob).await.unwrap();

    let update = User::update().set_index(UserGsi1Values {
        org: "globex".into(),
        id: "alice".into(),
    });
    users
        .primary_key()
        .update("alice", (), update)
        .await
        .unwrap();

    let acme = users.gsi1().query("acme").await.unwrap();
    assert_eq!(acme.items, vec![bob.clone()]);
    let globex = users.gsi1().query("globex").await.unwrap();
    let moved = User {
        org: "globex".into(),
        ..alice.clone()
    };
    assert_eq!(globex.items, vec![moved.clone()]);
    assert_eq!(
        users
            .primary_key()
            .get("alice", ())
            .consistent()
            .await
            .unwrap(),
        Some(moved.clone())
    );
    let raw = raw_get(&client, users.name(), "USER#alice", "PROFILE")
        .await
        .unwrap();
    assert_eq!(text(&raw, "gsi1pk"), "ORG#globex");
    assert_eq!(text(&raw, "gsi1sk"), "USER#alice");
    assert_eq!(text(&raw, "_et"), "User");

    // An id other than the key's: the condition fails, nothing changes.
    let before = raw_get(&client, users.name(), "USER#alice", "PROFILE").await;
    let err = users
        .primary_key()
        .update(
            "alice",
            (),
            User::update().set_index(UserGsi1Values {
                org: "initech".into(),
                id: "bob".into(),
            }),
        )
        .await
        .expect_err("the id is part of the primary key");
    assert!(
        matches!(err, Error::ConditionalCheckFailed { .. }),
        "{err:?}"
    );
    assert_eq!(
        raw_get(&client, users.name(), "USER#alice", "PROFILE").await,
        before
    );
    assert!(
        users
            .gsi1()
            .query("initech")
            .await
            .unwrap()
            .items
            .is_empty()
    );

    // A user that does not exist: the condition fails too, and no item is created.
    let err = users
        .primary_key()
        .update(
            "carol",
            (),
            User::update().set_index(UserGsi1Values {
                org: "acme".into(),
                id: "carol".into(),
            }),
        )
        .await
        .expect_err("no item holds the id");
    assert!(
        matches!(err, Error::ConditionalCheckFailed { .. }),
        "{err:?}"
    );
    assert_eq!(
        raw_get(&client, users.name(), "USER#carol", "PROFILE").await,
        None
    );
}

/// A single write of an entity never replaces, changes or deletes an item of another entity
/// at its key (the key templates of two entities could meet): put, update and delete each
/// fail on the server's condition and the item stays as it was. An update of a key with no
/// item fails too, rather than creating an item with no entity name.
#[tokio::test]
async fn writes_never_touch_another_entitys_item() {
    let client = shop().await;
    let users = User::table(&client);
    // a Coupon item exactly where the user `alice`'s profile would be
    let mut squatter = coupon("alice", "x");
    squatter.insert("sk".to_owned(), s("PROFILE"));
    raw_put(&client, users.name(), squatter.clone()).await;

    let mut alice = user("alice", "acme");
    let err = users
        .writer()
        .put(&mut alice)
        .await
        .expect_err("a Coupon is there");
    assert!(
        matches!(err, Error::ConditionalCheckFailed { .. }),
        "{err:?}"
    );
    let update = User::update().set(&User::fields().name, "Al");
    let err = users
        .primary_key()
        .update("alice", (), update)
        .await
        .expect_err("a Coupon is there");
    assert!(
        matches!(err, Error::ConditionalCheckFailed { .. }),
        "{err:?}"
    );
    let err = users
        .primary_key()
        .delete("alice", ())
        .await
        .expect_err("a Coupon is there");
    assert!(
        matches!(err, Error::ConditionalCheckFailed { .. }),
        "{err:?}"
    );
    let err = client
        .transact_write()
        .put(&users, &mut alice)
        .await
        .expect_err("a Coupon is there");
    assert!(matches!(err, Error::TransactionCanceled { .. }), "{err:?}");
    assert_eq!(
        raw_get(&client, users.name(), "USER#alice", "PROFILE").await,
        Some(squatter)
    );

    // no item: put and delete go ahead, an update does not create one
    let update = User::update().set(&User::fields().name, "Bo");
    let err = users
        .primary_key()
        .update("bob", (), update)
        .await
        .expect_err("no item to update");
    assert!(
        matches!(err, Error::ConditionalCheckFailed { .. }),
        "{err:?}"
    );
    assert_eq!(
        raw_get(&client, users.name(), "USER#bob", "PROFILE").await,
        None
    );
    users.primary_key().delete("bob", ()).await.unwrap();
    let mut bob = user("bob", "acme");
    users.writer().put(&mut bob).await.unwrap();
    // and the entity's own item is written over, updated and deleted as usual
    users.writer().put(&mut bob).await.unwrap();
    let update = User::update().set(&User::fields().name, "Bo");
    users.primary_key().update("bob", (), update).await.unwrap();
    assert_eq!(
        users
            .primary_key()
            .get("bob", ())
            .await
            .unwrap()
            .map(|u| u.name),
        Some("Bo".to_owned())
    );
    users.primary_key().delete("bob", ()).await.unwrap();
    assert_eq!(
        raw_get(&client, users.name(), "USER#bob", "PROFILE").await,
        None
    );
}

/// A projection of an entity (`.project::<P>()`) read by key checks the entity too: the
/// projection's attributes come with the entity attribute, and an item of another entity is an
/// error, not a projection.
#[tokio::test]
async fn a_projection_read_by_key_checks_the_entity() {
    #[derive(Debug, PartialEq, dynamo_types::DynamoProjection)]
    #[dynamo(model = User)]
    struct UserName {
        name: String,
    }
    let client = shop().await;
    let users = User::table(&client);
    let mut alice = user("alice", "acme");
    users.writer().put(&mut alice).await.unwrap();
    let got = users
        .primary_key()
        .get("alice", ())
        .project::<UserName>()
        .await
        .unwrap();
    assert_eq!(
        got,
        Some(UserName {
            name: alice.name.clone()
        })
    );

    let mut squatter = coupon("bob", "x");
    squatter.insert("sk".to_owned(), s("PROFILE"));
    squatter.insert("name".to_owned(), s("not a user"));
    raw_put(&client, users.name(), squatter).await;
    for result in [
        users
            .primary_key()
            .get("bob", ())
            .project::<UserName>()
            .await
            .map(|_| ()),
        users
            .primary_key()
            .batch_get([("bob", ())])
            .project::<UserName>()
            .await
            .map(|_| ()),
    ] {
        match result {
            Err(Error::Undecodable { source, .. }) => {
                assert_eq!(source.path(), "_et");
                assert!(source.to_string().contains("Coupon"), "{source}");
            }
            other => panic!("{other:?}"),
        }
    }
}

// 8. ----------------------------------------------------------------------------------------

#[tokio::test]
async fn batch_get_reads_across_entities_through_a_collection() {
    let client = shop().await;
    let (alice, orders) = alice_and_orders(&client).await;
    let table = User::table(&client).name().to_owned();

    let keys = [
        UserWithOrdersKey::Order(OrderKey {
            user_id: "alice".into(),
            placed_at: 1_700_100_000,
            id: "o2".into(),
        }),
        UserWithOrdersKey::User(UserKey { id: "alice".into() }),
        // No such item: nothing for it.
        UserWithOrdersKey::User(UserKey {
            id: "nobody".into(),
        }),
        UserWithOrdersKey::Order(OrderKey {
            user_id: "alice".into(),
            placed_at: 1_700_000_000,
            id: "o1".into(),
        }),
    ];
    let got = UserWithOrders::batch_get(&client, keys.clone())
        .await
        .unwrap();
    assert_eq!(
        got,
        vec![
            UserWithOrders::Order(orders[1].clone()),
            UserWithOrders::User(alice.clone()),
            UserWithOrders::Order(orders[0].clone()),
        ]
    );
    // `From` each entity's key.
    let got = UserWithOrders::batch_get(&client, [UserKey { id: "alice".into() }])
        .await
        .unwrap();
    assert_eq!(got, vec![UserWithOrders::User(alice.clone())]);

    // A key whose item is of an entity the collection does not list: an error naming it; a
    // collection with `other` returns it.
    raw_put(&client, &table, {
        let mut c = coupon("alice", "X");
        c.insert("sk".into(), s("PROFILE"));
        c.insert("pk".into(), s("USER#carol"));
        c
    })
    .await;
    let carol = UserKey { id: "carol".into() };
    let err = UserWithOrders::batch_get(&client, [carol.clone()])
        .await
        .expect_err("a Coupon is neither a User nor an Order");
    assert!(
        matches!(&err, Error::Undecodable { key, .. } if key.get("pk") == Some(&s("USER#carol"))),
        "{err:?}"
    );
    let got = UserPartition::batch_get(&client, [UserPartitionKey::User(carol)])
        .await
        .unwrap();
    assert!(
        matches!(&got[..], [UserPartition::Other(o)] if o.entity.as_deref() == Some("Coupon")),
        "{got:?}"
    );
}

/// What `Error::Undecodable::source` promises ("what does not fit, naming the attribute") and
/// what an entity's own read gives (`attribute \`_et\`: expected the entity \`Order\`, found an
/// item of the entity \`User\``): the collection's error for an unlisted entity should name the
/// entity attribute and the entity found.
///
/// LIBRARY BUG (found by this test): the collection's decoder returns
/// `DecodeError::custom("an item of an entity `UserWithOrders` does not list: ...")` with an
/// empty path (macros/src/collection.rs, the `unknown` arm without `other`), displayed as
/// "attribute `value`: ...", naming neither `_et` nor `Coupon`.
#[tokio::test]
async fn a_collection_error_for_an_unlisted_entity_names_the_attribute_and_the_entity() {
    let client = shop().await;
    let table = User::table(&client).name().to_owned();
    raw_put(&client, &table, {
        let mut c = coupon("carol", "X");
        c.insert("sk".into(), s("PROFILE"));
        c
    })
    .await;
    let err = UserWithOrders::batch_get(&client, [UserKey { id: "carol".into() }])
        .await
        .expect_err("a Coupon is neither a User nor an Order");
    let Error::Undecodable { source, .. } = &err else {
        panic!("expected Error::Undecodable, got {err:?}");
    };
    assert_eq!(source.path(), "_et", "{err}");
    assert!(err.to_string().contains("Coupon"), "{err}");
}

#[tokio::test]
async fn a_transaction_writes_and_reads_a_user_and_an_order_together() {
    let client = shop().await;
    let users = User::table(&client);
    let orders = Order::table(&client);
    let mut dave = user("dave", "acme");
    let mut o = order("dave", "o7", 42);
    client
        .transact_write()
        .put(&users, &mut dave)
        .put(&orders, &mut o)
        .await
        .unwrap();

    let (u, got): (Option<User>, Option<Order>) = client
        .transact_get((
            users.primary_key().get("dave", ()),
            orders.primary_key().get("dave", (42i64, "o7")),
        ))
        .await
        .unwrap();
    assert_eq!(u, Some(dave.clone()));
    assert_eq!(got, Some(o.clone()));

    let raw = raw_partition(&client, users.name(), "USER#dave").await;
    let mut entities: Vec<&str> = raw.iter().map(|i| text(i, "_et")).collect();
    entities.sort();
    assert_eq!(entities, ["Order", "User"]);

    // A transaction that fails writes neither entity.
    let err = client
        .transact_write()
        .put(&users, &mut user("erin", "acme"))
        .put_if_absent(&orders, &mut o.clone())
        .await
        .expect_err("the order exists");
    assert!(matches!(err, Error::TransactionCanceled { .. }), "{err:?}");
    assert_eq!(
        users
            .primary_key()
            .get("erin", ())
            .consistent()
            .await
            .unwrap(),
        None
    );

    // A transactional read of a key holding another entity's item is an error, not a value.
    raw_put(&client, users.name(), {
        let mut c = coupon("dave", "X");
        c.insert("pk".into(), s("USER#frank"));
        c.insert("sk".into(), s("PROFILE"));
        c
    })
    .await;
    let err = client
        .transact_get((users.primary_key().get("frank", ()),))
        .await
        .expect_err("a Coupon is not a User");
    assert!(err.to_string().contains("Coupon"), "{err}");
}

// 9. ----------------------------------------------------------------------------------------

#[tokio::test]
async fn any_entity_creates_and_verifies_the_shared_table() {
    let client = common::client().await;
    let users = User::table(&client);
    let orders = Order::table(&client);
    let lines = OrderLine::table(&client);
    assert_eq!(users.name(), orders.name());
    assert_eq!(users.name(), lines.name());

    orders.create_table().await.unwrap();
    // The table exists: a second CreateTable is the server's ResourceInUseException, and
    // `create_table_if_not_exists` says it did not create it.
    let err = users
        .create_table()
        .await
        .expect_err("the table exists already");
    assert!(
        matches!(&err, Error::Sdk(e) if matches!(**e, aws_sdk_dynamodb::Error::ResourceInUseException(_))),
        "{err:?}"
    );
    assert!(!users.create_table_if_not_exists().await.unwrap());
    assert!(!lines.create_table_if_not_exists().await.unwrap());

    for description in [
        users.verify().await.unwrap(),
        orders.verify().await.unwrap(),
        lines.verify().await.unwrap(),
    ] {
        assert!(description.matches_model(), "{:?}", description.differences);
        assert_eq!(description.status.as_deref(), Some("ACTIVE"));
    }
    assert!(users.describe().await.unwrap().differences.is_empty());

    let table = client
        .sdk()
        .describe_table()
        .table_name(users.name())
        .send()
        .await
        .unwrap()
        .table
        .unwrap();
    let key = |schema: &[aws_sdk_dynamodb::types::KeySchemaElement]| -> Vec<(String, KeyType)> {
        schema
            .iter()
            .map(|k| (k.attribute_name().to_owned(), k.key_type().clone()))
            .collect()
    };
    assert_eq!(
        key(table.key_schema()),
        [("pk".into(), KeyType::Hash), ("sk".into(), KeyType::Range)]
    );
    let indexes = table.global_secondary_indexes();
    assert_eq!(indexes.len(), 1);
    assert_eq!(indexes[0].index_name(), Some("gsi1"));
    assert_eq!(
        key(indexes[0].key_schema()),
        [
            ("gsi1pk".into(), KeyType::Hash),
            ("gsi1sk".into(), KeyType::Range)
        ]
    );
    assert!(table.local_secondary_indexes().is_empty());

    lines.delete_table().await.unwrap();
    assert!(
        users.describe().await.is_err(),
        "deleted through another entity"
    );
}

// 10. ---------------------------------------------------------------------------------------

mod streams {
    use std::sync::{Arc, Mutex};

    use dynamo_types::stream::Router;
    use dynamo_types::{DynamoModel, DynamoTable, Error};

    use crate::common;
    use crate::streams::read_stream;

    #[derive(DynamoTable)]
    #[dynamo(
        table = "shop_stream",
        hash = "pk",
        range = "sk",
        entity_attribute = "_et",
        stream = "new_and_old_images"
    )]
    pub struct StreamShop;

    #[derive(Debug, Clone, PartialEq, DynamoModel)]
    #[dynamo(entity(table = StreamShop, name = "User"), stream = "new_and_old_images")]
    #[dynamo(key(hash = "USER#{id}", range = "PROFILE"))]
    pub struct SUser {
        pub id: String,
        pub name: String,
    }

    #[derive(Debug, Clone, PartialEq, DynamoModel)]
    #[dynamo(entity(table = StreamShop, name = "Order"), stream = "new_and_old_images")]
    #[dynamo(key(hash = "USER#{user_id}", range = "ORDER#{id}"))]
    pub struct SOrder {
        pub user_id: String,
        pub id: String,
        pub total_cents: u64,
    }

    /// Records of the shared table go to each entity's handler by `_et`; a record of an entity
    /// with no route is `Unrouted`.
    #[tokio::test]
    async fn a_router_routes_records_of_the_shared_table_by_entity() {
        let client = common::client().await;
        let users = SUser::table(&client);
        let orders = SOrder::table(&client);
        users.create_table().await.unwrap();
        let mut u = SUser {
            id: "alice".into(),
            name: "Alice".into(),
        };
        users.writer().put(&mut u).await.unwrap();
        let mut o = SOrder {
            user_id: "alice".into(),
            id: "o1".into(),
            total_cents: 5,
        };
        orders.writer().put(&mut o).await.unwrap();
        o.total_cents = 6;
        orders.writer().put(&mut o).await.unwrap();
        users.primary_key().delete("alice", ()).await.unwrap();

        let seen = Arc::new(Mutex::new(Vec::new()));
        let (s1, s2) = (seen.clone(), seen.clone());
        let router = Router::for_client(&client)
            .entity::<SUser>(SUserEvent::handler().on_record(move |r| {
                let seen = s1.clone();
                async move {
                    seen.lock().unwrap().push(format!("user {:?}", r.event));
                    Ok::<_, Error>(())
                }
            }))
            .entity::<SOrder>(SOrderEvent::handler().on_record(move |r| {
                let seen = s2.clone();
                async move {
                    seen.lock().unwrap().push(format!("order {:?}", r.event));
                    Ok::<_, Error>(())
                }
            }))
            .build()
            .unwrap();
        let records = read_stream(&client, users.name(), 4).await;
        assert_eq!(records.len(), 4);
        for record in records {
            dynamo_types::stream::Dispatch::dispatch(&router, record)
                .await
                .unwrap();
        }
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 4, "{seen:#?}");
        assert!(
            seen[0].starts_with("user ") && seen[0].contains("Alice"),
            "{seen:#?}"
        );
        assert!(
            seen[1].starts_with("order ") && seen[1].contains("total_cents: 5"),
            "{seen:#?}"
        );
        assert!(
            seen[2].starts_with("order ") && seen[2].contains("total_cents: 6"),
            "{seen:#?}"
        );
        assert!(seen[3].starts_with("user "), "{seen:#?}");

        // A record of an entity no route takes: Unrouted, naming the value.
        let coupon = std::collections::HashMap::from([
            (
                "pk".to_owned(),
                aws_sdk_dynamodb::types::AttributeValue::S("USER#alice".into()),
            ),
            (
                "sk".to_owned(),
                aws_sdk_dynamodb::types::AttributeValue::S("COUPON#1".into()),
            ),
            (
                "_et".to_owned(),
                aws_sdk_dynamodb::types::AttributeValue::S("Coupon".into()),
            ),
        ]);
        client
            .sdk()
            .put_item()
            .table_name(users.name())
            .set_item(Some(coupon))
            .send()
            .await
            .unwrap();
        let records = read_stream(&client, users.name(), 5).await;
        assert_eq!(records.len(), 5);
        let last = records.into_iter().last().unwrap();
        let err = dynamo_types::stream::Dispatch::dispatch(&router, last)
            .await
            .expect_err("no route takes a Coupon");
        assert!(
            matches!(&err, Error::Unrouted { reason, .. } if reason.contains("Coupon")),
            "{err:?}"
        );
        users.delete_table().await.unwrap();
    }
}
