//! `get` on both kinds of primary key.

use aws_sdk_dynamodb::types::AttributeValue;
use dynamo_types::Error;

use super::{Session, article, articles, put_all, sessions};

#[tokio::test]
async fn get_returns_the_item_or_none() {
    let t = articles().await;
    let items: Vec<_> = (0..3).map(|i| article("b1", i)).collect();
    put_all(&t, &items).await;
    let pk = t.primary_key();

    assert_eq!(pk.get("b1", "a001").await.unwrap(), Some(items[1].clone()));
    assert_eq!(
        pk.get("b1", "a002").consistent().await.unwrap(),
        Some(items[2].clone())
    );
    assert_eq!(pk.get("b1", "a999").await.unwrap(), None);
    assert_eq!(pk.get("b2", "a001").await.unwrap(), None);
    // `String` keys take `&String` and `String` too.
    let blog = String::from("b1");
    assert_eq!(
        pk.get(&blog, String::from("a000")).await.unwrap(),
        Some(items[0].clone())
    );
    t.delete_table().await.unwrap();
}

#[tokio::test]
async fn get_on_a_hash_only_key() {
    let t = sessions().await;
    let s = Session {
        token: "tok-1".into(),
        user: "ann".into(),
    };
    put_all(&t, std::slice::from_ref(&s)).await;
    let pk = t.primary_key();
    assert_eq!(pk.get("tok-1").consistent().await.unwrap(), Some(s));
    assert_eq!(pk.get("tok-2").await.unwrap(), None);
    t.delete_table().await.unwrap();
}

#[tokio::test]
async fn an_item_that_does_not_fit_is_a_decode_error_naming_the_attribute() {
    let t = articles().await;
    let mut item = dynamo_types::DynamoModel::to_item(&article("b1", 1)).unwrap();
    item.insert("body".into(), AttributeValue::N("7".into()));
    t.client()
        .sdk()
        .put_item()
        .table_name(t.name())
        .set_item(Some(item))
        .send()
        .await
        .unwrap();
    let err = t.primary_key().get("b1", "a001").await.unwrap_err();
    match &err {
        Error::Undecodable { key, source, .. } => {
            assert_eq!(source.path(), "body", "{err}");
            assert_eq!(key.len(), 2, "the item's key: {key:?}");
        }
        other => panic!("expected an undecodable item, got {other:?}"),
    }
    assert!(err.to_string().contains("`body`"), "{err}");
    t.delete_table().await.unwrap();
}
