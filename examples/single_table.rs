//! Single-table design: users, orders and order lines in one table, with an overloaded global
//! secondary index; typed keys from fields, sort conditions on templated fields, a collection
//! read by one query, partial updates that keep an index key right, and a transaction across
//! entities. Runs on the embedded local DynamoDB: `cargo run --example single_table`.

use dynamo_types::{DynamoCollection, DynamoModel, DynamoTable};

/// The one table every entity below is stored in.
#[derive(DynamoTable)]
#[dynamo(table = "shop", hash = "pk", range = "sk", entity_attribute = "_et")]
#[dynamo(gsi(name = "gsi1", hash = "gsi1pk", range = "gsi1sk"))]
struct Shop;

/// A user: `USER#{id}` / `PROFILE`, and in `gsi1` under its organisation.
#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(entity(table = Shop, name = "User"))]
#[dynamo(key(hash = "USER#{id}", range = "PROFILE"))]
#[dynamo(index(name = "gsi1", hash = "ORG#{org}", range = "USER#{id}"))]
struct User {
    id: String,
    org: String,
    name: String,
}

/// An order, in its user's partition, sorted by the time it was placed.
#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(entity(table = Shop, name = "Order"))]
#[dynamo(key(hash = "USER#{user_id}", range = "ORDER#{placed_at}#{id}"))]
#[dynamo(index(name = "gsi1", hash = "ORDER#{id}", range = "ORDER"))]
struct Order {
    user_id: String,
    id: String,
    placed_at: i64,
    total_cents: u64,
}

/// A line of an order, in the order's partition of `gsi1`.
#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(entity(table = Shop, name = "OrderLine"))]
#[dynamo(key(hash = "ORDER#{order_id}", range = "LINE#{line}"))]
#[dynamo(index(name = "gsi1", hash = "ORDER#{order_id}", range = "LINE#{line}"))]
struct OrderLine {
    order_id: String,
    line: u32,
    sku: String,
    quantity: u32,
}

/// A user and their orders: one partition of the table.
#[derive(Debug, Clone, PartialEq, DynamoCollection)]
enum UserWithOrders {
    User(User),
    Order(Order),
}

/// An order and its lines: one partition of `gsi1`.
#[derive(Debug, Clone, PartialEq, DynamoCollection)]
#[dynamo(index = "gsi1")]
enum OrderWithLines {
    Order(Order),
    Line(OrderLine),
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> dynamo_types::Result<()> {
    let client = dynamo_types::local::client().await?;
    let users = User::table(&client);
    let orders = Order::table(&client);
    let lines = OrderLine::table(&client);
    // Any entity creates the shared table, with every index of `Shop`.
    users.create_table().await?;

    let mut alice = User {
        id: "alice".into(),
        org: "acme".into(),
        name: "Alice".into(),
    };
    users.writer().put(&mut alice).await?;
    for (id, placed_at) in [
        ("o1", 1_700_000_000),
        ("o2", 1_700_100_000),
        ("o3", 1_700_200_000),
    ] {
        let mut order = Order {
            user_id: "alice".into(),
            id: id.into(),
            placed_at,
            total_cents: 1_000,
        };
        orders.writer().put(&mut order).await?;
    }
    for line in 1..=2 {
        let mut l = OrderLine {
            order_id: "o2".into(),
            line,
            sku: format!("sku-{line}"),
            quantity: line,
        };
        lines.writer().put(&mut l).await?;
    }

    // Keys from fields: `get("alice", ())`, not `get("USER#alice", "PROFILE")`.
    let read = users.primary_key().get("alice", ()).await?;
    assert_eq!(read.as_ref(), Some(&alice));

    // All orders of a user between two times: a condition on the templated field.
    let page = orders
        .primary_key()
        .query("alice")
        .range(OrderSk::placed_at_between(1_700_050_000, 1_700_150_000))
        .await?;
    assert_eq!(
        page.items.iter().map(|o| o.id.as_str()).collect::<Vec<_>>(),
        ["o2"]
    );

    // One query, two entities.
    let both = UserWithOrders::collection(&client).query("alice").await?;
    println!("user with orders: {} items", both.items.len());
    assert_eq!(both.items.len(), 4);

    let order_and_lines = OrderWithLines::collection(&client).query("o2").await?;
    println!("order with lines: {:?}", order_and_lines.items);

    // Orders placed at one time, and the orders of a user from a time on, in order.
    let at = orders
        .primary_key()
        .query("alice")
        .range(OrderSk::with_placed_at(1_700_100_000))
        .await?;
    assert_eq!(at.items.len(), 1);
    let since = orders
        .primary_key()
        .query("alice")
        .range(OrderSk::placed_at_ge(1_700_100_000))
        .await?;
    assert_eq!(since.items.len(), 2);

    // A batch read across entities: each item decoded as its own.
    let keys: [UserWithOrdersKey; 2] = [
        UserKey { id: "alice".into() }.into(),
        OrderKey {
            user_id: "alice".into(),
            placed_at: 1_700_000_000,
            id: "o1".into(),
        }
        .into(),
    ];
    let read = UserWithOrders::batch_get(&client, keys).await?;
    assert!(matches!(
        &read[..],
        [UserWithOrders::User(_), UserWithOrders::Order(_)]
    ));

    // A transaction across entities: a new user and their first order, both or neither.
    let mut bob = User {
        id: "bob".into(),
        org: "acme".into(),
        name: "Bob".into(),
    };
    let mut first = Order {
        user_id: "bob".into(),
        id: "o9".into(),
        placed_at: 1_700_300_000,
        total_cents: 500,
    };
    client
        .transact_write()
        .put_if_absent(&users, &mut bob)
        .put_if_absent(&orders, &mut first)
        .await?;
    let (u, o) = client
        .transact_get((
            users.primary_key().get("bob", ()),
            orders.primary_key().get("bob", (1_700_300_000, "o9")),
        ))
        .await?;
    assert_eq!((u, o), (Some(bob), Some(first)));

    // Moving a user to another organisation moves its index key with it.
    let update = User::update().set_index(UserGsi1Values {
        org: "globex".into(),
        id: "alice".into(),
    });
    users.primary_key().update("alice", (), update).await?;
    let moved = users.gsi1().query("globex").await?;
    assert_eq!(moved.items.len(), 1);

    users.delete_table().await?;
    Ok(())
}
