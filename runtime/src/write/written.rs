//! What a successful whole-item write sets in the model it was given: the version it stored
//! (`#[dynamo(version)]`) and its timestamps (`#[dynamo(created_at)]`, `#[dynamo(updated_at)]`).
//!
//! Every put takes the model as `&mut M` and, once DynamoDB confirms the write, the model holds
//! what was stored, so that the same value can be written again. A write that fails, or whose
//! outcome is unknown, leaves the model as it was.

use std::time::SystemTime;

use crate::model::DynamoModel;

/// The model a put writes, to update once the put succeeded.
pub(crate) struct WriteBack<'a, M> {
    model: &'a mut M,
    /// The time the put wrote into its timestamps.
    now: SystemTime,
    /// Whether the put set `created_at` to `now`.
    created: bool,
}

impl<'a, M: DynamoModel> WriteBack<'a, M> {
    pub(crate) fn new(model: &'a mut M, now: SystemTime, created: bool) -> Self {
        WriteBack {
            model,
            now,
            created,
        }
    }

    /// The write succeeded: the model takes the values stored.
    pub(crate) fn apply(self) {
        self.model.__bump_version();
        self.model.__set_timestamps(self.now, self.created);
    }

    /// [`apply`](Self::apply), for a transaction to call once it committed.
    pub(crate) fn boxed(self) -> Box<dyn FnOnce() + Send + 'a> {
        Box::new(move || self.apply())
    }
}
