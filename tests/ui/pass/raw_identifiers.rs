//! Raw identifiers are stored under their plain names, and indexes name them plainly too.

use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "things", ttl = "r#loop")]
#[dynamo(gsi(name = "by_type", hash = "type", projection(include(r#match))))]
struct Thing {
    #[dynamo(hash)]
    r#ref: String,
    r#type: String,
    r#match: Option<String>,
    r#loop: Option<i64>,
}

fn main() {
    let thing = Thing {
        r#ref: "a".to_owned(),
        r#type: "b".to_owned(),
        r#match: None,
        r#loop: Some(1),
    };
    let item = thing.to_item().unwrap();
    assert!(item.contains_key("ref") && item.contains_key("type") && item.contains_key("loop"));
    assert_eq!(Thing::SCHEMA.ttl, Some("loop"));
    let _ = ThingKey { r#ref: String::new() };
    let _ = Thing::from_item(item).unwrap().r#match;
    let _ = ThingTable::by_type;
}
