//! Single-table entities without a server: what an entity stores, that a read never takes an
//! item of another entity, keys that split back into their fields, and stream records routed
//! and decoded by the entity attribute (from JSON, from `aws_lambda_events`, keys only).

use std::sync::{Arc, Mutex};

use aws_sdk_dynamodb::types::AttributeValue;
use dynamo_types::entity::{Entity, EntityTable};
use dynamo_types::stream::testing::TestEvent;
use dynamo_types::stream::{Batch, Dispatch, EventBatch, Record, Router, StreamEvent};
use dynamo_types::{DynamoModel, DynamoTable, Error, ModelKey};

#[derive(DynamoTable)]
#[dynamo(table = "shop", hash = "pk", range = "sk", entity_attribute = "_et")]
#[dynamo(stream = "new_and_old_images")]
#[dynamo(gsi(name = "gsi1", hash = "gsi1pk", range = "gsi1sk"))]
pub struct Shop;

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(entity(table = Shop, name = "User"), stream = "new_and_old_images")]
#[dynamo(key(hash = "USER#{id}", range = "PROFILE"))]
#[dynamo(index(name = "gsi1", hash = "ORG#{org}", range = "USER#{id}"))]
pub struct User {
    pub id: String,
    pub org: String,
    #[dynamo(rename = "display_name")]
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(entity(table = Shop, name = "Order"), stream = "new_and_old_images")]
#[dynamo(key(hash = "USER#{user_id}", range = "ORDER#{placed_at}#{id}"))]
pub struct Order {
    pub user_id: String,
    pub id: String,
    pub placed_at: i64,
    pub total_cents: u64,
}

/// The same table with a keys-only view, for the keys-only events.
#[derive(DynamoTable)]
#[dynamo(table = "keys", hash = "pk", range = "sk", entity_attribute = "_et")]
#[dynamo(stream = "keys_only")]
pub struct KeysTable;

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(entity(table = KeysTable, name = "Order"), stream = "keys_only")]
#[dynamo(key(hash = "USER#{user_id}", range = "ORDER#{placed_at}#{id}"))]
pub struct KeyedOrder {
    pub user_id: String,
    pub id: String,
    pub placed_at: i64,
}

fn alice() -> User {
    User {
        id: "alice#1".into(),
        org: "acme".into(),
        name: "Alice".into(),
    }
}

fn order(id: &str, placed_at: i64) -> Order {
    Order {
        user_id: "alice#1".into(),
        id: id.into(),
        placed_at,
        total_cents: 990,
    }
}

fn s(item: &dynamo_types::Item, name: &str) -> String {
    match item.get(name) {
        Some(AttributeValue::S(s)) => s.clone(),
        other => panic!("{name}: {other:?}"),
    }
}

#[test]
fn an_entity_stores_its_fields_its_key_texts_and_its_name() {
    let item = alice().to_item().unwrap();
    // the `#` of a field value is escaped, so the key splits back into its fields
    assert_eq!(s(&item, "pk"), "USER#alice%231");
    assert_eq!(s(&item, "sk"), "PROFILE");
    assert_eq!(s(&item, "gsi1pk"), "ORG#acme");
    assert_eq!(s(&item, "gsi1sk"), "USER#alice%231");
    assert_eq!(s(&item, "_et"), "User");
    assert_eq!(s(&item, "id"), "alice#1");
    assert_eq!(s(&item, "display_name"), "Alice");
    assert_eq!(item.len(), 8);
    assert_eq!(User::from_item(item).unwrap(), alice());

    let item = order("o1", -5).to_item().unwrap();
    // i64 offset by 2^63, 20 digits: -5 sorts before 0
    assert_eq!(s(&item, "sk"), "ORDER#09223372036854775803#o1");
    assert_eq!(
        s(&order("o1", 0).to_item().unwrap(), "sk"),
        "ORDER#09223372036854775808#o1"
    );
    // an entity that gives no templates for gsi1 is not in it
    assert!(!item.contains_key("gsi1pk"));
}

#[test]
fn the_schema_is_the_tables() {
    assert_eq!(User::SCHEMA.table, "shop");
    assert_eq!(User::SCHEMA.hash.name, "pk");
    assert_eq!(User::SCHEMA.range.map(|r| r.name), Some("sk"));
    assert_eq!(Order::SCHEMA.indexes, Shop::TABLE.indexes);
    assert_eq!(<User as Entity>::NAME, "User");
    assert_eq!(Shop::TABLE.entity_attribute, "_et");
}

#[test]
fn a_read_never_takes_an_item_of_another_entity() {
    // an order's item under a user's key attributes: a decode error naming both, not a user
    let mut item = alice().to_item().unwrap();
    item.insert("_et".into(), AttributeValue::S("Order".into()));
    let err = User::from_item(item.clone()).unwrap_err();
    assert_eq!(err.path(), "_et");
    let text = err.to_string();
    assert!(text.contains("User") && text.contains("Order"), "{text}");

    item.remove("_et");
    let err = User::from_item(item.clone()).unwrap_err();
    assert!(
        err.to_string().contains("without an entity attribute"),
        "{err}"
    );

    item.insert("_et".into(), AttributeValue::N("1".into()));
    assert_eq!(User::from_item(item).unwrap_err().path(), "_et");
}

#[test]
fn keys_split_back_into_their_fields() {
    let key = order("o#7", i64::MIN).key();
    let item = key.to_key_item().unwrap();
    assert_eq!(item.len(), 2);
    assert_eq!(s(&item, "sk"), "ORDER#00000000000000000000#o%237");
    assert_eq!(OrderKey::from_key_item(&item).unwrap(), key);

    // texts the templates would not write are refused, never read as another key
    for (pk, sk) in [
        ("USER#a", "ORDER#7#o1"),                       // not 20 digits
        ("USER#a", "ORDER#09223372036854775808"),       // a field missing
        ("USER#a", "ORDER#09223372036854775808#o#1"),   // a raw `#` in a value
        ("USR#a", "ORDER#09223372036854775808#o1"),     // another literal
        ("USER#a%2f", "ORDER#09223372036854775808#o1"), // a non-canonical escape
    ] {
        let mut item = dynamo_types::Item::new();
        item.insert("pk".into(), AttributeValue::S(pk.into()));
        item.insert("sk".into(), AttributeValue::S(sk.into()));
        assert!(OrderKey::from_key_item(&item).is_err(), "{pk} {sk}");
    }
}

#[test]
fn key_arguments_take_the_fields() {
    use dynamo_types::IntoKey;
    let pk: OrderPk = IntoKey::into_key("alice");
    assert_eq!(pk.text().unwrap(), "USER#alice");
    let sk: OrderSk = IntoKey::into_key((7_i64, "o1"));
    assert_eq!(sk.text().unwrap(), "ORDER#09223372036854775815#o1");
    let profile: UserSk = IntoKey::into_key(());
    assert_eq!(profile.text().unwrap(), "PROFILE");
}

type Log = Arc<Mutex<Vec<String>>>;

#[tokio::test]
async fn stream_records_are_routed_by_entity() {
    let log: Log = Arc::default();
    let (users, orders) = (log.clone(), log.clone());
    let router = Router::builder()
        .entity::<User>(move |r: Record<UserEvent>| {
            users
                .lock()
                .unwrap()
                .push(format!("user {:?}", r.event.key()));
            async { Ok::<_, Error>(()) }
        })
        .entity::<Order>(move |r: Record<OrderEvent>| {
            orders
                .lock()
                .unwrap()
                .push(format!("order {}", r.event.key().id));
            async { Ok::<_, Error>(()) }
        })
        .build()
        .unwrap();
    let event = TestEvent::new()
        .insert(&alice())
        .insert(&order("o1", 1))
        .remove(&order("o1", 1));
    for record in event.to_batch().unwrap().records {
        router.dispatch(record.unwrap()).await.unwrap();
    }
    assert_eq!(
        *log.lock().unwrap(),
        ["user UserKey { id: \"alice#1\" }", "order o1", "order o1"]
    );

    // a record of an entity with no route is unrouted, never handed to another entity
    let mut coupon = alice().to_item().unwrap();
    coupon.insert("_et".into(), AttributeValue::S("Coupon".into()));
    let raw = TestEvent::new().insert(&alice()).records().unwrap();
    let mut record = raw[0].clone();
    record["dynamodb"]["NewImage"] = dynamo_types::stream::testing::item_json(&coupon);
    let batch = TestEvent::new().raw_record(record).to_batch().unwrap();
    for record in batch.records {
        match router.dispatch(record.unwrap()).await {
            Err(Error::Unrouted { reason, .. }) => {
                assert!(reason.contains("Coupon"), "{reason}")
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn stream_events_decode_from_json_and_lambda_and_check_the_entity() {
    let event = TestEvent::new().insert(&alice()).modify(
        &alice(),
        &User {
            name: "Ally".into(),
            ..alice()
        },
    );
    let json: Vec<Record<UserEvent>> =
        EventBatch::<UserEvent>::from_json(event.to_json().unwrap().as_bytes())
            .unwrap()
            .records
            .into_iter()
            .map(Result::unwrap)
            .collect();
    let lambda = event.to_lambda_event().unwrap();
    let from_lambda: Vec<UserEvent> = lambda
        .records
        .iter()
        .map(|r| UserEvent::from_lambda(r).unwrap().event)
        .collect();
    assert_eq!(json.len(), 2);
    assert_eq!(
        json.into_iter().map(|r| r.event).collect::<Vec<_>>(),
        from_lambda
    );

    // an order's record decoded as a user's event: an error on `_et`, in both paths
    let orders = TestEvent::new().insert(&order("o1", 1));
    let batch = EventBatch::<UserEvent>::from_json(orders.to_json().unwrap().as_bytes()).unwrap();
    for record in batch.records {
        let err = record.unwrap_err().to_string();
        assert!(err.contains("_et"), "{err}");
    }
    let lambda = orders.to_lambda_event().unwrap();
    assert!(UserEvent::from_lambda(&lambda.records[0]).is_err());
    let raw = Batch::from_json(orders.to_json().unwrap().as_bytes()).unwrap();
    assert_eq!(raw.records.len(), 1);
}

#[test]
fn keys_only_events_read_the_key_templates() {
    let order = KeyedOrder {
        user_id: "u".into(),
        id: "o1".into(),
        placed_at: 42,
    };
    let event = TestEvent::new().insert(&order).remove(&order);
    let batch =
        EventBatch::<KeyedOrderEvent>::from_json(event.to_json().unwrap().as_bytes()).unwrap();
    let keys: Vec<KeyedOrderKey> = batch
        .records
        .into_iter()
        .map(|r| r.unwrap().event.key())
        .collect();
    assert_eq!(keys, [order.key(), order.key()]);
}

/// A table with two indexes that an entity keys by one shared field.
#[derive(DynamoTable)]
#[dynamo(table = "people", hash = "pk", range = "sk", entity_attribute = "_et")]
#[dynamo(gsi(name = "by_org", hash = "g1pk", range = "g1sk"))]
#[dynamo(gsi(name = "by_org_name", hash = "g2pk", range = "g2sk"))]
#[dynamo(gsi(name = "by_city", hash = "g3pk"))]
pub struct People;

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(entity(table = People, name = "Person"))]
#[dynamo(key(hash = "P#{id}", range = "P"))]
// clippy's `duplicated_attributes` takes the same `hash = ".."` in two `index(..)`s for a
// mistake (it is not: two indexes share the partition template)
#[allow(clippy::duplicated_attributes)]
#[dynamo(index(name = "by_org", hash = "ORG#{org}", range = "P#{id}"))]
#[dynamo(index(name = "by_org_name", hash = "ORG#{org}", range = "N#{name}"))]
#[dynamo(index(name = "by_city", hash = "CITY#{city}"))]
pub struct Person {
    pub id: String,
    pub org: String,
    pub name: String,
    pub city: String,
}

/// An update's expression with its attribute names in place of their placeholders.
fn rendered<M>(update: &dynamo_types::expr::Update<M>) -> String {
    let mut p = dynamo_types::expr::Placeholders::default();
    let mut text = p.update(update).unwrap();
    let (names, _) = p.into_parts();
    let mut names: Vec<(String, String)> = names.unwrap_or_default().into_iter().collect();
    // longest placeholder first, so that `#n1` does not replace the start of `#n10`
    names.sort_by_key(|(k, _)| std::cmp::Reverse(k.len()));
    for (placeholder, name) in names {
        text = text.replace(&placeholder, &name);
    }
    text
}

#[test]
fn set_index_rewrites_every_index_that_shares_a_field() {
    // `org` keys two indexes: the values of either have the fields of both, and rewrite both
    let update = Person::update().set_index(PersonByOrgValues {
        org: "globex".into(),
        id: "p1".into(),
        name: "Ann".into(),
    });
    let text = rendered(&update);
    for attribute in ["g1pk", "g1sk", "g2pk", "g2sk", "org", "name"] {
        assert!(
            text.contains(&format!("{attribute} = ")),
            "{attribute} in {text}"
        );
    }
    // `id` builds the primary key: checked, never set
    assert!(!text.contains("id = "), "{text}");
    assert!(!text.contains("g3pk"), "{text}");
    let same = Person::update().set_index(PersonByOrgNameValues {
        org: "globex".into(),
        name: "Ann".into(),
        id: "p1".into(),
    });
    assert!(rendered(&same).contains("g1pk = "));
    // an index that shares nothing rewrites only its own key
    let city = rendered(&Person::update().set_index(PersonByCityValues {
        city: "Oslo".into(),
    }));
    assert!(city.contains("g3pk") && !city.contains("g1pk"), "{city}");
}

/// TTL is the table's: declared on the table type, the attribute its entities' `ttl` fields
/// are stored under; an entity without one still has the table's TTL in its schema (so that
/// `create_table` and `verify` from any entity agree).
#[derive(DynamoTable)]
#[dynamo(
    table = "sessions",
    hash = "pk",
    range = "sk",
    entity_attribute = "_et",
    ttl = "expires"
)]
pub struct Sessions;

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(entity(table = Sessions, name = "Session"), ttl = "expires_at")]
#[dynamo(key(hash = "S#{id}", range = "S"))]
pub struct Session {
    pub id: String,
    #[dynamo(rename = "expires")]
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(entity(table = Sessions, name = "Device"))]
#[dynamo(key(hash = "S#{session}", range = "D#{id}"))]
pub struct Device {
    pub session: String,
    pub id: String,
}

#[test]
fn ttl_is_the_tables() {
    assert_eq!(Session::SCHEMA.ttl, Some("expires"));
    assert_eq!(Device::SCHEMA.ttl, Some("expires"));
    assert_eq!(User::SCHEMA.ttl, None);
}
