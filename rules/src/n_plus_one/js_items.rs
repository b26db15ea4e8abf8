//! What a TS/JS loop's call is given from the loop's own item: a request whose address
//! is the item's (`fetch(item.path)`, `` fetch(`${entry.host}/sync`) ``) or a statement
//! that is the item (`for (const sql of statements) await db.$executeRawUnsafe(sql)`).
//! Neither has a batched form: each item is another resource, often on another host, or
//! another statement.

use std::collections::HashSet;

use prodlint_core::Span;
use prodlint_js::ast::*;
use prodlint_js::call_summary::strip;
use prodlint_js::span;

/// The names of one loop that hold its item or values made from it.
#[derive(Debug, Clone, Default)]
pub(super) struct ItemNames {
    /// Bound by the loop: `entry` in `for (const [id, entry] of …)`, `i` in `for (let i =
    /// 0; …)`, `link` in `links.map(async (link) => …)`.
    pub bound: HashSet<String>,
    /// Declared in the body from an item: `const res = await upload(item)`; its fields are
    /// the item's (`res.upload_url`).
    pub per_item: HashSet<String>,
    /// Declared in the body as an item's address: `const url = item.href`.
    pub targets: HashSet<String>,
}

impl ItemNames {
    pub(super) fn of_pat(pat: &Pat) -> Self {
        let mut names = ItemNames::default();
        pat_names(pat, &mut names.bound);
        names
    }

    pub(super) fn of_head(head: &ForHead) -> Self {
        match head {
            ForHead::VarDecl(decl) => Self::of_decls(decl),
            ForHead::Pat(pat) => Self::of_pat(pat),
            ForHead::UsingDecl(_) => ItemNames::default(),
        }
    }

    pub(super) fn of_decls(decl: &VarDecl) -> Self {
        let mut names = ItemNames::default();
        for declarator in &decl.decls {
            pat_names(&declarator.name, &mut names.bound);
        }
        names
    }

    pub(super) fn of_params<'p>(params: impl Iterator<Item = &'p Pat>) -> Self {
        let mut names = ItemNames::default();
        for pat in params {
            pat_names(pat, &mut names.bound);
        }
        names
    }
}

/// All the loops around a call, in its function.
pub(super) struct Items<'f> {
    pub loops: Vec<&'f ItemNames>,
}

impl Items<'_> {
    fn is_item(&self, name: &str) -> bool {
        self.loops
            .iter()
            .any(|names| names.bound.contains(name) || names.per_item.contains(name))
    }

    fn is_bound(&self, name: &str) -> bool {
        self.loops.iter().any(|names| names.bound.contains(name))
    }

    fn is_target_name(&self, name: &str) -> bool {
        self.loops
            .iter()
            .any(|names| names.bound.contains(name) || names.targets.contains(name))
    }

    /// Whether an expression mentions an item of the loops.
    pub(super) fn mentions_item(&self, expr: &Expr) -> bool {
        struct Mentions<'a, 'f> {
            items: &'a Items<'f>,
            found: bool,
        }
        impl prodlint_js::visit::Visit for Mentions<'_, '_> {
            fn visit_ident(&mut self, ident: &Ident) {
                self.found |= self.items.is_item(&ident.sym);
            }
            fn visit_member_prop(&mut self, prop: &MemberProp) {
                if let MemberProp::Computed(computed) = prop {
                    prodlint_js::visit::VisitWith::visit_with(&*computed.expr, self);
                }
            }
        }
        let mut mentions = Mentions {
            items: self,
            found: false,
        };
        prodlint_js::visit::VisitWith::visit_with(expr, &mut mentions);
        mentions.found
    }

    /// An address that is the item's own: `item.path`, `entry`, `` `${entry.host}/x` ``,
    /// `entry.base + "/x"`, `media[i].url`, `upload.write_url` of a per-item response;
    /// not `` `https://api.example.com/x/${id}` `` (one service, one host).
    pub(super) fn is_item_target(&self, expr: &Expr) -> bool {
        match strip(expr) {
            Expr::Ident(ident) => self.is_target_name(&ident.sym),
            Expr::Member(member) => self.is_item_object(&member.obj, &member.prop),
            Expr::OptChain(opt) => match &*opt.base {
                OptChainBase::Member(member) => self.is_item_object(&member.obj, &member.prop),
                OptChainBase::Call(_) => false,
            },
            Expr::Tpl(tpl) => {
                tpl.quasis.first().is_some_and(|q| q.raw.is_empty())
                    && tpl.exprs.first().is_some_and(|e| self.is_item_target(e))
            }
            Expr::Bin(bin) if bin.op == BinaryOp::Add => self.is_item_target(&bin.left),
            Expr::New(new) => {
                matches!(strip(&new.callee), Expr::Ident(i) if &*i.sym == "URL")
                    && new
                        .args
                        .as_ref()
                        .and_then(|args| args.first())
                        .is_some_and(|arg| self.is_item_target(&arg.expr))
            }
            _ => false,
        }
    }

    /// `item.a.b`, `media[i]`, `res.url` with `res` from an item.
    fn is_item_object(&self, obj: &Expr, prop: &MemberProp) -> bool {
        if let MemberProp::Computed(computed) = prop {
            if matches!(strip(&computed.expr), Expr::Ident(i) if self.is_bound(&i.sym)) {
                return true;
            }
        }
        match strip(obj) {
            Expr::Ident(ident) => self.is_item(&ident.sym),
            Expr::Member(member) => self.is_item_object(&member.obj, &member.prop),
            _ => false,
        }
    }

    /// A statement whose table is the item of the one loop around it and that takes a
    /// whole set: `` `DELETE FROM ${table} WHERE owner = ANY($1)` `` in `for (const table
    /// of tables)`. Its rows are one statement per table already, and statements on
    /// different tables are not one. Inside another loop (`for (const user of users)`)
    /// the statement still repeats per item of that one.
    pub(super) fn is_item_table_statement(&self, expr: &Expr) -> bool {
        let [names] = self.loops.as_slice() else {
            return false;
        };
        let Expr::Tpl(tpl) = strip(expr) else {
            return false;
        };
        let mut text = String::new();
        for (i, quasi) in tpl.quasis.iter().enumerate() {
            text.push_str(&quasi.raw);
            match tpl.exprs.get(i).map(|e| strip(e)) {
                // `${table}`, `${model.tableName}`: the name the table is read from.
                Some(Expr::Ident(ident)) => {
                    text.push_str("${");
                    text.push_str(&ident.sym);
                    text.push('}');
                }
                Some(Expr::Member(member)) if matches!(strip(&member.obj), Expr::Ident(_)) => {
                    if let Expr::Ident(object) = strip(&member.obj) {
                        text.push_str("${");
                        text.push_str(&object.sym);
                        text.push('}');
                    }
                }
                Some(_) => text.push_str("${}"),
                None => {}
            }
        }
        super::table_named_by(&text, &names.bound) && super::names_a_set(&text)
    }

    /// A statement that is the loop's item itself: `sql` in `for (const sql of sqlList)`.
    pub(super) fn is_item_statement(&self, expr: &Expr) -> bool {
        matches!(strip(expr), Expr::Ident(ident) if self.is_bound(&ident.sym))
    }
}

/// What a name declared in a loop body holds, for [`ItemNames`].
pub(super) fn declare(names: &mut ItemNames, items: &Items<'_>, name: &str, init: &Expr) {
    if items.is_item_target(init) {
        names.targets.insert(name.to_string());
    }
    if items.mentions_item(init) && !has_fixed_start(init) {
        names.per_item.insert(name.to_string());
    }
}

/// A string that starts with written text: `` `https://api.x/${id}` ``, `"/users/" + id`.
fn has_fixed_start(expr: &Expr) -> bool {
    match strip(expr) {
        Expr::Lit(Lit::Str(_)) => true,
        Expr::Tpl(tpl) => tpl.quasis.first().is_some_and(|q| !q.raw.is_empty()),
        Expr::Bin(bin) if bin.op == BinaryOp::Add => has_fixed_start(&bin.left),
        _ => false,
    }
}

pub(super) fn pat_names(pat: &Pat, out: &mut HashSet<String>) {
    let mut idents = Vec::new();
    prodlint_js::pattern_idents(pat, &mut idents);
    out.extend(idents.into_iter().map(|ident| ident.sym.to_string()));
}

/// The arguments of the call in `expr`'s chain that spans `at`: `fetch(url)` in
/// `(await fetch(url)).json()`.
pub(super) fn args_at(expr: &Expr, at: Span) -> Option<&[ExprOrSpread]> {
    match strip(expr) {
        Expr::Call(call) => {
            if span(call.span) == at {
                return Some(&call.args);
            }
            match &call.callee {
                Callee::Expr(callee) => args_at(callee, at),
                _ => None,
            }
        }
        Expr::Member(member) => args_at(&member.obj, at),
        Expr::Await(await_expr) => args_at(&await_expr.arg, at),
        Expr::OptChain(opt) => match &*opt.base {
            OptChainBase::Call(call) if span(call.span) == at => Some(&call.args),
            OptChainBase::Call(call) => args_at(&call.callee, at),
            OptChainBase::Member(member) => args_at(&member.obj, at),
        },
        _ => None,
    }
}

/// A request that reads or stores one resource whole: `fetch(url)`, `fetch(url, {
/// method: "HEAD" })`, `axios.get(url)`, `http.put(url, body)`; not a `POST` or a method
/// that is not written out.
pub(super) fn transfers_resource(method: &str, args: &[ExprOrSpread]) -> bool {
    match method {
        "get" | "head" | "put" => true,
        "fetch" | "$fetch" | "ky" | "got" | "request" => {
            let Some(options) = args.get(1) else {
                return true;
            };
            let Expr::Object(object) = strip(&options.expr) else {
                return false;
            };
            let mut written = None;
            for prop in &object.props {
                let PropOrSpread::Prop(prop) = prop else {
                    return false;
                };
                if let Prop::KeyValue(kv) = &**prop {
                    let is_method = match &kv.key {
                        PropName::Ident(ident) => &*ident.sym == "method",
                        PropName::Str(key) => &*key.value.to_atom_lossy() == "method",
                        _ => false,
                    };
                    if is_method {
                        written = Some(match strip(&kv.value) {
                            Expr::Lit(Lit::Str(value)) => {
                                value.value.to_atom_lossy().to_ascii_uppercase()
                            }
                            _ => String::new(),
                        });
                    }
                }
            }
            written.is_none_or(|m| matches!(m.as_str(), "GET" | "HEAD" | "PUT"))
        }
        _ => false,
    }
}

/// SQL text that changes the schema or maintains storage (`DROP TABLE "${name}"`,
/// `ALTER TABLE … ADD COLUMN`, `CREATE INDEX`, `VACUUM`, `REFRESH MATERIALIZED VIEW`):
/// run once per table or field, each a unit of work of its own, with no batched form.
pub(super) fn is_schema_statement(expr: &Expr) -> bool {
    let text = match strip(expr) {
        Expr::Lit(Lit::Str(s)) => s.value.to_atom_lossy().to_string(),
        Expr::Tpl(tpl) => tpl
            .quasis
            .first()
            .map(|q| q.raw.to_string())
            .unwrap_or_default(),
        _ => return false,
    };
    super::is_schema_sql(&text)
}

/// Methods that run the SQL text they are given.
pub(super) fn runs_statement_text(method: &str) -> bool {
    matches!(
        method,
        "$executeRawUnsafe"
            | "$queryRawUnsafe"
            | "query"
            | "execute"
            | "exec"
            | "raw"
            | "unsafe"
            | "none"
            | "any"
            | "manyOrNone"
    )
}
