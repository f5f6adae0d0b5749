//! The table handle: creation, deletion, and comparing a live table with its model.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use std::collections::BTreeMap;

use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType,
    LocalSecondaryIndex as SdkLsi, PointInTimeRecoverySpecification, PointInTimeRecoveryStatus,
    Projection as SdkProjection, ProjectionType, ProvisionedThroughput,
    ProvisionedThroughputDescription, StreamSpecification, TableStatus, Tag as SdkTag,
    TimeToLiveSpecification,
};

use crate::client::Client;
use crate::error::{Error, Result};
use crate::model::{
    Billing, Capacity, DynamoModel, IndexKind, IndexSchema, KeyAttr, Projection, TableClass,
    TableSchema,
};

/// A model's table on one client: the name is resolved once (prefix + table). Cheap to clone.
///
/// The generated `{Model}Table` dereferences to this, so everything here is available on it.
pub struct TableRef<M> {
    client: Client,
    name: String,
    _model: PhantomData<fn() -> M>,
}

impl<M> Clone for TableRef<M> {
    fn clone(&self) -> Self {
        TableRef {
            client: self.client.clone(),
            name: self.name.clone(),
            _model: PhantomData,
        }
    }
}

impl<M> fmt::Debug for TableRef<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TableRef")
            .field("name", &self.name)
            .finish()
    }
}

/// How long `create_table` and `delete_table` wait for the table to settle.
const SETTLE_TIMEOUT: Duration = Duration::from_secs(300);

impl<M: DynamoModel> TableRef<M> {
    /// The handle of `M`'s table on `client`.
    pub fn new(client: &Client) -> Self {
        TableRef {
            client: client.clone(),
            name: client.table_name(M::SCHEMA.table),
            _model: PhantomData,
        }
    }

    /// The handle of `M`'s table under another name than the model declares (the client's
    /// prefix goes in front of `name`).
    pub fn named(client: &Client, name: &str) -> Self {
        TableRef {
            client: client.clone(),
            name: client.table_name(name),
            _model: PhantomData,
        }
    }

    /// The full table name (with the client's prefix).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The client this handle uses.
    pub fn client(&self) -> &Client {
        &self.client
    }

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
    /// on it. Any other error is returned.
    ///
    /// A table created with `deletion_protection` refuses [`delete_table`](Self::delete_table)
    /// until the protection is turned off (UpdateTable).
    pub async fn create_table(&self) -> Result<()> {
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
                .await
                .map_err(Error::from);
            match enabled {
                Ok(_) => {}
                Err(e) if unsupported(&e).is_some() => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Creates the table unless one of that name exists already (its schema is not checked:
    /// use [`describe`](Self::describe) for that). Returns whether it created it.
    pub async fn create_table_if_not_exists(&self) -> Result<bool> {
        match self.create_table().await {
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

    /// Reads the live table (DescribeTable, DescribeTimeToLive, DescribeContinuousBackups and
    /// ListTagsOfResource) and compares it with the model: keys and their types, every index
    /// with its keys and projection, the stream view type, the TTL attribute, the billing mode
    /// with the table's and each global index's capacity, the table class, deletion
    /// protection, point-in-time recovery and tags.
    ///
    /// A field DescribeTable leaves out reads as DynamoDB's documented default: no
    /// `TableClassSummary` is `STANDARD`, no `BillingModeSummary` is `PROVISIONED` (with the
    /// capacity in `ProvisionedThroughput`), no `DeletionProtectionEnabled` is off.
    ///
    /// Tags: every tag the model declares must be on the table with the model's value; tags
    /// the table has beyond those (added by other tools, cost allocation, ...) are listed in
    /// [`TableDescription::tags`] but are not a difference.
    ///
    /// Point-in-time recovery and tags are `None` in the description when the server does not
    /// answer DescribeContinuousBackups or ListTagsOfResource (`UnknownOperationException` from
    /// a local emulator, or `AccessDeniedException` when the caller may not read them): that is
    /// a difference only when the model declares point-in-time recovery or tags, which then
    /// cannot be confirmed.
    pub async fn describe(&self) -> Result<TableDescription> {
        let out = self
            .client
            .sdk()
            .describe_table()
            .table_name(&self.name)
            .send()
            .await?;
        let ttl = self
            .client
            .sdk()
            .describe_time_to_live()
            .table_name(&self.name)
            .send()
            .await?;
        let table = out.table.ok_or_else(|| {
            Error::Validation(format!(
                "DescribeTable returned no table for `{}`",
                self.name
            ))
        })?;
        let ttl_attribute = ttl.time_to_live_description.and_then(|d| {
            let on = matches!(
                d.time_to_live_status,
                Some(
                    aws_sdk_dynamodb::types::TimeToLiveStatus::Enabled
                        | aws_sdk_dynamodb::types::TimeToLiveStatus::Enabling
                )
            );
            if on { d.attribute_name } else { None }
        });
        let point_in_time_recovery = self.live_point_in_time_recovery().await?;
        let tags = self.live_tags(table.table_arn()).await?;
        let live = LiveOptions::read(&table, point_in_time_recovery, tags);
        let mut differences = compare(&M::SCHEMA, &table, ttl_attribute.as_deref());
        differences.extend(compare_options(&M::SCHEMA, &live));
        Ok(TableDescription {
            name: self.name.clone(),
            status: table.table_status.map(|s| s.as_str().to_owned()),
            item_count: table.item_count,
            stream_arn: table.latest_stream_arn,
            ttl_attribute,
            billing: live.billing,
            index_capacities: live.index_capacities,
            class: live.class,
            deletion_protection: live.deletion_protection,
            point_in_time_recovery: live.point_in_time_recovery.known(),
            tags: live.tags.known(),
            differences,
        })
    }

    /// Whether continuous backups (point-in-time recovery) are on, from
    /// DescribeContinuousBackups.
    async fn live_point_in_time_recovery(&self) -> Result<Live<bool>> {
        let out = self
            .client
            .sdk()
            .describe_continuous_backups()
            .table_name(&self.name)
            .send()
            .await
            .map_err(Error::from);
        match out {
            Ok(out) => Ok(Live::Known(
                out.continuous_backups_description
                    .and_then(|d| d.point_in_time_recovery_description)
                    .and_then(|p| p.point_in_time_recovery_status)
                    == Some(PointInTimeRecoveryStatus::Enabled),
            )),
            Err(e) => match unsupported(&e) {
                Some(code) => Ok(Live::Unknown(format!(
                    "DescribeContinuousBackups answered {code}"
                ))),
                None => Err(e),
            },
        }
    }

    /// Every tag of the table (ListTagsOfResource on its ARN, page by page).
    async fn live_tags(&self, arn: Option<&str>) -> Result<Live<BTreeMap<String, String>>> {
        let Some(arn) = arn else {
            return Ok(Live::Unknown("DescribeTable gave no table ARN".to_owned()));
        };
        let mut tags = BTreeMap::new();
        let mut next = None;
        loop {
            let out = self
                .client
                .sdk()
                .list_tags_of_resource()
                .resource_arn(arn)
                .set_next_token(next)
                .send()
                .await
                .map_err(Error::from);
            let out = match out {
                Ok(out) => out,
                Err(e) => match unsupported(&e) {
                    Some(code) => {
                        return Ok(Live::Unknown(format!("ListTagsOfResource answered {code}")));
                    }
                    None => return Err(e),
                },
            };
            for tag in out.tags.unwrap_or_default() {
                tags.insert(tag.key, tag.value);
            }
            match out.next_token.filter(|t| !t.is_empty()) {
                Some(token) => next = Some(token),
                None => return Ok(Live::Known(tags)),
            }
        }
    }

    /// Like [`describe`](Self::describe), but an error listing the differences when the live
    /// table does not match the model.
    pub async fn verify(&self) -> Result<TableDescription> {
        let description = self.describe().await?;
        if description.differences.is_empty() {
            Ok(description)
        } else {
            Err(Error::SchemaMismatch {
                table: description.name.clone(),
                differences: description
                    .differences
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
            })
        }
    }
}

/// The live table, and how it differs from the model.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TableDescription {
    /// The full table name.
    pub name: String,
    /// `ACTIVE`, `CREATING`, ...
    pub status: Option<String>,
    /// DynamoDB's approximate item count.
    pub item_count: Option<i64>,
    /// The latest stream's ARN when streams are on.
    pub stream_arn: Option<String>,
    /// The TTL attribute when TTL is enabled.
    pub ttl_attribute: Option<String>,
    /// The billing mode, with the table's capacity when provisioned.
    pub billing: Billing,
    /// Each global secondary index's provisioned capacity, by index name (empty for an
    /// on-demand table).
    pub index_capacities: BTreeMap<String, Capacity>,
    /// The table class.
    pub class: TableClass,
    /// Whether deletion protection is on.
    pub deletion_protection: bool,
    /// Whether point-in-time recovery is on; `None` when the server did not say (it does not
    /// implement DescribeContinuousBackups, or the caller may not call it).
    pub point_in_time_recovery: Option<bool>,
    /// Every tag on the table, the model's and any others; `None` when the server did not say
    /// (it does not implement ListTagsOfResource, or the caller may not call it).
    pub tags: Option<BTreeMap<String, String>>,
    /// Everything that differs from the model; empty when the table matches.
    pub differences: Vec<SchemaDifference>,
}

impl TableDescription {
    /// True when the live table matches the model.
    pub fn matches_model(&self) -> bool {
        self.differences.is_empty()
    }
}

/// One way a live table differs from its model.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SchemaDifference {
    /// A key (of the table, or of `index`) has another attribute or type than the model.
    Key {
        /// `None` for the table's own key.
        index: Option<String>,
        /// `HASH` or `RANGE`.
        role: &'static str,
        /// `name (S)` as the model declares it (`a (S), b (N)` for a key of several attributes,
        /// in order), or `none`.
        expected: String,
        /// `name (N)` as the table has it, or `none`.
        found: String,
    },
    /// The model declares an index the table lacks.
    MissingIndex {
        /// The index name.
        name: String,
        /// `local` or `global`.
        kind: &'static str,
    },
    /// The table has an index the model does not declare.
    ExtraIndex {
        /// The index name.
        name: String,
    },
    /// An index projects other attributes than the model declares.
    Projection {
        /// The index name.
        index: String,
        /// What the model declares.
        expected: String,
        /// What the table has.
        found: String,
    },
    /// The stream view type differs (`none` when streams are off).
    Stream {
        /// What the model declares.
        expected: String,
        /// What the table has.
        found: String,
    },
    /// The TTL attribute differs (`none` when TTL is off).
    Ttl {
        /// What the model declares.
        expected: String,
        /// What the table has.
        found: String,
    },
    /// The billing mode or the table's provisioned capacity differs.
    Billing {
        /// What the model declares.
        expected: Billing,
        /// What the table has.
        found: Billing,
    },
    /// A global secondary index of a provisioned table has another capacity than the model
    /// declares (the table's, unless the index sets its own).
    IndexCapacity {
        /// The index name.
        index: String,
        /// What the model declares.
        expected: Capacity,
        /// What the index has; `None` when DescribeTable reports no capacity for it.
        found: Option<Capacity>,
    },
    /// The table class differs.
    TableClass {
        /// What the model declares.
        expected: TableClass,
        /// What the table has.
        found: TableClass,
    },
    /// Deletion protection is on where the model says off, or the reverse.
    DeletionProtection {
        /// What the model declares.
        expected: bool,
        /// What the table has.
        found: bool,
    },
    /// Point-in-time recovery differs, or the model declares it and the server does not say
    /// (`found: None`, with `reason`).
    PointInTimeRecovery {
        /// What the model declares.
        expected: bool,
        /// What the table has, if the server said.
        found: Option<bool>,
        /// Why `found` is `None` (empty otherwise).
        reason: String,
    },
    /// A tag the model declares is missing from the table or has another value. Tags the
    /// table has beyond the model's are not a difference.
    Tag {
        /// The tag key.
        key: String,
        /// The model's value.
        expected: String,
        /// The table's value; `None` when the table lacks the tag.
        found: Option<String>,
    },
    /// The model declares tags, and the server did not say which tags the table has.
    TagsUnknown {
        /// Why (the server's answer to ListTagsOfResource).
        reason: String,
    },
}

impl fmt::Display for SchemaDifference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SchemaDifference::Key {
                index,
                role,
                expected,
                found,
            } => {
                let whose = index
                    .as_ref()
                    .map_or("table".to_owned(), |i| format!("index `{i}`"));
                write!(
                    f,
                    "{whose} {role} key: model has {expected}, table has {found}"
                )
            }
            SchemaDifference::MissingIndex { name, kind } => {
                write!(f, "the table lacks the {kind} index `{name}`")
            }
            SchemaDifference::ExtraIndex { name } => {
                write!(
                    f,
                    "the table has index `{name}`, which the model does not declare"
                )
            }
            SchemaDifference::Projection {
                index,
                expected,
                found,
            } => write!(
                f,
                "index `{index}` projection: model has {expected}, table has {found}"
            ),
            SchemaDifference::Stream { expected, found } => {
                write!(f, "stream view: model has {expected}, table has {found}")
            }
            SchemaDifference::Ttl { expected, found } => {
                write!(f, "TTL attribute: model has {expected}, table has {found}")
            }
            SchemaDifference::Billing { expected, found } => write!(
                f,
                "billing: model has {}, table has {}",
                describe_billing(*expected),
                describe_billing(*found)
            ),
            SchemaDifference::IndexCapacity {
                index,
                expected,
                found,
            } => write!(
                f,
                "index `{index}` capacity: model has {}, table has {}",
                describe_capacity(*expected),
                found.map_or("none".to_owned(), describe_capacity)
            ),
            SchemaDifference::TableClass { expected, found } => write!(
                f,
                "table class: model has {}, table has {}",
                expected.to_sdk().as_str(),
                found.to_sdk().as_str()
            ),
            SchemaDifference::DeletionProtection { expected, found } => write!(
                f,
                "deletion protection: model has {}, table has {}",
                on_off(*expected),
                on_off(*found)
            ),
            SchemaDifference::PointInTimeRecovery {
                expected,
                found,
                reason,
            } => match found {
                Some(found) => write!(
                    f,
                    "point-in-time recovery: model has {}, table has {}",
                    on_off(*expected),
                    on_off(*found)
                ),
                None => write!(
                    f,
                    "point-in-time recovery: model has {}, and the server does not say whether the table has it ({reason})",
                    on_off(*expected)
                ),
            },
            SchemaDifference::Tag {
                key,
                expected,
                found,
            } => match found {
                Some(found) => write!(
                    f,
                    "tag `{key}`: model has `{expected}`, table has `{found}`"
                ),
                None => write!(f, "tag `{key}`: model has `{expected}`, the table lacks it"),
            },
            SchemaDifference::TagsUnknown { reason } => write!(
                f,
                "tags: the model declares some, and the server does not say which the table has ({reason})"
            ),
        }
    }
}

fn on_off(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}

fn describe_capacity(capacity: Capacity) -> String {
    format!("read {} / write {}", capacity.read, capacity.write)
}

fn describe_billing(billing: Billing) -> String {
    match billing {
        Billing::OnDemand => "on-demand (PAY_PER_REQUEST)".to_owned(),
        Billing::Provisioned(c) => format!("provisioned ({})", describe_capacity(c)),
    }
}

/// A capacity as the SDK takes it (64-bit signed units).
fn throughput(capacity: Capacity) -> Result<ProvisionedThroughput> {
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
fn gsi_capacity(schema: &TableSchema, index: &IndexSchema) -> Option<Capacity> {
    match schema.options.billing {
        Billing::OnDemand => None,
        Billing::Provisioned(table) => Some(index.capacity.unwrap_or(table)),
    }
}

/// The error code when `e` says the server does not give this answer at all: it does not
/// implement the operation (`UnknownOperationException`: the local emulators), or the caller
/// may not call it (`AccessDeniedException`).
fn unsupported(e: &Error) -> Option<String> {
    let Error::Sdk(sdk) = e else {
        return None;
    };
    let code = sdk.code()?;
    matches!(code, "UnknownOperationException" | "AccessDeniedException").then(|| {
        match sdk.message() {
            Some(message) => format!("{code}: {message}"),
            None => code.to_owned(),
        }
    })
}

/// What a server said about a setting, or why it did not.
enum Live<T> {
    Known(T),
    Unknown(String),
}

impl<T> Live<T> {
    fn known(self) -> Option<T> {
        match self {
            Live::Known(value) => Some(value),
            Live::Unknown(_) => None,
        }
    }
}

/// The live table's options, each absent field read as DynamoDB's documented default.
struct LiveOptions {
    billing: Billing,
    index_capacities: BTreeMap<String, Capacity>,
    /// Every live global index.
    gsi_names: Vec<String>,
    class: TableClass,
    deletion_protection: bool,
    point_in_time_recovery: Live<bool>,
    tags: Live<BTreeMap<String, String>>,
}

impl LiveOptions {
    fn read(
        table: &aws_sdk_dynamodb::types::TableDescription,
        point_in_time_recovery: Live<bool>,
        tags: Live<BTreeMap<String, String>>,
    ) -> Self {
        // No BillingModeSummary: the table is PROVISIONED (CreateTable's default, and what
        // DescribeTable reports for it), with its capacity in ProvisionedThroughput.
        let on_demand = table
            .billing_mode_summary()
            .and_then(|b| b.billing_mode())
            .is_some_and(|m| *m == BillingMode::PayPerRequest);
        let billing = if on_demand {
            Billing::OnDemand
        } else {
            Billing::Provisioned(
                live_capacity(table.provisioned_throughput())
                    .unwrap_or(Capacity { read: 0, write: 0 }),
            )
        };
        let index_capacities = if on_demand {
            BTreeMap::new()
        } else {
            table
                .global_secondary_indexes()
                .iter()
                .filter_map(|g| {
                    Some((
                        g.index_name()?.to_owned(),
                        live_capacity(g.provisioned_throughput())?,
                    ))
                })
                .collect()
        };
        LiveOptions {
            billing,
            index_capacities,
            gsi_names: table
                .global_secondary_indexes()
                .iter()
                .filter_map(|g| g.index_name().map(str::to_owned))
                .collect(),
            // No TableClassSummary: STANDARD, DynamoDB's default class.
            class: match table.table_class_summary().and_then(|c| c.table_class()) {
                Some(aws_sdk_dynamodb::types::TableClass::StandardInfrequentAccess) => {
                    TableClass::StandardInfrequentAccess
                }
                _ => TableClass::Standard,
            },
            // No DeletionProtectionEnabled: off, DynamoDB's default.
            deletion_protection: table.deletion_protection_enabled().unwrap_or(false),
            point_in_time_recovery,
            tags,
        }
    }
}

/// A reported capacity; a negative number (which no server sends) reads as 0.
fn live_capacity(throughput: Option<&ProvisionedThroughputDescription>) -> Option<Capacity> {
    let t = throughput?;
    let units = |n: Option<i64>| n.map_or(0, |n| u64::try_from(n).unwrap_or(0));
    Some(Capacity {
        read: units(t.read_capacity_units()),
        write: units(t.write_capacity_units()),
    })
}

/// The options the model declares against the live ones.
fn compare_options(schema: &TableSchema, live: &LiveOptions) -> Vec<SchemaDifference> {
    let options = &schema.options;
    let mut out = Vec::new();
    if options.billing != live.billing {
        out.push(SchemaDifference::Billing {
            expected: options.billing,
            found: live.billing,
        });
    }
    // Index capacities are compared when both sides are provisioned (a billing difference
    // says the rest), for the indexes both have (a missing index is reported as such).
    if matches!(live.billing, Billing::Provisioned(_)) {
        for index in schema.indexes {
            if index.kind != IndexKind::Global || !live.gsi_names.iter().any(|n| n == index.name) {
                continue;
            }
            let Some(expected) = gsi_capacity(schema, index) else {
                continue;
            };
            let found = live.index_capacities.get(index.name).copied();
            if found != Some(expected) {
                out.push(SchemaDifference::IndexCapacity {
                    index: index.name.to_owned(),
                    expected,
                    found,
                });
            }
        }
    }
    if options.class != live.class {
        out.push(SchemaDifference::TableClass {
            expected: options.class,
            found: live.class,
        });
    }
    if options.deletion_protection != live.deletion_protection {
        out.push(SchemaDifference::DeletionProtection {
            expected: options.deletion_protection,
            found: live.deletion_protection,
        });
    }
    match &live.point_in_time_recovery {
        Live::Known(found) if *found != options.point_in_time_recovery => {
            out.push(SchemaDifference::PointInTimeRecovery {
                expected: options.point_in_time_recovery,
                found: Some(*found),
                reason: String::new(),
            });
        }
        Live::Unknown(reason) if options.point_in_time_recovery => {
            out.push(SchemaDifference::PointInTimeRecovery {
                expected: true,
                found: None,
                reason: reason.clone(),
            });
        }
        _ => {}
    }
    match &live.tags {
        Live::Known(tags) => {
            for tag in options.tags {
                let found = tags.get(tag.key);
                if found.map(String::as_str) != Some(tag.value) {
                    out.push(SchemaDifference::Tag {
                        key: tag.key.to_owned(),
                        expected: tag.value.to_owned(),
                        found: found.cloned(),
                    });
                }
            }
        }
        Live::Unknown(reason) if !options.tags.is_empty() => {
            out.push(SchemaDifference::TagsUnknown {
                reason: reason.clone(),
            });
        }
        Live::Unknown(_) => {}
    }
    out
}

/// A key's attributes as `` `a` (S), `b` (N) ``, or `none`.
fn describe_key(attrs: &[KeyAttr]) -> String {
    if attrs.is_empty() {
        return "none".to_owned();
    }
    attrs
        .iter()
        .map(|a| format!("`{}` ({})", a.name, a.scalar.to_sdk().as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn compare(
    schema: &TableSchema,
    table: &aws_sdk_dynamodb::types::TableDescription,
    ttl: Option<&str>,
) -> Vec<SchemaDifference> {
    let definitions = table.attribute_definitions();
    // A key's live attributes of one role, in key-schema order (a multi-attribute key lists
    // several of each role, in order).
    let live_key = |elements: &[KeySchemaElement], role: KeyType| -> String {
        let described: Vec<String> = elements
            .iter()
            .filter(|e| e.key_type == role)
            .map(|e| {
                let ty = definitions
                    .iter()
                    .find(|d| d.attribute_name == e.attribute_name)
                    .map_or("?", |d| d.attribute_type.as_str());
                format!("`{}` ({ty})", e.attribute_name)
            })
            .collect();
        if described.is_empty() {
            "none".to_owned()
        } else {
            described.join(", ")
        }
    };
    let compare_keys = |index: Option<&str>,
                        elements: &[KeySchemaElement],
                        hash: &[KeyAttr],
                        range: &[KeyAttr]|
     -> Vec<SchemaDifference> {
        [(KeyType::Hash, hash), (KeyType::Range, range)]
            .into_iter()
            .filter_map(|(role, expected)| {
                let expected = describe_key(expected);
                let found = live_key(elements, role.clone());
                (expected != found).then(|| SchemaDifference::Key {
                    index: index.map(str::to_owned),
                    role: if role == KeyType::Hash {
                        "HASH"
                    } else {
                        "RANGE"
                    },
                    expected,
                    found,
                })
            })
            .collect()
    };
    let mut out = compare_keys(
        None,
        table.key_schema(),
        &[schema.hash],
        schema.range.as_slice(),
    );

    let live_indexes: Vec<(
        &str,
        &[KeySchemaElement],
        Option<&SdkProjection>,
        &'static str,
    )> = table
        .local_secondary_indexes()
        .iter()
        .map(|i| {
            (
                i.index_name().unwrap_or_default(),
                i.key_schema(),
                i.projection(),
                "local",
            )
        })
        .chain(table.global_secondary_indexes().iter().map(|i| {
            (
                i.index_name().unwrap_or_default(),
                i.key_schema(),
                i.projection(),
                "global",
            )
        }))
        .collect();
    for index in schema.indexes {
        let kind = match index.kind {
            IndexKind::Local => "local",
            IndexKind::Global => "global",
        };
        match live_indexes
            .iter()
            .find(|(name, _, _, live_kind)| *name == index.name && *live_kind == kind)
        {
            None => out.push(SchemaDifference::MissingIndex {
                name: index.name.to_owned(),
                kind,
            }),
            Some((_, elements, live_projection, _)) => {
                out.extend(compare_keys(
                    Some(index.name),
                    elements,
                    index.hash,
                    index.range,
                ));
                let expected = describe_projection(Some(&projection(index)));
                let found = describe_projection(*live_projection);
                if expected != found {
                    out.push(SchemaDifference::Projection {
                        index: index.name.to_owned(),
                        expected,
                        found,
                    });
                }
            }
        }
    }
    for (name, _, _, live_kind) in &live_indexes {
        // Compared by kind too: a local index where the model declares a global one of that
        // name (or the reverse) is reported both as missing and as extra.
        let declared = schema.indexes.iter().any(|i| {
            i.name == *name
                && matches!(
                    (i.kind, *live_kind),
                    (IndexKind::Local, "local") | (IndexKind::Global, "global")
                )
        });
        if !declared {
            out.push(SchemaDifference::ExtraIndex {
                name: (*name).to_owned(),
            });
        }
    }

    let expected_stream = schema
        .stream
        .map_or("none".to_owned(), |v| v.to_sdk().as_str().to_owned());
    let found_stream = table
        .stream_specification()
        .filter(|s| s.stream_enabled())
        .and_then(|s| s.stream_view_type())
        .map_or("none".to_owned(), |v| v.as_str().to_owned());
    if expected_stream != found_stream {
        out.push(SchemaDifference::Stream {
            expected: expected_stream,
            found: found_stream,
        });
    }
    let expected_ttl = schema.ttl.unwrap_or("none");
    let found_ttl = ttl.unwrap_or("none");
    if expected_ttl != found_ttl {
        out.push(SchemaDifference::Ttl {
            expected: expected_ttl.to_owned(),
            found: found_ttl.to_owned(),
        });
    }
    out
}

fn describe_projection(projection: Option<&SdkProjection>) -> String {
    let Some(p) = projection else {
        return "none".to_owned();
    };
    match p.projection_type() {
        Some(ProjectionType::Include) => {
            let mut attrs: Vec<&str> = p.non_key_attributes().iter().map(String::as_str).collect();
            attrs.sort_unstable();
            format!("INCLUDE({})", attrs.join(", "))
        }
        Some(other) => other.as_str().to_owned(),
        None => "none".to_owned(),
    }
}

/// The key schema of a key: its partition key attributes, then its sort key attributes, each
/// in order (a global secondary index's key may have up to four of each).
fn key_schema(hash: &[KeyAttr], range: &[KeyAttr]) -> Result<Vec<KeySchemaElement>> {
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

fn projection(index: &IndexSchema) -> SdkProjection {
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

/// DynamoDB's rule for table names: 3 to 255 characters of `A-Z a-z 0-9 _ - .`.
pub(crate) fn validate_table_name(name: &str) -> Result<()> {
    let ok = (3..=255).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(Error::Validation(format!(
            "`{name}` is not a valid table name: use 3 to 255 characters of A-Z, a-z, 0-9, `_`, `-` and `.` (check the client's table prefix)"
        )))
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_dynamodb::types::{
        BillingModeSummary, GlobalSecondaryIndexDescription, TableClassSummary,
        TableDescription as SdkTable,
    };

    use super::*;
    use crate::model::{TableOptions, Tag};

    fn throughput(read: i64, write: i64) -> ProvisionedThroughputDescription {
        ProvisionedThroughputDescription::builder()
            .read_capacity_units(read)
            .write_capacity_units(write)
            .build()
    }

    /// Fields DescribeTable leaves out read as DynamoDB's documented defaults.
    #[test]
    fn absent_fields_read_as_the_defaults() {
        let table = SdkTable::builder()
            .provisioned_throughput(throughput(3, 4))
            .global_secondary_indexes(
                GlobalSecondaryIndexDescription::builder()
                    .index_name("by_owner")
                    .provisioned_throughput(throughput(5, 6))
                    .build(),
            )
            .build();
        let live = LiveOptions::read(
            &table,
            Live::Unknown("no".into()),
            Live::Unknown("no".into()),
        );
        // no BillingModeSummary: PROVISIONED, with the capacity DescribeTable gives
        assert_eq!(
            live.billing,
            Billing::Provisioned(Capacity { read: 3, write: 4 })
        );
        assert_eq!(
            live.index_capacities.get("by_owner"),
            Some(&Capacity { read: 5, write: 6 })
        );
        // no TableClassSummary: STANDARD; no DeletionProtectionEnabled: off
        assert_eq!(live.class, TableClass::Standard);
        assert!(!live.deletion_protection);

        let table = SdkTable::builder()
            .billing_mode_summary(
                BillingModeSummary::builder()
                    .billing_mode(BillingMode::PayPerRequest)
                    .build(),
            )
            .provisioned_throughput(throughput(0, 0))
            .table_class_summary(
                TableClassSummary::builder()
                    .table_class(aws_sdk_dynamodb::types::TableClass::StandardInfrequentAccess)
                    .build(),
            )
            .deletion_protection_enabled(true)
            .build();
        let live = LiveOptions::read(&table, Live::Known(false), Live::Known(BTreeMap::new()));
        assert_eq!(live.billing, Billing::OnDemand);
        assert!(live.index_capacities.is_empty());
        assert_eq!(live.class, TableClass::StandardInfrequentAccess);
        assert!(live.deletion_protection);
    }

    /// A setting the server cannot report is a difference only when the model declares it;
    /// tags beyond the model's never are.
    #[test]
    fn unknown_and_extra_settings() {
        const TAGS: &[Tag] = &[Tag {
            key: "team",
            value: "growth",
        }];
        let schema = |options: TableOptions| TableSchema {
            table: "t",
            hash: KeyAttr {
                name: "id",
                scalar: crate::codec::ScalarType::String,
            },
            range: None,
            attributes: &["id"],
            indexes: &[],
            ttl: None,
            stream: None,
            version: None,
            options,
        };
        let on_demand = SdkTable::builder()
            .billing_mode_summary(
                BillingModeSummary::builder()
                    .billing_mode(BillingMode::PayPerRequest)
                    .build(),
            )
            .build();
        let unknown = || {
            LiveOptions::read(
                &on_demand,
                Live::Unknown("UnknownOperationException".into()),
                Live::Unknown("UnknownOperationException".into()),
            )
        };
        assert_eq!(
            compare_options(&schema(TableOptions::DEFAULT), &unknown()),
            []
        );
        let declared = TableOptions {
            point_in_time_recovery: true,
            tags: TAGS,
            ..TableOptions::DEFAULT
        };
        assert_eq!(
            compare_options(&schema(declared), &unknown()),
            [
                SchemaDifference::PointInTimeRecovery {
                    expected: true,
                    found: None,
                    reason: "UnknownOperationException".into(),
                },
                SchemaDifference::TagsUnknown {
                    reason: "UnknownOperationException".into(),
                },
            ]
        );
        let tags = BTreeMap::from([
            ("team".to_owned(), "growth".to_owned()),
            ("owner".to_owned(), "ops".to_owned()),
        ]);
        let live = LiveOptions::read(&on_demand, Live::Known(true), Live::Known(tags));
        assert_eq!(compare_options(&schema(declared), &live), []);
    }
}
