use prodlint_core::{Diagnostic, Span};
use prodlint_js::ast::*;
use prodlint_js::visit::{Visit, VisitWith};

use super::keys::{is_identifier_key, key_kind, KeyKind};
use super::{diagnostic, find_address, HardcodedUrl, Role};
use crate::JsContext;

pub(super) fn check(rule: &HardcodedUrl, ctx: &JsContext<'_>, out: &mut Vec<Diagnostic>) {
    let mut visitor = Visitor {
        rule,
        ctx,
        out,
        role: Role::Plain,
        link: false,
    };
    ctx.parsed.program.visit_with(&mut visitor);
}

struct Visitor<'a, 'c> {
    rule: &'a HardcodedUrl,
    ctx: &'a JsContext<'c>,
    out: &'a mut Vec<Diagnostic>,
    /// The role of the literals in the subtree being visited.
    role: Role,
    /// Inside content for people (a JSX `href`, an `avatar` key, a data literal): public
    /// addresses there are links and pictures, not endpoints; local ones are still reported.
    link: bool,
}

fn atom_text(value: &swc_atoms::Wtf8Atom) -> String {
    value.to_atom_lossy().as_str().to_string()
}

/// The name of a property: `a`, `"a"`, `['a']`.
fn prop_name(name: &PropName) -> Option<String> {
    match name {
        PropName::Ident(ident) => Some(ident.sym.to_string()),
        PropName::Str(s) => Some(atom_text(&s.value)),
        PropName::Computed(computed) => match &*computed.expr {
            Expr::Lit(Lit::Str(s)) => Some(atom_text(&s.value)),
            _ => None,
        },
        _ => None,
    }
}

fn member_prop_name(prop: &MemberProp) -> Option<String> {
    match prop {
        MemberProp::Ident(ident) => Some(ident.sym.to_string()),
        MemberProp::Computed(computed) => match &*computed.expr {
            Expr::Lit(Lit::Str(s)) => Some(atom_text(&s.value)),
            _ => None,
        },
        MemberProp::PrivateName(_) => None,
    }
}

/// `process.env`, `import.meta.env`, `Deno.env`, `Bun.env`: an object of environment
/// variables.
fn is_env_object(expr: &Expr) -> bool {
    match expr {
        Expr::Member(member) => {
            let prop = member_prop_name(&member.prop);
            if prop.as_deref() != Some("env") {
                return false;
            }
            match &*member.obj {
                Expr::Ident(ident) => matches!(&*ident.sym, "process" | "Deno" | "Bun"),
                Expr::MetaProp(meta) => meta.kind == MetaPropKind::ImportMeta,
                _ => false,
            }
        }
        Expr::Paren(paren) => is_env_object(&paren.expr),
        _ => false,
    }
}

/// Whether a callee reads configuration: `config.get(..)`, `this.configService.get(..)`,
/// `Deno.env.get(..)`, `getenv(..)`.
fn is_config_getter(callee: &Callee) -> bool {
    let Callee::Expr(callee) = callee else {
        return false;
    };
    match &**callee {
        Expr::Member(member) => {
            let method = member_prop_name(&member.prop);
            if !matches!(
                method.as_deref(),
                Some("get" | "getString" | "getOrDefault")
            ) {
                return false;
            }
            if is_env_object(&member.obj) {
                return true;
            }
            let object = match &*member.obj {
                Expr::Ident(ident) => ident.sym.to_string(),
                Expr::Member(inner) => member_prop_name(&inner.prop).unwrap_or_default(),
                Expr::Call(call) => match &call.callee {
                    Callee::Expr(expr) => match &**expr {
                        Expr::Ident(ident) => ident.sym.to_string(),
                        _ => String::new(),
                    },
                    _ => String::new(),
                },
                _ => String::new(),
            };
            object.to_ascii_lowercase().contains("config")
        }
        Expr::Ident(ident) => matches!(&*ident.sym, "getenv" | "getEnv"),
        _ => false,
    }
}

fn first_string_arg(args: &[ExprOrSpread]) -> Option<String> {
    match args.first().map(|arg| &*arg.expr) {
        Some(Expr::Lit(Lit::Str(s))) => Some(atom_text(&s.value)),
        _ => None,
    }
}

/// Finds a configuration read in `expr` (the left side of `||`, the test of `?:`): its
/// span and the variable's name where it is written.
fn config_read(expr: &Expr) -> Option<(Span, Option<String>)> {
    match expr {
        Expr::Member(member) if is_env_object(&member.obj) => Some((
            prodlint_js::span(member.span),
            member_prop_name(&member.prop),
        )),
        Expr::Member(member) => config_read(&member.obj),
        Expr::Call(call) if is_config_getter(&call.callee) => {
            Some((prodlint_js::span(call.span), first_string_arg(&call.args)))
        }
        Expr::Call(call) => match &call.callee {
            Callee::Expr(callee) => config_read(callee),
            _ => None,
        },
        Expr::Paren(paren) => config_read(&paren.expr),
        Expr::Bin(bin) => config_read(&bin.left).or_else(|| config_read(&bin.right)),
        Expr::Unary(unary) => config_read(&unary.arg),
        Expr::TsNonNull(non_null) => config_read(&non_null.expr),
        Expr::TsAs(as_expr) => config_read(&as_expr.expr),
        Expr::OptChain(chain) => match &*chain.base {
            OptChainBase::Member(member) => config_read(&Expr::Member(member.clone())),
            OptChainBase::Call(call) => config_read(&call.callee),
        },
        _ => None,
    }
}

/// A callee's last name: `cors` in `cors(..)`, `enableCors` in `app.enableCors(..)`.
fn callee_name(callee: &Callee) -> Option<String> {
    let Callee::Expr(expr) = callee else {
        return None;
    };
    match &**expr {
        Expr::Ident(ident) => Some(ident.sym.to_string()),
        Expr::Member(member) => member_prop_name(&member.prop),
        _ => None,
    }
}

fn callee_object(callee: &Callee) -> Option<String> {
    let Callee::Expr(expr) = callee else {
        return None;
    };
    match &**expr {
        Expr::Member(member) => match &*member.obj {
            Expr::Ident(ident) => Some(ident.sym.to_string()),
            Expr::Member(inner) => member_prop_name(&inner.prop),
            _ => None,
        },
        _ => None,
    }
}

/// Keys that name CORS origins inside a CORS configuration; elsewhere `origin` is, say, a
/// `MessageEvent`'s.
const ORIGIN_KEYS: &[&str] = &["origin", "origins"];

/// Keys that name CORS origins wherever they appear.
const CORS_KEYS: &[&str] = &[
    "cors",
    "allowedOrigins",
    "allowOrigins",
    "allowed_origins",
    "corsOrigins",
    "corsOrigin",
];

/// JSX attributes whose value is a link for people to follow.
const JSX_LINK_ATTRIBUTES: &[&str] = &["href", "xlinkHref", "xlink:href", "cite", "to"];

/// Records (object literals in arrays) that make a pure literal a data set rather than
/// configuration: a list of environments or regions has a handful, a generated list of
/// sponsors, posts or products has dozens.
const DATA_RECORDS: usize = 10;

/// Whether `expr` is a pure literal (strings, numbers, arrays and objects of them, nothing
/// computed), counting the object literals that are array elements into `records`.
fn is_pure_literal(expr: &Expr, records: &mut usize) -> bool {
    match expr {
        Expr::Lit(Lit::Str(_) | Lit::Num(_) | Lit::Bool(_) | Lit::Null(_) | Lit::BigInt(_)) => true,
        Expr::Tpl(tpl) => tpl.exprs.is_empty(),
        Expr::Unary(unary) if unary.op == UnaryOp::Minus => is_pure_literal(&unary.arg, records),
        Expr::Paren(paren) => is_pure_literal(&paren.expr, records),
        Expr::TsAs(as_expr) => is_pure_literal(&as_expr.expr, records),
        Expr::TsConstAssertion(assertion) => is_pure_literal(&assertion.expr, records),
        Expr::TsSatisfies(satisfies) => is_pure_literal(&satisfies.expr, records),
        Expr::Array(array) => array.elems.iter().flatten().all(|element| {
            if element.spread.is_some() {
                return false;
            }
            if matches!(&*element.expr, Expr::Object(_)) {
                *records += 1;
            }
            is_pure_literal(&element.expr, records)
        }),
        Expr::Object(object) => object.props.iter().all(|prop| match prop {
            PropOrSpread::Prop(prop) => match &**prop {
                Prop::KeyValue(kv) => {
                    !matches!(kv.key, PropName::Computed(_)) && is_pure_literal(&kv.value, records)
                }
                _ => false,
            },
            PropOrSpread::Spread(_) => false,
        }),
        _ => false,
    }
}

/// A data set written as a literal: tweets, sponsors, testimonials pasted or generated into
/// a module. The addresses in it are content (avatars, profile pages, post links), whatever
/// key they sit under, except where a key names an endpoint.
fn is_data_literal(expr: &Expr) -> bool {
    let mut records = 0;
    is_pure_literal(expr, &mut records) && records >= DATA_RECORDS
}

impl Visitor<'_, '_> {
    /// Visits with `link` set to `link`.
    fn as_link(&mut self, link: bool, f: impl FnOnce(&mut Self)) {
        let saved = std::mem::replace(&mut self.link, link);
        f(self);
        self.link = saved;
    }

    /// Visits a value under `key` (an object key, a JSX attribute): a key that names a
    /// link or a picture makes its public addresses content, one that names an endpoint
    /// makes them addresses again, even inside content.
    fn under_key(&mut self, key: &str, f: impl FnOnce(&mut Self)) {
        let link = match key_kind(key) {
            KeyKind::People => true,
            KeyKind::Endpoint => false,
            KeyKind::Neutral => self.link,
        };
        self.as_link(link, f);
    }

    /// Visits an array or object literal, as content when it is a data set.
    fn literal(&mut self, expr: &Expr, f: impl FnOnce(&mut Self)) {
        if !self.link && is_data_literal(expr) {
            self.as_link(true, f);
        } else {
            f(self);
        }
    }

    fn with_role(&mut self, role: Role, f: impl FnOnce(&mut Self)) {
        let saved = std::mem::replace(&mut self.role, role);
        f(self);
        self.role = saved;
    }

    fn report(&mut self, value: &str, then_placeholder: bool, span: swc_common::Span) {
        let Some(mut address) = find_address(value, then_placeholder) else {
            return;
        };
        if (self.link && !address.local) || self.rule.is_allowed(&address) {
            return;
        }
        let span = prodlint_js::span(span);
        if then_placeholder {
            // Show the template as written, substitutions included.
            address.text = self.ctx.file.slice(span).trim_matches('`').to_string();
        }
        self.out
            .push(diagnostic(self.ctx.file, span, &address, &self.role));
    }
}

impl Visit for Visitor<'_, '_> {
    // Module specifiers and types are not runtime addresses.
    fn visit_import_decl(&mut self, _: &ImportDecl) {}
    fn visit_export_all(&mut self, _: &ExportAll) {}
    fn visit_named_export(&mut self, export: &NamedExport) {
        if export.src.is_none() {
            export.visit_children_with(self);
        }
    }
    fn visit_ts_type(&mut self, _: &TsType) {}
    fn visit_ts_module_name(&mut self, _: &TsModuleName) {}
    fn visit_ts_external_module_ref(&mut self, _: &TsExternalModuleRef) {}

    fn visit_str(&mut self, s: &Str) {
        self.report(&atom_text(&s.value), false, s.span);
    }

    fn visit_tpl(&mut self, tpl: &Tpl) {
        if let Some(first) = tpl.quasis.first() {
            let text = first
                .cooked
                .as_ref()
                .map_or_else(|| first.raw.to_string(), atom_text);
            self.report(&text, !tpl.exprs.is_empty(), tpl.span);
        }
        for expr in &tpl.exprs {
            expr.visit_with(self);
        }
    }

    fn visit_tagged_tpl(&mut self, tagged: &TaggedTpl) {
        // `sql\`…\``, `gql\`…\``, `css\`…\``: embedded languages, not addresses; their
        // substitutions are still code.
        tagged.tag.visit_with(self);
        for expr in &tagged.tpl.exprs {
            expr.visit_with(self);
        }
    }

    fn visit_bin_expr(&mut self, bin: &BinExpr) {
        if matches!(bin.op, BinaryOp::LogicalOr | BinaryOp::NullishCoalescing) {
            if let Some(config) = config_read(&bin.left) {
                bin.left.visit_with(self);
                self.with_role(
                    Role::Fallback {
                        config: Some(config),
                    },
                    |v| bin.right.visit_with(v),
                );
                return;
            }
        }
        bin.visit_children_with(self);
    }

    fn visit_cond_expr(&mut self, cond: &CondExpr) {
        match config_read(&cond.test) {
            Some(config) => {
                cond.test.visit_with(self);
                let role = Role::Fallback {
                    config: Some(config),
                };
                self.with_role(role.clone(), |v| cond.cons.visit_with(v));
                self.with_role(role, |v| cond.alt.visit_with(v));
            }
            None => cond.visit_children_with(self),
        }
    }

    fn visit_var_declarator(&mut self, declarator: &VarDeclarator) {
        // `const corsOptions = { origin: [...] }`
        if let Pat::Ident(name) = &declarator.name {
            if name.id.sym.to_ascii_lowercase().contains("cors") {
                self.with_role(Role::Cors, |v| declarator.init.visit_with(v));
                return;
            }
        }
        // `const { API_URL = "http://localhost:3000" } = process.env`
        if let (Pat::Object(pattern), Some(init)) = (&declarator.name, &declarator.init) {
            if is_env_object(init) {
                for prop in &pattern.props {
                    if let ObjectPatProp::Assign(assign) = prop {
                        if let Some(default) = &assign.value {
                            let config = Some((
                                prodlint_js::span(assign.key.span),
                                Some(assign.key.sym.to_string()),
                            ));
                            self.with_role(Role::Fallback { config }, |v| default.visit_with(v));
                        }
                    }
                }
                return;
            }
        }
        declarator.visit_children_with(self);
    }

    fn visit_call_expr(&mut self, call: &CallExpr) {
        let name = callee_name(&call.callee);
        let object = callee_object(&call.callee);
        match (name.as_deref(), object.as_deref()) {
            // Messages for people, not addresses the program uses.
            (_, Some("console")) => return,
            // Namespaces: `document.createElementNS("http://www.w3.org/…", …)`.
            (Some(n), _) if n.ends_with("NS") => return,
            (Some("require"), None) => return,
            // `window.open("https://…")`: a page opened for people to read.
            (Some("open"), Some("window")) => {
                call.callee.visit_with(self);
                if let Some((first, rest)) = call.args.split_first() {
                    self.as_link(true, |v| first.visit_with(v));
                    rest.visit_with(self);
                }
                return;
            }
            (Some("cors" | "enableCors" | "allowOrigin" | "allowOrigins"), _) => {
                call.callee.visit_with(self);
                self.with_role(Role::Cors, |v| call.args.visit_with(v));
                return;
            }
            (Some("setHeader" | "header" | "set" | "append"), _)
                if first_string_arg(&call.args)
                    .is_some_and(|h| h.eq_ignore_ascii_case("access-control-allow-origin")) =>
            {
                call.callee.visit_with(self);
                self.with_role(Role::Cors, |v| call.args[1..].visit_with(v));
                return;
            }
            _ => {}
        }
        if matches!(call.callee, Callee::Import(_)) {
            return;
        }
        if is_config_getter(&call.callee) && call.args.len() >= 2 {
            // `config.get("API_URL", "http://localhost:3000")`
            let config = Some((prodlint_js::span(call.span), first_string_arg(&call.args)));
            call.callee.visit_with(self);
            self.with_role(Role::Fallback { config }, |v| call.args[1..].visit_with(v));
            return;
        }
        call.visit_children_with(self);
    }

    fn visit_new_expr(&mut self, new: &NewExpr) {
        // `new URL(req.url, "http://localhost")`: the base only serves to parse a path.
        if matches!(&*new.callee, Expr::Ident(ident) if &*ident.sym == "URL") {
            if let Some(args) = &new.args {
                if let Some(first) = args.first() {
                    first.visit_with(self);
                }
                if args.len() < 2 {
                    return;
                }
                for arg in &args[2..] {
                    arg.visit_with(self);
                }
                return;
            }
        }
        new.visit_children_with(self);
    }

    fn visit_key_value_prop(&mut self, prop: &KeyValueProp) {
        let key = prop_name(&prop.key);
        match key.as_deref() {
            Some(key) if is_identifier_key(key) => {}
            Some(key)
                if CORS_KEYS.contains(&key)
                    || (ORIGIN_KEYS.contains(&key) && self.role == Role::Cors) =>
            {
                self.with_role(Role::Cors, |v| prop.value.visit_with(v));
            }
            // `{ avatar: … }`, the props of a render function's element `h("a", { href: … })`:
            // content; `{ apiUrl: … }`: an endpoint.
            Some(key) if !matches!(prop.key, PropName::Computed(_)) => {
                self.under_key(key, |v| prop.value.visit_with(v));
            }
            _ => {
                if let PropName::Computed(computed) = &prop.key {
                    computed.visit_with(self);
                }
                prop.value.visit_with(self);
            }
        }
    }

    fn visit_jsx_attr(&mut self, attr: &JSXAttr) {
        let name = match &attr.name {
            JSXAttrName::Ident(ident) => ident.sym.to_string(),
            JSXAttrName::JSXNamespacedName(name) => format!("{}:{}", name.ns.sym, name.name.sym),
        };
        if is_identifier_key(&name) {
            return;
        }
        // Links for people to follow; `to` is a router link's target. Media attributes
        // (`src`, `poster`) are assets the page loads from a host, and stay addresses.
        let link = JSX_LINK_ATTRIBUTES.contains(&name.as_str());
        self.as_link(link || self.link, |v| attr.value.visit_with(v));
    }

    fn visit_expr(&mut self, expr: &Expr) {
        match expr {
            Expr::Array(_) | Expr::Object(_) => {
                self.literal(expr, |v| expr.visit_children_with(v));
            }
            _ => expr.visit_children_with(self),
        }
    }
}
