//! Single-table design end to end: users, orders and order lines in one table with an
//! overloaded global secondary index (the schema of `examples/single_table.rs`). What is stored
//! (derived key texts, the entity attribute), the order of templated sort keys, the generated
//! sort conditions, entity checks on reads, collections over the table and over an index with
//! their pagination, `set_index`, cross-entity batch reads and transactions, table creation
//! from any entity, and stream routing by entity.
//!
//! This module holds the shared schema and helpers; the tests are in `keys`, `collections`,
//! `writes` and `streams`.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use dynamo_types::entity::OtherEntity;
use dynamo_types::{Client, DynamoCollection, DynamoModel, DynamoTable};

use crate::common;

mod collections;
mod keys;
mod streams;
mod writes;

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
