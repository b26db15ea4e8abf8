// The id is not kebab-case.

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
        id: "Slow_Query",
        languages: [Rust, JavaScript],
        severity: Warning,
        summary: "Queries in loops",
        fix: None,
    }
}

fn main() {}
