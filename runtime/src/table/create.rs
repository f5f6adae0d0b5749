//! Creating and deleting the table as the model declares it (key schema, indexes, billing,
//! class, protection, tags, stream, then TTL and point-in-time recovery), and waiting for it
//! to settle.

use std::time::Duration;

use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, GlobalSecondaryIndex, KeySchemaElement, KeyType,
    LocalSecondaryIndex as SdkLsi, PointInTimeRecoverySpecification, Projection as SdkProjection,
    ProjectionType, ProvisionedThroughput, StreamSpecification, TableStatus, Tag as SdkTag,
    TimeToLiveSpecification,
};

use super::SETTLE_TIMEOUT;
use super::TableRef;
use super::describe::unsupported;
use super::validate_table_name;
use crate::error::{Error, Result};
use crate::model::{
    Billing, Capacity, DynamoModel, IndexKind, IndexSchema, KeyAttr, Projection, TableClass,
    TableSchema,
};

impl<M: DynamoModel> TableRef<M> {
    /// Creates the table as the model declares it: key schema, every LSI and GSI with its
    /// projection, the billing mode (on-demand unless the model says `billing =
    /// "provisioned"`, then with the table's capacity and each global index's), the table
    /// class, deletion protection, tags, and the stream specification; then, once the table
    /// and its indexes are ACTIVE, TTL on the `ttl` attribute and point-in-time recovery
    /// (UpdateContinuousBackups: it is not a CreateTable parameter).
    ///
    /// A server that does not implement UpdateContinuousBackups at all (it answers
    /// `UnknownOperationException`, as the local emulators dynoxide and DynamoDB Local do;
    /// DynamoDB always implements it) gets the table without point-in-time recovery: then
    /// [`describe`](Self::describe) reports it as unknown and [`verify`](Self::verify) fails
    /// on it (a warning is logged). Any other error is returned, `AccessDeniedException`
    /// included.
    ///
    /// A table created with `deletion_protection` refuses [`delete_table`](Self::delete_table)
    /// until the protection is turned off (UpdateTable).
    ///
    /// For an entity of a shared table (single-table design) it is idempotent: the table may
    /// have been created from another entity, so one that exists is waited for and
    /// [`verify`](Self::verify)-ed instead (an `Error::SchemaMismatch` if it differs). For other
    /// models a table that exists is an error (`ResourceInUseException`); see
    /// [`create_table_if_not_exists`](Self::create_table_if_not_exists).
    pub async fn create_table(&self) -> Result<()> {
        match self.create_new_table().await {
            Err(Error::Sdk(e))
                if M::SCHEMA.entity.is_some()
                    && matches!(*e, aws_sdk_dynamodb::Error::ResourceInUseException(_)) =>
            {
                self.wait_until_active().await?;
                // The entity that created it turns TTL on once it is ACTIVE: give it that time.
                let deadline = std::time::Instant::now() + Duration::from_secs(30);
                loop {
                    let description = self.describe().await?;
                    let only_ttl = !description.differences.is_empty()
                        && description
                            .differences
                            .iter()
                            .all(|d| matches!(d, crate::table::SchemaDifference::Ttl { .. }));
                    if !only_ttl || std::time::Instant::now() > deadline {
                        return self.verify().await.map(|_| ());
                    }
                    crate::retry::sleep(self.client(), Duration::from_millis(500)).await;
                }
            }
            other => other,
        }
    }

    async fn create_new_table(&self) -> Result<()> {
        let schema = &M::SCHEMA;
        let options = &schema.options;
        validate_table_name(&self.name)?;
        let mut request = self
            .client
            .sdk()
            .create_table()
            .table_name(&self.name)
            .billing_mode(options.billing.to_sdk())
            .set_provisioned_throughput(match options.billing {
                Billing::OnDemand => None,
                Billing::Provisioned(capacity) => Some(throughput(capacity)?),
            })
            .set_key_schema(Some(key_schema(&[schema.hash], schema.range.as_slice())?))
            .set_attribute_definitions(Some(
                schema
                    .key_attributes()
                    .into_iter()
                    .map(|a| {
                        AttributeDefinition::builder()
                            .attribute_name(a.name)
                            .attribute_type(a.scalar.to_sdk())
                            .build()
                            .map_err(Error::from)
                    })
                    .collect::<Result<Vec<_>>>()?,
            ));
        for index in schema.indexes {
            let keys = key_schema(index.hash, index.range)?;
            let projection = projection(index);
            request = match index.kind {
                IndexKind::Local => request.local_secondary_indexes(
                    SdkLsi::builder()
                        .index_name(index.name)
                        .set_key_schema(Some(keys))
                        .projection(projection)
                        .build()
                        .map_err(Error::from)?,
                ),
                IndexKind::Global => request.global_secondary_indexes(
                    GlobalSecondaryIndex::builder()
                        .index_name(index.name)
                        .set_key_schema(Some(keys))
                        .projection(projection)
                        .set_provisioned_throughput(
                            gsi_capacity(schema, index).map(throughput).transpose()?,
                        )
                        .build()
                        .map_err(Error::from)?,
                ),
            };
        }
        if options.class != TableClass::Standard {
            request = request.table_class(options.class.to_sdk());
        }
        if options.deletion_protection {
            request = request.deletion_protection_enabled(true);
        }
        for tag in options.tags {
            request = request.tags(
                SdkTag::builder()
                    .key(tag.key)
                    .value(tag.value)
                    .build()
                    .map_err(Error::from)?,
            );
        }
        if let Some(view) = schema.stream {
            request = request.stream_specification(
                StreamSpecification::builder()
                    .stream_enabled(true)
                    .stream_view_type(view.to_sdk())
                    .build()
                    .map_err(Error::from)?,
            );
        }
        request.send().await?;
        self.wait_until_active().await?;
        if let Some(ttl) = schema.ttl {
            self.client
                .sdk()
                .update_time_to_live()
                .table_name(&self.name)
                .time_to_live_specification(
                    TimeToLiveSpecification::builder()
                        .enabled(true)
                        .attribute_name(ttl)
                        .build()
                        .map_err(Error::from)?,
                )
                .send()
                .await?;
        }
        if options.point_in_time_recovery {
            self.turn_on_point_in_time_recovery().await?;
        }
        Ok(())
    }

    /// UpdateContinuousBackups on a new table. DynamoDB may answer
    /// `ContinuousBackupsUnavailableException` while it is still enabling the new table's
    /// backups: that is asked again with backoff, up to the same bound as waiting for ACTIVE.
    /// Only a server without the operation (`UnknownOperationException`: a local emulator) is
    /// let through, with a warning; a caller not allowed to call it (`AccessDeniedException` on
    /// DynamoDB) gets the error, not a table silently without the recovery it asked for.
    async fn turn_on_point_in_time_recovery(&self) -> Result<()> {
        let mut delay = Duration::from_millis(100);
        let deadline = tokio::time::Instant::now() + SETTLE_TIMEOUT;
        loop {
            let enabled = self
                .client
                .sdk()
                .update_continuous_backups()
                .table_name(&self.name)
                .point_in_time_recovery_specification(
                    PointInTimeRecoverySpecification::builder()
                        .point_in_time_recovery_enabled(true)
                        .build()
                        .map_err(Error::from)?,
                )
                .send()
                .await;
            let error = match enabled {
                Ok(_) => return Ok(()),
                Err(e) => e,
            };
            let still_enabling = error.code() == Some("ContinuousBackupsUnavailableException");
            let error = Error::from(error);
            if still_enabling && tokio::time::Instant::now() < deadline {
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
                continue;
            }
            if unsupported(&error).is_some_and(|code| code.starts_with("UnknownOperationException"))
            {
                tracing::warn!(
                    table = %self.name,
                    "the server does not implement UpdateContinuousBackups: the table has no point-in-time recovery"
                );
                return Ok(());
            }
            return Err(error);
        }
    }

    /// Creates the table unless one of that name exists already (its schema is not checked:
    /// use [`describe`](Self::describe) for that). Returns whether it created it.
    pub async fn create_table_if_not_exists(&self) -> Result<bool> {
        match self.create_new_table().await {
            Ok(()) => Ok(true),
            Err(Error::Sdk(e))
                if matches!(*e, aws_sdk_dynamodb::Error::ResourceInUseException(_)) =>
            {
                self.wait_until_active().await?;
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }

    /// Deletes the table and waits until it is gone.
    pub async fn delete_table(&self) -> Result<()> {
        self.client
            .sdk()
            .delete_table()
            .table_name(&self.name)
            .send()
            .await?;
        let mut delay = Duration::from_millis(20);
        let deadline = tokio::time::Instant::now() + SETTLE_TIMEOUT;
        loop {
            match self
                .client
                .sdk()
                .describe_table()
                .table_name(&self.name)
                .send()
                .await
                .map_err(Error::from)
            {
                Err(e) if e.is_resource_not_found() => return Ok(()),
                Err(e) => return Err(e),
                Ok(_) if tokio::time::Instant::now() >= deadline => {
                    return Err(Error::Timeout(format!(
                        "table `{}` still exists {}s after DeleteTable",
                        self.name,
                        SETTLE_TIMEOUT.as_secs()
                    )));
                }
                Ok(_) => {
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(2));
                }
            }
        }
    }

    async fn wait_until_active(&self) -> Result<()> {
        let mut delay = Duration::from_millis(20);
        let deadline = tokio::time::Instant::now() + SETTLE_TIMEOUT;
        loop {
            let out = self
                .client
                .sdk()
                .describe_table()
                .table_name(&self.name)
                .send()
                .await?;
            if let Some(table) = out.table {
                let indexes_active = table
                    .global_secondary_indexes
                    .unwrap_or_default()
                    .iter()
                    .all(|g| {
                        g.index_status
                            .as_ref()
                            .is_none_or(|s| *s == aws_sdk_dynamodb::types::IndexStatus::Active)
                    });
                if table.table_status == Some(TableStatus::Active) && indexes_active {
                    return Ok(());
                }
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(Error::Timeout(format!(
                    "table `{}` is not ACTIVE {}s after CreateTable",
                    self.name,
                    SETTLE_TIMEOUT.as_secs()
                )));
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(2));
        }
    }
}

/// A capacity as the SDK takes it (64-bit signed units).
pub(super) fn throughput(capacity: Capacity) -> Result<ProvisionedThroughput> {
    let units = |n: u64, what: &str| {
        i64::try_from(n).map_err(|_| {
            Error::Validation(format!(
                "{what} capacity of {n} units is more than DynamoDB takes ({})",
                i64::MAX
            ))
        })
    };
    ProvisionedThroughput::builder()
        .read_capacity_units(units(capacity.read, "read")?)
        .write_capacity_units(units(capacity.write, "write")?)
        .build()
        .map_err(Error::from)
}

/// A global index's capacity on a provisioned table: its own, else the table's. `None` on an
/// on-demand table.
pub(super) fn gsi_capacity(schema: &TableSchema, index: &IndexSchema) -> Option<Capacity> {
    match schema.options.billing {
        Billing::OnDemand => None,
        Billing::Provisioned(table) => Some(index.capacity.unwrap_or(table)),
    }
}

/// The key schema of a key: its partition key attributes, then its sort key attributes, each
/// in order (a global secondary index's key may have up to four of each).
pub(super) fn key_schema(hash: &[KeyAttr], range: &[KeyAttr]) -> Result<Vec<KeySchemaElement>> {
    let roles = std::iter::repeat(KeyType::Hash).zip(hash);
    let roles = roles.chain(std::iter::repeat(KeyType::Range).zip(range));
    roles
        .map(|(role, attr)| {
            KeySchemaElement::builder()
                .attribute_name(attr.name)
                .key_type(role)
                .build()
                .map_err(Error::from)
        })
        .collect()
}

pub(super) fn projection(index: &IndexSchema) -> SdkProjection {
    match index.projection {
        Projection::All => SdkProjection::builder()
            .projection_type(ProjectionType::All)
            .build(),
        Projection::KeysOnly => SdkProjection::builder()
            .projection_type(ProjectionType::KeysOnly)
            .build(),
        Projection::Include(attrs) => SdkProjection::builder()
            .projection_type(ProjectionType::Include)
            .set_non_key_attributes(Some(attrs.iter().map(|a| (*a).to_owned()).collect()))
            .build(),
    }
}
