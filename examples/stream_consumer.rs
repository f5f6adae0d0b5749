//! This example shows a stream consumer outside Lambda: it keeps a running total of every
//! account's deposits from the accounts table's stream, with checkpoints in a lease table, and
//! stops gracefully.
//!
//! It runs on the embedded DynamoDB (or on `DYNAMODB_ENDPOINT`): `cargo run --example
//! stream_consumer`. In a service, `run` it with a shutdown signal (Ctrl-C, SIGTERM) instead of
//! stopping it by hand, and run as many copies as you like under the same consumer name: they
//! share the shards.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dynamo_types::stream::consumer::{DEFAULT_LEASE_TABLE, Lease};
use dynamo_types::{DynamoModel, Error, TableRef};

#[derive(Debug, Clone, PartialEq, DynamoModel)]
#[dynamo(table = "accounts", stream = "new_and_old_images")]
struct Account {
    #[dynamo(hash)]
    id: String,
    balance: i64,
}

/// The running totals, and the records already in them.
#[derive(Debug, Default)]
struct Deposits {
    totals: BTreeMap<String, i64>,
    applied: HashSet<String>,
}

impl Deposits {
    fn apply(&mut self, sequence_number: String, id: String, amount: i64) {
        if self.applied.insert(sequence_number) {
            *self.totals.entry(id).or_default() += amount;
        }
    }
}

#[tokio::main]
async fn main() -> dynamo_types::Result<()> {
    let client = dynamo_types::local::client().await?;
    let accounts = Account::table(&client);
    accounts.create_table().await?;

    // What the consumer keeps: the sum of every increase of each balance. Delivery is at least
    // once (a crash, or a lease moving between consumers, hands a few records over again), so
    // the handler is idempotent: it remembers the records it applied. A service would keep
    // them with the totals, in one transaction.
    let deposits: Arc<Mutex<Deposits>> = Arc::default();
    let seen = deposits.clone();
    let handler = AccountEvent::handler()
        .on_insert({
            let seen = seen.clone();
            move |record| {
                let seen = seen.clone();
                async move {
                    let new = record.event.new;
                    seen.lock()
                        .unwrap()
                        .apply(record.sequence_number, new.id, new.balance);
                    Ok::<_, Error>(())
                }
            }
        })
        .on_modify(move |record| {
            let seen = seen.clone();
            async move {
                let (old, new) = (record.event.old, record.event.new);
                if new.balance > old.balance {
                    seen.lock().unwrap().apply(
                        record.sequence_number,
                        new.id,
                        new.balance - old.balance,
                    );
                }
                Ok::<_, Error>(())
            }
        });
    let consumer = accounts
        .consumer("deposits")
        .max_poll_interval(Duration::from_millis(100))
        .spawn(handler);

    let writer = accounts.writer();
    for (id, balances) in [("alice", [100, 150, 120]), ("bob", [10, 60, 90])] {
        for balance in balances {
            writer
                .put(&mut Account {
                    id: id.into(),
                    balance,
                })
                .await?;
        }
    }

    // Wait for the consumer to catch up, then stop it: it checkpoints and releases its lease.
    let expected = BTreeMap::from([("alice".to_owned(), 150), ("bob".to_owned(), 90)]);
    for _ in 0..100 {
        if deposits.lock().unwrap().totals == expected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    consumer.stop().await?;
    let totals = deposits.lock().unwrap().totals.clone();
    println!("deposits per account: {totals:?}");
    assert_eq!(totals, expected);

    accounts.delete_table().await?;
    TableRef::<Lease>::named(&client, DEFAULT_LEASE_TABLE)
        .delete_table()
        .await?;
    Ok(())
}
