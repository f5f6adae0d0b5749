//! The validated model between `validate` and `expand`.
//!
//! Its types cannot hold an invalid schema: fields are referred to by index into `fields`,
//! local secondary indexes live inside `TableKeys::Full` (a table without a sort key has
//! nowhere to put one), and every name is already checked.

use proc_macro2::Span;
use syn::{Generics, Ident, Type, Visibility};

/// A struct that passed every check.
pub(crate) struct Model {
    pub(crate) ident: Ident,
    pub(crate) vis: Visibility,
    pub(crate) generics: Generics,
    /// Path of the `dynamo_types` crate (`crate = "..."`).
    pub(crate) krate: syn::Path,
    pub(crate) table: String,
    pub(crate) fields: Vec<Field>,
    pub(crate) keys: TableKeys,
    pub(crate) gsis: Vec<Gsi>,
    /// The `ttl` field, and the span of the `ttl = "..."` string naming it.
    pub(crate) ttl: Option<(FieldId, Span)>,
    /// The `version` field, and the span of its `version` flag.
    pub(crate) version: Option<(FieldId, Span)>,
    /// The `created_at` field, and the span of its flag.
    pub(crate) created_at: Option<(FieldId, Span)>,
    /// The `updated_at` field, and the span of its flag.
    pub(crate) updated_at: Option<(FieldId, Span)>,
    pub(crate) stream: Option<StreamView>,
    /// Billing, table class, deletion protection, point-in-time recovery, tags.
    pub(crate) options: TableOptions,
    /// `Some` for an entity of a shared table: its keys are templates (`keys` is then
    /// `TableKeys::Entity`, and `gsis` empty).
    pub(crate) entity: Option<Entity>,
}

/// An entity of a shared table (single-table design).
pub(crate) struct Entity {
    /// The table type (`AppTable`), which implements `EntityTable`.
    pub(crate) table: syn::Path,
    /// The entity name stored in the table's entity attribute.
    pub(crate) name: String,
    pub(crate) hash: Template,
    pub(crate) range: Option<Template>,
    pub(crate) indexes: Vec<EntityIndex>,
}

/// An entity's templates for one index of its table.
pub(crate) struct EntityIndex {
    pub(crate) names: IndexNames,
    pub(crate) hash: Template,
    pub(crate) range: Option<Template>,
}

/// A key template: `literals[0] {fields[0]} literals[1] ... {fields[n-1]} literals[n]`. The
/// literal after a field is empty (at the end) or starts with `#`, so the key text splits back
/// into its fields.
pub(crate) struct Template {
    /// The template as written.
    pub(crate) text: String,
    pub(crate) literals: Vec<String>,
    pub(crate) fields: Vec<FieldId>,
    pub(crate) span: Span,
}

/// An index into `Model::fields`.
pub(crate) type FieldId = usize;

pub(crate) struct Field {
    pub(crate) ident: Ident,
    pub(crate) ty: Type,
    /// The DynamoDB attribute name (after `rename`).
    pub(crate) name: String,
    pub(crate) storage: Storage,
}

/// How a field is stored.
pub(crate) enum Storage {
    /// Stored; `missing` says what an absent attribute decodes to.
    Stored { missing: Missing, codec: Codec },
    /// `#[dynamo(skip)]`: not stored, `Default` when read.
    Skipped,
}

/// What an absent attribute decodes to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Missing {
    /// Whatever the type says (`None` for `Option`, empty for a set, else an error).
    ByType,
    /// `#[dynamo(default)]`: `Default::default()`.
    Default,
}

/// Which conversion a stored field goes through.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Codec {
    /// `IntoAttributeValue` / `FromAttributeValue`.
    Native,
    /// `#[dynamo(serde)]`: serde_dynamo.
    Serde,
}

/// The table's primary key.
pub(crate) enum TableKeys {
    /// A partition key only: no local secondary index is possible.
    Hash { hash: FieldId },
    /// A partition and a sort key, and the local secondary indexes that need them.
    Full {
        hash: FieldId,
        range: FieldId,
        lsis: Vec<Lsi>,
    },
    /// An entity's keys: templates (`Model::entity`), not fields.
    Entity,
}

impl TableKeys {
    /// The partition key field. Never asked of an entity (whose generated code has its own
    /// paths): the derive stops with an internal error if it is.
    pub(crate) fn hash(&self) -> FieldId {
        match self {
            TableKeys::Hash { hash } | TableKeys::Full { hash, .. } => *hash,
            TableKeys::Entity => unreachable!("an entity's keys are templates"),
        }
    }

    pub(crate) fn range(&self) -> Option<FieldId> {
        match self {
            TableKeys::Hash { .. } | TableKeys::Entity => None,
            TableKeys::Full { range, .. } => Some(*range),
        }
    }

    pub(crate) fn lsis(&self) -> &[Lsi] {
        match self {
            TableKeys::Hash { .. } | TableKeys::Entity => &[],
            TableKeys::Full { lsis, .. } => lsis,
        }
    }

    /// The key fields, partition key first (none for an entity).
    pub(crate) fn fields(&self) -> Vec<FieldId> {
        if let TableKeys::Entity = self {
            return Vec::new();
        }
        let mut all = vec![self.hash()];
        all.extend(self.range());
        all
    }
}

/// Names an index in generated code.
pub(crate) struct IndexNames {
    /// The DynamoDB index name.
    pub(crate) name: String,
    /// The handle method (`by_author`).
    pub(crate) method: Ident,
    /// The marker type (`PostByAuthorIndex`).
    pub(crate) marker: Ident,
    pub(crate) span: Span,
}

pub(crate) struct Lsi {
    pub(crate) names: IndexNames,
    pub(crate) range: FieldId,
    pub(crate) projection: Projection,
}

pub(crate) struct Gsi {
    pub(crate) names: IndexNames,
    /// The partition key's fields, in order: one to four.
    pub(crate) hash: Vec<FieldId>,
    /// The sort key's fields, in order: none to four.
    pub(crate) range: Vec<FieldId>,
    /// Where `hash(...)` and `range(...)` are written.
    pub(crate) key_spans: (Span, Span),
    pub(crate) projection: Projection,
    /// Provisioned capacity (the table's unless the index sets its own); `None` on an
    /// on-demand table.
    pub(crate) capacity: Option<Capacity>,
}

pub(crate) enum Projection {
    All,
    KeysOnly,
    /// Non-key fields the index holds.
    Include(Vec<FieldId>),
}

/// The table options, each checked: capacity only with provisioned billing, tags within
/// DynamoDB's limits.
pub(crate) struct TableOptions {
    /// The table's capacity with provisioned billing; `None` for on-demand.
    pub(crate) provisioned: Option<Capacity>,
    /// `STANDARD_INFREQUENT_ACCESS` rather than `STANDARD`.
    pub(crate) infrequent_access: bool,
    pub(crate) deletion_protection: bool,
    pub(crate) point_in_time_recovery: bool,
    /// Keys and values, keys unique.
    pub(crate) tags: Vec<(String, String)>,
    /// `billing = ...` was written.
    pub(crate) billing_declared: bool,
    /// `table_class = ...` was written.
    pub(crate) class_declared: bool,
}

/// Read and write capacity units, each at least 1.
#[derive(Clone, Copy)]
pub(crate) struct Capacity {
    pub(crate) read: u64,
    pub(crate) write: u64,
}

#[derive(Clone, Copy)]
pub(crate) enum StreamView {
    KeysOnly,
    NewImage,
    OldImage,
    NewAndOldImages,
}

impl Model {
    pub(crate) fn field(&self, id: FieldId) -> &Field {
        &self.fields[id]
    }

    /// The stored fields, with their ids.
    pub(crate) fn stored(&self) -> impl Iterator<Item = (FieldId, &Field)> {
        self.fields
            .iter()
            .enumerate()
            .filter(|(_, f)| matches!(f.storage, Storage::Stored { .. }))
    }
}
