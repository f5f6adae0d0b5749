//! Behaviour of the derive that needs no server: the codec, keys, schema metadata.
#![allow(unreachable_pub)]

mod codec;
mod declared_by_macro;
mod entity;
mod enums;
mod post;
#[path = "../support/spans.rs"]
mod span_capture;
mod stream;
