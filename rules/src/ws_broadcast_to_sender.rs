use std::collections::HashSet;
use std::sync::Arc;

use prodlint_core::{ConfigError, Diagnostic, RuleMeta, RuleOptions, Severity, SourceFile, Span};
use prodlint_js::ast::*;
use prodlint_js::socket_clients::SocketClients;
use prodlint_js::span;
use prodlint_js::visit::{Visit, VisitWith};
use swc_common::Spanned;

use crate::{JsContext, Rule};

prodlint_macros::declare_rule! {
    /// ## What it does
    /// Finds WebSocket message handlers that send the message they received back to
    /// every connection, the sender's included:
    /// - inside a `message` handler of a connection (`ws.on('message', ..)`,
    ///   `addEventListener('message', ..)`, `onmessage`, the `message(ws, data)` handler of
    ///   uWebSockets.js, Bun and Nitro/crossws), a loop over all connections that calls
    ///   `client.send(..)` with the received data and never compares the client with the
    ///   sender. All connections are ws's `wss.clients`, crossws' `peer.peers`, or a
    ///   `Set`, `Map`, array or object that the file adds the sender's variable to
    ///   (`clients.add(ws)`, `sockets.set(id, ws)`, `peers[id] = ws`);
    /// - `app.publish(topic, data)` (uWebSockets.js, Bun) of the received data, to a topic
    ///   the file subscribes connections to, where `ws.publish` leaves the sender out;
    /// - in a Socket.IO event handler, `io.emit(..)`, `io.to(room).emit(..)` (a room the
    ///   socket joined) of the received payload, where `socket.broadcast.emit(..)` and
    ///   `socket.to(room).emit(..)` leave the sender out.
    ///
    /// Only the received data forwarded as it came counts: the handler's parameter,
    /// `event.data`, `data.toString()`, `String(data)`, `Buffer.from(data)`, a `const`
    /// copy of one of those, or `JSON.stringify` of its `JSON.parse` that the handler
    /// never changes. When the server builds a new message (adds a time stamp, an id, the
    /// sender's name, turns it into an acknowledgement), the sender's copy tells it
    /// something it did not know, and sending it to everyone is the usual design of a
    /// chat whose clients draw only what the server confirms: not reported. A loop with
    /// any comparison between the client (or its key) and something else than a ready
    /// state (`client !== ws`, `id !== senderId`) is taken to exclude the sender.
    ///
    /// The project's own clients settle the rest (files under the working directory
    /// that open a `new WebSocket(..)`, an rxjs `webSocket(..)` or a `socket.io-client`
    /// connection): when every one of them only consumes what it receives, the sender's
    /// copy is how its author sees the message, an echo by design, and nothing is
    /// reported; when one sends again from its message handler, the help says that the
    /// echo loops. Without a client in the project, the server's code is judged alone.
    ///
    /// ## Why is this bad?
    /// The sender gets its own message back. In a relay between clients that re-send
    /// what they receive (game state, cursors, a peer mesh), that is a loop that
    /// multiplies traffic until a client drops; elsewhere it shows every message twice
    /// to its author.
    ///
    /// ## Example
    /// ```js
    /// wss.on('connection', (ws) => {
    ///   ws.on('message', (message) => {
    ///     wss.clients.forEach((client) => {
    ///       if (client.readyState === WebSocket.OPEN) client.send(message);
    ///     });
    ///   });
    /// });
    /// ```
    ///
    /// ## Use instead
    /// ```js
    /// wss.on('connection', (ws) => {
    ///   ws.on('message', (message) => {
    ///     wss.clients.forEach((client) => {
    ///       if (client !== ws && client.readyState === WebSocket.OPEN) client.send(message);
    ///     });
    ///   });
    /// });
    /// ```
    pub static META = {
        id: "ws-broadcast-to-sender",
        languages: [JavaScript],
        severity: Warning,
        summary: "A WebSocket or Socket.IO message handler that sends the received message back to every connection, the sender's included",
        fix: None,
    }
}

pub struct WsBroadcastToSender;

impl WsBroadcastToSender {
    pub fn build(_options: &RuleOptions) -> Result<Box<dyn Rule>, ConfigError> {
        Ok(Box::new(WsBroadcastToSender))
    }
}

impl Rule for WsBroadcastToSender {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_js(&self, ctx: &JsContext<'_>, out: &mut Vec<Diagnostic>) {
        if ctx.is_test_file || ctx.is_tooling_file {
            return;
        }
        let text = &ctx.file.text;
        if !text.contains("message") && !text.contains(".emit(") {
            return;
        }
        let mut facts = FileFacts {
            text,
            ..FileFacts::default()
        };
        ctx.parsed.program.visit_with(&mut facts);
        let mut found = Vec::new();
        let mut handlers = Handlers {
            facts: &facts,
            file: ctx.file,
            connections: Vec::new(),
            out: &mut found,
        };
        ctx.parsed.program.visit_with(&mut handlers);
        if found.is_empty() {
            return;
        }
        // The project's own clients tell the design: clients that draw what they receive
        // and send nothing back rely on the server's copy; a client that sends again
        // what it receives makes the echo a loop.
        let clients = ctx.project.index::<SocketClients>(&ctx.project.cwd);
        let resending = clients.clients.iter().find(|c| c.resends);
        if !clients.clients.is_empty() && resending.is_none() {
            return;
        }
        for mut diagnostic in found {
            if let Some(client) = resending {
                let shown = client
                    .path
                    .strip_prefix(&ctx.project.cwd)
                    .unwrap_or(&client.path);
                let help = diagnostic.help.take().unwrap_or_default();
                diagnostic.help = Some(format!(
                    "{help}; the client in {} sends again what it receives, so each message loops",
                    shown.display()
                ));
            }
            out.push(diagnostic);
        }
    }
}

/// A source text without white space, to compare expressions as written.
fn compact(text: &str, span: Span) -> String {
    text.get(span.start as usize..span.end as usize)
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn strip(expr: &Expr) -> &Expr {
    match expr {
        Expr::Paren(e) => strip(&e.expr),
        Expr::TsNonNull(e) => strip(&e.expr),
        Expr::TsAs(e) => strip(&e.expr),
        Expr::TsSatisfies(e) => strip(&e.expr),
        Expr::TsTypeAssertion(e) => strip(&e.expr),
        _ => expr,
    }
}

fn prop_name(prop: &MemberProp) -> Option<&str> {
    match prop {
        MemberProp::Ident(ident) => Some(&ident.sym),
        _ => None,
    }
}

/// `object.method` of a call: the object and the method's name.
fn method_call(call: &CallExpr) -> Option<(&Expr, &str)> {
    let Callee::Expr(callee) = &call.callee else {
        return None;
    };
    let Expr::Member(member) = strip(callee) else {
        return None;
    };
    Some((&member.obj, prop_name(&member.prop)?))
}

/// `name(..)` of a call to a global function or a static method (`JSON.parse`).
fn callee_text(call: &CallExpr, text: &str) -> String {
    match &call.callee {
        Callee::Expr(callee) => compact(text, span(callee.span())),
        _ => String::new(),
    }
}

fn ident_name(expr: &Expr) -> Option<&str> {
    match strip(expr) {
        Expr::Ident(ident) => Some(&ident.sym),
        _ => None,
    }
}

/// The identifier a member chain starts from: `io` of `io.to(room).emit`.
fn root_ident(expr: &Expr) -> Option<&str> {
    match strip(expr) {
        Expr::Ident(ident) => Some(&ident.sym),
        Expr::Member(member) => root_ident(&member.obj),
        Expr::Call(call) => match &call.callee {
            Callee::Expr(callee) => root_ident(callee),
            _ => None,
        },
        _ => None,
    }
}

fn string_arg(args: &[ExprOrSpread], i: usize) -> Option<String> {
    match args.get(i).map(|a| strip(&a.expr)) {
        Some(Expr::Lit(Lit::Str(s))) => Some(s.value.to_atom_lossy().to_string()),
        _ => None,
    }
}

fn pat_name(pat: &Pat) -> Option<String> {
    match pat {
        Pat::Ident(ident) => Some(ident.id.sym.to_string()),
        Pat::Assign(assign) => pat_name(&assign.left),
        _ => None,
    }
}

/// A function given as a handler.
#[derive(Clone, Copy)]
enum Func<'a> {
    Arrow(&'a ArrowExpr),
    Fn(&'a Function),
}

impl<'a> Func<'a> {
    fn of(expr: &'a Expr) -> Option<Func<'a>> {
        match strip(expr) {
            Expr::Arrow(arrow) => Some(Func::Arrow(arrow)),
            Expr::Fn(f) => Some(Func::Fn(&f.function)),
            _ => None,
        }
    }

    fn params(self) -> Vec<Option<String>> {
        match self {
            Func::Arrow(arrow) => arrow.params.iter().map(pat_name).collect(),
            Func::Fn(f) => f.params.iter().map(|p| pat_name(&p.pat)).collect(),
        }
    }

    fn visit_body<V: Visit>(self, visitor: &mut V) {
        match self {
            Func::Arrow(arrow) => arrow.body.visit_with(visitor),
            Func::Fn(f) => f.body.visit_with(visitor),
        }
    }
}

/// What the whole file says about connections: which collections it adds which
/// variables to, which rooms sockets join, which topics they subscribe to.
#[derive(Default)]
struct FileFacts<'t> {
    text: &'t str,
    /// (collection as written, the variable added): `("clients", "ws")`.
    members: HashSet<(String, String)>,
    /// (socket variable, room as written): `("socket", "roomId")`.
    joined: HashSet<(String, String)>,
    /// Topics as written: `"chat"`.
    subscribed: HashSet<String>,
}

impl Visit for FileFacts<'_> {
    fn visit_call_expr(&mut self, call: &CallExpr) {
        call.visit_children_with(self);
        let Some((object, method)) = method_call(call) else {
            return;
        };
        let arg = |i: usize| call.args.get(i).map(|a| &*a.expr);
        let object_text = compact(self.text, span(object.span()));
        let added = match method {
            "add" | "push" | "unshift" => arg(0),
            "set" => arg(1),
            "join" => {
                if let (Some(socket), Some(room)) = (ident_name(object), arg(0)) {
                    let room = compact(self.text, span(room.span()));
                    self.joined.insert((socket.to_string(), room));
                }
                None
            }
            "subscribe" => {
                if let Some(topic) = arg(0) {
                    self.subscribed
                        .insert(compact(self.text, span(topic.span())));
                }
                None
            }
            _ => None,
        };
        if let Some(name) = added.and_then(ident_name) {
            self.members.insert((object_text, name.to_string()));
        }
    }

    fn visit_assign_expr(&mut self, assign: &AssignExpr) {
        assign.visit_children_with(self);
        // `peers[id] = ws`
        let AssignTarget::Simple(SimpleAssignTarget::Member(member)) = &assign.left else {
            return;
        };
        if let (MemberProp::Computed(_), Some(name)) = (&member.prop, ident_name(&assign.right)) {
            let object = compact(self.text, span(member.obj.span()));
            self.members.insert((object, name.to_string()));
        }
    }
}

/// A connection handler: `io.on('connection', (socket) => ..)`.
struct Connection {
    /// The server's variable: `io`.
    server: String,
    socket: String,
}

struct Handlers<'a, 'c> {
    facts: &'a FileFacts<'a>,
    file: &'a Arc<SourceFile>,
    connections: Vec<Connection>,
    out: &'c mut Vec<Diagnostic>,
}

/// A handler of received messages.
struct Handler<'f> {
    /// The sender's variable: `ws`, `socket`, `peer`.
    sender: String,
    payload: String,
    /// The handler's registration, for the label.
    at: Span,
    /// Loops over connections are looked for (WebSocket `message` handlers).
    loops: bool,
    /// `app.publish(..)` is looked for (`message(ws, data)` handler objects).
    publish: bool,
    /// The Socket.IO server whose `emit` reaches the sender.
    server: Option<String>,
    body: Func<'f>,
}

impl Visit for Handlers<'_, '_> {
    fn visit_call_expr(&mut self, call: &CallExpr) {
        let registered = method_call(call).and_then(|(object, method)| {
            let listen = matches!(method, "on" | "once" | "addListener" | "addEventListener");
            if !listen {
                return None;
            }
            let event = string_arg(&call.args, 0)?;
            let func = Func::of(call.args.get(1)?.expr.as_ref())?;
            Some((object, method, event, func))
        });
        let Some((object, method, event, func)) = registered else {
            call.visit_children_with(self);
            return;
        };
        let params = func.params();
        if matches!(event.as_str(), "connection" | "connect") && method != "addEventListener" {
            if let (Some(server), Some(Some(socket))) = (root_ident(object), params.first()) {
                self.connections.push(Connection {
                    server: server.to_string(),
                    socket: socket.clone(),
                });
                call.visit_children_with(self);
                self.connections.pop();
                return;
            }
        }
        let sender = compact(&self.file.text, span(object.span()));
        if let Some(Some(payload)) = params.first() {
            let server = self
                .connections
                .last()
                .filter(|c| c.socket == sender)
                .map(|c| c.server.clone());
            let handler = Handler {
                sender,
                payload: payload.clone(),
                at: span(call.span),
                loops: event == "message",
                publish: false,
                server,
                body: func,
            };
            self.check(&handler);
        }
        call.visit_children_with(self);
    }

    fn visit_assign_expr(&mut self, assign: &AssignExpr) {
        assign.visit_children_with(self);
        // `ws.onmessage = (event) => ..`
        let AssignTarget::Simple(SimpleAssignTarget::Member(member)) = &assign.left else {
            return;
        };
        if prop_name(&member.prop) != Some("onmessage") {
            return;
        }
        let Some(func) = Func::of(&assign.right) else {
            return;
        };
        if let Some(Some(payload)) = func.params().first() {
            let handler = Handler {
                sender: compact(&self.file.text, span(member.obj.span())),
                payload: payload.clone(),
                at: span(assign.span),
                loops: true,
                publish: false,
                server: None,
                body: func,
            };
            self.check(&handler);
        }
    }

    fn visit_prop(&mut self, prop: &Prop) {
        prop.visit_children_with(self);
        // `message(ws, data) { .. }`, `message: (peer, message) => ..`
        let (key, func, at) = match prop {
            Prop::Method(method) => (&method.key, Func::Fn(&method.function), method.span()),
            Prop::KeyValue(kv) => match Func::of(&kv.value) {
                Some(func) => (&kv.key, func, kv.span()),
                None => return,
            },
            _ => return,
        };
        if !matches!(key, PropName::Ident(name) if name.sym == *"message") {
            return;
        }
        if let [Some(sender), Some(payload), ..] = func.params().as_slice() {
            let handler = Handler {
                sender: sender.clone(),
                payload: payload.clone(),
                at: span(at),
                loops: true,
                publish: true,
                server: None,
                body: func,
            };
            self.check(&handler);
        }
    }
}

impl Handlers<'_, '_> {
    fn check(&mut self, handler: &Handler<'_>) {
        let mut data = Received::new(&handler.payload, &self.file.text);
        handler.body.visit_body(&mut data);
        let mut scan = Scan {
            handler,
            data: &data,
            facts: self.facts,
            text: &self.file.text,
            found: Vec::new(),
        };
        handler.body.visit_body(&mut scan);
        for (at, kind) in scan.found {
            self.out.push(diagnostic(self.file, handler, at, kind));
        }
    }
}

/// Which variables of a handler hold the received data as it came.
struct Received<'t> {
    text: &'t str,
    /// The payload and its unchanged copies.
    same: HashSet<String>,
    /// `JSON.parse` of the payload.
    parsed: HashSet<String>,
    /// Variables assigned to, or whose properties are assigned to, after their
    /// declaration.
    changed: HashSet<String>,
}

impl<'t> Received<'t> {
    fn new(payload: &str, text: &'t str) -> Received<'t> {
        Received {
            text,
            same: HashSet::from([payload.to_string()]),
            parsed: HashSet::new(),
            changed: HashSet::new(),
        }
    }

    /// Whether `expr` is the received data as it came.
    fn is_unchanged(&self, expr: &Expr) -> bool {
        match strip(expr) {
            Expr::Ident(ident) => {
                self.same.contains(&*ident.sym) && !self.changed.contains(&*ident.sym)
            }
            // `event.data`
            Expr::Member(member) => {
                prop_name(&member.prop) == Some("data")
                    && ident_name(&member.obj).is_some_and(|n| self.same.contains(n))
            }
            Expr::Call(call) => {
                let first = call.args.first().map(|a| &*a.expr);
                if let Some((object, "toString")) = method_call(call) {
                    return self.is_unchanged(object);
                }
                match callee_text(call, self.text).as_str() {
                    "String" | "Buffer.from" => first.is_some_and(|a| self.is_unchanged(a)),
                    "JSON.stringify" if call.args.len() == 1 => first.is_some_and(|a| {
                        self.is_parsed(a)
                            || matches!(strip(a), Expr::Call(inner)
                                if callee_text(inner, self.text) == "JSON.parse"
                                    && inner.args.first().is_some_and(|b| self.is_unchanged(&b.expr)))
                    }),
                    _ => false,
                }
            }
            _ => false,
        }
    }

    fn is_parsed(&self, expr: &Expr) -> bool {
        ident_name(expr).is_some_and(|n| self.parsed.contains(n) && !self.changed.contains(n))
    }
}

impl Visit for Received<'_> {
    fn visit_var_declarator(&mut self, decl: &VarDeclarator) {
        decl.visit_children_with(self);
        let (Some(name), Some(init)) = (pat_name(&decl.name), &decl.init) else {
            return;
        };
        if self.is_unchanged(init) {
            self.same.insert(name);
        } else if matches!(strip(init), Expr::Call(call)
            if callee_text(call, self.text) == "JSON.parse"
                && call.args.first().is_some_and(|a| self.is_unchanged(&a.expr)))
        {
            self.parsed.insert(name);
        }
    }

    fn visit_assign_expr(&mut self, assign: &AssignExpr) {
        assign.visit_children_with(self);
        let target = match &assign.left {
            AssignTarget::Simple(SimpleAssignTarget::Ident(ident)) => Some(&*ident.id.sym),
            AssignTarget::Simple(SimpleAssignTarget::Member(member)) => root_ident(&member.obj),
            _ => None,
        };
        if let Some(name) = target {
            self.changed.insert(name.to_string());
        }
    }

    fn visit_update_expr(&mut self, update: &UpdateExpr) {
        update.visit_children_with(self);
        if let Some(name) = root_ident(&update.arg) {
            self.changed.insert(name.to_string());
        }
    }

    fn visit_unary_expr(&mut self, unary: &UnaryExpr) {
        unary.visit_children_with(self);
        if unary.op == UnaryOp::Delete {
            if let Some(name) = root_ident(&unary.arg) {
                self.changed.insert(name.to_string());
            }
        }
    }

    fn visit_call_expr(&mut self, call: &CallExpr) {
        call.visit_children_with(self);
        // `Object.assign(message, { at: Date.now() })`
        if callee_text(call, self.text) == "Object.assign" {
            if let Some(name) = call.args.first().and_then(|a| ident_name(&a.expr)) {
                self.changed.insert(name.to_string());
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Loop,
    Publish,
    SocketIo,
}

/// Looks through a handler's body for sends that reach the sender.
struct Scan<'a, 'h> {
    handler: &'a Handler<'h>,
    data: &'a Received<'a>,
    facts: &'a FileFacts<'a>,
    text: &'a str,
    found: Vec<(Span, Kind)>,
}

impl Scan<'_, '_> {
    /// Whether a loop's collection is every connection: `wss.clients`, `peer.peers`, or
    /// a collection the file adds the sender's variable to.
    fn is_all_connections(&self, collection: &Expr) -> bool {
        let collection = strip(collection);
        match collection {
            // `[...clients]`
            Expr::Array(array) if array.elems.len() == 1 => {
                return array.elems[0]
                    .as_ref()
                    .is_some_and(|e| e.spread.is_some() && self.is_all_connections(&e.expr));
            }
            Expr::Call(call) => {
                let callee = callee_text(call, self.text);
                if matches!(callee.as_str(), "Array.from" | "Object.values") {
                    return call
                        .args
                        .first()
                        .is_some_and(|a| self.is_all_connections(&a.expr));
                }
                if let Some((object, "values" | "entries")) = method_call(call) {
                    return self.is_all_connections(object);
                }
                return false;
            }
            Expr::Member(member)
                if matches!(prop_name(&member.prop), Some("clients" | "peers")) =>
            {
                return true;
            }
            _ => {}
        }
        let written = compact(self.text, span(collection.span()));
        self.facts
            .members
            .contains(&(written, self.handler.sender.clone()))
    }

    /// A loop over every connection whose body sends the received data to each.
    fn check_loop<N: for<'b> VisitWith<LoopBody<'b>>>(
        &mut self,
        collection: &Expr,
        bindings: Vec<String>,
        body: &N,
    ) {
        let Some(client) = bindings.first().cloned() else {
            return;
        };
        if !self.is_all_connections(collection) {
            return;
        }
        let mut scan = LoopBody {
            client,
            bindings,
            data: self.data,
            text: self.text,
            sends: Vec::new(),
            excludes: false,
        };
        body.visit_with(&mut scan);
        if !scan.excludes {
            self.found
                .extend(scan.sends.into_iter().map(|at| (at, Kind::Loop)));
        }
    }

    /// `io.emit(event, data)`, `io.to(room).emit(event, data)`.
    fn check_emit(&mut self, call: &CallExpr, object: &Expr, server: &str) {
        if root_ident(object) != Some(server) {
            return;
        }
        let mut link = strip(object);
        loop {
            match link {
                Expr::Ident(_) => break,
                Expr::Member(member) => {
                    if !matches!(
                        prop_name(&member.prop),
                        Some("sockets" | "local" | "volatile")
                    ) {
                        return;
                    }
                    link = strip(&member.obj);
                }
                Expr::Call(inner) => {
                    let Some((next, method)) = method_call(inner) else {
                        return;
                    };
                    match method {
                        "to" | "in" => {
                            let Some(room) = inner.args.first() else {
                                return;
                            };
                            let room = compact(self.text, span(room.expr.span()));
                            let joined = (self.handler.sender.clone(), room);
                            if !self.facts.joined.contains(&joined) {
                                return;
                            }
                        }
                        "of" | "compress" | "timeout" => {}
                        _ => return,
                    }
                    link = strip(next);
                }
                _ => return,
            }
        }
        if call
            .args
            .iter()
            .skip(1)
            .any(|a| self.data.is_unchanged(&a.expr))
        {
            self.found.push((span(call.span), Kind::SocketIo));
        }
    }
}

impl Visit for Scan<'_, '_> {
    fn visit_call_expr(&mut self, call: &CallExpr) {
        call.visit_children_with(self);
        let Some((object, method)) = method_call(call) else {
            return;
        };
        match method {
            "forEach" if self.handler.loops => {
                let Some(func) = call.args.first().and_then(|a| Func::of(&a.expr)) else {
                    return;
                };
                let bindings: Vec<String> = func.params().into_iter().map_while(|p| p).collect();
                let body = FuncBody(func);
                self.check_loop(object, bindings, &body);
            }
            "publish" if self.handler.publish => {
                let sender_rooted = root_ident(object) == Some(self.handler.sender.as_str());
                let topic = call
                    .args
                    .first()
                    .map(|a| compact(self.text, span(a.expr.span())));
                let data = call
                    .args
                    .get(1)
                    .is_some_and(|a| self.data.is_unchanged(&a.expr));
                if !sender_rooted
                    && data
                    && topic.is_some_and(|t| self.facts.subscribed.contains(&t))
                {
                    self.found.push((span(call.span), Kind::Publish));
                }
            }
            "emit" => {
                if let Some(server) = self.handler.server.clone() {
                    self.check_emit(call, object, &server);
                }
            }
            _ => {}
        }
    }

    fn visit_for_of_stmt(&mut self, stmt: &ForOfStmt) {
        stmt.visit_children_with(self);
        if !self.handler.loops {
            return;
        }
        let ForHead::VarDecl(decl) = &stmt.left else {
            return;
        };
        let Some(pat) = decl.decls.first().map(|d| &d.name) else {
            return;
        };
        // `for (const client of clients)`, `for (const [id, client] of clients)`
        let bindings = match pat {
            Pat::Array(array) => match array.elems.as_slice() {
                [key, Some(value)] => {
                    let mut names: Vec<String> = pat_name(value).into_iter().collect();
                    names.extend(key.as_ref().and_then(pat_name));
                    names
                }
                _ => return,
            },
            _ => pat_name(pat).into_iter().collect(),
        };
        self.check_loop(&stmt.right, bindings, &*stmt.body);
    }
}

/// A `forEach` callback's body, visited as a loop body.
struct FuncBody<'a>(Func<'a>);

impl<V: Visit> VisitWith<V> for FuncBody<'_> {
    fn visit_with(&self, visitor: &mut V) {
        self.0.visit_body(visitor);
    }

    fn visit_children_with(&self, visitor: &mut V) {
        self.0.visit_body(visitor);
    }
}

/// The sends to the loop's client of the received data, and whether the client is
/// compared with anything (the sender, an id) that could leave the sender out.
struct LoopBody<'a> {
    client: String,
    /// The client and, for a `Map`, its key.
    bindings: Vec<String>,
    data: &'a Received<'a>,
    text: &'a str,
    sends: Vec<Span>,
    excludes: bool,
}

impl LoopBody<'_> {
    fn mentions_binding(&self, expr: &Expr) -> bool {
        root_ident(expr).is_some_and(|r| self.bindings.iter().any(|b| b == r))
    }

    /// A ready-state constant or literal: `WebSocket.OPEN`, `ws.OPEN`, `1`.
    fn is_state(&self, expr: &Expr) -> bool {
        match strip(expr) {
            Expr::Lit(_) => true,
            Expr::Member(member) => matches!(
                prop_name(&member.prop),
                Some("OPEN" | "CLOSED" | "CLOSING" | "CONNECTING" | "readyState")
            ),
            _ => compact(self.text, span(expr.span())).ends_with("readyState"),
        }
    }
}

impl Visit for LoopBody<'_> {
    fn visit_bin_expr(&mut self, bin: &BinExpr) {
        bin.visit_children_with(self);
        if !matches!(
            bin.op,
            BinaryOp::EqEq | BinaryOp::NotEq | BinaryOp::EqEqEq | BinaryOp::NotEqEq
        ) {
            return;
        }
        let (left, right) = (&*bin.left, &*bin.right);
        for (this, other) in [(left, right), (right, left)] {
            if self.mentions_binding(this)
                && !self.mentions_binding(other)
                && !self.is_state(other)
                && !self.is_state(this)
            {
                self.excludes = true;
            }
        }
    }

    fn visit_call_expr(&mut self, call: &CallExpr) {
        call.visit_children_with(self);
        let Some((object, "send")) = method_call(call) else {
            return;
        };
        if ident_name(object) == Some(self.client.as_str())
            && call
                .args
                .first()
                .is_some_and(|a| self.data.is_unchanged(&a.expr))
        {
            self.sends.push(span(call.span));
        }
    }
}

fn diagnostic(file: &Arc<SourceFile>, handler: &Handler<'_>, at: Span, kind: Kind) -> Diagnostic {
    let sender = &handler.sender;
    let (message, help) = match kind {
        Kind::Loop => (
            format!("the message received from `{sender}` is sent to every connection, `{sender}` included"),
            format!("leave the sender out of the loop: `if (client !== {sender}) client.send(..)`"),
        ),
        Kind::Publish => (
            format!("the message received from `{sender}` is published to every subscriber, `{sender}` included"),
            format!("`{sender}.publish(topic, message)` publishes to every subscriber but `{sender}`"),
        ),
        Kind::SocketIo => (
            format!("the payload received from `{sender}` is emitted to every socket, `{sender}` included"),
            format!("`{sender}.broadcast.emit(..)` (or `{sender}.to(room).emit(..)`) emits to every socket but `{sender}`"),
        ),
    };
    Diagnostic::new(META.id, Severity::Warning, file, at, message)
        .with_help(help)
        .with_label(
            file,
            handler.at,
            format!("the message from `{sender}` arrives here"),
        )
}
