//! Keys of one or more attributes. A table key, a local index key and most global index keys
//! have one attribute per part (a [`KeyAttribute`]); a global secondary index may have a
//! partition key and a sort key of up to four attributes each, each with its own type, given
//! as a tuple in the order the index declares them.

use aws_sdk_dynamodb::types::AttributeValue;

use crate::codec::{IntoKey, KeyAttribute, KeyRole, ScalarType};
use crate::error::EncodeError;
use crate::query::keys::key_value;

/// The value of a partition key or a sort key: one [`KeyAttribute`], or a tuple of two to four
/// for a global secondary index whose key has several attributes.
///
/// `First` and `Rest` let a sort key condition walk the attributes left to right (see
/// [`SortKey`](crate::SortKey)): `Rest` is `()` after the last one.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the value of a key",
    label = "a key is one key attribute, or a tuple of 2 to 4 of them",
    note = "each attribute of a key is stored as a string (S), a number (N) or binary (B)"
)]
pub trait KeyParts: Clone + Send + Sync + 'static {
    /// The attribute types, in order.
    const SCALARS: &'static [ScalarType];
    /// The first attribute's type.
    type First: KeyAttribute;
    /// The attributes after the first (`()` when there are none).
    type Rest;

    /// Encodes each attribute as a key value, named after `names` (one per attribute).
    #[doc(hidden)]
    fn encode_parts(
        &self,
        names: &[&'static str],
        role: KeyRole,
    ) -> Result<Vec<(&'static str, AttributeValue)>, EncodeError>;
}

impl<T: KeyAttribute> KeyParts for T {
    const SCALARS: &'static [ScalarType] = &[T::SCALAR_TYPE];
    type First = T;
    type Rest = ();

    fn encode_parts(
        &self,
        names: &[&'static str],
        role: KeyRole,
    ) -> Result<Vec<(&'static str, AttributeValue)>, EncodeError> {
        let name = single_name(names)?;
        Ok(vec![(name, key_value(self, name, role)?)])
    }
}

fn single_name(names: &[&'static str]) -> Result<&'static str, EncodeError> {
    match names {
        [name] => Ok(name),
        _ => Err(EncodeError::new(format!(
            "a key of one attribute was given for the {} attributes {names:?}",
            names.len()
        ))),
    }
}

/// The type of one key attribute: what the derive spells each key field's type through, so
/// that a field type that is not a [`KeyAttribute`] (a tuple included) is an error on the
/// field, and a key of several attributes is exactly a tuple of key attributes.
#[doc(hidden)]
pub trait KeyField {
    /// The field's type itself.
    type Attribute: KeyAttribute;
}

impl<T: KeyAttribute> KeyField for T {
    type Attribute = T;
}

/// A value that converts into a key of type `H`: what [`IntoKey`] takes for one attribute, and
/// a tuple of such values, one per attribute, for a key of several.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a value of the key `{H}`",
    label = "expected `{H}`",
    note = "a key takes a value of its attribute's type (a `String` also takes `&str` or `&String`); a key of several attributes takes a tuple with a value for each, in the order the index declares them, and a query gives every partition key attribute"
)]
pub trait IntoKeyParts<H> {
    /// Converts into the key's type.
    fn into_parts(self) -> H;
}

// `T: IntoKey<H>` comes first: a value that does not fit a key of several attributes (one
// value, or a tuple too short) is reported first as a value of the wrong type.
impl<H, T> IntoKeyParts<H> for T
where
    T: IntoKey<H>,
    H: KeyAttribute,
{
    fn into_parts(self) -> H {
        self.into_key()
    }
}

macro_rules! tuple_into_parts {
    ($($key:ident $value:ident $index:tt),+) => {
        impl<$($key: KeyAttribute, $value: IntoKey<$key>),+> IntoKeyParts<($($key),+)>
            for ($($value),+)
        {
            fn into_parts(self) -> ($($key),+) {
                ($(self.$index.into_key()),+)
            }
        }
    };
}

macro_rules! tuple_key_parts {
    ($len:literal; $first:ident; $($rest:ident),+; $rest_ty:ty; $($key:ident $index:tt),+) => {
        impl<$first: KeyAttribute, $($rest: KeyAttribute),+> KeyParts for ($first, $($rest),+) {
            const SCALARS: &'static [ScalarType] =
                &[$first::SCALAR_TYPE, $($rest::SCALAR_TYPE),+];
            type First = $first;
            type Rest = $rest_ty;

            fn encode_parts(
                &self,
                names: &[&'static str],
                role: KeyRole,
            ) -> Result<Vec<(&'static str, AttributeValue)>, EncodeError> {
                if names.len() != $len {
                    return Err(EncodeError::new(format!(
                        "a key of {} attributes was given for the {} attributes {names:?}",
                        $len,
                        names.len()
                    )));
                }
                Ok(vec![$((names[$index], key_value(&self.$index, names[$index], role)?)),+])
            }
        }
    };
}

tuple_key_parts!(2; A; B; B; A 0, B 1);
tuple_key_parts!(3; A; B, C; (B, C); A 0, B 1, C 2);
tuple_key_parts!(4; A; B, C, D; (B, C, D); A 0, B 1, C 2, D 3);
tuple_into_parts!(A X 0, B Y 1);
tuple_into_parts!(A X 0, B Y 1, C Z 2);
tuple_into_parts!(A X 0, B Y 1, C Z 2, D W 3);
