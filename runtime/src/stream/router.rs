//! [`Router`]: one function for the streams of several tables, and for several models sharing
//! one table.

use std::fmt;
use std::marker::PhantomData;

use aws_sdk_dynamodb::types::AttributeValue;
use futures::future::BoxFuture;

use crate::client::Client;
use crate::error::{Error, Result};

use super::handler::{Dispatch, Handler, handle_raw};
use super::record::{RawRecord, StreamModel};

/// Routes raw records to the handler of their model: by the table named in the record's event
/// source ARN (or Kinesis payload), and within a table shared by several models, by the value of
/// an attribute (an entity type).
///
/// ```
/// # use dynamo_types_runtime as dynamo_types;
/// # use dynamo_types::stream::{Router, StreamModel, TableHandler};
/// # fn routes<Post: StreamModel, Comment: StreamModel, User: StreamModel, Order: StreamModel>(
/// #     client: &dynamo_types::Client,
/// # ) -> dynamo_types::Result<Router> {
/// Router::for_client(client) // the client's table prefix is put in front of every table
///     .table::<Post>(TableHandler::new().on_insert(|r| async move { Ok::<_, dynamo_types::Error>(()) }))
///     .table::<Comment>(TableHandler::new().on_remove(|r| async move { Ok::<_, dynamo_types::Error>(()) }))
///     // one table, two models, told apart by their `kind` attribute
///     .table_where::<User>("kind", "user", TableHandler::new())
///     .table_where::<Order>("kind", "order", TableHandler::new())
///     .build()
/// # }
/// ```
///
/// A record whose table has no route, whose attribute value has no route, or that names no
/// table at all is an [`Error::Unrouted`]: never skipped in silence. Two routes that could take
/// the same record are an [`Error::DuplicateRoute`] from [`RouterBuilder::build`].
pub struct Router {
    tables: Vec<TableRoutes>,
}

/// Builds a [`Router`]: from [`Router::builder`] or [`Router::for_client`].
pub struct RouterBuilder {
    prefix: String,
    routes: Vec<Route>,
}

struct Route {
    /// The model's table name, without the prefix.
    table: &'static str,
    model: &'static str,
    by: Option<(String, String)>,
    /// A route by attribute that some records could not be told by (see `add`).
    unroutable: Option<String>,
    handler: Box<dyn Dispatch>,
}

/// The routes of one table: one for every record, or one per value of one attribute.
struct TableRoutes {
    table: String,
    routes: Routes,
}

enum Routes {
    All(Box<dyn Dispatch>),
    By {
        attribute: String,
        values: Vec<(String, Box<dyn Dispatch>)>,
    },
}

/// A typed handler behind the raw-record interface.
struct Typed<M, H> {
    handler: H,
    _model: PhantomData<fn() -> M>,
}

impl<M: StreamModel, H: Handler<M>> Dispatch for Typed<M, H> {
    fn dispatch(&self, record: RawRecord) -> BoxFuture<'_, Result<()>> {
        Box::pin(handle_raw::<M, H>(&self.handler, record))
    }
}

impl Router {
    /// A builder with no table prefix.
    pub fn builder() -> RouterBuilder {
        RouterBuilder {
            prefix: String::new(),
            routes: Vec::new(),
        }
    }

    /// A builder that puts `client`'s table prefix in front of every model's table name, as the
    /// client does.
    pub fn for_client(client: &Client) -> RouterBuilder {
        Router::builder().table_prefix(client.table_prefix())
    }

    /// The full table names routed.
    pub fn tables(&self) -> impl Iterator<Item = &str> {
        self.tables.iter().map(|t| t.table.as_str())
    }

    fn route(&self, record: &RawRecord) -> Result<&dyn Dispatch> {
        let unrouted = |reason: String| Error::Unrouted {
            sequence_number: record.sequence_number.clone(),
            reason,
        };
        let Some(table) = record.table() else {
            return Err(unrouted(format!(
                "it names no table (event source ARN: {:?})",
                record.event_source_arn
            )));
        };
        let Some(routes) = self.tables.iter().find(|t| t.table == table) else {
            return Err(unrouted(format!(
                "no route for table `{table}` (routed: {})",
                self.tables
                    .iter()
                    .map(|t| format!("`{}`", t.table))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        };
        match &routes.routes {
            Routes::All(handler) => Ok(handler.as_ref()),
            Routes::By { attribute, values } => {
                let value = match record.attribute(attribute) {
                    Some(AttributeValue::S(s)) => s,
                    Some(other) => {
                        return Err(unrouted(format!(
                            "table `{table}` is routed by the string attribute `{attribute}`, and the record's is {other:?}"
                        )));
                    }
                    None => {
                        return Err(unrouted(format!(
                            "table `{table}` is routed by attribute `{attribute}`, which the record lacks"
                        )));
                    }
                };
                values
                    .iter()
                    .find(|(v, _)| v == value)
                    .map(|(_, h)| h.as_ref())
                    .ok_or_else(|| {
                        unrouted(format!(
                            "no route for `{attribute}` = {value:?} in table `{table}`"
                        ))
                    })
            }
        }
    }
}

impl Dispatch for Router {
    fn dispatch(&self, record: RawRecord) -> BoxFuture<'_, Result<()>> {
        match self.route(&record) {
            Ok(handler) => handler.dispatch(record),
            Err(e) => Box::pin(async move { Err(e) }),
        }
    }
}

impl fmt::Debug for Router {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for t in &self.tables {
            match &t.routes {
                Routes::All(_) => list.entry(&t.table),
                Routes::By { attribute, values } => list.entry(&format!(
                    "{} by {attribute}: {:?}",
                    t.table,
                    values.iter().map(|(v, _)| v).collect::<Vec<_>>()
                )),
            };
        }
        list.finish()
    }
}

impl fmt::Debug for RouterBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RouterBuilder")
            .field("prefix", &self.prefix)
            .field("routes", &self.routes.len())
            .finish()
    }
}

impl RouterBuilder {
    /// Puts `prefix` in front of every model's table name (the client's table prefix).
    pub fn table_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Every record of `M`'s table goes to `handler`.
    pub fn table<M: StreamModel>(self, handler: impl Handler<M> + 'static) -> Self {
        self.add::<M>(None, handler)
    }

    /// Records of `M`'s table whose string attribute `attribute` is `value` go to `handler` (the
    /// attribute is read from the new image, else the old image, else the keys). Use it when
    /// several models share a table and an attribute says which one an item is. Every record
    /// must carry the attribute: it must be a key attribute, or the stream must be
    /// `new_and_old_images` (under the other view types some kinds of records have no image).
    pub fn table_where<M: StreamModel>(
        self,
        attribute: &str,
        value: impl Into<String>,
        handler: impl Handler<M> + 'static,
    ) -> Self {
        self.add::<M>(Some((attribute.to_owned(), value.into())), handler)
    }

    /// Routes the records of a single-table entity (see [`entity`](crate::entity)) to
    /// `handler`: by its table and the value of the table's entity attribute, its entity name.
    /// The table's stream needs `new_and_old_images` (the entity attribute is only in the
    /// images); otherwise [`build`](Self::build) says so.
    pub fn entity<M: StreamModel + crate::entity::Entity>(
        self,
        handler: impl Handler<M> + 'static,
    ) -> Self {
        let attribute = <M::Table as crate::entity::EntityTable>::TABLE.entity_attribute;
        self.table_where::<M>(attribute, M::NAME, handler)
    }

    fn add<M: StreamModel>(
        mut self,
        by: Option<(String, String)>,
        handler: impl Handler<M> + 'static,
    ) -> Self {
        // An attribute that is not a key is only in the images, and only `new_and_old_images`
        // gives every kind of record an image: under another view type some records would have
        // nothing to be routed by.
        let unroutable = by.as_ref().and_then(|(attribute, _)| {
            let schema = &M::SCHEMA;
            let is_key = schema.hash.name == attribute
                || schema.range.is_some_and(|r| r.name == attribute);
            let view = <M::View as super::record::ViewType>::VIEW;
            (!is_key && view != crate::model::StreamView::NewAndOldImages).then(|| {
                format!(
                    "`{}` is routed by `{attribute}`, which is not a key attribute, and its stream's view type ({view:?}) leaves some records without an image to read it from: route by a key attribute, or declare `stream = \"new_and_old_images\"`",
                    std::any::type_name::<M>()
                )
            })
        });
        self.routes.push(Route {
            table: M::SCHEMA.table,
            model: std::any::type_name::<M>(),
            by,
            unroutable,
            handler: Box::new(Typed {
                handler,
                _model: PhantomData,
            }),
        });
        self
    }

    /// The router, or [`Error::DuplicateRoute`] when two routes could take the same record: two
    /// routes of one table without an attribute, a route for every record of a table beside
    /// routes by attribute, two attributes for one table, or one attribute value twice. A route
    /// by an attribute that some records do not carry (not a key attribute, and a view type
    /// other than `new_and_old_images`) is an [`Error::Validation`].
    pub fn build(self) -> Result<Router> {
        if let Some(problem) = self.routes.iter().find_map(|r| r.unroutable.clone()) {
            return Err(Error::Validation(problem));
        }
        let mut tables: Vec<TableRoutes> = Vec::new();
        for route in self.routes {
            let table = format!("{}{}", self.prefix, route.table);
            let existing = tables.iter_mut().find(|t| t.table == table);
            match (existing, route.by) {
                (None, None) => tables.push(TableRoutes {
                    table,
                    routes: Routes::All(route.handler),
                }),
                (None, Some((attribute, value))) => tables.push(TableRoutes {
                    table,
                    routes: Routes::By {
                        attribute,
                        values: vec![(value, route.handler)],
                    },
                }),
                (Some(t), None) => {
                    return Err(Error::DuplicateRoute(format!(
                        "table `{}` already has a route, and `{}` would take every record of it",
                        t.table, route.model
                    )));
                }
                (Some(t), Some((attribute, value))) => match &mut t.routes {
                    Routes::All(_) => {
                        return Err(Error::DuplicateRoute(format!(
                            "table `{}` already routes every record to one handler, so `{}` where `{attribute}` = {value:?} would never run",
                            t.table, route.model
                        )));
                    }
                    Routes::By {
                        attribute: by,
                        values,
                    } => {
                        if *by != attribute {
                            return Err(Error::DuplicateRoute(format!(
                                "table `{}` is routed by attribute `{by}`; routing `{}` by `{attribute}` too would let one record match two routes",
                                t.table, route.model
                            )));
                        }
                        if values.iter().any(|(v, _)| *v == value) {
                            return Err(Error::DuplicateRoute(format!(
                                "table `{}` has two routes for `{attribute}` = {value:?}",
                                t.table
                            )));
                        }
                        values.push((value, route.handler));
                    }
                },
            }
        }
        Ok(Router { tables })
    }
}
