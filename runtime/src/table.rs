//! The table handle: creation, deletion, and comparing a live table with its model.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType,
    LocalSecondaryIndex as SdkLsi, Projection as SdkProjection, ProjectionType,
    StreamSpecification, TableStatus, TimeToLiveSpecification,
};

use crate::client::Client;
use crate::error::{Error, Result};
use crate::model::{DynamoModel, IndexKind, IndexSchema, KeyAttr, Projection, TableSchema};

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
    /// projection, on-demand billing, the stream specification, then TTL on the `ttl`
    /// attribute. Returns once the table and its indexes are ACTIVE.
    pub async fn create_table(&self) -> Result<()> {
        let schema = &M::SCHEMA;
        validate_table_name(&self.name)?;
        let mut request = self
            .client
            .sdk()
            .create_table()
            .table_name(&self.name)
            .billing_mode(BillingMode::PayPerRequest)
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
                        .build()
                        .map_err(Error::from)?,
                ),
            };
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

    /// Reads the live table (DescribeTable and DescribeTimeToLive) and compares it with the
    /// model: keys and their types, every index with its keys and projection, the stream view
    /// type and the TTL attribute.
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
        let differences = compare(&M::SCHEMA, &table, ttl_attribute.as_deref());
        Ok(TableDescription {
            name: self.name.clone(),
            status: table.table_status.map(|s| s.as_str().to_owned()),
            item_count: table.item_count,
            stream_arn: table.latest_stream_arn,
            ttl_attribute,
            differences,
        })
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
        }
    }
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
