//! The table handle: creation, deletion, and comparing a live table with its model.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::model::DynamoModel;

mod create;
mod describe;
mod difference;

pub use describe::TableDescription;
pub use difference::SchemaDifference;

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
