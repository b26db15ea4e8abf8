//! The settings a project passes as the host its own servers listen on:
//! `new HttpServer({ port: env.METRICS_PORT, host: env.METRICS_HOST })`,
//! `app.listen(env.PORT, env.BIND_HOST)`, `serve({ fetch, hostname: env.HOSTNAME })`. A
//! default of such a setting is where the program's listener binds (a loopback default
//! keeps it private by choice), not a machine it calls, even when the default is declared
//! in another file than the server (an env schema).

use std::collections::BTreeSet;
use std::path::PathBuf;

use prodlint_core::{Project, ProjectIndex};
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

use crate::modes::member_prop_name;
use crate::project_sources::{parse_marked_sources, Marked};

/// The names of environment settings (`METRICS_HOST`) passed as a server's host anywhere
/// under a directory (the key).
#[derive(Debug, Default)]
pub struct ListenHosts {
    names: BTreeSet<String>,
}

/// What a file that starts a server contains.
pub(crate) const MARKERS: &[&str] = &["listen(", "Server(", "serve("];

impl ListenHosts {
    /// Whether the project passes the setting `name` (its last segment: `METRICS_HOST` of
    /// `env.METRICS_HOST`) as a server's host.
    pub fn contains(&self, name: &str) -> bool {
        self.names.contains(name.rsplit('.').next().unwrap_or(name))
    }

    /// The settings one parsed file passes as a server's host.
    pub fn of_program(program: &Program) -> ListenHosts {
        let mut visitor = ServerCalls::default();
        program.visit_with(&mut visitor);
        ListenHosts {
            names: visitor.names,
        }
    }
}

impl ProjectIndex for ListenHosts {
    type Key = PathBuf;

    fn build(project: &Project, root: &PathBuf) -> ListenHosts {
        let mut names = BTreeSet::new();
        parse_marked_sources(project, root, Marked::Servers, |_, parsed| {
            names.extend(ListenHosts::of_program(&parsed.program).names);
        });
        ListenHosts { names }
    }
}

#[derive(Default)]
struct ServerCalls {
    names: BTreeSet<String>,
}

impl ServerCalls {
    /// Records the setting an argument reads, when it is an environment-style name
    /// (`env.METRICS_HOST`, `process.env.BIND_HOST`, `HOST`): a lower-case `host` is a
    /// local variable of any meaning.
    fn add(&mut self, expr: &Expr) {
        let name = match expr {
            Expr::Ident(ident) => ident.sym.to_string(),
            Expr::Member(member) => match member_prop_name(&member.prop) {
                Some(name) => name,
                None => return,
            },
            Expr::Paren(paren) => return self.add(&paren.expr),
            Expr::TsAs(as_expr) => return self.add(&as_expr.expr),
            Expr::TsNonNull(non_null) => return self.add(&non_null.expr),
            _ => return,
        };
        if prodlint_core::env_reader::is_env_style_name(&name) {
            self.names.insert(name);
        }
    }

    /// `{ port, host: env.X }`, `{ hostname: env.X }`.
    fn add_options(&mut self, expr: &Expr) {
        let Expr::Object(object) = expr else { return };
        for prop in &object.props {
            let PropOrSpread::Prop(prop) = prop else {
                continue;
            };
            if let Prop::KeyValue(kv) = &**prop {
                let key = match &kv.key {
                    PropName::Ident(ident) => ident.sym.to_string(),
                    PropName::Str(s) => s.value.to_atom_lossy().as_str().to_string(),
                    _ => continue,
                };
                if matches!(key.as_str(), "host" | "hostname") {
                    self.add(&kv.value);
                }
            }
        }
    }
}

/// The last name of a callee or constructor: `listen` in `app.listen`, `HttpServer`.
fn last_name(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Ident(ident) => Some(ident.sym.to_string()),
        Expr::Member(member) => member_prop_name(&member.prop),
        Expr::Paren(paren) => last_name(&paren.expr),
        _ => None,
    }
}

impl Visit for ServerCalls {
    fn visit_call_expr(&mut self, call: &CallExpr) {
        if let Callee::Expr(callee) = &call.callee {
            match last_name(callee).as_deref() {
                // `listen(port, host)`, `listen({ port, host })`.
                Some("listen") => {
                    for (index, arg) in call.args.iter().enumerate() {
                        if index > 0 {
                            self.add(&arg.expr);
                        }
                        self.add_options(&arg.expr);
                    }
                }
                // `serve({ fetch, hostname })` (Bun, Deno, Hono's node server),
                // `createServer({ host })`.
                Some("serve" | "createServer") => {
                    for arg in &call.args {
                        self.add_options(&arg.expr);
                    }
                }
                _ => {}
            }
        }
        call.visit_children_with(self);
    }

    // `new HttpServer({ port, host })`, `new WebSocketServer({ host })`.
    fn visit_new_expr(&mut self, new: &NewExpr) {
        if last_name(&new.callee).is_some_and(|name| name.ends_with("Server")) {
            for arg in new.args.iter().flatten() {
                self.add_options(&arg.expr);
            }
        }
        new.visit_children_with(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_given_to_servers() {
        let parsed = crate::parse(
            "src/a.ts",
            "new HttpServer({ port: env.METRICS_PORT, host: env.METRICS_HOST });\n\
             app.listen(env.PORT, process.env.BIND_HOST);\n\
             serve({ fetch, hostname: env.SERVE_HOST });\n\
             server.listen({ port, host: config.host });\n\
             new Redis({ host: env.REDIS_HOST });\n\
             new HttpServer({ host });\n",
        )
        .unwrap();
        let hosts = ListenHosts::of_program(&parsed.program);
        assert!(hosts.contains("METRICS_HOST"));
        assert!(hosts.contains("env.BIND_HOST"));
        assert!(hosts.contains("SERVE_HOST"));
        // A client's host, or a lower-case name of any meaning, is not a listen setting.
        assert!(!hosts.contains("REDIS_HOST"));
        assert!(!hosts.contains("host"));
        assert!(!hosts.contains("METRICS_PORT"));
    }
}
