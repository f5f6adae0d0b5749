//! A sparse index: a global index keyed by an `Option` field holds only the items where the
//! field is `Some` (an item with `None` has no such attribute, so DynamoDB leaves it out).

use dynamo_types::{DynamoModel, RangeCondition};

use crate::common;

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "tickets")]
#[dynamo(gsi(name = "escalated", hash = "escalated_to", range = "escalated_at"))]
pub struct Ticket {
    #[dynamo(hash)]
    pub id: u32,
    pub title: String,
    pub escalated_to: Option<String>,
    pub escalated_at: Option<i64>,
}

#[tokio::test]
async fn only_items_with_the_key_are_in_a_sparse_index() {
    let client = common::client().await;
    let tickets = Ticket::table(&client);
    tickets.create_table().await.unwrap();
    let mut all: Vec<Ticket> = (0..10)
        .map(|i| Ticket {
            id: i,
            title: format!("ticket {i}"),
            escalated_to: (i % 3 == 0).then(|| "ops".to_owned()),
            escalated_at: (i % 3 == 0).then_some(1_000 + i64::from(i)),
        })
        .collect();
    tickets.writer().batch_put(&mut all).await.unwrap();

    // The index is keyed by the inner types: `query("ops")`, a number range condition.
    let escalated = tickets
        .escalated()
        .query("ops")
        .range(RangeCondition::ge(1_003))
        .await
        .unwrap();
    let ids: Vec<u32> = escalated.items.iter().map(|t| t.id).collect();
    assert_eq!(ids, [3, 6, 9]);
    let mut in_index: Vec<u32> =
        futures::TryStreamExt::try_collect::<Vec<Ticket>>(tickets.escalated().scan().stream())
            .await
            .unwrap()
            .into_iter()
            .map(|t| t.id)
            .collect();
    in_index.sort_unstable();
    assert_eq!(
        in_index,
        [0, 3, 6, 9],
        "only the escalated tickets are in the index"
    );
    let description = tickets.describe().await.unwrap();
    assert!(description.matches_model(), "{:?}", description.differences);
    tickets.delete_table().await.unwrap();
}
