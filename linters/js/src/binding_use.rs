//! How a file uses the names it binds: as values (what survives compilation and is looked
//! up at run time) or only in TypeScript type positions (erased by `tsc`, esbuild, swc and
//! Babel before anything runs). A per-file fact read from the syntax tree, with no scope
//! analysis: a name that is also declared anywhere else in the file (a parameter, a
//! nested variable, a type parameter) could mean either binding and is [`BindingUse::Ambiguous`].
//!
//! Type positions: annotations, `implements`, an interface's `extends`, generic arguments,
//! `as` and `satisfies` types, `typeof x` inside a type, type aliases, and everything in an
//! ambient declaration (`declare class`, `declare const`, `declare module`, `declare global`).
//! Value positions: every expression (calls, `new`, `class … extends X`, decorators,
//! shorthand properties, `typeof x` in an expression), JSX tags that name a component, and
//! `import A = X.Y`. `export { X }`, `export default X` and `export = X` re-export whatever
//! `X` is, a value or a type, so they are ambiguous.

use std::collections::HashMap;

use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

/// How a file uses one of its local names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindingUse {
    /// Never mentioned after the import (in a `.ts` file the import is dropped; a `.vue`
    /// template or a plain `.js` file may still use it).
    Unused,
    /// Only in type positions: erased before the code runs.
    TypeOnly,
    /// At least once as a value.
    Value,
    /// Also declared elsewhere in the file, or re-exported as it is: could be either.
    Ambiguous,
}

#[derive(Debug, Clone, Copy, Default)]
struct Seen {
    value: bool,
    type_only: bool,
    ambiguous: bool,
}

/// The uses of every name a file mentions outside its import declarations.
#[derive(Debug, Default)]
pub struct BindingUses {
    names: HashMap<String, Seen>,
}

impl BindingUses {
    pub fn of(program: &Program) -> BindingUses {
        let mut visitor = UseVisitor {
            uses: BindingUses::default(),
            in_type: false,
        };
        program.visit_with(&mut visitor);
        visitor.uses
    }

    /// How the file uses the local name `local`.
    pub fn get(&self, local: &str) -> BindingUse {
        match self.names.get(local) {
            None => BindingUse::Unused,
            Some(seen) if seen.ambiguous => BindingUse::Ambiguous,
            Some(seen) if seen.value => BindingUse::Value,
            Some(_) => BindingUse::TypeOnly,
        }
    }

    fn seen(&mut self, name: &str) -> &mut Seen {
        if !self.names.contains_key(name) {
            self.names.insert(name.to_string(), Seen::default());
        }
        self.names.get_mut(name).expect("inserted")
    }
}

struct UseVisitor {
    uses: BindingUses,
    /// Inside a type or an ambient declaration.
    in_type: bool,
}

impl UseVisitor {
    fn reference(&mut self, name: &str) {
        let in_type = self.in_type;
        let seen = self.uses.seen(name);
        if in_type {
            seen.type_only = true;
        } else {
            seen.value = true;
        }
    }

    fn ambiguous(&mut self, name: &str) {
        self.uses.seen(name).ambiguous = true;
    }

    fn in_type<N: VisitWith<Self> + ?Sized>(&mut self, node: &N) {
        let outer = std::mem::replace(&mut self.in_type, true);
        node.visit_children_with(self);
        self.in_type = outer;
    }
}

impl Visit for UseVisitor {
    // The import declarations bind the names this looks for; they are not uses.
    fn visit_import_decl(&mut self, _: &ImportDecl) {}

    fn visit_expr(&mut self, expr: &Expr) {
        match expr {
            Expr::Ident(ident) => self.reference(&ident.sym),
            _ => expr.visit_children_with(self),
        }
    }

    fn visit_ts_entity_name(&mut self, name: &TsEntityName) {
        match name {
            TsEntityName::Ident(ident) => self.reference(&ident.sym),
            TsEntityName::TsQualifiedName(qualified) => qualified.left.visit_with(self),
        }
    }

    fn visit_prop(&mut self, prop: &Prop) {
        match prop {
            Prop::Shorthand(ident) => self.reference(&ident.sym),
            _ => prop.visit_children_with(self),
        }
    }

    fn visit_jsx_element_name(&mut self, name: &JSXElementName) {
        match name {
            // `<div>` is an intrinsic element, `<Card>` a component reference.
            JSXElementName::Ident(ident)
                if !ident.sym.starts_with(|c: char| c.is_ascii_lowercase()) =>
            {
                self.reference(&ident.sym)
            }
            JSXElementName::Ident(_) | JSXElementName::JSXNamespacedName(_) => {}
            JSXElementName::JSXMemberExpr(member) => member.visit_with(self),
        }
    }

    fn visit_jsx_object(&mut self, object: &JSXObject) {
        match object {
            JSXObject::Ident(ident) => self.reference(&ident.sym),
            JSXObject::JSXMemberExpr(member) => member.visit_with(self),
        }
    }

    fn visit_ts_type(&mut self, ty: &TsType) {
        self.in_type(ty);
    }

    fn visit_ts_expr_with_type_args(&mut self, node: &TsExprWithTypeArgs) {
        // Only in `implements` and an interface's `extends`.
        self.in_type(node);
    }

    fn visit_ts_interface_decl(&mut self, node: &TsInterfaceDecl) {
        self.in_type(node);
    }

    fn visit_ts_type_alias_decl(&mut self, node: &TsTypeAliasDecl) {
        self.in_type(node);
    }

    fn visit_class_decl(&mut self, node: &ClassDecl) {
        match node.declare {
            true => self.in_type(node),
            false => node.visit_children_with(self),
        }
    }

    fn visit_var_decl(&mut self, node: &VarDecl) {
        match node.declare {
            true => self.in_type(node),
            false => node.visit_children_with(self),
        }
    }

    fn visit_fn_decl(&mut self, node: &FnDecl) {
        match node.declare {
            true => self.in_type(node),
            false => node.visit_children_with(self),
        }
    }

    fn visit_ts_module_decl(&mut self, node: &TsModuleDecl) {
        match node.declare || matches!(node.id, TsModuleName::Str(_)) || node.global {
            true => self.in_type(node),
            false => node.visit_children_with(self),
        }
    }

    fn visit_named_export(&mut self, export: &NamedExport) {
        if export.src.is_some() {
            return;
        }
        for specifier in &export.specifiers {
            if let ExportSpecifier::Named(ExportNamedSpecifier {
                orig: ModuleExportName::Ident(ident),
                ..
            }) = specifier
            {
                self.ambiguous(&ident.sym);
            }
        }
    }

    fn visit_export_default_expr(&mut self, export: &ExportDefaultExpr) {
        match &*export.expr {
            Expr::Ident(ident) => self.ambiguous(&ident.sym),
            _ => export.visit_children_with(self),
        }
    }

    fn visit_ts_export_assignment(&mut self, export: &TsExportAssignment) {
        match &*export.expr {
            Expr::Ident(ident) => self.ambiguous(&ident.sym),
            _ => export.visit_children_with(self),
        }
    }

    // Every identifier not reached as a reference above declares something: a parameter,
    // a variable, a function, a class, a type parameter, an enum member, a label.
    fn visit_ident(&mut self, ident: &Ident) {
        self.ambiguous(&ident.sym);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uses(path: &str, text: &str) -> BindingUses {
        BindingUses::of(&crate::parse(path, text).unwrap().program)
    }

    #[test]
    fn type_positions_are_type_only() {
        let u = uses(
            "a.ts",
            "import { A, B, C, D, E, F, G, H, I, J, K, L } from 'm';\n\
             let a: A;\n\
             class X implements B {}\n\
             interface Y extends C {}\n\
             const g = make<D>();\n\
             const s = {} satisfies E;\n\
             type T = typeof F;\n\
             function f(p: G): H { return p as unknown as I; }\n\
             declare class Z extends J {}\n\
             declare global { interface Window { k: K } }\n\
             type Q = L.Member;\n",
        );
        for name in ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L"] {
            assert_eq!(u.get(name), BindingUse::TypeOnly, "{name}");
        }
        assert_eq!(u.get("make"), BindingUse::Value);
        assert_eq!(u.get("Nowhere"), BindingUse::Unused);
    }

    #[test]
    fn value_positions_are_values() {
        let u = uses(
            "a.tsx",
            "import { A, B, C, D, E, F, G, H, I, K } from 'm';\n\
             new A();\n\
             class X extends B {}\n\
             @C() class Y {}\n\
             const o = { D };\n\
             if (typeof E === 'function') {}\n\
             const el = <F.Item><G /></F.Item>;\n\
             H.call();\n\
             const t: I = I;\n\
             import Alias = K.Inner;\n\
             const el2 = <span />;\n",
        );
        for name in ["A", "B", "C", "D", "E", "F", "G", "H", "I", "K"] {
            assert_eq!(u.get(name), BindingUse::Value, "{name}");
        }
        assert_eq!(u.get("span"), BindingUse::Unused);
    }

    #[test]
    fn shadowed_and_reexported_names_are_ambiguous() {
        let u = uses(
            "a.ts",
            "import { A, B, C, D, E } from 'm';\n\
             let a: A;\n\
             function f(A: number) { return A; }\n\
             export { B };\n\
             export default C;\n\
             function g<D>(x: D) {}\n\
             const h = (E: string) => E;\n",
        );
        for name in ["A", "B", "C", "D", "E"] {
            assert_eq!(u.get(name), BindingUse::Ambiguous, "{name}");
        }
    }
}
