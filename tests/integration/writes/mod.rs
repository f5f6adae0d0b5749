//! Writes: the writer, typed conditions, updates, batch writes, optimistic locking,
//! timestamps, transactions and the item size check, on a real server (embedded or
//! `DYNAMODB_ENDPOINT`).

mod batch;
mod capacity;
mod conditions;
mod integrity;
mod models;
mod reserved;
mod single;
mod timestamps;
mod transaction;
mod update;
mod version;
