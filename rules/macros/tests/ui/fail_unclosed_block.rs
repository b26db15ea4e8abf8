// An example block that is never closed.

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
    pub static META = {
        id: "slow-query",
        languages: [Rust, JavaScript],
        severity: Warning,
        summary: "Queries in loops",
        fix: None,
    }
}

fn main() {}
