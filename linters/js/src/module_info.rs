//! What a module imports and exports, read from its syntax tree: ES module declarations,
//! TypeScript's `export =`, `import x = require()` and `declare module "x" { … }`, literal
//! dynamic `import()` and `require()`, and CommonJS exports detected the way Node's
//! cjs-module-lexer finds them (`exports.x =`, `module.exports = { … }`,
//! `Object.defineProperty(exports, "x", …)`, `__esModule` markers, `__exportStar`).
//!
//! This is a per-file fact with no resolution: following specifiers to files, and `export *`
//! chains through them, is the module graph's job.

use prodlint_core::Span;
use swc_common::Spanned;
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

use crate::span;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportKind {
    /// `import … from "x"`, `import "x"`.
    Static,
    /// `export … from "x"` (also recorded among the exports).
    ReExport,
    /// `import("x")` with a literal.
    Dynamic,
    /// `require("x")` with a literal, or TypeScript's `import x = require("x")`.
    Require,
}

/// What one binding of an import takes from the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Imported {
    Default,
    Named(String),
    /// `import * as ns`, `export * as ns from`, or the whole of a `require()`.
    Namespace,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportBinding {
    pub imported: Imported,
    /// The local name, where there is one.
    pub local: Option<String>,
    /// The specifier's span (`Client` in `import { Client } from`).
    pub span: Span,
    pub type_only: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    pub specifier: String,
    pub specifier_span: Span,
    /// The whole declaration or call.
    pub span: Span,
    pub kind: ImportKind,
    /// Empty for `import "x"` and for a `require()` whose result is not destructured.
    pub bindings: Vec<ImportBinding>,
    /// `import type …`: erased at run time.
    pub type_only: bool,
    /// The `type` of the import's attributes (`with { type: "json" }`): the module is then
    /// loaded as data (JSON, text, bytes, CSS), not as JavaScript.
    pub attribute_type: Option<String>,
}

/// Where a re-export takes its value from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReExportSource {
    pub specifier: String,
    pub imported: Imported,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    /// The exported name; `default` for the default export.
    pub name: String,
    pub span: Span,
    /// An interface, a type alias, or `export type { … }`: nothing at run time.
    pub type_only: bool,
    /// For `export { a as b } from "x"` and `export * as ns from "x"`.
    pub from: Option<ReExportSource>,
}

/// `export * from "x"`: every named export of `x` but `default`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StarExport {
    pub specifier: String,
    pub span: Span,
    pub type_only: bool,
}

/// CommonJS exports, as far as they can be listed without running the code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommonJsExports {
    /// `exports.x = …`, `module.exports.x = …`, `Object.defineProperty(exports, "x", …)`,
    /// and the keys of `module.exports = { … }`.
    pub names: Vec<(String, Span)>,
    /// `module.exports = <not an object literal>`: a function, a class, an identifier.
    pub assigned_value: Option<Span>,
    /// `module.exports = require("x")`, `...require("x")` in the exported object,
    /// `__exportStar(require("x"), exports)`.
    pub reexports: Vec<String>,
    /// `exports.__esModule = true` or `Object.defineProperty(exports, "__esModule", …)`:
    /// compiled from ES modules, so `exports.default` is the default export.
    pub es_module_marker: bool,
    /// Something adds exports that cannot be listed without running the code: a computed
    /// key (`exports[key] =`, `Object.defineProperty(exports, key, …)`), `exports` handed
    /// to a function (`Object.assign(exports, …)`, a UMD factory), a spread or computed
    /// key in `module.exports = { … }` that is not `...require("x")`.
    pub unlisted: bool,
}

impl CommonJsExports {
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
            && self.assigned_value.is_none()
            && self.reexports.is_empty()
            && !self.es_module_marker
            && !self.unlisted
    }
}

/// `declare module "x" { … }`: the exports a declaration file gives to another specifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmbientModule {
    pub name: String,
    pub span: Span,
    pub info: ModuleInfo,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModuleInfo {
    pub imports: Vec<Import>,
    pub exports: Vec<Export>,
    pub star_exports: Vec<StarExport>,
    /// Has `import`/`export` declarations: an ES module (unless it also has CommonJS).
    pub has_module_syntax: bool,
    pub commonjs: CommonJsExports,
    /// TypeScript `export = x`.
    pub export_assignment: Option<Span>,
    pub ambient_modules: Vec<AmbientModule>,
    /// The local binding the default export names, where it names one: `export default x`,
    /// `export { x as default }`, `export default function x() {}`.
    pub default_export_local: Option<String>,
    /// `(exported, local)` of `export { local as exported }` without a source.
    pub export_locals: Vec<(String, String)>,
    /// `(alias, binding)` of top-level `const alias = binding` and `var alias = binding`:
    /// bundlers write the default export as `var src_default = antfu; export { antfu,
    /// src_default as default }`, two names for one value.
    pub aliases: Vec<(String, String)>,
}

impl ModuleInfo {
    /// The export named `name` declared in this file (not through `export *`). Where a
    /// value and a type share the name (`interface X` and `const X`), the value.
    pub fn export(&self, name: &str) -> Option<&Export> {
        self.exports
            .iter()
            .filter(|e| e.name == name)
            .min_by_key(|e| e.type_only)
    }

    /// The `import` declaration and binding that bind `local` in this file, if one does:
    /// `import { X } from "./chunk"; export { X }` exports what the chunk gives.
    pub fn imported_binding(&self, local: &str) -> Option<(&Import, &ImportBinding)> {
        self.imports
            .iter()
            .filter(|i| i.kind == ImportKind::Static)
            .find_map(|import| {
                let binding = import
                    .bindings
                    .iter()
                    .find(|b| b.local.as_deref() == Some(local))?;
                Some((import, binding))
            })
    }

    /// The local binding behind the export `name` declared in this file (`name` itself for
    /// `export const name`).
    pub fn export_local<'a>(&'a self, name: &'a str) -> Option<&'a str> {
        if name == "default" {
            return self.default_export_local.as_deref();
        }
        let export = self.export(name)?;
        if export.from.is_some() {
            return None;
        }
        Some(
            self.export_locals
                .iter()
                .find(|(exported, _)| exported == name)
                .map_or(name, |(_, local)| local.as_str()),
        )
    }

    /// The binding `local` stands for once top-level aliases are followed.
    pub fn unaliased<'a>(&'a self, mut local: &'a str) -> &'a str {
        // Bounded: `var a = b; var b = a;` must not loop.
        for _ in 0..8 {
            match self.aliases.iter().find(|(alias, _)| alias == local) {
                Some((_, binding)) => local = binding,
                None => break,
            }
        }
        local
    }
}

fn str_value(s: &Str) -> String {
    s.value.to_atom_lossy().as_str().to_string()
}

fn export_name(name: &ModuleExportName) -> String {
    match name {
        ModuleExportName::Ident(ident) => ident.sym.to_string(),
        ModuleExportName::Str(s) => str_value(s),
    }
}

fn export_name_span(name: &ModuleExportName) -> Span {
    match name {
        ModuleExportName::Ident(ident) => span(ident.span),
        ModuleExportName::Str(s) => span(s.span),
    }
}

/// The identifiers a pattern binds: `a`, `{ a, b: [c] }`, `[d, ...e]`, `f = 1`.
pub fn pattern_idents<'a>(pat: &'a Pat, out: &mut Vec<&'a Ident>) {
    match pat {
        Pat::Ident(ident) => out.push(&ident.id),
        Pat::Array(array) => array
            .elems
            .iter()
            .flatten()
            .for_each(|p| pattern_idents(p, out)),
        Pat::Rest(rest) => pattern_idents(&rest.arg, out),
        Pat::Object(object) => {
            for prop in &object.props {
                match prop {
                    ObjectPatProp::KeyValue(kv) => pattern_idents(&kv.value, out),
                    ObjectPatProp::Assign(assign) => out.push(&assign.key.id),
                    ObjectPatProp::Rest(rest) => pattern_idents(&rest.arg, out),
                }
            }
        }
        Pat::Assign(assign) => pattern_idents(&assign.left, out),
        Pat::Invalid(_) | Pat::Expr(_) => {}
    }
}

/// The names a pattern binds, with where each is written.
fn pattern_names(pat: &Pat, out: &mut Vec<(String, Span)>) {
    let mut idents = Vec::new();
    pattern_idents(pat, &mut idents);
    out.extend(
        idents
            .into_iter()
            .map(|ident| (ident.sym.to_string(), span(ident.span))),
    );
}

fn decl_names(decl: &Decl) -> Vec<(String, Span, bool)> {
    match decl {
        Decl::Class(class) => vec![(class.ident.sym.to_string(), span(class.ident.span), false)],
        Decl::Fn(function) => vec![(
            function.ident.sym.to_string(),
            span(function.ident.span),
            false,
        )],
        Decl::Var(var) => {
            let mut names = Vec::new();
            for declarator in &var.decls {
                pattern_names(&declarator.name, &mut names);
            }
            names.into_iter().map(|(n, s)| (n, s, false)).collect()
        }
        Decl::Using(using) => {
            let mut names = Vec::new();
            for declarator in &using.decls {
                pattern_names(&declarator.name, &mut names);
            }
            names.into_iter().map(|(n, s)| (n, s, false)).collect()
        }
        Decl::TsInterface(interface) => {
            vec![(interface.id.sym.to_string(), span(interface.id.span), true)]
        }
        Decl::TsTypeAlias(alias) => vec![(alias.id.sym.to_string(), span(alias.id.span), true)],
        // An enum is a value; so is a namespace with values (`declare namespace` counts too,
        // as declaration files describe values that exist).
        Decl::TsEnum(e) => vec![(e.id.sym.to_string(), span(e.id.span), false)],
        Decl::TsModule(module) => match &module.id {
            TsModuleName::Ident(ident) => vec![(ident.sym.to_string(), span(ident.span), false)],
            TsModuleName::Str(_) => Vec::new(),
        },
    }
}

/// The `type` of import attributes: `with { type: "json" }` → `json`.
fn attribute_type(with: &ObjectLit) -> Option<String> {
    with.props.iter().find_map(|prop| {
        let PropOrSpread::Prop(prop) = prop else {
            return None;
        };
        let Prop::KeyValue(kv) = &**prop else {
            return None;
        };
        let key = match &kv.key {
            PropName::Ident(ident) => ident.sym.to_string(),
            PropName::Str(s) => str_value(s),
            _ => return None,
        };
        match (&*key, &*kv.value) {
            ("type", Expr::Lit(Lit::Str(value))) => Some(str_value(value)),
            _ => None,
        }
    })
}

fn module_items(items: &[ModuleItem], info: &mut ModuleInfo) {
    for item in items {
        match item {
            ModuleItem::ModuleDecl(decl) => module_decl(decl, info),
            ModuleItem::Stmt(Stmt::Decl(Decl::TsModule(module))) => ambient_module(module, info),
            ModuleItem::Stmt(Stmt::Decl(Decl::Var(var))) => aliases(var, info),
            ModuleItem::Stmt(_) => {}
        }
    }
}

/// `const a = b` and `var a = b` (not `let`, which is meant to change).
fn aliases(var: &VarDecl, info: &mut ModuleInfo) {
    if var.kind == VarDeclKind::Let {
        return;
    }
    for declarator in &var.decls {
        if let (Pat::Ident(alias), Some(init)) = (&declarator.name, declarator.init.as_deref()) {
            if let Expr::Ident(binding) = init.unwrap_parens() {
                info.aliases
                    .push((alias.id.sym.to_string(), binding.sym.to_string()));
            }
        }
    }
}

fn ambient_module(module: &TsModuleDecl, info: &mut ModuleInfo) {
    let TsModuleName::Str(name) = &module.id else {
        return;
    };
    let mut inner = ModuleInfo::default();
    if let Some(TsNamespaceBody::TsModuleBlock(block)) = &module.body {
        module_items(&block.body, &mut inner);
    }
    info.ambient_modules.push(AmbientModule {
        name: str_value(name),
        span: span(module.span),
        info: inner,
    });
}

fn module_decl(decl: &ModuleDecl, info: &mut ModuleInfo) {
    info.has_module_syntax = true;
    match decl {
        ModuleDecl::Import(import) => {
            let bindings = import
                .specifiers
                .iter()
                .map(|specifier| match specifier {
                    ImportSpecifier::Named(named) => ImportBinding {
                        imported: Imported::Named(
                            named
                                .imported
                                .as_ref()
                                .map_or_else(|| named.local.sym.to_string(), export_name),
                        ),
                        local: Some(named.local.sym.to_string()),
                        span: span(named.span),
                        type_only: import.type_only || named.is_type_only,
                    },
                    ImportSpecifier::Default(default) => ImportBinding {
                        imported: Imported::Default,
                        local: Some(default.local.sym.to_string()),
                        span: span(default.span),
                        type_only: import.type_only,
                    },
                    ImportSpecifier::Namespace(namespace) => ImportBinding {
                        imported: Imported::Namespace,
                        local: Some(namespace.local.sym.to_string()),
                        span: span(namespace.span),
                        type_only: import.type_only,
                    },
                })
                .collect();
            info.imports.push(Import {
                specifier: str_value(&import.src),
                specifier_span: span(import.src.span),
                span: span(import.span),
                kind: ImportKind::Static,
                bindings,
                type_only: import.type_only,
                attribute_type: import.with.as_deref().and_then(attribute_type),
            });
        }
        ModuleDecl::ExportDecl(export) => {
            if let Decl::TsModule(module) = &export.decl {
                if matches!(module.id, TsModuleName::Str(_)) {
                    ambient_module(module, info);
                    return;
                }
            }
            for (name, name_span, type_only) in decl_names(&export.decl) {
                info.exports.push(Export {
                    name,
                    span: name_span,
                    type_only,
                    from: None,
                });
            }
        }
        ModuleDecl::ExportNamed(named) => {
            let source = named.src.as_ref().map(|s| str_value(s));
            let mut bindings = Vec::new();
            for specifier in &named.specifiers {
                let (name, name_span, imported, type_only) = match specifier {
                    ExportSpecifier::Named(s) => {
                        let orig = export_name(&s.orig);
                        let exported = s.exported.as_ref().unwrap_or(&s.orig);
                        let imported = if orig == "default" {
                            Imported::Default
                        } else {
                            Imported::Named(orig)
                        };
                        (
                            export_name(exported),
                            export_name_span(exported),
                            imported,
                            named.type_only || s.is_type_only,
                        )
                    }
                    ExportSpecifier::Namespace(s) => (
                        export_name(&s.name),
                        export_name_span(&s.name),
                        Imported::Namespace,
                        named.type_only,
                    ),
                    ExportSpecifier::Default(s) => (
                        s.exported.sym.to_string(),
                        span(s.exported.span),
                        Imported::Default,
                        named.type_only,
                    ),
                };
                if let (None, ExportSpecifier::Named(s)) = (&source, specifier) {
                    let local = export_name(&s.orig);
                    if name == "default" {
                        info.default_export_local = Some(local.clone());
                    }
                    info.export_locals.push((name.clone(), local));
                }
                let from = source.as_ref().map(|specifier| ReExportSource {
                    specifier: specifier.clone(),
                    imported: imported.clone(),
                });
                if source.is_some() {
                    bindings.push(ImportBinding {
                        imported,
                        local: None,
                        span: name_span,
                        type_only,
                    });
                }
                info.exports.push(Export {
                    name,
                    span: name_span,
                    type_only,
                    from,
                });
            }
            if let (Some(specifier), Some(src)) = (source, &named.src) {
                info.imports.push(Import {
                    specifier,
                    specifier_span: span(src.span),
                    span: span(named.span),
                    kind: ImportKind::ReExport,
                    bindings,
                    type_only: named.type_only,
                    attribute_type: None,
                });
            }
        }
        ModuleDecl::ExportDefaultDecl(default) => {
            let type_only = matches!(default.decl, DefaultDecl::TsInterfaceDecl(_));
            info.default_export_local = match &default.decl {
                DefaultDecl::Class(class) => class.ident.as_ref().map(|i| i.sym.to_string()),
                DefaultDecl::Fn(function) => function.ident.as_ref().map(|i| i.sym.to_string()),
                DefaultDecl::TsInterfaceDecl(interface) => Some(interface.id.sym.to_string()),
            };
            info.exports.push(Export {
                name: "default".into(),
                span: span(default.span),
                type_only,
                from: None,
            });
        }
        ModuleDecl::ExportDefaultExpr(default) => {
            if let Expr::Ident(ident) = &*default.expr {
                info.default_export_local = Some(ident.sym.to_string());
            }
            info.exports.push(Export {
                name: "default".into(),
                span: span(default.span),
                type_only: false,
                from: None,
            });
        }
        ModuleDecl::ExportAll(all) => {
            info.star_exports.push(StarExport {
                specifier: str_value(&all.src),
                span: span(all.span),
                type_only: all.type_only,
            });
            info.imports.push(Import {
                specifier: str_value(&all.src),
                specifier_span: span(all.src.span),
                span: span(all.span),
                kind: ImportKind::ReExport,
                bindings: Vec::new(),
                type_only: all.type_only,
                attribute_type: None,
            });
        }
        ModuleDecl::TsImportEquals(import) => {
            if let TsModuleRef::TsExternalModuleRef(external) = &import.module_ref {
                info.imports.push(Import {
                    specifier: str_value(&external.expr),
                    specifier_span: span(external.expr.span),
                    span: span(import.span),
                    kind: ImportKind::Require,
                    bindings: vec![ImportBinding {
                        imported: Imported::Namespace,
                        local: Some(import.id.sym.to_string()),
                        span: span(import.id.span),
                        type_only: import.is_type_only,
                    }],
                    type_only: import.is_type_only,
                    attribute_type: None,
                });
            }
            if import.is_export {
                info.exports.push(Export {
                    name: import.id.sym.to_string(),
                    span: span(import.id.span),
                    type_only: import.is_type_only,
                    from: None,
                });
            }
        }
        ModuleDecl::TsExportAssignment(assignment) => {
            info.export_assignment = Some(span(assignment.span))
        }
        // `export as namespace X` (UMD globals) adds nothing importable.
        ModuleDecl::TsNamespaceExport(_) => {}
    }
}

/// Finds `require()`/`import()` calls and CommonJS export patterns anywhere in the tree.
struct DynamicVisitor<'a> {
    info: &'a mut ModuleInfo,
}

/// The specifier of `import("x")` or `require("x")`: a string literal first argument.
fn literal_arg(args: &[ExprOrSpread]) -> Option<&Str> {
    match args.first().map(|a| &*a.expr) {
        Some(Expr::Lit(Lit::Str(s))) => Some(s),
        _ => None,
    }
}

fn require_specifier(call: &CallExpr) -> Option<&Str> {
    let Callee::Expr(callee) = &call.callee else {
        return None;
    };
    matches!(&**callee, Expr::Ident(ident) if &*ident.sym == "require").then_some(())?;
    literal_arg(&call.args)
}

fn is_require_call(expr: &Expr) -> Option<&Str> {
    match expr {
        Expr::Call(call) => require_specifier(call),
        _ => None,
    }
}

/// `module.exports`.
fn is_module_exports(member: &MemberExpr) -> bool {
    matches!(&*member.obj, Expr::Ident(obj) if &*obj.sym == "module")
        && matches!(&member.prop, MemberProp::Ident(prop) if &*prop.sym == "exports")
}

/// `exports` or `module.exports`.
fn is_exports_object(expr: &Expr) -> bool {
    match expr {
        Expr::Ident(ident) => &*ident.sym == "exports",
        Expr::Member(member) => is_module_exports(member),
        _ => false,
    }
}

fn member_name(prop: &MemberProp) -> Option<String> {
    match prop {
        MemberProp::Ident(ident) => Some(ident.sym.to_string()),
        MemberProp::Computed(computed) => match &*computed.expr {
            Expr::Lit(Lit::Str(s)) => Some(str_value(s)),
            _ => None,
        },
        MemberProp::PrivateName(_) => None,
    }
}

impl DynamicVisitor<'_> {
    fn add_name(&mut self, name: String, name_span: Span) {
        if name == "__esModule" {
            self.info.commonjs.es_module_marker = true;
        } else if !self.info.commonjs.names.iter().any(|(n, _)| *n == name) {
            self.info.commonjs.names.push((name, name_span));
        }
    }

    fn module_exports_value(&mut self, value: &Expr) {
        match value {
            Expr::Object(object) => {
                for prop in &object.props {
                    match prop {
                        PropOrSpread::Spread(spread) => {
                            if let Some(s) = is_require_call(&spread.expr) {
                                self.info.commonjs.reexports.push(str_value(s));
                            } else {
                                self.info.commonjs.unlisted = true;
                            }
                        }
                        PropOrSpread::Prop(prop) => match &**prop {
                            Prop::Shorthand(ident) => {
                                self.add_name(ident.sym.to_string(), span(ident.span))
                            }
                            Prop::KeyValue(kv) => match prop_name(&kv.key) {
                                Some(name) => self.add_name(name, span(kv.key.span())),
                                None => self.info.commonjs.unlisted = true,
                            },
                            Prop::Method(method) => {
                                if let Some(name) = prop_name(&method.key) {
                                    self.add_name(name, span(method.key.span()));
                                }
                            }
                            Prop::Getter(getter) => {
                                if let Some(name) = prop_name(&getter.key) {
                                    self.add_name(name, span(getter.key.span()));
                                }
                            }
                            _ => {}
                        },
                    }
                }
            }
            Expr::Paren(paren) => self.module_exports_value(&paren.expr),
            other => match is_require_call(other) {
                Some(s) => self.info.commonjs.reexports.push(str_value(s)),
                None => {
                    self.info.commonjs.assigned_value = Some(span(swc_common::Spanned::span(other)))
                }
            },
        }
    }
}

fn prop_name(name: &PropName) -> Option<String> {
    match name {
        PropName::Ident(ident) => Some(ident.sym.to_string()),
        PropName::Str(s) => Some(str_value(s)),
        _ => None,
    }
}

impl Visit for DynamicVisitor<'_> {
    fn visit_call_expr(&mut self, call: &CallExpr) {
        match &call.callee {
            Callee::Import(_) => {
                if let Some(s) = literal_arg(&call.args) {
                    self.info.imports.push(Import {
                        specifier: str_value(s),
                        specifier_span: span(s.span),
                        span: span(call.span),
                        kind: ImportKind::Dynamic,
                        bindings: Vec::new(),
                        type_only: false,
                        attribute_type: None,
                    });
                }
            }
            Callee::Expr(callee) => {
                if let Some(s) = require_specifier(call) {
                    self.info.imports.push(Import {
                        specifier: str_value(s),
                        specifier_span: span(s.span),
                        span: span(call.span),
                        kind: ImportKind::Require,
                        bindings: Vec::new(),
                        type_only: false,
                        attribute_type: None,
                    });
                }
                // Object.defineProperty(exports, "x", …)
                if let Expr::Member(member) = &**callee {
                    let is_define = matches!(&*member.obj, Expr::Ident(o) if &*o.sym == "Object")
                        && member_name(&member.prop).as_deref() == Some("defineProperty");
                    if is_define && call.args.len() >= 2 && is_exports_object(&call.args[0].expr) {
                        if let Expr::Lit(Lit::Str(name)) = &*call.args[1].expr {
                            self.add_name(str_value(name), span(name.span));
                        } else {
                            self.info.commonjs.unlisted = true;
                        }
                    } else if call.args.iter().any(|a| is_exports_object(&a.expr)) {
                        // Object.assign(exports, …), Object.defineProperties(exports, …).
                        self.info.commonjs.unlisted = true;
                    }
                } else if !matches!(&**callee, Expr::Ident(i) if matches!(&*i.sym, "__exportStar" | "__export" | "_export_star"))
                    && call.args.iter().any(|a| is_exports_object(&a.expr))
                {
                    // factory(exports), a UMD wrapper.
                    self.info.commonjs.unlisted = true;
                }
                // TypeScript's and Babel's helpers: __exportStar(require("x"), exports).
                if let Expr::Ident(ident) = &**callee {
                    if matches!(&*ident.sym, "__exportStar" | "__export" | "_export_star") {
                        if let Some(s) = call.args.first().and_then(|a| is_require_call(&a.expr)) {
                            self.info.commonjs.reexports.push(str_value(s));
                        }
                    }
                }
            }
            Callee::Super(_) => {}
        }
        call.visit_children_with(self);
    }

    fn visit_var_declarator(&mut self, declarator: &VarDeclarator) {
        // `const { a, b: c } = require("x")`: named bindings of the require.
        if let (Pat::Object(pattern), Some(init)) = (&declarator.name, &declarator.init) {
            if let Some(s) = is_require_call(init) {
                let bindings = pattern
                    .props
                    .iter()
                    .filter_map(|prop| match prop {
                        ObjectPatProp::KeyValue(kv) => {
                            prop_name(&kv.key).map(|n| (n, span(kv.key.span())))
                        }
                        ObjectPatProp::Assign(a) => Some((a.key.sym.to_string(), span(a.key.span))),
                        ObjectPatProp::Rest(_) => None,
                    })
                    .map(|(name, name_span)| ImportBinding {
                        imported: Imported::Named(name),
                        local: None,
                        span: name_span,
                        type_only: false,
                    })
                    .collect();
                self.info.imports.push(Import {
                    specifier: str_value(s),
                    specifier_span: span(s.span),
                    span: span(declarator.span),
                    kind: ImportKind::Require,
                    bindings,
                    type_only: false,
                    attribute_type: None,
                });
                return;
            }
        }
        declarator.visit_children_with(self);
    }

    fn visit_member_expr(&mut self, member: &MemberExpr) {
        // `require("x").default`: the `default` export through `require()`.
        if let (Some(s), Some("default")) = (
            is_require_call(&member.obj),
            member_name(&member.prop).as_deref(),
        ) {
            self.info.imports.push(Import {
                specifier: str_value(s),
                specifier_span: span(s.span),
                span: span(member.span),
                kind: ImportKind::Require,
                bindings: vec![ImportBinding {
                    imported: Imported::Named("default".into()),
                    local: None,
                    span: span(member.prop.span()),
                    type_only: false,
                }],
                type_only: false,
                attribute_type: None,
            });
        }
        member.visit_children_with(self);
    }

    fn visit_assign_expr(&mut self, assign: &AssignExpr) {
        if let AssignTarget::Simple(SimpleAssignTarget::Member(member)) = &assign.left {
            if is_module_exports(member) {
                // module.exports = …
                self.module_exports_value(&assign.right);
            } else if is_exports_object(&member.obj) {
                // exports.x = …, module.exports.x = …
                match member_name(&member.prop) {
                    Some(name) => self.add_name(name, span(member.prop.span())),
                    None => self.info.commonjs.unlisted = true,
                }
            }
        }
        assign.visit_children_with(self);
    }
}

/// The imports and exports of a parsed file.
pub fn module_info(program: &Program) -> ModuleInfo {
    let mut info = ModuleInfo::default();
    if let Program::Module(module) = program {
        module_items(&module.body, &mut info);
    }
    if let Program::Script(script) = program {
        for stmt in &script.body {
            if let Stmt::Decl(Decl::TsModule(module)) = stmt {
                ambient_module(module, &mut info);
            }
        }
    }
    program.visit_with(&mut DynamicVisitor { info: &mut info });
    info
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(path: &str, text: &str) -> ModuleInfo {
        module_info(&crate::parse(path, text).unwrap().program)
    }

    fn names(info: &ModuleInfo) -> Vec<String> {
        info.exports.iter().map(|e| e.name.clone()).collect()
    }

    #[test]
    fn es_module_exports() {
        let i = info(
            "a.ts",
            "export const a = 1, { b, c: [d] } = x;\nexport function f() {}\nexport class C {}\nexport interface I {}\nexport type T = 1;\nexport enum E { A }\nconst g = 1; export { g as h, g as default };\nexport { x as y, default as z } from './m';\nexport * from './all';\nexport * as ns from './ns';\n",
        );
        assert_eq!(
            names(&i),
            ["a", "b", "d", "f", "C", "I", "T", "E", "h", "default", "y", "z", "ns"]
        );
        assert!(i.export("I").unwrap().type_only && !i.export("E").unwrap().type_only);
        assert_eq!(
            i.export("z").unwrap().from,
            Some(ReExportSource {
                specifier: "./m".into(),
                imported: Imported::Default
            })
        );
        assert_eq!(
            i.export("ns").unwrap().from.as_ref().unwrap().imported,
            Imported::Namespace
        );
        assert_eq!(i.star_exports[0].specifier, "./all");
        assert!(i.has_module_syntax && i.commonjs.is_empty());
    }

    #[test]
    fn imports_of_every_kind() {
        let i = info(
            "a.ts",
            "import D, { a, b as c, type T } from 'pkg';\nimport * as ns from './ns';\nimport type { U } from './types';\nimport './side';\nconst m = await import('./lazy');\nconst { r1, r2: alias } = require('cjs');\nimport x = require('old');\n",
        );
        let specifiers: Vec<_> = i
            .imports
            .iter()
            .map(|i| (i.specifier.as_str(), i.kind.clone()))
            .collect();
        assert_eq!(
            specifiers,
            [
                ("pkg", ImportKind::Static),
                ("./ns", ImportKind::Static),
                ("./types", ImportKind::Static),
                ("./side", ImportKind::Static),
                ("old", ImportKind::Require),
                ("./lazy", ImportKind::Dynamic),
                ("cjs", ImportKind::Require),
            ]
        );
        let pkg = &i.imports[0];
        let imported: Vec<_> = pkg
            .bindings
            .iter()
            .map(|b| (b.imported.clone(), b.type_only))
            .collect();
        assert_eq!(
            imported,
            [
                (Imported::Default, false),
                (Imported::Named("a".into()), false),
                (Imported::Named("b".into()), false),
                (Imported::Named("T".into()), true)
            ]
        );
        assert!(i.imports[2].type_only);
        let cjs = &i.imports[6];
        assert_eq!(
            cjs.bindings
                .iter()
                .map(|b| b.imported.clone())
                .collect::<Vec<_>>(),
            [Imported::Named("r1".into()), Imported::Named("r2".into())]
        );
    }

    #[test]
    fn commonjs_exports_as_the_lexer_sees_them() {
        let i = info(
            "a.js",
            "exports.a = 1;\nmodule.exports.b = 2;\nexports['c'] = 3;\nObject.defineProperty(exports, 'd', { get() {} });\nObject.defineProperty(exports, '__esModule', { value: true });\n__exportStar(require('./star'), exports);\n",
        );
        let names: Vec<_> = i.commonjs.names.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["a", "b", "c", "d"]);
        assert!(i.commonjs.es_module_marker);
        assert_eq!(i.commonjs.reexports, ["./star"]);
        assert!(!i.has_module_syntax);

        let i = info(
            "b.cjs",
            "module.exports = { a, b: 1, c() {}, ...require('./more') };",
        );
        let names: Vec<_> = i.commonjs.names.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert_eq!(i.commonjs.reexports, ["./more"]);
        assert_eq!(i.commonjs.assigned_value, None);

        let i = info("c.js", "function Client() {}\nmodule.exports = Client;\n");
        assert!(i.commonjs.assigned_value.is_some() && i.commonjs.names.is_empty());
        let i = info("d.js", "module.exports = require('./impl');");
        assert_eq!(i.commonjs.reexports, ["./impl"]);
    }

    #[test]
    fn declaration_files() {
        let i = info(
            "index.d.ts",
            "declare class Client { run(): void }\nexport = Client;\ndeclare module 'plugin' {\n  export const version: string;\n  export default function plugin(): void;\n}\n",
        );
        assert!(i.export_assignment.is_some());
        let ambient = &i.ambient_modules[0];
        assert_eq!(ambient.name, "plugin");
        assert_eq!(names(&ambient.info), ["version", "default"]);
    }

    #[test]
    fn default_locals_and_unlisted_commonjs() {
        let i = info(
            "a.ts",
            "const v = 1;\nexport { v as named, v as default };\n",
        );
        assert_eq!(i.default_export_local.as_deref(), Some("v"));
        assert_eq!(i.export_local("named"), Some("v"));
        let i = info(
            "b.ts",
            "export const a = 1;\nexport default function make() {}\n",
        );
        assert_eq!(i.default_export_local.as_deref(), Some("make"));
        assert_eq!(i.export_local("a"), Some("a"));
        let i = info("c.ts", "export default { a: 1 };\n");
        assert_eq!(i.default_export_local, None);
        let i = info(
            "d.mjs",
            "function antfu() {}\nvar src_default = antfu;\nlet moving = antfu;\nvar a = b, b = a;\nexport { antfu, src_default as default };\n",
        );
        assert_eq!(i.unaliased("src_default"), "antfu");
        assert_eq!(i.unaliased("moving"), "moving");
        assert!(["a", "b"].contains(&i.unaliased("a")));

        for text in [
            "Object.keys(m).forEach(function (k) { exports[k] = m[k]; });",
            "Object.assign(module.exports, { a: 1 });",
            "factory(exports);",
            "module.exports = { ...helpers, a: 1 };",
            "Object.keys(m).forEach(function (k) { Object.defineProperty(exports, k, {}); });",
        ] {
            assert!(info("d.js", text).commonjs.unlisted, "{text}");
        }
        let listed = info("e.js", "exports.a = 1;\nObject.defineProperty(exports, 'b', {});\n__exportStar(require('./x'), exports);\n");
        assert!(!listed.commonjs.unlisted);
    }
}
