//! The declaration checks, as a user of the macros meets them: each `ui/*.rs` case is
//! compiled, and a failing one's messages must match its checked-in `.stderr`.
//! `TRYBUILD=overwrite cargo test -p prodlint_macros --test ui` rewrites those files.

#[test]
fn declarations() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass.rs");
    cases.compile_fail("tests/ui/fail_*.rs");
}
