//! Code that runs only outside production: the branches of a development, test or mock
//! mode (`if (process.env.NODE_ENV !== "production")`, `import.meta.env.DEV`,
//! `isTestMode ? … : …`, `process.env.CI`), and the bindings a file uses only there
//! (`const DEV_ORIGINS = […]` read only in `isProduction ? [] : DEV_ORIGINS`). A per-file
//! fact read from the syntax tree, with no scope analysis: a name bound more than once in
//! the file is never taken for a development binding.

use std::collections::{BTreeMap, BTreeSet};

use prodlint_core::modes::mode_of_name;
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

/// The name of a member: `a` in `x.a`, `x["a"]`.
pub fn member_prop_name(prop: &MemberProp) -> Option<String> {
    match prop {
        MemberProp::Ident(ident) => Some(ident.sym.to_string()),
        MemberProp::Computed(computed) => match &*computed.expr {
            Expr::Lit(Lit::Str(s)) => Some(s.value.to_atom_lossy().as_str().to_string()),
            _ => None,
        },
        MemberProp::PrivateName(_) => None,
    }
}

/// `process.env`, `import.meta.env`, `Deno.env`, `Bun.env`: an object of environment
/// variables.
pub fn is_env_object(expr: &Expr) -> bool {
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

/// `NODE_ENV` and Vite's `MODE` compared with a mode name; also `NODE_ENV` once read into
/// a configuration (`config.nodeEnv`, `const nodeEnv = …`, `config().nodeEnv`).
pub fn is_mode_read(expr: &Expr) -> bool {
    let is_node_env = |name: &str| matches!(name, "NODE_ENV" | "nodeEnv" | "node_env");
    match expr {
        Expr::Member(member) => match member_prop_name(&member.prop).as_deref() {
            // `process.env.ENVIRONMENT === "production"`, `APP_ENV`: a deployment's stage.
            Some("MODE" | "ENVIRONMENT" | "APP_ENV" | "NEXT_PUBLIC_APP_ENV") => {
                is_env_object(&member.obj)
            }
            Some(name) => is_node_env(name),
            None => false,
        },
        Expr::Ident(ident) => is_node_env(&ident.sym),
        Expr::Paren(paren) => is_mode_read(&paren.expr),
        _ => false,
    }
}

/// The mode a mode read is compared with: `"development"`, or an enum member named for
/// one (`NodeEnvEnum.Development`). `Some(true)` for a development or test mode,
/// `Some(false)` for production.
pub fn mode_value(expr: &Expr) -> Option<bool> {
    let mode = match expr {
        Expr::Lit(Lit::Str(s)) => s.value.to_atom_lossy().as_str().to_string(),
        Expr::Member(member) => member_prop_name(&member.prop)?.to_ascii_lowercase(),
        Expr::Paren(paren) => return mode_value(&paren.expr),
        _ => return None,
    };
    match mode.as_str() {
        "development" | "dev" | "test" | "local" => Some(true),
        "production" | "prod" => Some(false),
        _ => None,
    }
}

/// `true`, `"true"`, `"1"`: what a flag is compared with to test that it is set.
fn truth_value(expr: &Expr) -> Option<bool> {
    match expr {
        Expr::Lit(Lit::Bool(b)) => Some(b.value),
        Expr::Lit(Lit::Str(s)) => match s.value.to_atom_lossy().as_str() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        Expr::Paren(paren) => truth_value(&paren.expr),
        _ => None,
    }
}

/// Whether `expr` holds only outside production (`Some(true)`: `import.meta.env.DEV`,
/// `process.env.NODE_ENV !== "production"`, `__DEV__`, SvelteKit's `dev`, a mode flag
/// such as `isTestMode`, `isMockMode`, `isE2E`, `isStorybook`, `process.env.CI`,
/// `window.Cypress`) or only in production (`Some(false)`: `import.meta.env.PROD`,
/// `NODE_ENV === "production"`, `isProduction`).
pub fn non_production_test(expr: &Expr) -> Option<bool> {
    match expr {
        Expr::Paren(paren) => non_production_test(&paren.expr),
        Expr::Unary(unary) if unary.op == UnaryOp::Bang => {
            non_production_test(&unary.arg).map(|dev| !dev)
        }
        // SvelteKit's `import { dev } from "$app/environment"`.
        Expr::Ident(ident) if matches!(&*ident.sym, "dev" | "__DEV__") => Some(true),
        // Set by a test runner in the browser it drives.
        Expr::Ident(ident) if &*ident.sym == "Cypress" => Some(true),
        Expr::Ident(ident) => mode_of_name(&ident.sym, false),
        // `import.meta.env.DEV`, `process.env.CI`, `process.env.PLAYWRIGHT`: a variable read
        // as a condition is a flag, whatever its name's form.
        Expr::Member(member) if is_env_object(&member.obj) => {
            match member_prop_name(&member.prop).as_deref() {
                Some("DEV") => Some(true),
                Some("PROD") => Some(false),
                // A hosting platform's deployment marker, set on each of its builds and
                // deployments and on no developer's machine (Vercel's `VERCEL=1`,
                // Netlify's `NETLIFY=true`, Cloudflare Pages' `CF_PAGES=1`): an application
                // that tests it is deployed there, and off the platform is development.
                Some(name) if PLATFORM_MARKERS.contains(&name) => Some(false),
                Some(name) => mode_of_name(name, true),
                None => None,
            }
        }
        // `window.Cypress`, `(window as any).isPlaywright`, `config.isTestMode`.
        Expr::Member(member) => match member_prop_name(&member.prop).as_deref() {
            Some("Cypress") => Some(true),
            Some(name) => mode_of_name(name, false),
            None => None,
        },
        Expr::TsAs(ts_as) => non_production_test(&ts_as.expr),
        Expr::TsNonNull(non_null) => non_production_test(&non_null.expr),
        Expr::Bin(bin) => {
            let equal = match bin.op {
                BinaryOp::EqEq | BinaryOp::EqEqEq => true,
                BinaryOp::NotEq | BinaryOp::NotEqEq => false,
                // `import.meta.env.DEV && x`: development only if either side is.
                BinaryOp::LogicalAnd => {
                    return (non_production_test(&bin.left) == Some(true)
                        || non_production_test(&bin.right) == Some(true))
                    .then_some(true);
                }
                // `isTest || isStorybook`: development only if both sides are.
                BinaryOp::LogicalOr => {
                    return (non_production_test(&bin.left) == Some(true)
                        && non_production_test(&bin.right) == Some(true))
                    .then_some(true);
                }
                _ => return None,
            };
            // `host === "localhost"`, `location.hostname !== "127.0.0.1"`: whether the page
            // or the request is itself on the developer's machine.
            if let Some(local) = local_host_comparison(&bin.left, &bin.right) {
                return Some(local == equal);
            }
            let is_dev_mode = if is_mode_read(&bin.left) {
                mode_value(&bin.right)
            } else if is_mode_read(&bin.right) {
                mode_value(&bin.left)
            } else {
                // `process.env.CI === "true"`, `isMockMode === false`.
                let (flag, value) = match (truth_value(&bin.left), truth_value(&bin.right)) {
                    (None, Some(value)) => (&bin.left, value),
                    (Some(value), None) => (&bin.right, value),
                    _ => return None,
                };
                return non_production_test(flag).map(|dev| dev == (value == equal));
            }?;
            Some(is_dev_mode == equal)
        }
        _ => None,
    }
}

/// The environment variables that hosting platforms set on every build and deployment
/// they run, and that are unset on a developer's machine.
pub const PLATFORM_MARKERS: &[&str] = &["VERCEL", "NETLIFY", "CF_PAGES"];

/// `Some(true)` when one side of a comparison is a loopback host name (`"localhost"`,
/// `"127.0.0.1"`, `"[::1]"`) and the other a value named for a host (`host`,
/// `window.location.hostname`, `url.host`).
fn local_host_comparison(left: &Expr, right: &Expr) -> Option<bool> {
    let is_loopback = |expr: &Expr| match expr {
        Expr::Lit(Lit::Str(s)) => prodlint_core::modes::is_loopback_name(&s.value.to_atom_lossy()),
        _ => false,
    };
    let names_host = |expr: &Expr| {
        let name = match expr {
            Expr::Ident(ident) => Some(ident.sym.to_string()),
            Expr::Member(member) => member_prop_name(&member.prop),
            _ => None,
        };
        name.is_some_and(|name| prodlint_core::modes::names_host(&name))
    };
    ((is_loopback(left) && names_host(right)) || (is_loopback(right) && names_host(left)))
        .then_some(true)
}

/// The stage of a deployment a value names: production, or a preview or staging
/// deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Production,
    Preview,
}

/// `NODE_ENV === "production"`, `process.env.NEXT_PUBLIC_VERCEL_ENV === "preview"`: the
/// stage a test of the deployment's stage selects.
fn stage_test(expr: &Expr) -> Option<Stage> {
    let Expr::Bin(bin) = strip_parens(expr) else {
        return None;
    };
    if !matches!(bin.op, BinaryOp::EqEq | BinaryOp::EqEqEq) {
        return None;
    }
    let is_stage_read = |expr: &Expr| {
        is_mode_read(expr)
            || matches!(strip_parens(expr), Expr::Member(member)
                if is_env_object(&member.obj)
                    && member_prop_name(&member.prop).is_some_and(|name| name.ends_with("VERCEL_ENV")))
    };
    let value = if is_stage_read(&bin.left) {
        &bin.right
    } else if is_stage_read(&bin.right) {
        &bin.left
    } else {
        return None;
    };
    let Expr::Lit(Lit::Str(s)) = strip_parens(value) else {
        return None;
    };
    match s.value.to_atom_lossy().as_str() {
        "production" | "prod" => Some(Stage::Production),
        "preview" | "staging" | "stage" => Some(Stage::Preview),
        _ => None,
    }
}

fn strip_parens(expr: &Expr) -> &Expr {
    match expr {
        Expr::Paren(paren) => strip_parens(&paren.expr),
        _ => expr,
    }
}

/// In `STAGE === "production" ? a : STAGE === "preview" ? b : c`, the conditional that
/// holds `c`: once production and preview are ruled out, what is left is development.
/// (A lone `=== "production"` test says nothing of its alternate, which a preview
/// deployment also takes.)
pub fn development_alternative(cond: &CondExpr) -> Option<&CondExpr> {
    let Expr::Cond(inner) = strip_parens(&cond.alt) else {
        return None;
    };
    let (outer, second) = (stage_test(&cond.test)?, stage_test(&inner.test)?);
    (outer != second).then_some(inner)
}

/// The names a file binds once and reads only inside code that runs outside production:
/// `const DEVELOPMENT_ORIGINS = [...]` whose every use is under `isProduction ? [] :
/// [...DEVELOPMENT_ORIGINS]`, `const MOCK_URL = …` returned only `if (isMockMode)`. An
/// exported name, or one never read, is not among them: its uses are unknown.
#[derive(Debug, Default)]
pub struct NonProductionBindings {
    names: BTreeSet<String>,
}

impl NonProductionBindings {
    pub fn of(program: &Program) -> NonProductionBindings {
        NonProductionBindings::from_reads(&BindingReads::of(program))
    }

    pub fn from_reads(reads: &BindingReads) -> NonProductionBindings {
        NonProductionBindings {
            names: reads.names(|uses| uses.non_production > 0 && uses.production == 0),
        }
    }

    /// Whether `name` is bound once in the file and read only outside production.
    pub fn contains(&self, name: &str) -> bool {
        self.names.contains(name)
    }
}

/// The names a file binds once and reads only in the arguments of log calls
/// (`logger.info(`Admin login: ${adminUrl}`)`, `console.log(url)`): a value whose every
/// use is a message for people is content, not an address the program uses. An exported
/// name, or one never read, is not among them.
#[derive(Debug, Default)]
pub struct MessageBindings {
    names: BTreeSet<String>,
}

impl MessageBindings {
    pub fn of(program: &Program) -> MessageBindings {
        MessageBindings::from_reads(&BindingReads::of(program))
    }

    pub fn from_reads(reads: &BindingReads) -> MessageBindings {
        MessageBindings {
            names: reads
                .names(|uses| uses.message > 0 && uses.production == 0 && uses.non_production == 0),
        }
    }

    /// Whether `name` is bound once in the file and read only in log messages.
    pub fn contains(&self, name: &str) -> bool {
        self.names.contains(name)
    }
}

/// The names a file binds once and reads only as a list that values are looked up in
/// (`const API_HOSTNAMES = new Set([...])` read only in `API_HOSTNAMES.has(host)`,
/// `ALLOWED.includes(origin)`): the entries are compared with, not called. An exported
/// name, or one never read, is not among them.
#[derive(Debug, Default)]
pub struct MembershipBindings {
    names: BTreeSet<String>,
}

impl MembershipBindings {
    pub fn of(program: &Program) -> MembershipBindings {
        MembershipBindings::from_reads(&BindingReads::of(program))
    }

    pub fn from_reads(reads: &BindingReads) -> MembershipBindings {
        MembershipBindings {
            names: reads.names(|uses| uses.only(uses.membership)),
        }
    }

    /// Whether `name` is bound once in the file and read only by membership tests.
    pub fn contains(&self, name: &str) -> bool {
        self.names.contains(name)
    }
}

/// The names a file binds once and reads only inside the values a form starts with
/// (`let url = …; url = "http://localhost"; useForm({ defaultValues: { url } })`): what the
/// form shows its user, who edits it before anything is saved, is content. An exported
/// name, or one never read, is not among them.
#[derive(Debug, Default)]
pub struct FormValueBindings {
    names: BTreeSet<String>,
}

impl FormValueBindings {
    pub fn from_reads(reads: &BindingReads) -> FormValueBindings {
        FormValueBindings {
            names: reads.names(|uses| uses.only(uses.form_value)),
        }
    }

    /// Whether `name` is bound once in the file and read only in a form's values.
    pub fn contains(&self, name: &str) -> bool {
        self.names.contains(name)
    }
}

/// The keys of the values a form starts with: react-hook-form's `defaultValues`, the
/// `initialValues` of Formik, Mantine, TanStack Form and others.
pub const FORM_VALUES_KEYS: &[&str] = &["defaultValues", "initialValues"];

/// Whether an object key holds the values a form starts with.
pub fn is_form_values_key(key: &PropName) -> bool {
    let name = match key {
        PropName::Ident(ident) => ident.sym.to_string(),
        PropName::Str(s) => s.value.to_atom_lossy().as_str().to_string(),
        _ => return false,
    };
    FORM_VALUES_KEYS.contains(&name.as_str())
}

/// Methods that test whether a list or a set holds a value.
pub const MEMBERSHIP_METHODS: &[&str] = &["has", "includes", "indexOf"];

/// The receiver of a membership test: `hosts` in `hosts.has(x)`, `[...]` in
/// `[...].includes(x)`.
pub fn membership_receiver(callee: &Callee) -> Option<&Expr> {
    let Callee::Expr(callee) = callee else {
        return None;
    };
    let Expr::Member(member) = &**callee else {
        return None;
    };
    member_prop_name(&member.prop)
        .is_some_and(|method| MEMBERSHIP_METHODS.contains(&method.as_str()))
        .then_some(&*member.obj)
}

/// How a file reads each name it binds once and does not export, from one walk: the sets
/// of names above are taken from it.
pub struct BindingReads {
    once: Vec<(String, Uses)>,
}

impl BindingReads {
    pub fn of(program: &Program) -> BindingReads {
        let mut visitor = BindingVisitor::default();
        program.visit_with(&mut visitor);
        let once = visitor
            .uses
            .into_iter()
            .filter(|(name, _)| {
                visitor.bound.get(name) == Some(&1) && !visitor.exported.contains(name)
            })
            .collect();
        BindingReads { once }
    }

    /// The names read as `reads` says.
    fn names(&self, reads: impl Fn(&Uses) -> bool) -> BTreeSet<String> {
        self.once
            .iter()
            .filter(|(_, uses)| reads(uses))
            .map(|(name, _)| name.clone())
            .collect()
    }
}

/// Objects whose methods write log lines: `console`, `logger`, `this.logger`, `log`.
const LOG_OBJECTS: &[&str] = &["console", "logger", "log", "_logger", "Logger"];

/// Methods that write a log line.
const LOG_METHODS: &[&str] = &[
    "log", "info", "warn", "error", "debug", "trace", "fatal", "verbose", "notice",
];

/// Whether `callee` writes a log line: `console.log`, `logger.info`, `this.logger.warn`.
pub fn is_log_call(callee: &Callee) -> bool {
    let Callee::Expr(callee) = callee else {
        return false;
    };
    let Expr::Member(member) = &**callee else {
        return false;
    };
    let method = member_prop_name(&member.prop);
    let object = match &*member.obj {
        Expr::Ident(ident) => Some(ident.sym.to_string()),
        Expr::Member(inner) if matches!(&*inner.obj, Expr::This(_)) => {
            member_prop_name(&inner.prop)
        }
        _ => None,
    };
    method.is_some_and(|m| LOG_METHODS.contains(&m.as_str()))
        && object.is_some_and(|o| LOG_OBJECTS.contains(&o.as_str()))
}

#[derive(Debug, Default, Clone, Copy)]
struct Uses {
    production: usize,
    non_production: usize,
    /// Reads inside the arguments of a log call.
    message: usize,
    /// Reads as the receiver of a membership test (`hosts.has(x)`).
    membership: usize,
    /// Reads inside the values a form starts with (`useForm({ defaultValues: { url } })`).
    form_value: usize,
}

impl Uses {
    /// Whether `reads`, one of the counts, is every read of the name, and there is one.
    fn only(&self, reads: usize) -> bool {
        let all = self.production
            + self.non_production
            + self.message
            + self.membership
            + self.form_value;
        reads > 0 && reads == all
    }
}

#[derive(Default)]
struct BindingVisitor {
    /// How many times each name is bound (declared, a parameter, imported).
    bound: BTreeMap<String, usize>,
    uses: BTreeMap<String, Uses>,
    exported: BTreeSet<String>,
    /// Inside a branch that runs only outside production.
    non_production: bool,
    /// Inside the arguments of a log call.
    message: bool,
    /// Inside the values a form starts with.
    form_values: bool,
}

impl BindingVisitor {
    fn used(&mut self, name: &str) {
        let uses = self.uses.entry(name.to_string()).or_default();
        if self.message {
            uses.message += 1;
        } else if self.form_values {
            uses.form_value += 1;
        } else if self.non_production {
            uses.non_production += 1;
        } else {
            uses.production += 1;
        }
    }

    fn branch<T: VisitWith<Self>>(&mut self, node: &T, non_production: bool) {
        let saved = self.non_production;
        self.non_production = saved || non_production;
        node.visit_with(self);
        self.non_production = saved;
    }
}

impl Visit for BindingVisitor {
    fn visit_binding_ident(&mut self, ident: &BindingIdent) {
        *self.bound.entry(ident.id.sym.to_string()).or_default() += 1;
        ident.type_ann.visit_with(self);
    }

    // `url = "http://localhost"`: a write to a binding, which neither binds the name again
    // nor reads it.
    fn visit_simple_assign_target(&mut self, target: &SimpleAssignTarget) {
        if !matches!(target, SimpleAssignTarget::Ident(_)) {
            target.visit_children_with(self);
        }
    }

    fn visit_import_decl(&mut self, import: &ImportDecl) {
        for specifier in &import.specifiers {
            let local = match specifier {
                ImportSpecifier::Named(named) => &named.local,
                ImportSpecifier::Default(default) => &default.local,
                ImportSpecifier::Namespace(namespace) => &namespace.local,
            };
            *self.bound.entry(local.sym.to_string()).or_default() += 1;
        }
    }

    fn visit_fn_decl(&mut self, decl: &FnDecl) {
        *self.bound.entry(decl.ident.sym.to_string()).or_default() += 1;
        decl.function.visit_with(self);
    }

    fn visit_class_decl(&mut self, decl: &ClassDecl) {
        *self.bound.entry(decl.ident.sym.to_string()).or_default() += 1;
        decl.class.visit_with(self);
    }

    fn visit_export_decl(&mut self, export: &ExportDecl) {
        if let Decl::Var(var) = &export.decl {
            for declarator in &var.decls {
                if let Pat::Ident(ident) = &declarator.name {
                    self.exported.insert(ident.id.sym.to_string());
                }
            }
        }
        export.visit_children_with(self);
    }

    fn visit_export_named_specifier(&mut self, specifier: &ExportNamedSpecifier) {
        if let ModuleExportName::Ident(ident) = &specifier.orig {
            self.exported.insert(ident.sym.to_string());
        }
    }

    fn visit_export_default_expr(&mut self, export: &ExportDefaultExpr) {
        if let Expr::Ident(ident) = &*export.expr {
            self.exported.insert(ident.sym.to_string());
        }
        export.visit_children_with(self);
    }

    fn visit_expr(&mut self, expr: &Expr) {
        if let Expr::Ident(ident) = expr {
            self.used(&ident.sym);
        }
        expr.visit_children_with(self);
    }

    fn visit_prop(&mut self, prop: &Prop) {
        if let Prop::Shorthand(ident) = prop {
            self.used(&ident.sym);
        }
        prop.visit_children_with(self);
    }

    fn visit_key_value_prop(&mut self, prop: &KeyValueProp) {
        prop.key.visit_with(self);
        let form_values = self.form_values || is_form_values_key(&prop.key);
        let saved = std::mem::replace(&mut self.form_values, form_values);
        prop.value.visit_with(self);
        self.form_values = saved;
    }

    fn visit_if_stmt(&mut self, stmt: &IfStmt) {
        let Some(dev) = non_production_test(&stmt.test) else {
            return stmt.visit_children_with(self);
        };
        stmt.test.visit_with(self);
        self.branch(&stmt.cons, dev);
        self.branch(&stmt.alt, !dev);
    }

    fn visit_cond_expr(&mut self, cond: &CondExpr) {
        let Some(dev) = non_production_test(&cond.test) else {
            return cond.visit_children_with(self);
        };
        cond.test.visit_with(self);
        self.branch(&cond.cons, dev);
        self.branch(&cond.alt, !dev);
    }

    fn visit_call_expr(&mut self, call: &CallExpr) {
        if let Some(Expr::Ident(list)) = membership_receiver(&call.callee) {
            self.uses
                .entry(list.sym.to_string())
                .or_default()
                .membership += 1;
            return call.args.visit_with(self);
        }
        if !is_log_call(&call.callee) {
            return call.visit_children_with(self);
        }
        call.callee.visit_with(self);
        let saved = std::mem::replace(&mut self.message, true);
        call.args.visit_with(self);
        self.message = saved;
    }

    fn visit_bin_expr(&mut self, bin: &BinExpr) {
        if bin.op == BinaryOp::LogicalAnd && non_production_test(&bin.left) == Some(true) {
            bin.left.visit_with(self);
            return self.branch(&bin.right, true);
        }
        bin.visit_children_with(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bindings(text: &str) -> NonProductionBindings {
        let parsed = crate::parse("src/a.ts", text).unwrap();
        NonProductionBindings::of(&parsed.program)
    }

    #[test]
    fn bindings_read_only_in_development() {
        let found = bindings(
            "const DEV_ORIGINS = ['http://localhost:3000'];\n\
             const MOCK_URL = 'ws://localhost:8080';\n\
             const BOTH = 'http://localhost:1';\n\
             const UNUSED = 'http://localhost:2';\n\
             export const SHARED = 'http://localhost:3';\n\
             function origins(isProduction: boolean) { return isProduction ? [] : [...DEV_ORIGINS]; }\n\
             function ws() { if (isMockMode) { return MOCK_URL; } return BOTH; }\n\
             function other() { if (isTestMode) { return BOTH; } return SHARED; }\n\
             const flag = process.env.CI && SHARED;\n",
        );
        assert!(found.contains("DEV_ORIGINS"));
        assert!(found.contains("MOCK_URL"));
        assert!(!found.contains("BOTH"));
        assert!(!found.contains("UNUSED"));
        assert!(!found.contains("SHARED"));
    }

    #[test]
    fn bindings_read_only_in_log_lines() {
        let parsed = crate::parse(
            "src/a.ts",
            "const adminUrl = config.PUBLIC_ORIGIN || `http://localhost:${port}`;\n\
             logger.info(`Admin login: ${adminUrl}`);\n\
             const shown = 'http://localhost:1';\n\
             console.log(shown); this.logger.warn({ shown });\n\
             const used = 'http://localhost:2';\n\
             logger.info(used); fetch(used);\n\
             const kept = 'http://localhost:3';\n\
             audit.info(kept);\n",
        )
        .unwrap();
        let found = MessageBindings::of(&parsed.program);
        assert!(found.contains("adminUrl"));
        assert!(found.contains("shown"));
        // Also used by a request, or given to a method of another object: not a message.
        assert!(!found.contains("used"));
        assert!(!found.contains("kept"));
    }

    fn first_expression(program: &Program) -> ExprStmt {
        let first = match program {
            Program::Module(module) => match module.body.first() {
                Some(ModuleItem::Stmt(stmt)) => stmt.clone(),
                _ => panic!("a statement"),
            },
            Program::Script(script) => script.body.first().cloned().expect("a statement"),
        };
        let Stmt::Expr(stmt) = first else {
            panic!("an expression")
        };
        stmt
    }

    fn test_of(source: &str) -> Option<bool> {
        let parsed = crate::parse("src/a.ts", &format!("({source});")).unwrap();
        let stmt = first_expression(&parsed.program);
        non_production_test(&stmt.expr)
    }

    #[test]
    fn platform_markers_and_local_hosts() {
        assert_eq!(test_of("process.env.VERCEL === '1'"), Some(false));
        assert_eq!(test_of("process.env.NETLIFY"), Some(false));
        assert_eq!(test_of("!process.env.CF_PAGES"), Some(true));
        assert_eq!(
            test_of("host === 'localhost' && port === '8888'"),
            Some(true)
        );
        assert_eq!(
            test_of("window.location.hostname !== '127.0.0.1'"),
            Some(false)
        );
        // Not a marker of a platform, not a host, not a loopback name: unknown.
        assert_eq!(test_of("process.env.VERCEL_URL === '1'"), None);
        assert_eq!(test_of("name === 'localhost'"), None);
        assert_eq!(test_of("host === 'example.com'"), None);
    }

    fn development_alternative_of(source: &str) -> bool {
        let parsed = crate::parse("src/a.ts", &format!("({source});")).unwrap();
        let stmt = first_expression(&parsed.program);
        let Expr::Paren(paren) = &*stmt.expr else {
            panic!("parenthesised")
        };
        let Expr::Cond(cond) = &*paren.expr else {
            panic!("a conditional")
        };
        development_alternative(cond).is_some()
    }

    #[test]
    fn production_then_preview_leaves_development() {
        assert!(development_alternative_of(
            "process.env.NEXT_PUBLIC_VERCEL_ENV === 'production' ? a : process.env.NEXT_PUBLIC_VERCEL_ENV === 'preview' ? b : c"
        ));
        assert!(development_alternative_of(
            "process.env.APP_ENV === 'staging' ? a : (process.env.APP_ENV === 'production' ? b : c)"
        ));
        // Production alone, production twice, or a test of something else: no.
        assert!(!development_alternative_of(
            "process.env.VERCEL_ENV === 'production' ? a : b"
        ));
        assert!(!development_alternative_of(
            "process.env.VERCEL_ENV === 'production' ? a : process.env.VERCEL_ENV === 'prod' ? b : c"
        ));
        assert!(!development_alternative_of(
            "process.env.VERCEL_ENV === 'production' ? a : region === 'preview' ? b : c"
        ));
    }

    #[test]
    fn bindings_read_only_by_membership_tests() {
        let parsed = crate::parse(
            "src/a.ts",
            "const HOSTS = new Set(['api.localhost:8888', 'api.example.com']);\n\
             const LOCAL = ['localhost', '127.0.0.1'];\n\
             const ORIGINS = ['http://localhost:3000'];\n\
             export const SHARED = new Set(['localhost']);\n\
             const isApi = (host: string) => HOSTS.has(host) || LOCAL.includes(host);\n\
             app.use(cors({ origin: ORIGINS })); const ok = ORIGINS.includes(o);\n\
             const s = SHARED.has(h);\n",
        )
        .unwrap();
        let found = MembershipBindings::of(&parsed.program);
        assert!(found.contains("HOSTS"));
        assert!(found.contains("LOCAL"));
        // Also given to CORS, or exported: its other uses count.
        assert!(!found.contains("ORIGINS"));
        assert!(!found.contains("SHARED"));
    }

    #[test]
    fn bindings_read_only_in_form_values() {
        let parsed = crate::parse(
            "src/a.tsx",
            "let url = initial ?? '';\n\
             if (hasSecret) { url = 'http://localhost'; }\n\
             const apiUrl = 'http://localhost:11434';\n\
             const shared = 'http://localhost:8080';\n\
             const form = useForm({ initialValues: { url, href: hasSecret ? null : url } });\n\
             const other = useForm({ defaultValues: { apiUrl, shared } });\n\
             const client = createClient({ baseUrl: shared });\n",
        )
        .unwrap();
        let found = FormValueBindings::from_reads(&BindingReads::of(&parsed.program));
        assert!(found.contains("url"));
        assert!(found.contains("apiUrl"));
        assert!(!found.contains("shared"));
        assert!(!found.contains("form"));
    }

    #[test]
    fn a_name_bound_twice_is_not_taken() {
        let found = bindings(
            "const URL_A = 'http://localhost:1';\n\
             function f(URL_A: string) { return URL_A; }\n\
             const g = isDev ? URL_A : '';\n",
        );
        assert!(!found.contains("URL_A"));
    }
}
