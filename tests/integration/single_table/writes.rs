//! Writes to the shared table: `set_index`, the guards that keep a write off another entity's
//! item, projections read by key, cross-entity transactions, and table creation and
//! verification from any entity.

use aws_sdk_dynamodb::types::KeyType;
use dynamo_types::{DynamoModel, Error};

use super::{
    Order, OrderLine, User, UserGsi1Values, UserKey, coupon, order, raw_get, raw_partition,
    raw_put, s, shop, text, user,
};
use crate::common;

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
    // a condition check of a user holds only for a user's item: the Coupon has no `name`, but
    // it is not a user without a name
    let mut bob = user("bob", "acme");
    let err = client
        .transact_write()
        .condition_check(
            &users,
            UserKey { id: "alice".into() },
            User::fields().name.not_exists(),
        )
        .put(&users, &mut bob)
        .await
        .expect_err("a Coupon is there");
    assert!(matches!(err, Error::TransactionCanceled { .. }), "{err:?}");
    assert_eq!(
        raw_get(&client, users.name(), "USER#bob", "PROFILE").await,
        None
    );
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
    // The table exists: an entity's `create_table` finds it as it declares it (idempotent),
    // and `create_table_if_not_exists` says it did not create it.
    users.create_table().await.unwrap();
    orders.create_table().await.unwrap();
    assert!(!users.create_table_if_not_exists().await.unwrap());

    // An entity of another declaration of the same table (one more index): the table that
    // exists is not what it declares, and `create_table` says so rather than succeed.
    #[derive(dynamo_types::DynamoTable)]
    #[dynamo(table = "shop", hash = "pk", range = "sk", entity_attribute = "_et")]
    #[dynamo(gsi(name = "gsi1", hash = "gsi1pk", range = "gsi1sk"))]
    #[dynamo(gsi(name = "gsi2", hash = "gsi2pk"))]
    struct ShopV2;
    #[derive(Debug, Clone, PartialEq, dynamo_types::DynamoModel)]
    #[dynamo(entity(table = ShopV2, name = "Note"))]
    #[dynamo(key(hash = "NOTE#{id}", range = "NOTE"))]
    struct Note {
        id: String,
    }
    let notes = Note::table(&client);
    assert_eq!(notes.name(), users.name());
    match notes.create_table().await {
        Err(Error::SchemaMismatch { differences, .. }) => {
            assert!(
                differences.iter().any(|d| d.contains("gsi2")),
                "{differences:?}"
            )
        }
        other => panic!("{other:?}"),
    }
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

/// An entity's versioned update at version 0 (no item stored yet) is refused before sending:
/// an update needs the entity's item, which `put` creates. At the version stored, it goes on.
#[tokio::test]
async fn an_entity_update_at_version_zero_is_refused() {
    #[derive(Debug, Clone, PartialEq, dynamo_types::DynamoModel)]
    #[dynamo(entity(table = super::Shop, name = "Counter"))]
    #[dynamo(key(hash = "COUNTER#{id}", range = "C"))]
    struct Counter {
        id: String,
        hits: u64,
        #[dynamo(version)]
        version: u64,
    }
    let client = shop().await;
    let counters = Counter::table(&client);
    let update = || Counter::update().add(&Counter::fields().hits, 1);
    match counters
        .primary_key()
        .update("c1", (), update())
        .if_version(0)
        .await
    {
        Err(Error::Validation(message)) => assert!(message.contains("`put`"), "{message}"),
        other => panic!("{other:?}"),
    }
    let mut counter = Counter {
        id: "c1".into(),
        hits: 0,
        version: 0,
    };
    counters.writer().put(&mut counter).await.unwrap();
    counters
        .primary_key()
        .update("c1", (), update())
        .if_version(counter.version)
        .await
        .unwrap();
    let read = counters.primary_key().get("c1", ()).await.unwrap().unwrap();
    assert_eq!((read.hits, read.version), (1, counter.version + 1));
}
