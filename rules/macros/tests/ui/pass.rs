// A declaration with every kind of checked example, and a registry of two rules.

#[path = "support/prodlint_core.rs"]
mod prodlint_core;

use prodlint_core::{FixAvailability, Language, RuleEntry, Severity};

mod slow_query {
    // Where the stub of the types stands in for the crate.
    use crate::prodlint_core;

    prodlint_macros::declare_rule! {
        /// ## What it does
        /// Finds queries in loops.
        ///
        /// ## Why is this bad?
        /// One round trip per row.
        ///
        /// ## Example
        /// ```rs
        /// for id in &ids {
        ///     let user = db.find(*id).await?;
        /// }
        /// ```
        ///
        /// ```rust
        /// fn main() {
        ///     println!("a file with its own main");
        /// }
        /// ```
        ///
        /// ```ts
        /// for (const id of ids) await db.user.findUnique({ where: { id } as Where });
        /// ```
        ///
        /// ```tsx
        /// export const A = () => <div>{1 as number}</div>;
        /// ```
        ///
        /// ```js
        /// export const B = () => <div />;
        /// ```
        ///
        /// ## Options
        /// ```toml
        /// not checked = [
        /// ```
        pub static META = {
            id: "slow-query",
            languages: [Rust, JavaScript],
            severity: Warning,
            summary: "Queries in loops",
            fix: None,
        }
    }

    pub struct SlowQuery;

    impl SlowQuery {
        pub fn build() -> &'static str {
            "slow query"
        }
    }
}

mod open_socket {
    // Where the stub of the types stands in for the crate.
    use crate::prodlint_core;

    prodlint_macros::declare_rule! {
        /// ## What it does
        /// Finds sockets left open.
        ///
        /// ## Why is this bad?
        /// They run out.
        ///
        /// ## Example
        /// ```rs
        /// let socket = connect();
        /// ```
        pub static META = {
            fix: Safe,
            summary: "Sockets left open",
            severity: Error,
            languages: [Rust],
            id: "open-socket",
        }
    }

    pub struct OpenSocket;

    impl OpenSocket {
        pub fn build() -> &'static str {
            "open socket"
        }
    }
}

prodlint_macros::rule_registry! {
    static REGISTRY: &[RuleEntry] = [
        slow_query::SlowQuery,
        open_socket::OpenSocket,
    ];
}

fn main() {
    let ids: Vec<_> = REGISTRY.iter().map(|entry| entry.meta.id).collect();
    assert_eq!(ids, ["slow-query", "open-socket"]);
    assert_eq!((REGISTRY[1].build)(), "open socket");
    let meta = &slow_query::META;
    assert_eq!(meta.languages, [Language::Rust, Language::JavaScript]);
    assert_eq!(meta.default_severity, Severity::Warning);
    assert_eq!(meta.fix, FixAvailability::None);
    assert_eq!(meta.summary, "Queries in loops");
    assert!(meta.raw_docs.starts_with(" ## What it does\n Finds queries in loops.\n\n"));
    assert!(meta.raw_docs.ends_with(" not checked = [\n ```\n"));
    assert_eq!(open_socket::META.fix, FixAvailability::Safe);
    assert_eq!(open_socket::META.default_severity, Severity::Error);
}
