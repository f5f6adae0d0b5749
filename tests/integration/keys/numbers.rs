//! Number keys compared as DynamoDB compares them. DynamoDB stores a number in one normal form
//! (`-0` as `0`, `1.50` as `1.5`, `1E+2` as `100`), so the text of a number key the library sent
//! and the text that comes back can differ. Batch reads match what comes back to the keys asked
//! for, batch writes and transactions refuse two writes to one key, and a cursor checks its
//! partition: each by the number, not by its text.

use aws_sdk_dynamodb::types::AttributeValue;
use dynamo_types::{
    DecodeError, DynamoModel, EncodeError, Error, FromAttributeValue, IntoAttributeValue,
    KeyAttribute, ScalarType,
};

use super::{Measure, n, put_raw, s};

fn measure(x: f64, seq: u32) -> Measure {
    Measure {
        x,
        seq,
        note: format!("{x}/{seq}"),
    }
}

#[tokio::test]
async fn batch_get_matches_a_negative_zero_key_to_its_item() {
    let client = crate::common::client().await;
    let measures = Measure::table(&client);
    measures.create_table().await.unwrap();
    let mut zero = measure(-0.0, 1);
    measures.writer().put(&mut zero).await.unwrap();
    let pk = measures.primary_key();
    assert_eq!(pk.get(-0.0, 1).await.unwrap(), Some(zero.clone()));

    let full = pk.batch_get_full([(-0.0, 1), (2.0, 1)]).await.unwrap();
    assert_eq!(full, [Some(zero.clone()), None]);

    // `0` and `-0` are one key: sent once (DynamoDB refuses a request naming a key twice) and
    // answered at both places.
    let both = pk.batch_get_full([(0.0, 1), (-0.0, 1)]).await.unwrap();
    assert_eq!(both, [Some(zero.clone()), Some(zero.clone())]);
    measures.delete_table().await.unwrap();
}

/// Money in cents, written with two decimals (`12.50`), as some programs write prices: a key
/// type of the user's whose text DynamoDB normalises (it keeps `12.5`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cents(i64);

impl IntoAttributeValue for Cents {
    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, EncodeError> {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        Ok(Some(AttributeValue::N(format!(
            "{sign}{}.{:02}",
            abs / 100,
            abs % 100
        ))))
    }
}

impl FromAttributeValue for Cents {
    fn from_attribute_value(value: AttributeValue) -> Result<Self, DecodeError> {
        let AttributeValue::N(text) = &value else {
            return Err(DecodeError::wrong_type("a number (N)", &value));
        };
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let fraction = format!("{fraction:0<2}");
        match (whole.parse::<i64>(), fraction.parse::<i64>()) {
            (Ok(w), Ok(f)) if fraction.len() == 2 => {
                Ok(Cents(w * 100 + if text.starts_with('-') { -f } else { f }))
            }
            _ => Err(DecodeError::invalid_value(
                "an amount with at most 2 decimals",
                text,
            )),
        }
    }
}

impl KeyAttribute for Cents {
    const SCALAR_TYPE: ScalarType = ScalarType::Number;
}

/// A price list keyed by amount.
#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "prices")]
pub struct Price {
    #[dynamo(hash)]
    pub amount: Cents,
    pub label: String,
}

#[tokio::test]
async fn batch_get_matches_numbers_dynamodb_normalised() {
    let client = crate::common::client().await;
    let prices = Price::table(&client);
    prices.create_table().await.unwrap();
    let mut stored: Vec<Price> = [1250, 1200, 7, -1250]
        .into_iter()
        .map(|c| Price {
            amount: Cents(c),
            label: format!("{c} cents"),
        })
        .collect();
    prices.writer().batch_put(&mut stored).await.unwrap();
    let pk = prices.primary_key();
    assert_eq!(pk.get(Cents(1250)).await.unwrap(), Some(stored[0].clone()));
    let keys = [Cents(1250), Cents(1200), Cents(7), Cents(-1250), Cents(99)];
    let full = pk.batch_get_full(keys).await.unwrap();
    let mut expected: Vec<Option<Price>> = stored.iter().cloned().map(Some).collect();
    expected.push(None);
    assert_eq!(full, expected);
    assert_eq!(pk.batch_get(keys).await.unwrap(), stored);
    prices.delete_table().await.unwrap();
}

#[tokio::test]
async fn batch_writes_refuse_one_number_key_written_twice() {
    let client = crate::common::client().await;
    let measures = Measure::table(&client);
    measures.create_table().await.unwrap();
    let err = measures
        .writer()
        .batch_put(&mut [measure(0.0, 1), measure(-0.0, 1)])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(m) if m.contains("twice")),
        "{err:?}"
    );
    let err = measures
        .primary_key()
        .batch_delete([(0.0, 1), (-0.0, 1)])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(m) if m.contains("twice")),
        "{err:?}"
    );
    measures.delete_table().await.unwrap();
}

#[tokio::test]
async fn transactions_refuse_one_number_key_written_twice() {
    let client = crate::common::client().await;
    let measures = Measure::table(&client);
    measures.create_table().await.unwrap();
    let err = client
        .transact_write()
        .put(&measures, &mut measure(0.0, 1))
        .put(&measures, &mut measure(-0.0, 1))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(m) if m.contains("an earlier action targets too")),
        "{err:?}"
    );
    measures.delete_table().await.unwrap();
}

#[tokio::test]
async fn a_cursor_resumes_a_query_of_a_negative_zero_partition() {
    let client = crate::common::client().await;
    let measures = Measure::table(&client);
    measures.create_table().await.unwrap();
    for seq in 0..3 {
        measures
            .writer()
            .put(&mut measure(-0.0, seq))
            .await
            .unwrap();
    }
    // Written by another program in a form DynamoDB normalises.
    put_raw(
        &client,
        measures.name(),
        &[("x", n("-0.000")), ("seq", n("3")), ("note", s("raw"))],
    )
    .await;
    let pk = measures.primary_key();
    let first = pk.query(-0.0).limit(2).await.unwrap();
    assert_eq!(first.items.len(), 2);
    let cursor = first.cursor.expect("more to read");
    let rest = pk.query(-0.0).start_after(cursor.clone()).await.unwrap();
    assert_eq!(rest.items.iter().map(|m| m.seq).collect::<Vec<_>>(), [2, 3]);
    let again = pk.query(0.0).start_after(cursor).await.unwrap();
    assert_eq!(again.items.len(), 2);
    measures.delete_table().await.unwrap();
}
