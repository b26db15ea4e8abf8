// Two rules declare `slow-query`: the build fails at the second in the registry.

#[path = "support/prodlint_core.rs"]
mod prodlint_core;

use prodlint_core::RuleEntry;

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
        /// let user = db.find(id);
        /// ```
        pub static META = {
            id: "slow-query",
            languages: [Rust],
            severity: Warning,
            summary: "Queries in loops",
            fix: None,
        }
    }

    pub struct SlowQuery;

    impl SlowQuery {
        pub fn build() -> &'static str {
            "slow-query"
        }
    }
}

mod open_socket {
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
        /// let user = db.find(id);
        /// ```
        pub static META = {
            id: "open-socket",
            languages: [Rust],
            severity: Warning,
            summary: "Queries in loops",
            fix: None,
        }
    }

    pub struct OpenSocket;

    impl OpenSocket {
        pub fn build() -> &'static str {
            "open-socket"
        }
    }
}

mod query_in_loop {
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
        /// let user = db.find(id);
        /// ```
        pub static META = {
            id: "slow-query",
            languages: [Rust],
            severity: Warning,
            summary: "Queries in loops",
            fix: None,
        }
    }

    pub struct QueryInLoop;

    impl QueryInLoop {
        pub fn build() -> &'static str {
            "slow-query"
        }
    }
}

prodlint_macros::rule_registry! {
    static REGISTRY: &[RuleEntry] = [
        slow_query::SlowQuery,
        open_socket::OpenSocket,
        query_in_loop::QueryInLoop,
    ];
}

fn main() {
    let _ = REGISTRY;
}
