//! Stream routing by entity over a shared table.

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
