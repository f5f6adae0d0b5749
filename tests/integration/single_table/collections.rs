//! Collections over the shared table and over `gsi1`: reading a partition as its entities,
//! pagination with unlisted entities and `Other`, cross-entity batch reads, and the error for
//! an unlisted entity.

use dynamo_types::entity::OtherEntity;
use dynamo_types::{Client, Cursor, Error, RangeCondition};
use futures::TryStreamExt;

use super::{
    Order, OrderKey, OrderLine, OrderWithLines, User, UserKey, UserPartition, UserPartitionKey,
    UserWithOrders, UserWithOrdersKey, alice_and_orders, coupon, i64_text, line, order,
    raw_partition, raw_put, s, shop, text, user,
};

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
    // An entity's typed condition, on the text: every order, then the orders from the second on.
    let page = UserWithOrders::collection(&client)
        .query("alice")
        .range(crate::single_table::OrderSk::all().as_text())
        .await
        .unwrap();
    assert_eq!(page.items, want[..3]);
    let second = match &want[1] {
        UserWithOrders::Order(o) => o.placed_at,
        other => panic!("{other:?}"),
    };
    let page = UserWithOrders::collection(&client)
        .query("alice")
        .range(crate::single_table::OrderSk::placed_at_ge(second).as_text())
        .await
        .unwrap();
    assert_eq!(page.items, want[1..3]);

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

/// The collection's error for an item of an entity it does not list names the entity attribute
/// (its path is `_et`) and the entity found (`Coupon`), as `Error::Undecodable::source` promises
/// ("what does not fit, naming the attribute") and as an entity's own read does (`attribute
/// \`_et\`: expected the entity \`Order\`, found an item of the entity \`User\``).
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

/// A collection reads whole items, each as its entity: `.keys_only()` and `.project::<P>()`
/// (which would read every item as its first entity) are refused before sending, while its
/// `count()` is fine.
#[tokio::test]
async fn a_collection_refuses_keys_only_and_projections() {
    #[derive(Debug, PartialEq, dynamo_types::DynamoProjection)]
    #[dynamo(model = User)]
    struct UserName {
        name: String,
    }
    let client = shop().await;
    alice_and_orders(&client).await;
    let collection = UserWithOrders::collection(&client);
    let refusals = [
        collection.query("alice").keys_only().await.map(|_| ()),
        collection
            .query("alice")
            .project::<UserName>()
            .await
            .map(|_| ()),
        collection.scan().keys_only().await.map(|_| ()),
    ];
    for refused in refusals {
        match refused {
            Err(Error::Validation(message)) => {
                assert!(
                    message.contains("collection of several entities"),
                    "{message}"
                )
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(collection.query("alice").count().await.unwrap().count, 4);
}
