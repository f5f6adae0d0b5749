//! Writes by key on the primary-key objects: `delete`, `batch_delete`, `update`.

use crate::codec::{IntoAttributeValue, IntoKey, Item};
use crate::error::{EncodeError, Result};
use crate::expr::Update;
use crate::model::{KeySchema, RangeKeySchema};
use crate::query::{FullPrimaryKey, HashPrimaryKey, KeySchemaOf, RangeKeySchemaOf};
use crate::retry::RetryPolicy;

use super::batch::BatchDelete;
use super::single::{Delete, UpdateItem};

fn key_attribute<T: IntoAttributeValue>(
    name: &str,
    value: &T,
) -> Result<(String, crate::__private::AttributeValue), EncodeError> {
    match value.to_attribute_value().map_err(|e| e.at(name))? {
        Some(v) => Ok((name.to_owned(), v)),
        None => Err(EncodeError::new("a key attribute cannot be absent").at(name)),
    }
}

/// The key item of a table with a partition key only.
pub(crate) fn hash_key<M: KeySchemaOf>(hash: impl IntoKey<M::Hash>) -> Result<Item> {
    let hash = hash.into_key();
    Ok([key_attribute(<M as KeySchema>::HASH_ATTRIBUTE, &hash)?]
        .into_iter()
        .collect())
}

/// The key item of a table with a partition and a sort key.
pub(crate) fn full_key<M: RangeKeySchemaOf>(
    hash: impl IntoKey<M::Hash>,
    range: impl IntoKey<M::Range>,
) -> Result<Item> {
    let hash = hash.into_key();
    let range = range.into_key();
    Ok([
        key_attribute(<M as KeySchema>::HASH_ATTRIBUTE, &hash)?,
        key_attribute(<M as RangeKeySchema>::RANGE_ATTRIBUTE, &range)?,
    ]
    .into_iter()
    .collect())
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

    /// `BatchWriteItem` deletes of many `(partition, sort)` keys: see [`BatchDelete`].
    pub fn batch_delete<H, R>(&self, keys: impl IntoIterator<Item = (H, R)>) -> BatchDelete<M>
    where
        H: IntoKey<M::Hash>,
        R: IntoKey<M::Range>,
    {
        let keys: Result<Vec<Item>> = keys.into_iter().map(|(h, r)| full_key::<M>(h, r)).collect();
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

    /// `BatchWriteItem` deletes of many partition keys: see [`BatchDelete`].
    pub fn batch_delete<H: IntoKey<M::Hash>>(
        &self,
        keys: impl IntoIterator<Item = H>,
    ) -> BatchDelete<M> {
        let keys: Result<Vec<Item>> = keys.into_iter().map(hash_key::<M>).collect();
        BatchDelete::new(self.table.clone(), RetryPolicy::default(), keys)
    }
}
