//! Behaviour of the derive that needs no server: the codec, keys, schema metadata.

mod codec;
mod post;
