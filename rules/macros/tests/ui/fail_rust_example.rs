// A Rust example that does not parse: the missing `;` is reported at its doc line.

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
    ///     let user = db.find(id)?
    ///     users.push(user);
    /// }
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
