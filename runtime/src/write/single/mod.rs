//! Single-item writes: `PutItem` ([`put`]), `DeleteItem` ([`delete`]) and `UpdateItem`
//! ([`update`]) builders, and what they share: rendering conditions, version checks, and telling
//! an unconfirmed write from a refused one.

mod delete;
mod put;
mod update;

pub use delete::Delete;
pub use put::Put;
pub(crate) use put::PutKind;
pub use update::UpdateItem;

use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure};

use super::version::VersionValues;
use crate::codec::{IntoAttributeValue, Item, VersionAttribute};
use crate::error::{Error, Result};
use crate::expr::{Condition, Names, Path, Placeholders, Update, Values, check_expression};
use crate::model::DynamoModel;
use crate::query::keys::describe_key;

/// A rendered condition (or update) with its placeholders.
#[derive(Debug, Default)]
pub(crate) struct Rendered {
    pub(crate) condition: Option<String>,
    pub(crate) update: Option<String>,
    pub(crate) names: Option<Names>,
    pub(crate) values: Option<Values>,
}

fn render<M>(conditions: Vec<Condition<M>>, update: Option<&Update<M>>) -> Result<Rendered> {
    let mut placeholders = Placeholders::default();
    let update = update.map(|u| placeholders.update(u)).transpose()?;
    let condition = Condition::all(conditions)
        .map(|c| placeholders.condition(&c))
        .transpose()?;
    if let Some(update) = &update {
        check_expression("UpdateExpression", update)?;
    }
    if let Some(condition) = &condition {
        check_expression("ConditionExpression", condition)?;
    }
    let (names, values) = placeholders.into_parts();
    Ok(Rendered {
        condition,
        update,
        names,
        values,
    })
}

pub(crate) fn on_failure(asked: bool) -> Option<ReturnValuesOnConditionCheckFailure> {
    asked.then_some(ReturnValuesOnConditionCheckFailure::AllOld)
}

/// Sends one single write inside `span`, and reads a failure through [`write_outcome`]: the
/// send path put, delete and update share.
pub(super) fn send_write<T, E>(
    span: &tracing::Span,
    request: impl Future<
        Output = std::result::Result<
            T,
            aws_sdk_dynamodb::error::SdkError<E, aws_sdk_dynamodb::config::http::HttpResponse>,
        >,
    >,
) -> impl Future<Output = Result<T>>
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata,
    Error: From<aws_sdk_dynamodb::error::SdkError<E, aws_sdk_dynamodb::config::http::HttpResponse>>,
{
    let sent = crate::telemetry::send_counted(span, request);
    async move {
        let (result, attempts) = sent.await;
        result.map_err(|e| write_outcome(e.into(), attempts))
    }
}

/// What a write's failure means after its `attempts`: once one was sent and got no answer (or
/// a 5xx), a later attempt's failure leaves the write open, whether its condition was false
/// (perhaps against that attempt's own result) or it was throttled. A failure that itself got
/// no answer says so already.
fn write_outcome(error: Error, attempts: crate::retry::Attempts) -> Error {
    if attempts.lost_any() && !error.is_unanswered() {
        Error::Unconfirmed {
            source: Box::new(error),
        }
    } else {
        error
    }
}

/// What a single write of an entity of a shared table (single-table design) requires of the
/// item at its key: that it is of this entity, so that a write never replaces, changes or
/// deletes another entity's item. A put or a delete also accepts no item (`absent_ok`); an
/// update needs one (an update of an absent item would create one with only the updated
/// attributes and no entity name, which no read could decode). `None` for other models.
pub(crate) fn entity_guard<M: DynamoModel>(absent_ok: bool) -> Option<Condition<M>> {
    let is_entity = M::SCHEMA.entity?.condition();
    Some(if absent_ok {
        Path::<M, ()>::attribute(M::SCHEMA.hash.name)
            .not_exists()
            .or(is_entity)
    } else {
        is_entity
    })
}

/// The condition a versioned write of a model at `version` needs.
fn version_condition<M: DynamoModel>(version: &VersionValues) -> Result<Condition<M>> {
    if version.initial {
        return Ok(Path::<M, ()>::attribute(M::SCHEMA.hash.name).not_exists());
    }
    let name = version_attribute::<M>()?;
    Ok(Path::<M, AttributeValue>::attribute(name).eq(version.current.clone()))
}

fn version_attribute<M: DynamoModel>() -> Result<&'static str> {
    M::SCHEMA.version.ok_or_else(|| {
        Error::Validation(format!(
            "model of table `{}` has no `#[dynamo(version)]` field",
            M::SCHEMA.table
        ))
    })
}

/// How a write by key treats `#[dynamo(version)]`.
#[derive(Debug, Clone)]
pub(crate) enum VersionMode {
    /// The model has no version field.
    Unversioned,
    /// The caller gave the version the item was read at.
    Expect(VersionValues),
    /// The caller asked to write whatever version is stored.
    Skip,
    /// Versioned, and the caller said neither: refused before sending.
    Missing,
}

impl VersionMode {
    fn for_model<M: DynamoModel>() -> Self {
        if M::SCHEMA.version.is_some() {
            VersionMode::Missing
        } else {
            VersionMode::Unversioned
        }
    }

    fn expect<M: DynamoModel, V: VersionAttribute + IntoAttributeValue>(
        version: V,
    ) -> Result<Self> {
        version_attribute::<M>()?;
        Ok(VersionMode::Expect(VersionValues::of(version)?))
    }

    fn skip<M: DynamoModel>() -> Self {
        match Self::for_model::<M>() {
            VersionMode::Unversioned => VersionMode::Unversioned,
            _ => VersionMode::Skip,
        }
    }
}

fn missing_version<M: DynamoModel>(what: &str, key: &Item) -> Error {
    Error::Validation(format!(
        "{what} of {} in table `{}`: the model is versioned (`#[dynamo(version)]`); give the version the item was read at with `.if_version(n)`, or write unconditionally with `.skip_version_check()`",
        describe_key(&M::SCHEMA, key),
        M::SCHEMA.table
    ))
}

/// Makes a prepared condition for transactions' `ConditionCheck` (with an entity's guard: the
/// check holds only for an item of that entity, or none).
pub(crate) fn render_condition<M: DynamoModel>(condition: Condition<M>) -> Result<Rendered> {
    render(
        std::iter::once(condition)
            .chain(entity_guard::<M>(true))
            .collect(),
        None,
    )
}
