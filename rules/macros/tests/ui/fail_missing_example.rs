// No `## Example` section.

prodlint_macros::declare_rule! {
    /// ## What it does
    /// Finds queries in loops.
    ///
    /// ## Why is this bad?
    /// One round trip per row.
    ///
    /// ## Use instead
    /// ```rs
    /// let users = db.find_all(ids);
    /// ```
    pub static META = {
        id: "slow-query",
        languages: [Rust, JavaScript],
        severity: Warning,
        summary: "Queries in loops",
        fix: None,
    }
}

fn main() {}
