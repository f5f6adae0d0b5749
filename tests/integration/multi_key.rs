//! Global secondary indexes whose partition and sort keys have several attributes (DynamoDB,
//! November 2025): created and described from the model, queried with every partition
//! attribute and the sort attributes left to right, sparse when any key attribute is missing.
//! Both servers support them (DynamoDB Local from 3.3.0, the embedded server too).

use dynamo_types::{CursorError, DynamoModel, Error, SchemaDifference};
use futures::TryStreamExt;

use crate::common;

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "orders")]
#[dynamo(gsi(
    name = "by_region",
    hash("tenant", "region"),
    range("status", "placed_at")
))]
#[dynamo(gsi(name = "by_shop", hash("tenant", "shop")))]
#[dynamo(gsi(name = "by_shop_day", hash = "tenant", range("shop", "placed_at")))]
pub struct Order {
    #[dynamo(hash)]
    pub id: u32,
    pub tenant: String,
    pub region: String,
    pub status: String,
    pub placed_at: i64,
    /// Not every order comes from a shop: those without one stay out of `by_shop`.
    pub shop: Option<u32>,
}

const STATUSES: [&str; 3] = ["closed", "open", "shipped"];

fn orders() -> Vec<Order> {
    (0..60)
        .map(|i: u32| Order {
            id: i,
            tenant: if i.is_multiple_of(5) {
                "globex"
            } else {
                "acme"
            }
            .to_owned(),
            region: if i.is_multiple_of(2) { "eu" } else { "us" }.to_owned(),
            status: STATUSES[(i as usize / 2) % 3].to_owned(),
            // not in id order, and negative numbers too: the sort is by number, not text
            placed_at: i64::from((i * 37) % 61) - 20,
            shop: (!i.is_multiple_of(4)).then_some(i % 3),
        })
        .collect()
}

/// The orders of one tenant and region in index order: by status (text), then by time
/// (number).
fn in_index(all: &[Order], tenant: &str, region: &str) -> Vec<Order> {
    let mut want: Vec<Order> = all
        .iter()
        .filter(|o| o.tenant == tenant && o.region == region)
        .cloned()
        .collect();
    want.sort_by(|a, b| (&a.status, a.placed_at).cmp(&(&b.status, b.placed_at)));
    want
}

fn ids(orders: &[Order]) -> Vec<u32> {
    orders.iter().map(|o| o.id).collect()
}

#[tokio::test]
async fn multi_attribute_keys_are_created_described_and_queried_left_to_right() {
    let client = common::client().await;
    let table = Order::table(&client);
    table.create_table().await.unwrap();
    let mut all = orders();
    table.writer().batch_put(&mut all).await.unwrap();

    // the live table has each index's keys in the model's order and types
    let description = table.describe().await.unwrap();
    assert!(description.matches_model(), "{:?}", description.differences);
    let raw = client
        .sdk()
        .describe_table()
        .table_name(table.name())
        .send()
        .await
        .unwrap();
    let by_region = raw
        .table()
        .unwrap()
        .global_secondary_indexes()
        .iter()
        .find(|i| i.index_name() == Some("by_region"))
        .unwrap();
    let schema: Vec<(&str, &str)> = by_region
        .key_schema()
        .iter()
        .map(|k| (k.attribute_name(), k.key_type().as_str()))
        .collect();
    assert_eq!(
        schema,
        [
            ("tenant", "HASH"),
            ("region", "HASH"),
            ("status", "RANGE"),
            ("placed_at", "RANGE"),
        ]
    );

    let index = table.by_region();
    // every partition attribute: the whole partition, by status then time
    let want = in_index(&all, "acme", "eu");
    assert!(want.len() > 10);
    let page = index.query(("acme", "eu")).await.unwrap();
    assert_eq!(ids(&page.items), ids(&want));
    let mut reversed = want.clone();
    reversed.reverse();
    let page = index.query(("acme", "eu")).descending().await.unwrap();
    assert_eq!(ids(&page.items), ids(&reversed));

    // the first sort attribute alone, with `=`, and with a range operator
    let only = |pred: &dyn Fn(&Order) -> bool| {
        want.iter().filter(|o| pred(o)).cloned().collect::<Vec<_>>()
    };
    let open = index
        .query(("acme", "eu"))
        .sort_key(|s| s.eq("open"))
        .await
        .unwrap();
    assert_eq!(ids(&open.items), ids(&only(&|o| o.status == "open")));
    let after_open = index
        .query(("acme", "eu"))
        .sort_key(|s| s.gt("open"))
        .await
        .unwrap();
    assert_eq!(
        ids(&after_open.items),
        ids(&only(&|o| o.status == "shipped"))
    );
    let prefixed = index
        .query(("acme", "eu"))
        .sort_key(|s| s.begins_with("c"))
        .await
        .unwrap();
    assert_eq!(ids(&prefixed.items), ids(&only(&|o| o.status == "closed")));

    // `=` on the first, then each range operator on the second (a number)
    type Check = (&'static str, fn(i64) -> bool);
    let cases: [Check; 5] = [
        ("lt 0", |t| t < 0),
        ("le 0", |t| t <= 0),
        ("gt 10", |t| t > 10),
        ("ge 10", |t| t >= 10),
        ("between -5 and 15", |t| (-5..=15).contains(&t)),
    ];
    for (name, holds) in cases {
        let q = index.query(("acme", "eu"));
        let q = match name {
            "lt 0" => q.sort_key(|s| s.eq("open").lt(0)),
            "le 0" => q.sort_key(|s| s.eq("open").le(0)),
            "gt 10" => q.sort_key(|s| s.eq("open").gt(10)),
            "ge 10" => q.sort_key(|s| s.eq("open").ge(10)),
            _ => q.sort_key(|s| s.eq("open").between(-5, 15)),
        };
        let got = q.await.unwrap();
        let expected = only(&|o| o.status == "open" && holds(o.placed_at));
        assert!(!expected.is_empty(), "{name}: the data covers the case");
        assert_eq!(ids(&got.items), ids(&expected), "{name}");
    }
    // `=` on both: exactly the items with those values
    let one = want.iter().find(|o| o.status == "shipped").unwrap();
    let exact = index
        .query(("acme", "eu"))
        .sort_key(|s| s.eq("shipped").eq(one.placed_at))
        .await
        .unwrap();
    assert_eq!(
        ids(&exact.items),
        ids(&only(
            &|o| o.status == "shipped" && o.placed_at == one.placed_at
        ))
    );

    // pages of 4 resume where they stopped, and count agrees
    let paged: Vec<Order> = index
        .query(("acme", "eu"))
        .page_size(4)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&paged), ids(&want));
    let first = index.query(("acme", "eu")).limit(5).await.unwrap();
    assert_eq!(ids(&first.items), ids(&want[..5]));
    let cursor = first.cursor.clone().unwrap();
    let rest = index
        .query(("acme", "eu"))
        .start_after(cursor.clone())
        .await
        .unwrap();
    assert_eq!(ids(&rest.items), ids(&want[5..]));
    let count = index.query(("acme", "eu")).count().await.unwrap();
    assert_eq!(count.count, want.len() as u64);

    // a cursor of one partition does not resume another that shares an attribute with it,
    // whichever attribute differs
    for (other, differs) in [(("acme", "us"), "region"), (("globex", "eu"), "tenant")] {
        match index.query(other).start_after(cursor.clone()).await {
            Err(Error::Cursor(CursorError::OtherPartition { attribute })) => {
                assert_eq!(attribute, differs)
            }
            result => panic!("{other:?}: {result:?}"),
        }
    }
    table.delete_table().await.unwrap();
}

/// `describe` compares each index key attribute by attribute, in order: a live index whose
/// partition attributes are the model's in another order does not match.
#[tokio::test]
async fn describe_tells_a_multi_attribute_key_in_another_order() {
    use aws_sdk_dynamodb::types::{
        AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType,
        Projection, ProjectionType, ScalarAttributeType,
    };
    let client = common::client().await;
    let table = Order::table(&client);
    let key = |name: &str, role: KeyType| {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(role)
            .build()
            .unwrap()
    };
    let attribute = |name: &str, ty: ScalarAttributeType| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ty)
            .build()
            .unwrap()
    };
    let index = |name: &str, keys: Vec<KeySchemaElement>| {
        GlobalSecondaryIndex::builder()
            .index_name(name)
            .set_key_schema(Some(keys))
            .projection(
                Projection::builder()
                    .projection_type(ProjectionType::All)
                    .build(),
            )
            .build()
            .unwrap()
    };
    use KeyType::{Hash, Range};
    use ScalarAttributeType::{N, S};
    client
        .sdk()
        .create_table()
        .table_name(table.name())
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key("id", Hash))
        .attribute_definitions(attribute("id", N))
        .attribute_definitions(attribute("tenant", S))
        .attribute_definitions(attribute("region", S))
        .attribute_definitions(attribute("status", S))
        .attribute_definitions(attribute("placed_at", N))
        .attribute_definitions(attribute("shop", N))
        // `region` before `tenant`: the model says the other way round
        .global_secondary_indexes(index(
            "by_region",
            vec![
                key("region", Hash),
                key("tenant", Hash),
                key("status", Range),
                key("placed_at", Range),
            ],
        ))
        .global_secondary_indexes(index(
            "by_shop",
            vec![key("tenant", Hash), key("shop", Hash)],
        ))
        .global_secondary_indexes(index(
            "by_shop_day",
            vec![
                key("tenant", Hash),
                key("shop", Range),
                key("placed_at", Range),
            ],
        ))
        .send()
        .await
        .unwrap();
    let description = table.describe().await.unwrap();
    assert_eq!(
        description.differences,
        [SchemaDifference::Key {
            index: Some("by_region".into()),
            role: "HASH",
            expected: "`tenant` (S), `region` (S)".into(),
            found: "`region` (S), `tenant` (S)".into(),
        }],
    );
    assert!(table.verify().await.is_err());
    table.delete_table().await.unwrap();
}

#[tokio::test]
async fn an_item_missing_any_key_attribute_stays_out_of_a_multi_attribute_index() {
    let client = common::client().await;
    let table = Order::table(&client);
    table.create_table().await.unwrap();
    let mut all = orders();
    table.writer().batch_put(&mut all).await.unwrap();

    // a partition key of a string and a number; orders without a shop are not in the index
    let index = table.by_shop();
    for shop in 0..3u32 {
        let page = index.query(("acme", shop)).await.unwrap();
        let mut got = ids(&page.items);
        got.sort_unstable();
        let want: Vec<u32> = all
            .iter()
            .filter(|o| o.tenant == "acme" && o.shop == Some(shop))
            .map(|o| o.id)
            .collect();
        assert!(!want.is_empty());
        assert_eq!(got, want, "shop {shop}");
    }
    let scanned: Vec<Order> = index.scan().stream().try_collect().await.unwrap();
    let with_shop = all.iter().filter(|o| o.shop.is_some()).count();
    assert!(with_shop < all.len());
    assert_eq!(scanned.len(), with_shop, "only orders with a shop");

    // a sort key attribute missing leaves the item out too: `shop` is the first of
    // `by_shop_day`'s sort attributes, and the index sorts by shop, then time
    let page = table.by_shop_day().query("acme").await.unwrap();
    let mut want: Vec<&Order> = all
        .iter()
        .filter(|o| o.tenant == "acme" && o.shop.is_some())
        .collect();
    want.sort_by_key(|o| (o.shop, o.placed_at));
    assert!(want.len() < all.iter().filter(|o| o.tenant == "acme").count());
    assert_eq!(
        ids(&page.items),
        want.iter().map(|o| o.id).collect::<Vec<_>>()
    );
    let shop_one = table
        .by_shop_day()
        .query("acme")
        .sort_key(|s| s.eq(1u32).ge(0))
        .await
        .unwrap();
    let want_one: Vec<u32> = want
        .iter()
        .filter(|o| o.shop == Some(1) && o.placed_at >= 0)
        .map(|o| o.id)
        .collect();
    assert!(!want_one.is_empty());
    assert_eq!(ids(&shop_one.items), want_one);
    // a condition that names no attribute reads the whole partition
    let all_days = table
        .by_shop_day()
        .query("acme")
        .sort_key(|s| s)
        .await
        .unwrap();
    assert_eq!(ids(&all_days.items), ids(&page.items));
    table.delete_table().await.unwrap();
}
