// No `## Why is this bad?` section.

prodlint_macros::declare_rule! {
    /// ## What it does
    /// Finds queries in loops.
    ///
    /// ## Example
    /// ```rs
    /// let user = db.find(id);
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
