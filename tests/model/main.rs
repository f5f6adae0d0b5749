//! Behaviour of the derive that needs no server: the codec, keys, schema metadata.
#![allow(unreachable_pub)]

mod codec;
mod enums;
mod post;
