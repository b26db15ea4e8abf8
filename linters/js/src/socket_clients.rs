//! The WebSocket and Socket.IO clients of a project (`new WebSocket(..)`, rxjs'
//! `webSocket(..)`, `socket.io-client`), and whether any of them sends again what it
//! receives: what tells a server's echo by design (a client that draws what the server
//! confirms) from a relay loop (clients that re-broadcast what they get).

use std::path::PathBuf;

use prodlint_core::{Project, ProjectIndex};
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

use crate::project_sources::{parse_marked_sources, Marked};

/// One client file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocketClient {
    pub path: PathBuf,
    /// A message handler of the client sends, emits or pushes to a socket subject.
    pub resends: bool,
}

/// The clients under a directory (the key), found by reading the files that construct
/// one; `node_modules`, build output and hidden directories are skipped.
#[derive(Debug, Default)]
pub struct SocketClients {
    pub clients: Vec<SocketClient>,
}

/// What a client file contains.
pub(crate) const MARKERS: &[&str] = &[
    "new WebSocket(",
    "webSocket(",
    "webSocket<",
    "socket.io-client",
    "new ReconnectingWebSocket(",
];

impl ProjectIndex for SocketClients {
    type Key = PathBuf;

    fn build(project: &Project, root: &PathBuf) -> SocketClients {
        let mut clients = Vec::new();
        parse_marked_sources(project, root, Marked::SocketClients, |path, parsed| {
            let mut handlers = Handlers::default();
            parsed.program.visit_with(&mut handlers);
            clients.push(SocketClient {
                path,
                resends: handlers.resends,
            });
        });
        SocketClients { clients }
    }
}

/// Finds message handlers (`onmessage = ..`, `addEventListener('message', ..)`,
/// `.on(event, ..)`, an rxjs `.subscribe(..)`) whose bodies send.
#[derive(Default)]
struct Handlers {
    depth: u32,
    resends: bool,
}

fn is_handler_call(call: &CallExpr) -> bool {
    let Callee::Expr(callee) = &call.callee else {
        return false;
    };
    let Expr::Member(member) = &**callee else {
        return false;
    };
    let MemberProp::Ident(method) = &member.prop else {
        return false;
    };
    let event = match call.args.first().map(|a| &*a.expr) {
        Some(Expr::Lit(Lit::Str(s))) => Some(s.value.to_atom_lossy().to_string()),
        _ => None,
    };
    match &*method.sym {
        "addEventListener" => event.as_deref() == Some("message"),
        // Socket.IO events; not the page's own or the connection's life cycle.
        "on" | "once" => event.is_some_and(|e| {
            !matches!(
                e.as_str(),
                "submit"
                    | "click"
                    | "keydown"
                    | "keyup"
                    | "keypress"
                    | "input"
                    | "change"
                    | "open"
                    | "close"
                    | "error"
                    | "connect"
                    | "disconnect"
                    | "connect_error"
                    | "reconnect"
            )
        }),
        // An rxjs socket subject: `socket$.subscribe(..)`, `this.ws.messages$.subscribe(..)`.
        "subscribe" => socket_like(&member.obj),
        _ => false,
    }
}

fn socket_like(expr: &Expr) -> bool {
    match expr {
        Expr::Ident(ident) => {
            let name = ident.sym.to_lowercase();
            name.contains("socket") || name.starts_with("ws")
        }
        Expr::Member(member) => {
            let prop = match &member.prop {
                MemberProp::Ident(p) => p.sym.to_lowercase(),
                _ => String::new(),
            };
            prop.contains("socket") || prop.starts_with("ws") || socket_like(&member.obj)
        }
        _ => false,
    }
}

impl Visit for Handlers {
    fn visit_call_expr(&mut self, call: &CallExpr) {
        if is_handler_call(call) {
            self.depth += 1;
            call.visit_children_with(self);
            self.depth -= 1;
            return;
        }
        if self.depth > 0 {
            if let Callee::Expr(callee) = &call.callee {
                if let Expr::Member(member) = &**callee {
                    if let MemberProp::Ident(method) = &member.prop {
                        if matches!(&*method.sym, "send" | "emit" | "next") {
                            self.resends = true;
                        }
                    }
                }
            }
        }
        call.visit_children_with(self);
    }

    fn visit_assign_expr(&mut self, assign: &AssignExpr) {
        let onmessage = matches!(&assign.left,
            AssignTarget::Simple(SimpleAssignTarget::Member(m))
                if matches!(&m.prop, MemberProp::Ident(p) if p.sym == *"onmessage"));
        if onmessage {
            self.depth += 1;
            assign.visit_children_with(self);
            self.depth -= 1;
        } else {
            assign.visit_children_with(self);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(files: &[(&str, &str)]) -> Vec<(String, bool)> {
        let dir = tempfile::tempdir().unwrap();
        prodlint_core::write_tree(dir.path(), files).unwrap();
        let project = Project::new(dir.path().to_path_buf());
        let clients = project.index::<SocketClients>(&dir.path().to_path_buf());
        clients
            .clients
            .iter()
            .map(|c| {
                let name = c.path.strip_prefix(dir.path()).unwrap();
                (name.to_string_lossy().replace('\\', "/"), c.resends)
            })
            .collect()
    }

    #[test]
    fn clients_and_whether_they_send_what_they_receive() {
        let found = client(&[
            (
                "web/chat.js",
                "const s = new WebSocket('wss://x');\ns.onmessage = (e) => { list.append(e.data); };\nform.onsubmit = () => s.send(input.value);\n",
            ),
            (
                "web/relay.ts",
                "const s = new WebSocket(url);\ns.addEventListener('message', (e) => { for (const p of peers) p.send(e.data); });\n",
            ),
            ("server/index.js", "const wss = new WebSocketServer({ port: 1 });\n"),
            (
                "node_modules/ws/client.js",
                "const s = new WebSocket(url); s.onmessage = (e) => s.send(e.data);\n",
            ),
        ]);
        assert_eq!(
            found,
            [
                ("web/chat.js".to_string(), false),
                ("web/relay.ts".to_string(), true)
            ]
        );
    }
}
