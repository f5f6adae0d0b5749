//! Fields named after DynamoDB reserved words work in conditions, updates and filters, since
//! every name goes through a placeholder.

use dynamo_types::{DynamoModel, Placeholders};

use super::models::{created, is_condition_failed};
use crate::common;

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "reserved")]
pub struct Reserved {
    #[dynamo(hash)]
    pub name: String,
    #[dynamo(range)]
    pub date: String,
    pub status: String,
    pub size: u64,
    pub count: i64,
    pub year: u32,
    pub comment: Option<String>,
}

fn item(name: &str, date: &str, status: &str, size: u64) -> Reserved {
    Reserved {
        name: name.into(),
        date: date.into(),
        status: status.into(),
        size,
        count: 0,
        year: 2024,
        comment: None,
    }
}

#[tokio::test]
async fn reserved_word_fields_work_in_conditions_updates_and_filters() {
    let client = common::client().await;
    let table = created(Reserved::table(&client)).await;
    let w = table.writer();
    let f = Reserved::fields();
    w.put(&mut item("a", "2024-01-01", "open", 10))
        .await
        .unwrap();
    w.put(&mut item("a", "2024-01-02", "closed", 20))
        .await
        .unwrap();
    w.put(&mut item("b", "2024-01-01", "open", 30))
        .await
        .unwrap();

    // Conditions on every reserved-word field.
    let mut changed = item("a", "2024-01-01", "open", 11);
    assert!(is_condition_failed(
        w.put(&mut changed).condition(f.status.eq("closed")).await
    ));
    w.put(&mut changed)
        .condition(
            f.status.eq("open")
                & f.size.between(5, 15)
                & f.count.eq(0)
                & f.year.ge(2000)
                & f.name.eq("a")
                & f.date.begins_with("2024"),
        )
        .await
        .unwrap();

    // Updates of reserved-word fields, guarded by reserved-word conditions.
    let pk = table.primary_key();
    let new = pk
        .update(
            "a",
            "2024-01-01",
            Reserved::update()
                .set(&f.status, "archived")
                .add(&f.count, 3)
                .increment(&f.year, 1)
                .decrement(&f.size, 1)
                .set_if_not_exists(&f.comment, "first"),
        )
        .condition(f.status.ne("archived") & f.status.size().gt(0))
        .return_all_new()
        .await
        .unwrap()
        .unwrap();
    changed.status = "archived".into();
    changed.count = 3;
    changed.year = 2025;
    changed.size = 10;
    changed.comment = Some("first".into());
    assert_eq!(new, changed);
    pk.update("a", "2024-01-01", Reserved::update().remove(&f.comment))
        .condition(f.comment.exists())
        .await
        .unwrap();
    pk.delete("a", "2024-01-02")
        .condition(f.status.is_in(["closed", "archived"]) & f.count.lt(1))
        .await
        .unwrap();

    // A filter, rendered by the library and sent as a raw Scan's FilterExpression.
    let filter = f.status.eq("open") | (f.year.gt(2024) & f.count.ge(3));
    let mut placeholders = Placeholders::default();
    let expression = placeholders.condition(&filter).unwrap();
    let (names, values) = placeholders.into_parts();
    let out = client
        .sdk()
        .scan()
        .table_name(table.name())
        .filter_expression(expression)
        .set_expression_attribute_names(names)
        .set_expression_attribute_values(values)
        .send()
        .await
        .unwrap();
    let mut found: Vec<Reserved> = out
        .items
        .unwrap_or_default()
        .into_iter()
        .map(|i| Reserved::from_item(i).unwrap())
        .collect();
    found.sort_by(|a, b| (&a.name, &a.date).cmp(&(&b.name, &b.date)));
    let mut archived = changed.clone();
    archived.comment = None;
    assert_eq!(found, vec![archived, item("b", "2024-01-01", "open", 30)]);
    table.delete_table().await.unwrap();
}
