//! The project's own functions that read a setting: a function whose body reads the
//! environment variable named by one parameter and falls back to another
//! (`function getEnv(name, fallback) { return process.env[name] ?? fallback }`). A call
//! of one (`getEnv("API_URL", "http://localhost:3000")`) reads the setting `API_URL` and
//! gives the second argument as its fallback, wherever in the project the helper is
//! declared.

use std::collections::BTreeMap;
use std::path::PathBuf;

pub use prodlint_core::env_reader::EnvReader;
use prodlint_core::env_reader::EnvReaderShapes;
use prodlint_core::{Project, ProjectIndex};
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

use crate::modes::is_env_object;
use crate::project_sources::{parse_marked_sources, Marked};

/// The setting readers declared under a directory (the key), by function name.
#[derive(Debug, Default)]
pub struct EnvReaders {
    readers: BTreeMap<String, EnvReader>,
}

/// What a file that reads an environment variable by a computed name contains.
pub(crate) const MARKERS: &[&str] = &["env[", "env.get("];

impl EnvReaders {
    /// The reader called `name`, when the project declares exactly one shape of it.
    pub fn get(&self, name: &str) -> Option<EnvReader> {
        self.readers.get(name).copied()
    }

    /// The setting readers one parsed file declares.
    pub fn of_program(program: &Program) -> EnvReaders {
        let mut visitor = Declarations::default();
        program.visit_with(&mut visitor);
        EnvReaders {
            readers: visitor.readers.known(),
        }
    }
}

impl ProjectIndex for EnvReaders {
    type Key = PathBuf;

    fn build(project: &Project, root: &PathBuf) -> EnvReaders {
        let mut visitor = Declarations::default();
        parse_marked_sources(project, root, Marked::EnvReads, |_, parsed| {
            parsed.program.visit_with(&mut visitor);
        });
        EnvReaders {
            readers: visitor.readers.known(),
        }
    }
}

#[derive(Default)]
struct Declarations {
    readers: EnvReaderShapes,
}

impl Declarations {
    fn add(&mut self, name: &str, params: &[&Pat], body: &dyn VisitWith<BodyReads>) {
        let names: Vec<Option<&str>> = params.iter().map(|pat| param_name(pat)).collect();
        let mut reads = BodyReads {
            params: names.iter().map(|n| n.unwrap_or("").to_string()).collect(),
            ..BodyReads::default()
        };
        body.visit_with(&mut reads);
        let Some(name_arg) = reads.env_key else {
            return;
        };
        // The fallback: another parameter the body reads (`?? fallback`,
        // `if (!value) return fallback`).
        let Some(fallback_arg) = (0..names.len())
            .find(|&index| index != name_arg && names[index].is_some() && reads.read[index])
        else {
            return;
        };
        self.readers.add(
            name.to_string(),
            EnvReader {
                name_arg,
                fallback_arg,
            },
        );
    }
}

/// A parameter's name: `name`, `fallback = ""`, `fallback?: string`.
fn param_name(pat: &Pat) -> Option<&str> {
    match pat {
        Pat::Ident(ident) => Some(&ident.id.sym),
        Pat::Assign(assign) => param_name(&assign.left),
        _ => None,
    }
}

impl Visit for Declarations {
    fn visit_fn_decl(&mut self, decl: &FnDecl) {
        let params: Vec<&Pat> = decl.function.params.iter().map(|p| &p.pat).collect();
        if let Some(body) = &decl.function.body {
            self.add(&decl.ident.sym, &params, body);
        }
        decl.visit_children_with(self);
    }

    fn visit_var_declarator(&mut self, declarator: &VarDeclarator) {
        if let (Pat::Ident(binding), Some(init)) = (&declarator.name, declarator.init.as_deref()) {
            match init {
                Expr::Arrow(arrow) => {
                    let params: Vec<&Pat> = arrow.params.iter().collect();
                    self.add(&binding.id.sym, &params, &*arrow.body);
                }
                Expr::Fn(function) => {
                    let params: Vec<&Pat> =
                        function.function.params.iter().map(|p| &p.pat).collect();
                    if let Some(body) = &function.function.body {
                        self.add(&binding.id.sym, &params, body);
                    }
                }
                _ => {}
            }
        }
        declarator.visit_children_with(self);
    }
}

/// What a function body does with its parameters: which one names the environment
/// variable it reads (`process.env[name]`, `Deno.env.get(name)`), which others it reads.
#[derive(Default)]
struct BodyReads {
    params: Vec<String>,
    env_key: Option<usize>,
    read: Vec<bool>,
}

impl BodyReads {
    fn param(&self, expr: &Expr) -> Option<usize> {
        match expr {
            Expr::Ident(ident) => self
                .params
                .iter()
                .position(|p| !p.is_empty() && **p == *ident.sym),
            _ => None,
        }
    }
}

impl Visit for BodyReads {
    fn visit_member_expr(&mut self, member: &MemberExpr) {
        if let MemberProp::Computed(computed) = &member.prop {
            if is_env_object(&member.obj) {
                if let Some(index) = self.param(&computed.expr) {
                    self.env_key.get_or_insert(index);
                    return;
                }
            }
        }
        member.visit_children_with(self);
    }

    fn visit_call_expr(&mut self, call: &CallExpr) {
        // `Deno.env.get(name)`
        if let Callee::Expr(callee) = &call.callee {
            if let Expr::Member(member) = &**callee {
                let is_get = matches!(&member.prop, MemberProp::Ident(p) if &*p.sym == "get");
                if is_get && is_env_object(&member.obj) {
                    if let Some(index) = call.args.first().and_then(|a| self.param(&a.expr)) {
                        self.env_key.get_or_insert(index);
                        return;
                    }
                }
            }
        }
        call.visit_children_with(self);
    }

    fn visit_ident(&mut self, ident: &Ident) {
        if self.read.len() < self.params.len() {
            self.read.resize(self.params.len(), false);
        }
        if let Some(index) = self
            .params
            .iter()
            .position(|p| !p.is_empty() && **p == *ident.sym)
        {
            self.read[index] = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn readers(source: &str) -> EnvReaders {
        EnvReaders::of_program(&crate::parse("src/env.ts", source).unwrap().program)
    }

    #[test]
    fn setting_readers() {
        let found = readers(
            "export function getEnv(name: string, fallback?: string) {\n\
               const value = process.env[name];\n\
               if (!value) return fallback;\n\
               return value;\n\
             }\n\
             export const envOr = (fallback, key) => import.meta.env[key] ?? fallback;\n\
             const denoEnv = function (key, otherwise = '') { return Deno.env.get(key) || otherwise; };\n\
             // Reads a fixed variable: not a reader of a variable named by a parameter.\n\
             function apiUrl(fallback) { return process.env.API_URL ?? fallback; }\n\
             // Reads the variable named by its only parameter: no fallback.\n\
             function required(name) { const v = process.env[name]; if (!v) throw new Error(name); return v; }\n\
             // Indexes another object.\n\
             function pick(map, key, fallback) { return map[key] ?? fallback; }\n",
        );
        let shape = |name_arg, fallback_arg| {
            Some(EnvReader {
                name_arg,
                fallback_arg,
            })
        };
        assert_eq!(found.get("getEnv"), shape(0, 1));
        assert_eq!(found.get("envOr"), shape(1, 0));
        assert_eq!(found.get("denoEnv"), shape(0, 1));
        assert_eq!(found.get("apiUrl"), None);
        assert_eq!(found.get("required"), None);
        assert_eq!(found.get("pick"), None);
    }
}
