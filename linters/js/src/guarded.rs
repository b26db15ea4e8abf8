//! Branches that cannot run because an enclosing test already decided their own: in
//! `data?.serverId && isCloud ? <Chart url={data?.serverId ? remote : "http://localhost"} /> : …`
//! the inner test is always true, so its alternate is never taken. A per-file fact read
//! from the syntax tree, with no scope analysis, so kept to what stays put: a test is
//! known only when it is a name or a chain of property reads (`user`, `data?.server.id`,
//! `!this.ready`) written the same way as a test that encloses it, in the same function
//! (a callback may run after the value changed). Calls, comparisons and anything else are
//! never known.

use std::collections::BTreeSet;

use swc_common::{EqIgnoreSpan, Span, Spanned};
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

/// The spans of the branches in a file that an enclosing test rules out.
#[derive(Debug, Default)]
pub struct UnreachableBranches {
    spans: BTreeSet<(u32, u32)>,
}

impl UnreachableBranches {
    pub fn of(program: &Program) -> UnreachableBranches {
        let mut walker = Walker::default();
        program.visit_with(&mut walker);
        UnreachableBranches {
            spans: walker.unreachable,
        }
    }

    /// Whether the branch (an expression or a statement) with this span never runs.
    pub fn contains(&self, span: Span) -> bool {
        !self.spans.is_empty() && self.spans.contains(&(span.lo.0, span.hi.0))
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
}

#[derive(Default)]
struct Walker {
    /// What the enclosing tests of the function being walked established: an expression
    /// and whether it is truthy there.
    facts: Vec<(Expr, bool)>,
    unreachable: BTreeSet<(u32, u32)>,
}

fn strip_parens(expr: &Expr) -> &Expr {
    match expr {
        Expr::Paren(paren) => strip_parens(&paren.expr),
        _ => expr,
    }
}

/// A name or a chain of property reads: reading it twice gives the same value.
fn is_stable(expr: &Expr) -> bool {
    match expr {
        Expr::Ident(_) | Expr::This(_) => true,
        Expr::Member(member) => is_stable_read(member),
        Expr::OptChain(chain) => match &*chain.base {
            OptChainBase::Member(member) => is_stable_read(member),
            OptChainBase::Call(_) => false,
        },
        Expr::TsNonNull(non_null) => is_stable(&non_null.expr),
        Expr::Paren(paren) => is_stable(&paren.expr),
        _ => false,
    }
}

/// `a.b`, `a["b"]` of a stable `a`; not `a[key]`, whose key may change.
fn is_stable_read(member: &MemberExpr) -> bool {
    let fixed_key = match &member.prop {
        MemberProp::Computed(computed) => matches!(&*computed.expr, Expr::Lit(_)),
        MemberProp::Ident(_) | MemberProp::PrivateName(_) => true,
    };
    fixed_key && is_stable(&member.obj)
}

impl Walker {
    /// The facts that `test` being `truth` establishes: each side of `a && b` when true,
    /// of `a || b` when false; `!a` turns the truth around.
    fn facts_of(test: &Expr, truth: bool, out: &mut Vec<(Expr, bool)>) {
        match strip_parens(test) {
            Expr::Unary(unary) if unary.op == UnaryOp::Bang => {
                Walker::facts_of(&unary.arg, !truth, out)
            }
            Expr::Bin(bin)
                if (truth && bin.op == BinaryOp::LogicalAnd)
                    || (!truth && bin.op == BinaryOp::LogicalOr) =>
            {
                Walker::facts_of(&bin.left, truth, out);
                Walker::facts_of(&bin.right, truth, out);
            }
            expr if is_stable(expr) => out.push((expr.clone(), truth)),
            _ => {}
        }
    }

    /// The value of `test` where the facts hold, if they decide it.
    fn value_of(&self, test: &Expr) -> Option<bool> {
        match strip_parens(test) {
            Expr::Unary(unary) if unary.op == UnaryOp::Bang => {
                self.value_of(&unary.arg).map(|truth| !truth)
            }
            expr if is_stable(expr) => self
                .facts
                .iter()
                .rev()
                .find(|(known, _)| known.eq_ignore_span(expr))
                .map(|(_, truth)| *truth),
            _ => None,
        }
    }

    /// Visits `node` with the facts `test` being `truth` establishes.
    fn under<T: VisitWith<Self> + ?Sized>(&mut self, test: &Expr, truth: bool, node: &T) {
        let depth = self.facts.len();
        Walker::facts_of(test, truth, &mut self.facts);
        node.visit_with(self);
        self.facts.truncate(depth);
    }

    /// Visits the two branches of a test, or records the one it rules out.
    fn branches<C, A>(&mut self, test: &Expr, cons: &C, alt: Option<&A>)
    where
        C: VisitWith<Self> + Spanned,
        A: VisitWith<Self> + Spanned,
    {
        test.visit_with(self);
        match self.value_of(test) {
            Some(true) => {
                cons.visit_with(self);
                if let Some(alt) = alt {
                    let span = alt.span();
                    self.unreachable.insert((span.lo.0, span.hi.0));
                }
            }
            Some(false) => {
                let span = cons.span();
                self.unreachable.insert((span.lo.0, span.hi.0));
                if let Some(alt) = alt {
                    alt.visit_with(self);
                }
            }
            None => {
                self.under(test, true, cons);
                if let Some(alt) = alt {
                    self.under(test, false, alt);
                }
            }
        }
    }

    /// Visits a function: the facts of the tests around it need not hold when it runs.
    fn function<T: VisitWith<Self> + ?Sized>(&mut self, node: &T) {
        let outer = std::mem::take(&mut self.facts);
        node.visit_children_with(self);
        self.facts = outer;
    }
}

impl Visit for Walker {
    fn visit_cond_expr(&mut self, cond: &CondExpr) {
        self.branches(&cond.test, &*cond.cons, Some(&*cond.alt));
    }

    fn visit_if_stmt(&mut self, stmt: &IfStmt) {
        self.branches(&stmt.test, &*stmt.cons, stmt.alt.as_deref());
    }

    fn visit_bin_expr(&mut self, bin: &BinExpr) {
        match bin.op {
            // `user && <Profile url={user ? … : …} />`: the right side runs only when the
            // left is truthy (or, after `||`, falsy).
            BinaryOp::LogicalAnd => {
                bin.left.visit_with(self);
                self.under(&bin.left, true, &*bin.right);
            }
            BinaryOp::LogicalOr => {
                bin.left.visit_with(self);
                self.under(&bin.left, false, &*bin.right);
            }
            _ => bin.visit_children_with(self),
        }
    }

    fn visit_function(&mut self, function: &Function) {
        self.function(function);
    }

    fn visit_arrow_expr(&mut self, arrow: &ArrowExpr) {
        self.function(arrow);
    }

    fn visit_getter_prop(&mut self, prop: &GetterProp) {
        self.function(prop);
    }

    fn visit_setter_prop(&mut self, prop: &SetterProp) {
        self.function(prop);
    }

    fn visit_constructor(&mut self, constructor: &Constructor) {
        self.function(constructor);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unreachable_texts(source: &str) -> Vec<String> {
        let parsed = crate::parse("src/a.tsx", source).expect("parses");
        let branches = UnreachableBranches::of(&parsed.program);
        let mut texts: Vec<String> = branches
            .spans
            .iter()
            .map(|&(lo, hi)| source[lo as usize - 1..hi as usize - 1].to_string())
            .collect();
        texts.sort();
        texts
    }

    #[test]
    fn a_test_repeated_inside_its_own_branch() {
        assert_eq!(
            unreachable_texts(
                r#"const a = data?.serverId && isCloud ? (data?.serverId ? remote : "local") : none;"#
            ),
            vec![r#""local""#]
        );
        assert_eq!(
            unreachable_texts(r#"const b = user && (user ? "x" : "y");"#),
            vec![r#""y""#]
        );
        assert_eq!(
            unreachable_texts(r#"if (!this.ready) { f(this.ready ? "x" : "y"); }"#),
            vec![r#""x""#]
        );
        assert_eq!(
            unreachable_texts(r#"if (a.b) { g(); } else if (a.b) { h(); }"#),
            vec!["{ h(); }"]
        );
        assert_eq!(
            unreachable_texts(r#"const c = flag || (flag ? "x" : "y");"#),
            vec![r#""x""#]
        );
    }

    #[test]
    fn what_is_not_decided() {
        // A different value, a call, a comparison, a callback, either side of `||`.
        for source in [
            r#"const a = data?.serverId ? (data?.server ? r : "l") : n;"#,
            r#"const a = ready() ? (ready() ? r : "l") : n;"#,
            r#"const a = x === 1 ? (x === 1 ? r : "l") : n;"#,
            r#"const a = user && list.map(() => (user ? r : "l"));"#,
            r#"const a = (a || b) ? (a ? r : "l") : n;"#,
            r#"const a = m[k] ? (m[k] ? r : "l") : n;"#,
        ] {
            assert_eq!(unreachable_texts(source), Vec::<String>::new(), "{source}");
        }
    }
}
