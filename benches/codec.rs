//! Codec benchmark (see issue 2).
fn main() {}
