//! Writes by key on the primary-key objects: `delete`, `batch_delete`, `update`.

use crate::codec::{IntoKey, Item};
use crate::error::Result;
use crate::expr::Update;
use crate::query::keys::{FullKeyArg, HashKeyArg, full_key_item, hash_key_item};
use crate::query::{FullPrimaryKey, HashPrimaryKey, KeySchemaOf, RangeKeySchemaOf};
use crate::retry::RetryPolicy;

use super::batch::BatchDelete;
use super::single::{Delete, UpdateItem};

/// The key item of a table with a partition key only.
fn hash_key<M: KeySchemaOf>(hash: impl IntoKey<M::Hash>) -> Result<Item> {
    Ok(hash_key_item::<M>(hash.into_key())?)
}

/// The key item of a table with a partition and a sort key.
fn full_key<M: RangeKeySchemaOf>(
    hash: impl IntoKey<M::Hash>,
    range: impl IntoKey<M::Range>,
) -> Result<Item> {
    Ok(full_key_item::<M>(hash.into_key(), range.into_key())?)
}

impl<M: RangeKeySchemaOf> FullPrimaryKey<M> {
    /// `DeleteItem` of the item with this key (succeeds when there is none). On a versioned
    /// model, say `.if_version(n)` or `.skip_version_check()`.
    pub fn delete(&self, hash: impl IntoKey<M::Hash>, range: impl IntoKey<M::Range>) -> Delete<M> {
        Delete::of_key(self.table.clone(), full_key::<M>(hash, range))
    }

    /// `UpdateItem` of the item with this key. On a versioned model, say `.if_version(n)` or
    /// `.skip_version_check()`.
    pub fn update(
        &self,
        hash: impl IntoKey<M::Hash>,
        range: impl IntoKey<M::Range>,
        update: Update<M>,
    ) -> UpdateItem<M> {
        UpdateItem::new(self.table.clone(), full_key::<M>(hash, range), update)
    }

    /// `BatchWriteItem` deletes of many keys, given as `batch_get` takes them (`(hash, range)`
    /// tuples, `PostKey`s or `&PostKey`s): see [`BatchDelete`].
    pub fn batch_delete<K: FullKeyArg<M, F>, F>(
        &self,
        keys: impl IntoIterator<Item = K>,
    ) -> BatchDelete<M> {
        let keys: Result<Vec<Item>> = keys
            .into_iter()
            .map(|k| k.into_key_item().map_err(Into::into))
            .collect();
        BatchDelete::new(self.table.clone(), RetryPolicy::default(), keys)
    }
}

impl<M: KeySchemaOf> HashPrimaryKey<M> {
    /// `DeleteItem` of the item with this key (succeeds when there is none). On a versioned
    /// model, say `.if_version(n)` or `.skip_version_check()`.
    pub fn delete(&self, hash: impl IntoKey<M::Hash>) -> Delete<M> {
        Delete::of_key(self.table.clone(), hash_key::<M>(hash))
    }

    /// `UpdateItem` of the item with this key. On a versioned model, say `.if_version(n)` or
    /// `.skip_version_check()`.
    pub fn update(&self, hash: impl IntoKey<M::Hash>, update: Update<M>) -> UpdateItem<M> {
        UpdateItem::new(self.table.clone(), hash_key::<M>(hash), update)
    }

    /// `BatchWriteItem` deletes of many keys, given as `batch_get` takes them (partition key
    /// values, `SessionKey`s or `&SessionKey`s): see [`BatchDelete`].
    pub fn batch_delete<K: HashKeyArg<M, F>, F>(
        &self,
        keys: impl IntoIterator<Item = K>,
    ) -> BatchDelete<M> {
        let keys: Result<Vec<Item>> = keys
            .into_iter()
            .map(|k| k.into_key_item().map_err(Into::into))
            .collect();
        BatchDelete::new(self.table.clone(), RetryPolicy::default(), keys)
    }
}
