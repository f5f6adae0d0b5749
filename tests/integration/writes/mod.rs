//! Writes: the writer, typed conditions, updates, batch writes, optimistic locking,
//! transactions and the item size check, on a real server (embedded or `DYNAMODB_ENDPOINT`).

mod batch;
mod capacity;
mod conditions;
mod integrity;
mod models;
mod reserved;
mod single;
mod transaction;
mod update;
mod version;
