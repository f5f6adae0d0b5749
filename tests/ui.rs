//! Compile-time checks of the derives and the typed API: every `tests/ui/<category>/*.rs` must
//! fail to compile with exactly the reviewed `.stderr` next to it, and every
//! `tests/ui/pass/*.rs` must compile and run.
//!
//! Regenerate the expected output with `TRYBUILD=overwrite cargo test --test ui`, then read
//! every changed `.stderr`: the messages are the product.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    for category in [
        "key",
        "index",
        "attr",
        "type",
        "shape",
        "value",
        "query",
        "stream",
        "path",
        "key_arg",
        "expr",
        "projection",
        "table",
        "timestamp",
        "entity",
    ] {
        t.compile_fail(format!("tests/ui/{category}/*.rs"));
    }
}
