// A TS example that does not parse: reported at its doc line with swc's message.

prodlint_macros::declare_rule! {
    /// ## What it does
    /// Finds queries in loops.
    ///
    /// ## Why is this bad?
    /// One round trip per row.
    ///
    /// ## Example
    /// ```ts
    /// for (const id of ids) {
    ///   const user = await db.user.findUnique({ where: { id } );
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
