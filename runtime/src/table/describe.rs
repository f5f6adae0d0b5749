//! Reading the live table back (`describe`, `verify`): what the server reports, each absent
//! field read as DynamoDB's documented default.

use std::collections::BTreeMap;

use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::types::{
    BillingMode, PointInTimeRecoveryStatus, ProvisionedThroughputDescription,
};

use super::TableRef;
use super::difference::{SchemaDifference, compare, compare_options};
use crate::error::{Error, Result};
use crate::model::{Billing, Capacity, DynamoModel, TableClass};

impl<M: DynamoModel> TableRef<M> {
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

/// The error code when `e` says the server does not give this answer at all: it does not
/// implement the operation (`UnknownOperationException`: the local emulators), or the caller
/// may not call it (`AccessDeniedException`).
pub(super) fn unsupported(e: &Error) -> Option<String> {
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
pub(super) enum Live<T> {
    Known(T),
    Unknown(String),
}

impl<T> Live<T> {
    pub(super) fn known(self) -> Option<T> {
        match self {
            Live::Known(value) => Some(value),
            Live::Unknown(_) => None,
        }
    }
}

/// The live table's options, each absent field read as DynamoDB's documented default.
pub(super) struct LiveOptions {
    pub(super) billing: Billing,
    pub(super) index_capacities: BTreeMap<String, Capacity>,
    /// Every live global index.
    pub(super) gsi_names: Vec<String>,
    pub(super) class: TableClass,
    pub(super) deletion_protection: bool,
    pub(super) point_in_time_recovery: Live<bool>,
    pub(super) tags: Live<BTreeMap<String, String>>,
}

impl LiveOptions {
    pub(super) fn read(
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
pub(super) fn live_capacity(
    throughput: Option<&ProvisionedThroughputDescription>,
) -> Option<Capacity> {
    let t = throughput?;
    let units = |n: Option<i64>| n.map_or(0, |n| u64::try_from(n).unwrap_or(0));
    Some(Capacity {
        read: units(t.read_capacity_units()),
        write: units(t.write_capacity_units()),
    })
}

#[cfg(test)]
mod tests {
    use aws_sdk_dynamodb::types::{
        BillingModeSummary, GlobalSecondaryIndexDescription, TableClassSummary,
        TableDescription as SdkTable,
    };

    use super::*;
    use crate::model::{KeyAttr, TableOptions, TableSchema, Tag};

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
    /// A one-key table's schema with `options`.
    fn schema(options: TableOptions) -> TableSchema {
        TableSchema {
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
            created_at: None,
            updated_at: None,
            entity: None,
        }
    }

    #[test]
    fn unknown_and_extra_settings() {
        const TAGS: &[Tag] = &[Tag {
            key: "team",
            value: "growth",
        }];
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

    /// A model that states nothing about billing, class, protection or recovery is not compared
    /// on them (another tool may have set them); one that states the defaults is.
    #[test]
    fn only_what_the_model_states_is_compared() {
        let provisioned = SdkTable::builder()
            .provisioned_throughput(throughput(5, 5))
            .table_class_summary(
                TableClassSummary::builder()
                    .table_class(aws_sdk_dynamodb::types::TableClass::StandardInfrequentAccess)
                    .build(),
            )
            .deletion_protection_enabled(true)
            .build();
        let live = LiveOptions::read(
            &provisioned,
            Live::Known(true),
            Live::Known(BTreeMap::new()),
        );
        assert_eq!(compare_options(&schema(TableOptions::DEFAULT), &live), []);
        let stated = TableOptions {
            billing_declared: true,
            class_declared: true,
            ..TableOptions::DEFAULT
        };
        assert_eq!(
            compare_options(&schema(stated), &live),
            [
                SchemaDifference::Billing {
                    expected: Billing::OnDemand,
                    found: Billing::Provisioned(Capacity { read: 5, write: 5 }),
                },
                SchemaDifference::TableClass {
                    expected: TableClass::Standard,
                    found: TableClass::StandardInfrequentAccess,
                },
            ]
        );
    }
}
