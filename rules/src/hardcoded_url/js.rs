use prodlint_core::env_reader::is_env_style_name;
use prodlint_core::{Diagnostic, Span};
use prodlint_js::ast::*;
use prodlint_js::visit::{Visit, VisitWith};

use super::keys::{
    is_allow_list_key, is_identifier_key, is_placeholder_secret, key_kind, names_endpoint, KeyKind,
};
use super::{
    diagnostic, find_address, find_local_host, is_local_host_alternatives, Flow, HardcodedUrl, Lang,
};
use crate::JsContext;
use prodlint_js::env_readers::EnvReaders;
use prodlint_js::listen_hosts::ListenHosts;
use prodlint_js::modes::{
    development_alternative, is_env_object, is_form_values_key, is_log_call, is_mode_read,
    member_prop_name, membership_receiver, mode_value, non_production_test, BindingReads,
    FormValueBindings, MembershipBindings, MessageBindings, NonProductionBindings,
};

pub(super) fn check(rule: &HardcodedUrl, ctx: &JsContext<'_>, out: &mut Vec<Diagnostic>) {
    let mut bases = UrlBases::default();
    ctx.parsed.program.visit_with(&mut bases);
    let mut listened = ListenArgs::default();
    ctx.parsed.program.visit_with(&mut listened);
    let mut request_params = RequestParams::default();
    ctx.parsed.program.visit_with(&mut request_params);
    let mut setting_fallbacks = SettingFallbacks::default();
    ctx.parsed.program.visit_with(&mut setting_fallbacks);
    // One walk for how the file reads its bindings, three sets from it.
    let reads = BindingReads::of(&ctx.parsed.program);
    let mut visitor = Visitor {
        rule,
        ctx,
        out,
        flow: Flow::Plain,
        link: false,
        in_data_set: false,
        sample: false,
        key: None,
        env_spec: false,
        url_bases: bases.names,
        listen_names: listened.names,
        listen_ports: listened.ports,
        request_names: request_params.names,
        setting_fallbacks: setting_fallbacks.names,
        non_production_bindings: NonProductionBindings::from_reads(&reads),
        message_bindings: MessageBindings::from_reads(&reads),
        membership_bindings: MembershipBindings::from_reads(&reads),
        form_value_bindings: FormValueBindings::from_reads(&reads),
        unreachable: prodlint_js::guarded::UnreachableBranches::of(&ctx.parsed.program),
        target: None,
        returns: Flow::Plain,
        returns_link: false,
        form_values: false,
        returns_form_values: false,
        is_svelte: ctx.file.display.ends_with(".svelte"),
        is_email_template: prodlint_js::email_templates::is_email_template_module(
            &ctx.parsed.program,
        ),
        in_command_line_program: prodlint_js::runtime::in_command_line_program(
            ctx.project,
            &prodlint_core::normalize(&ctx.project.cwd, &ctx.file.path),
        ),
    };
    ctx.parsed.program.visit_with(&mut visitor);
}

struct Visitor<'a, 'c> {
    rule: &'a HardcodedUrl,
    ctx: &'a JsContext<'c>,
    out: &'a mut Vec<Diagnostic>,
    /// Where the literals in the subtree being visited go.
    flow: Flow,
    /// Inside content for people (a JSX `href`, an `avatar` key, a data literal) or an
    /// allow-list: the addresses there are links, pictures and permissions, not endpoints.
    link: bool,
    /// Inside a data set written as a literal (`is_data_literal`): a registry of other
    /// services' endpoints (oEmbed providers, a list of mirrors) is data the program looks
    /// up, so only a local address under an endpoint key there is reported.
    in_data_set: bool,
    /// Inside an object with a placeholder for a credential (`apiKey: "ENTER_KEY_HERE"`):
    /// a sample for people to copy, whatever its keys are named.
    sample: bool,
    /// The key of the innermost property being visited: the name of a setting in an env
    /// schema (`CACHE_HOST: str({ default: "localhost" })`).
    key: Option<String>,
    /// Inside the options of an envalid validator (`str({ default, devDefault })`).
    env_spec: bool,
    /// Variables that the file passes as the base of `new URL(path, base)`.
    url_bases: std::collections::BTreeSet<String>,
    /// Names that the file passes as the host of a server's `listen` (`this.host`, `host`),
    /// by their last segment.
    listen_names: std::collections::BTreeSet<String>,
    /// Names that the file passes as the port of a server's `listen` (`listen(port)`,
    /// `listen({ port })`), as written (`port`, `this.port`).
    listen_ports: std::collections::BTreeSet<String>,
    /// Names a handler destructures from the request it is given (`({ url, request }) =>
    /// …` in a SvelteKit `load` or a Remix `loader`).
    request_names: std::collections::BTreeSet<String>,
    /// Names a setting falls back to, with the read of the setting.
    setting_fallbacks: std::collections::BTreeMap<String, (Span, Option<String>)>,
    /// Names bound once and read only where the code runs outside production.
    non_production_bindings: NonProductionBindings,
    /// Names bound once and read only in log messages.
    message_bindings: MessageBindings,
    /// Names bound once and read only as lists that values are looked up in.
    membership_bindings: MembershipBindings,
    /// Names bound once and read only in the values a form starts with.
    form_value_bindings: FormValueBindings,
    /// Branches an enclosing test rules out (`id && (id ? remote : "http://localhost")`).
    unreachable: prodlint_js::guarded::UnreachableBranches,
    /// The variable or member being declared or assigned (`host` in `const host = …`).
    target: Option<String>,
    /// Where the value a function returns goes: the flow the function was written in
    /// (`useFactory: async () => { return { host } }` inside a client's options).
    returns: Flow,
    /// Whether the value a function returns is content: the function was written where
    /// addresses are content (`previewProps: () => { return { url } }`).
    returns_link: bool,
    /// Inside the values a form starts with (`useForm({ defaultValues: { apiUrl } })`):
    /// what the form shows its user to edit, content whatever the fields are named.
    form_values: bool,
    /// Whether the value a function returns is a form's values (`defaultValues: async ()
    /// => ({ … })`).
    returns_form_values: bool,
    /// A Svelte component, whose `export let` declarations are its props.
    is_svelte: bool,
    /// A module of e-mail templates (`prodlint_js::email_templates`): the defaults in its
    /// functions' parameters are the sample values its preview renders.
    is_email_template: bool,
    /// The file belongs to a command-line program, run on its user's machine: a local
    /// address there (`ollama` on `localhost:11434`, the `.env` a setup command writes for
    /// a local install) is the user's own service, by design.
    in_command_line_program: bool,
}

/// Collects the names a setting falls back to (`process.env.API_URL ?? DEFAULT_API_URL`),
/// with the read of the setting: the value such a name is bound to is that fallback,
/// wherever in the file it is written.
#[derive(Default)]
struct SettingFallbacks {
    names: std::collections::BTreeMap<String, (Span, Option<String>)>,
}

impl Visit for SettingFallbacks {
    fn visit_bin_expr(&mut self, bin: &BinExpr) {
        if matches!(bin.op, BinaryOp::LogicalOr | BinaryOp::NullishCoalescing) {
            if let (Some(config), Expr::Ident(name)) = (config_read(&bin.left), &*bin.right) {
                self.names.entry(name.sym.to_string()).or_insert(config);
            }
        }
        bin.visit_children_with(self);
    }
}

/// Collects the names passed as the base of `new URL(path, base)`: such a variable only
/// serves to parse a path (`const base = browser ? location.origin : "http://localhost"`).
#[derive(Default)]
struct UrlBases {
    names: std::collections::BTreeSet<String>,
}

impl Visit for UrlBases {
    fn visit_new_expr(&mut self, new: &NewExpr) {
        if matches!(&*new.callee, Expr::Ident(ident) if &*ident.sym == "URL") {
            if let Some(Expr::Ident(base)) =
                new.args.as_ref().and_then(|a| a.get(1)).map(|a| &*a.expr)
            {
                self.names.insert(base.sym.to_string());
            }
        }
        new.visit_children_with(self);
    }
}

/// Collects the names a function destructures from the request object of its first
/// parameter: `load({ url })`, `loader({ request })`, `handle({ event })`. Such a `url`
/// is the URL of the request being served.
#[derive(Default)]
struct RequestParams {
    names: std::collections::BTreeSet<String>,
}

impl RequestParams {
    fn add(&mut self, pat: Option<&Pat>) {
        let Some(Pat::Object(object)) = pat else {
            return;
        };
        for prop in &object.props {
            match prop {
                ObjectPatProp::Assign(assign) if REQUEST_KEYS.contains(&&*assign.key.sym) => {
                    self.names.insert(assign.key.sym.to_string());
                }
                ObjectPatProp::KeyValue(kv) => {
                    if let (Some(key), Pat::Ident(binding)) = (prop_name(&kv.key), &*kv.value) {
                        if REQUEST_KEYS.contains(&key.as_str()) {
                            self.names.insert(binding.id.sym.to_string());
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// The keys of a framework's request event that hold the request or its URL.
const REQUEST_KEYS: &[&str] = &["url", "request", "req", "event"];

impl Visit for RequestParams {
    fn visit_function(&mut self, function: &Function) {
        self.add(function.params.first().map(|p| &p.pat));
        function.visit_children_with(self);
    }

    fn visit_arrow_expr(&mut self, arrow: &ArrowExpr) {
        self.add(arrow.params.first());
        arrow.visit_children_with(self);
    }
}

/// Functions of server frameworks that read the request being served:
/// `getRequestURL(event)` (h3, Nuxt), `useRequestURL()`, `headers()` (Next.js).
const REQUEST_READERS: &[&str] = &[
    "getRequestURL",
    "getRequestHost",
    "getRequestHeader",
    "getRequestHeaders",
    "getRequestProtocol",
    "useRequestURL",
    "useRequestHeaders",
    "useRequestEvent",
    "headers",
];

/// Collects the names a file passes to a server's `listen`: `server.listen(this.port,
/// this.host)`, `app.listen(port, host)`, `listen({ port, host })`. A fallback of such a
/// host is the server's own bind address, not a machine it calls; a loopback URL on such
/// a port is the server calling itself (the embedded server of a desktop build).
#[derive(Default)]
struct ListenArgs {
    names: std::collections::BTreeSet<String>,
    ports: std::collections::BTreeSet<String>,
}

impl ListenArgs {
    fn add_port(&mut self, expr: &Expr) {
        match expr {
            Expr::Object(object) => {
                for prop in &object.props {
                    let PropOrSpread::Prop(prop) = prop else {
                        continue;
                    };
                    match &**prop {
                        Prop::KeyValue(kv) if prop_name(&kv.key).as_deref() == Some("port") => {
                            self.ports.extend(value_name(&kv.value));
                        }
                        Prop::Shorthand(ident) if &*ident.sym == "port" => {
                            self.ports.insert(ident.sym.to_string());
                        }
                        _ => {}
                    }
                }
            }
            expr => self.ports.extend(value_name(expr)),
        }
    }

    fn add(&mut self, expr: &Expr) {
        match expr {
            Expr::Ident(ident) => {
                self.names.insert(ident.sym.to_string());
            }
            Expr::Member(member) => {
                if let Some(name) = member_prop_name(&member.prop) {
                    self.names.insert(name);
                }
            }
            Expr::Object(object) => {
                for prop in &object.props {
                    let PropOrSpread::Prop(prop) = prop else {
                        continue;
                    };
                    match &**prop {
                        Prop::KeyValue(kv)
                            if matches!(
                                prop_name(&kv.key).as_deref(),
                                Some("host" | "hostname")
                            ) =>
                        {
                            self.add(&kv.value)
                        }
                        Prop::Shorthand(ident) if matches!(&*ident.sym, "host" | "hostname") => {
                            self.names.insert(ident.sym.to_string());
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
}

impl Visit for ListenArgs {
    fn visit_call_expr(&mut self, call: &CallExpr) {
        if callee_name(&call.callee).as_deref() == Some("listen") {
            // The port comes first; the host is any later argument, or a key of an
            // options object.
            for (index, arg) in call.args.iter().enumerate() {
                if index > 0 || matches!(&*arg.expr, Expr::Object(_)) {
                    self.add(&arg.expr);
                }
                if index == 0 {
                    self.add_port(&arg.expr);
                }
            }
        }
        call.visit_children_with(self);
    }
}

/// The Server Objects of an OpenAPI document: an array of objects, each with a `url` and
/// a `description`.
fn is_openapi_servers(value: &Expr) -> bool {
    let Expr::Array(array) = value else {
        return false;
    };
    !array.elems.is_empty()
        && array.elems.iter().all(|element| {
            let Some(Expr::Object(object)) = element.as_ref().map(|e| &*e.expr) else {
                return false;
            };
            let keys: Vec<String> = object
                .props
                .iter()
                .filter_map(|prop| match prop {
                    PropOrSpread::Prop(prop) => match &**prop {
                        Prop::KeyValue(kv) => prop_name(&kv.key),
                        _ => None,
                    },
                    PropOrSpread::Spread(_) => None,
                })
                .collect();
            keys.iter().any(|k| k == "url") && keys.iter().any(|k| k == "description")
        })
}

/// `req.headers.host`, `request.headers.origin`: a value of the request being served,
/// not a setting of the deployment. A fallback there only completes a URL to parse.
fn is_request_value(name: &str) -> bool {
    let mut segments = name.split('.');
    let first = segments.next().unwrap_or("");
    matches!(first, "req" | "request") || name.split('.').any(|s| s == "headers")
}

/// Whether `expr` reads the request being served through a call or a constructor:
/// `getRequestURL(event).origin`, `new URL(req.url).origin`, `headers().get("host")`,
/// `request.nextUrl.origin`, `url.origin` where `url` is destructured from a handler's
/// request event (`request_names`).
fn reads_request(expr: &Expr, request_names: &std::collections::BTreeSet<String>) -> bool {
    match expr {
        // `url.origin`: a member of the destructured URL (not `url` alone, which may be
        // any prop of that name).
        Expr::Member(member) if matches!(&*member.obj, Expr::Ident(ident) if request_names.contains(&*ident.sym)) => {
            true
        }
        Expr::Member(member) => {
            reads_request(&member.obj, request_names)
                || value_name(expr).is_some_and(|name| is_request_value(&name))
        }
        Expr::OptChain(chain) => match &*chain.base {
            OptChainBase::Member(member) => {
                reads_request(&Expr::Member(member.clone()), request_names)
            }
            OptChainBase::Call(call) => reads_request(&call.callee, request_names),
        },
        Expr::Call(call) => {
            let Callee::Expr(callee) = &call.callee else {
                return false;
            };
            match &**callee {
                Expr::Ident(ident) => REQUEST_READERS.contains(&&*ident.sym),
                // `headers().get("host")`, `req.get("host")`, `req.header("origin")`.
                Expr::Member(member) => {
                    reads_request(&member.obj, request_names)
                        || value_name(&member.obj).is_some_and(|name| is_request_value(&name))
                }
                _ => false,
            }
        }
        // `new URL(req.url)`: the URL of the request, parsed.
        Expr::New(new) => {
            expr_name(&new.callee).as_deref() == Some("URL")
                && new
                    .args
                    .as_ref()
                    .and_then(|args| args.first())
                    .is_some_and(|arg| reads_request(&arg.expr, request_names))
        }
        Expr::Paren(paren) => reads_request(&paren.expr, request_names),
        Expr::TsNonNull(non_null) => reads_request(&non_null.expr, request_names),
        Expr::TsAs(as_expr) => reads_request(&as_expr.expr, request_names),
        Expr::Await(await_expr) => reads_request(&await_expr.arg, request_names),
        _ => false,
    }
}

/// The name of the last value an `||` or `??` chain reads, when every operand is a plain
/// name or member: `options.redis?.host || argv.redis_host` → `argv.redis_host`. Such a
/// chain reads a setting from several sources in turn.
fn chain_name(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Bin(bin) if matches!(bin.op, BinaryOp::LogicalOr | BinaryOp::NullishCoalescing) => {
            chain_name(&bin.left)?;
            chain_name(&bin.right)
        }
        Expr::Paren(paren) => chain_name(&paren.expr),
        _ => value_name(expr),
    }
}

/// `METRICS_HOST`, `BIND_ADDR`, `env.SERVER_HOSTNAME`: a setting named for a host or an
/// address to bind, the only kind a server's `host` takes.
fn names_host(setting: &str) -> bool {
    let last = setting.rsplit('.').next().unwrap_or(setting);
    prodlint_core::modes::name_words(last)
        .last()
        .is_some_and(|word| {
            matches!(
                word.as_str(),
                "host" | "hostname" | "addr" | "address" | "ip"
            )
        })
}

/// `==`, `===`, `!=`, `!==`: a comparison, whose operands go nowhere.
fn is_equality(op: BinaryOp) -> bool {
    matches!(
        op,
        BinaryOp::EqEq | BinaryOp::EqEqEq | BinaryOp::NotEq | BinaryOp::NotEqEq
    )
}

/// The leftmost operand of an `||` or `??` chain: `a` in `a || b || "x"`.
fn chain_head(expr: &Expr) -> &Expr {
    match expr {
        Expr::Bin(bin) if matches!(bin.op, BinaryOp::LogicalOr | BinaryOp::NullishCoalescing) => {
            chain_head(&bin.left)
        }
        Expr::Paren(paren) => chain_head(&paren.expr),
        _ => expr,
    }
}

fn atom_text(value: &swc_atoms::Wtf8Atom) -> String {
    value.to_atom_lossy().as_str().to_string()
}

/// The elements of an array literal as written strings; an element that is not one (a
/// spread, a hole, an expression) is an empty string, which no address matches.
fn written_strings(array: &ArrayLit) -> Vec<String> {
    array
        .elems
        .iter()
        .map(|element| match element {
            Some(ExprOrSpread { spread: None, expr }) => match &**expr {
                Expr::Lit(Lit::Str(s)) => atom_text(&s.value),
                _ => String::new(),
            },
            _ => String::new(),
        })
        .collect()
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

/// Whether a callee reads configuration: `config.get(..)`, `this.configService.get(..)`,
/// `Deno.env.get(..)`, `getenv(..)`, and the typed readers and property decorators of a
/// configuration object (`@Config.string("endpoint", "http://localhost:5800")`,
/// `config.url("API_URL", …)`), whose second argument is the default.
fn is_config_getter(callee: &Callee) -> bool {
    let Callee::Expr(callee) = callee else {
        return false;
    };
    match &**callee {
        Expr::Member(member) => {
            let method = member_prop_name(&member.prop);
            let typed = matches!(
                method.as_deref(),
                Some("string" | "str" | "url" | "integer" | "int" | "number" | "boolean" | "bool")
            );
            if !typed
                && !matches!(
                    method.as_deref(),
                    Some("get" | "getString" | "getOrDefault")
                )
            {
                return false;
            }
            if typed && is_env_object(&member.obj) {
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

/// Header names that only a request's headers have: an object with one of them is a
/// request's headers.
const REQUEST_HEADER_KEYS: &[&str] = &["user-agent", "referer", "cookie", "accept-language"];

/// Request headers that say where the request comes from, not where it goes.
const SENDER_HEADERS: &[&str] = &["origin", "referer"];

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

/// Constructors whose first argument is the address they connect to.
const CALL_CONSTRUCTORS: &[&str] = &[
    "WebSocket",
    "EventSource",
    "Request",
    "ReconnectingWebSocket",
];

/// Name endings of client and connection classes: `new Redis({ host })`, `new Pool(…)`,
/// `new ApolloClient({ uri })`, `new Queue("q", { connection })`.
const CLIENT_CLASS_ENDINGS: &[&str] = &[
    "Client",
    "Connection",
    "Pool",
    "Socket",
    "Queue",
    "Worker",
    "Producer",
    "Consumer",
    "Transport",
    "Link",
    "Redis",
    "Kafka",
    "Sequelize",
    "Cluster",
    "DataSource",
    "Pusher",
];

/// Functions and methods that configure a client or connection from their arguments.
const CLIENT_CALLS: &[&str] = &[
    "createClient",
    "createConnection",
    "createPool",
    "createTransport",
    "createTransporter",
    "createHttpLink",
    "createCluster",
    "forRoot",
    "forRootAsync",
    "register",
    "registerAsync",
    "registerQueue",
    "registerQueueAsync",
    "initializeApp",
    "knex",
];

/// HTTP clients whose `create`/`extend` returns a configured client: `axios.create({ baseURL })`.
const HTTP_CLIENT_OBJECTS: &[&str] = &["axios", "ky", "got", "ofetch", "$fetch", "wretch"];

/// Functions that send a request to, or open a connection with, their first argument.
const CALL_FUNCTIONS: &[&str] = &[
    "fetch",
    "$fetch",
    "ofetch",
    "useFetch",
    "useLazyFetch",
    "axios",
    "got",
    "ky",
    "request",
    "superagent",
    "needle",
    "io",
    "connect",
    "sendBeacon",
];

/// HTTP methods of a client object: `axios.get(…)`, `this.http.post(…)`.
const CALL_METHODS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "head", "options", "request", "connect",
];

/// envalid's validators: `str({ default: "localhost", devDefault: … })`.
const ENVALID_VALIDATORS: &[&str] = &["str", "url", "host", "port", "email", "json", "num", "bool"];

/// Whether the name of an object that a method is called on says it is an HTTP client:
/// `axios`, `this.http`, `this.httpService`, `apiClient`, `request`.
fn is_http_object(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    HTTP_CLIENT_OBJECTS.contains(&name)
        || [
            "http",
            "axios",
            "client",
            "api",
            "request",
            "fetch",
            "superagent",
        ]
        .iter()
        .any(|word| lower.contains(word))
}

fn is_client_class(name: &str) -> bool {
    CLIENT_CLASS_ENDINGS.iter().any(|end| name.ends_with(end))
}

/// A list written out: `[...]`, `new Set([...])`, in parentheses or not.
fn is_written_list(expr: &Expr) -> bool {
    match expr {
        Expr::Paren(paren) => is_written_list(&paren.expr),
        Expr::Array(_) => true,
        Expr::New(new) => {
            expr_name(&new.callee).as_deref() == Some("Set")
                && matches!(
                    new.args
                        .as_ref()
                        .and_then(|args| args.first())
                        .map(|a| &*a.expr),
                    Some(Expr::Array(_))
                )
        }
        _ => false,
    }
}

/// An array of host names without a scheme or a path (`"api.example.com"`,
/// `` `api.${DOMAIN}` ``, `"localhost:8888"`), nothing else.
fn is_host_name_list(expr: &Expr) -> bool {
    let Expr::Array(array) = expr else {
        return false;
    };
    let is_host = |text: &str| !text.is_empty() && !text.contains("://") && !text.contains('/');
    !array.elems.is_empty()
        && array.elems.iter().all(|element| match element {
            Some(ExprOrSpread { spread: None, expr }) => match &**expr {
                Expr::Lit(Lit::Str(s)) => is_host(&atom_text(&s.value)),
                Expr::Tpl(tpl) => tpl.quasis.iter().all(|quasi| !quasi.raw.contains('/')),
                _ => false,
            },
            _ => false,
        })
}

/// The last name of a constructor: `Redis` in `new Redis(…)`, `Client` in `new pg.Client(…)`.
fn expr_name(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Ident(ident) => Some(ident.sym.to_string()),
        Expr::Member(member) => member_prop_name(&member.prop),
        Expr::Paren(paren) => expr_name(&paren.expr),
        _ => None,
    }
}

/// The written name of a value that a fallback replaces: `options.baseUrl`, `url`,
/// `this.config.host`. Only plain names and member chains.
fn value_name(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Ident(ident) => Some(ident.sym.to_string()),
        Expr::This(_) => Some("this".to_string()),
        Expr::Member(member) => {
            let prop = member_prop_name(&member.prop)?;
            Some(format!("{}.{prop}", value_name(&member.obj)?))
        }
        Expr::OptChain(chain) => match &*chain.base {
            OptChainBase::Member(member) => {
                let prop = member_prop_name(&member.prop)?;
                Some(format!("{}.{prop}", value_name(&member.obj)?))
            }
            OptChainBase::Call(_) => None,
        },
        Expr::Paren(paren) => value_name(&paren.expr),
        Expr::TsNonNull(non_null) => value_name(&non_null.expr),
        Expr::TsAs(as_expr) => value_name(&as_expr.expr),
        _ => None,
    }
}

/// `http://localhost:${process.env.PORT}…`, `http://localhost:${port}` where the file
/// passes `port` to a server's `listen`: a loopback address whose port is the one the
/// process itself listens on.
fn is_call_to_own_port(tpl: &Tpl, listen_ports: &std::collections::BTreeSet<String>) -> bool {
    let (Some(first), Some(port)) = (tpl.quasis.first(), tpl.exprs.first()) else {
        return false;
    };
    let text = first.raw.to_ascii_lowercase();
    let host = text
        .split_once("://")
        .map_or(text.as_str(), |(_, rest)| rest);
    let loopback = matches!(host, "localhost:" | "127.0.0.1:" | "[::1]:");
    fn reads_port(expr: &Expr) -> bool {
        match expr {
            Expr::Member(member) => {
                is_env_object(&member.obj)
                    && member_prop_name(&member.prop).as_deref() == Some("PORT")
            }
            // `${process.env.PORT ?? 3000}`: the port the server listens on, by default too.
            Expr::Bin(bin)
                if matches!(bin.op, BinaryOp::NullishCoalescing | BinaryOp::LogicalOr) =>
            {
                reads_port(&bin.left)
            }
            Expr::Paren(paren) => reads_port(&paren.expr),
            // `${PORT}`: the name a server gives the port it reads for its listener, also
            // when another module of the program reads it.
            Expr::Ident(ident) => &*ident.sym == "PORT",
            _ => false,
        }
    }
    let listened = || value_name(port).is_some_and(|name| listen_ports.contains(&name));
    loopback && (reads_port(port) || listened())
}

fn pat_name(pat: &Pat) -> Option<String> {
    match pat {
        Pat::Ident(ident) => Some(ident.id.sym.to_string()),
        _ => None,
    }
}

impl Visitor<'_, '_> {
    /// Visits with `link` set to `link`.
    fn as_link(&mut self, link: bool, f: impl FnOnce(&mut Self)) {
        let saved = std::mem::replace(&mut self.link, link);
        f(self);
        self.link = saved;
    }

    /// Visits a value under `key` (an object key, a JSX attribute): a key that names a
    /// link or a picture makes its addresses content, one that names an endpoint makes them
    /// addresses again, even inside content, and names where they go if nothing else does.
    fn under_key(&mut self, key: &str, f: impl FnOnce(&mut Self)) {
        let saved_key = self.key.replace(key.to_string());
        match key_kind(key) {
            KeyKind::People => self.as_link(true, f),
            // `url` inside a data set stays content; `apiUrl` does not. Under a name that
            // already says endpoint (`const endpoint = { url }`), that name is kept.
            KeyKind::Address if self.link || matches!(self.flow, Flow::Endpoint { .. }) => f(self),
            KeyKind::Endpoint | KeyKind::Address
                if matches!(self.flow, Flow::Plain | Flow::Endpoint { .. }) =>
            {
                let flow = Flow::Endpoint {
                    name: key.to_string(),
                };
                self.as_link(false, |v| v.with_flow(flow, f));
            }
            KeyKind::Endpoint | KeyKind::Address => self.as_link(false, f),
            KeyKind::Neutral => f(self),
        }
        self.key = saved_key;
    }

    /// Visits an array or object literal, as content when it is a data set.
    fn literal(&mut self, expr: &Expr, f: impl FnOnce(&mut Self)) {
        if !self.link && is_data_literal(expr) {
            let saved = std::mem::replace(&mut self.in_data_set, true);
            self.as_link(true, f);
            self.in_data_set = saved;
        } else {
            f(self);
        }
    }

    /// Visits a function body: its statements go nowhere in particular, its returns go
    /// where the function does. Nor are its statements content because the function is
    /// (`previewTemplate: procedure.mutation(async () => { … })` under a key that names
    /// content, an `onClick` handler in markup): only what it returns is.
    fn function_body(&mut self, f: impl FnOnce(&mut Self)) {
        let outer = std::mem::replace(&mut self.flow, Flow::Plain);
        let saved_returns = std::mem::replace(&mut self.returns, outer.clone());
        let outer_link = std::mem::replace(&mut self.link, false);
        let saved_returns_link = std::mem::replace(&mut self.returns_link, outer_link);
        let outer_form_values = std::mem::replace(&mut self.form_values, false);
        let saved_returns_form_values =
            std::mem::replace(&mut self.returns_form_values, outer_form_values);
        f(self);
        self.returns_form_values = saved_returns_form_values;
        self.form_values = outer_form_values;
        self.returns_link = saved_returns_link;
        self.link = outer_link;
        self.returns = saved_returns;
        self.flow = outer;
    }

    fn with_flow(&mut self, flow: Flow, f: impl FnOnce(&mut Self)) {
        let saved = std::mem::replace(&mut self.flow, flow);
        f(self);
        self.flow = saved;
    }

    /// Visits a value whose name says it is an endpoint, where nothing else says more.
    fn named(&mut self, name: Option<String>, f: impl FnOnce(&mut Self)) {
        match name {
            Some(name)
                if matches!(self.flow, Flow::Plain | Flow::Endpoint { .. })
                    && names_endpoint(&name) =>
            {
                self.with_flow(Flow::Endpoint { name }, f)
            }
            Some(name) if key_kind(&name) == KeyKind::People => self.as_link(true, f),
            _ => f(self),
        }
    }

    /// A default declared in an env schema or a validated configuration class.
    fn schema_default(&self, declared_in: &str) -> Flow {
        Flow::Default {
            setting: self.key.clone(),
            declared_in: declared_in.to_string(),
        }
    }

    fn report(&mut self, value: &str, then_placeholder: bool, span: swc_common::Span) {
        if self.link || self.form_values || self.sample {
            return;
        }
        // A bare `localhost` is a host only where a host is expected.
        let takes_bare_host = matches!(
            self.flow,
            Flow::Fallback { .. }
                | Flow::Default { .. }
                | Flow::Client { .. }
                | Flow::Listen { .. }
        );
        let found = find_address(value, then_placeholder).or_else(|| {
            (takes_bare_host && !then_placeholder)
                .then(|| find_local_host(value))
                .flatten()
        });
        let Some(mut address) = found else {
            return;
        };
        if address.local && self.in_command_line_program {
            return;
        }
        // `endpoints: [{ url: "https://api.abraia.me/oembed" }]` in a registry of providers:
        // another service's address, looked up, not the deployment's.
        if self.in_data_set && !address.local && matches!(self.flow, Flow::Endpoint { .. }) {
            return;
        }
        let span = prodlint_js::span(span);
        // `METRICS_HOST: z.string().default("127.0.0.1")` where another file passes
        // `env.METRICS_HOST` as a server's host: the listener's own bind address.
        // Only a setting named for a host can be one (a server's host is not a URL), which
        // also keeps the project-wide index, and the dependency on every file it reads, out
        // of most files.
        let listened_elsewhere = address.local
            && matches!(self.flow, Flow::Default { .. } | Flow::Fallback { .. })
            && self.flow.setting().is_some_and(names_host)
            && self.flow.setting().is_some_and(|setting| {
                self.ctx
                    .project
                    .index::<ListenHosts>(&self.ctx.project.cwd)
                    .contains(setting)
            });
        let flow = match &self.flow {
            Flow::Fallback { config } if listened_elsewhere => Flow::Listen {
                config: config.clone(),
            },
            // A declared default has no read: the literal stands for the setting.
            Flow::Default { setting, .. } if listened_elsewhere => Flow::Listen {
                config: Some((span, setting.clone())),
            },
            flow => flow.clone(),
        };
        let Some(severity) = self.rule.severity(&address, &flow) else {
            return;
        };
        if then_placeholder {
            // Show the template as written, substitutions included.
            address.text = self.ctx.file.slice(span).trim_matches('`').to_string();
        }
        self.out.push(diagnostic(
            self.ctx.file,
            span,
            &address,
            &flow,
            severity,
            Lang::Js,
        ));
    }

    /// A call of one of the project's setting readers (`prodlint_js::env_readers`) that
    /// names an environment variable and gives a written fallback: the variable and the
    /// fallback's argument index. The project-wide index is consulted
    /// only for such a call, which keeps the dependency on every file it reads out of
    /// most files.
    fn env_reader_call(&self, call: &CallExpr) -> Option<(String, usize)> {
        let Callee::Expr(callee) = &call.callee else {
            return None;
        };
        let Expr::Ident(ident) = &**callee else {
            return None;
        };
        let is_env_name = |arg: &ExprOrSpread| match &*arg.expr {
            Expr::Lit(Lit::Str(s)) => is_env_style_name(&atom_text(&s.value)),
            _ => false,
        };
        let is_written =
            |arg: &ExprOrSpread| matches!(&*arg.expr, Expr::Lit(Lit::Str(_)) | Expr::Tpl(_));
        if call.args.len() < 2
            || !call.args.iter().any(is_env_name)
            || call.args.iter().filter(|arg| is_written(arg)).count() < 2
        {
            return None;
        }
        let reader = self
            .ctx
            .project
            .index::<EnvReaders>(&self.ctx.project.cwd)
            .get(&ident.sym)?;
        let name_arg = call.args.get(reader.name_arg)?;
        let fallback = call.args.get(reader.fallback_arg)?;
        if !is_env_name(name_arg) || fallback.spread.is_some() {
            return None;
        }
        let Expr::Lit(Lit::Str(setting)) = &*name_arg.expr else {
            return None;
        };
        Some((atom_text(&setting.value), reader.fallback_arg))
    }

    /// Visits a statement or expression that runs only in development (or, with
    /// `dev == false`, only in production) as such: development code is not reported.
    fn branch<T: VisitWith<Self>>(&mut self, node: &T, runs_in_production: bool) {
        if runs_in_production {
            node.visit_with(self);
        }
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
        if is_call_to_own_port(tpl, &self.listen_ports) {
            // `http://localhost:${process.env.PORT}/api`: the server calling itself on the
            // port it listens on, right in every deployment.
            return tpl.exprs.iter().for_each(|expr| expr.visit_with(self));
        }
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

    // A function's body is not where its caller's arguments go: `new Promise(() => { … })`.
    // An arrow's expression body is its value: `useFactory: () => ({ host })`.
    // What it returns is its value, and goes where the function does.
    fn visit_function(&mut self, function: &Function) {
        if self.is_email_template {
            let is_template = self.is_email_template;
            self.as_link(true, |v| function.params.visit_with(v));
            self.is_email_template = false;
            self.function_body(|v| {
                function.decorators.visit_with(v);
                function.body.visit_with(v)
            });
            self.is_email_template = is_template;
            return;
        }
        self.function_body(|v| function.visit_children_with(v));
    }

    fn visit_arrow_expr(&mut self, arrow: &ArrowExpr) {
        if self.is_email_template {
            // `({ url = "http://localhost:8888/…" }) => <Html>…`: preview values.
            self.as_link(true, |v| arrow.params.visit_with(v));
            let saved = std::mem::replace(&mut self.is_email_template, false);
            match &*arrow.body {
                ArrowFunctionBody::Expr(body) => body.visit_with(self),
                ArrowFunctionBody::FunctionBody(body) => self.function_body(|v| body.visit_with(v)),
            }
            self.is_email_template = saved;
            return;
        }
        match &*arrow.body {
            ArrowFunctionBody::Expr(_) => arrow.visit_children_with(self),
            ArrowFunctionBody::FunctionBody(_) => {
                self.function_body(|v| arrow.visit_children_with(v))
            }
        }
    }

    fn visit_return_stmt(&mut self, stmt: &ReturnStmt) {
        let flow = self.returns.clone();
        let link = self.returns_link;
        let form_values = std::mem::replace(&mut self.form_values, self.returns_form_values);
        self.with_flow(flow, |v| v.as_link(link, |v| stmt.arg.visit_with(v)));
        self.form_values = form_values;
    }

    // Svelte 4 props: `export let apiUrl = "http://localhost:3000"` is a prop's default.
    fn visit_export_decl(&mut self, export: &ExportDecl) {
        let Decl::Var(var) = &export.decl else {
            return export.visit_children_with(self);
        };
        if !self.is_svelte || var.kind != VarDeclKind::Let {
            return export.visit_children_with(self);
        }
        for declarator in &var.decls {
            let flow = Flow::Default {
                setting: pat_name(&declarator.name),
                declared_in: "a component prop".to_string(),
            };
            self.with_flow(flow, |v| declarator.init.visit_with(v));
        }
    }

    fn visit_if_stmt(&mut self, stmt: &IfStmt) {
        let Some(dev) = non_production_test(&stmt.test) else {
            return stmt.visit_children_with(self);
        };
        stmt.test.visit_with(self);
        self.branch(&stmt.cons, !dev);
        if let Some(alt) = &stmt.alt {
            self.branch(alt, dev);
        }
    }

    // `switch (config.nodeEnv) { case "development": … }`: a development case's body is
    // development code.
    fn visit_switch_stmt(&mut self, switch: &SwitchStmt) {
        if !is_mode_read(&switch.discriminant) {
            return switch.visit_children_with(self);
        }
        switch.discriminant.visit_with(self);
        for case in &switch.cases {
            let dev = case.test.as_deref().and_then(mode_value) == Some(true);
            case.test.visit_with(self);
            self.branch(&case.cons, !dev);
        }
    }

    fn visit_bin_expr(&mut self, bin: &BinExpr) {
        if bin.op == BinaryOp::LogicalAnd && non_production_test(&bin.left) == Some(true) {
            // `import.meta.env.DEV && "http://localhost:3000"`
            return bin.left.visit_with(self);
        }
        if is_equality(bin.op) && !matches!(self.flow, Flow::Cors) {
            // `isApiRequest = url.origin == "https://app.acme-corp.io"`: an address compared
            // with goes nowhere; the name and the flow are the comparison's, a boolean's. A
            // CORS callback's comparison is the list it allows.
            return self.with_flow(Flow::Plain, |v| bin.visit_children_with(v));
        }
        if matches!(bin.op, BinaryOp::LogicalOr | BinaryOp::NullishCoalescing) {
            // `process.env.API_URL || …` names the variable; `options.baseUrl ?? …` the value.
            let left_name = chain_name(&bin.left);
            if left_name.as_deref().is_some_and(is_request_value)
                || reads_request(chain_head(&bin.left), &self.request_names)
            {
                // `req.headers.host ?? "localhost"`: a placeholder for a request without the
                // header, whatever the value is named after.
                bin.left.visit_with(self);
                return self.with_flow(Flow::Plain, |v| {
                    v.as_link(true, |v| bin.right.visit_with(v))
                });
            }
            let config = config_read(&bin.left).or_else(|| {
                left_name.map(|name| {
                    (
                        prodlint_js::span(swc_common::Spanned::span(&*bin.left)),
                        Some(name),
                    )
                })
            });
            if let Some(config) = config {
                let listened = |name: &str| {
                    self.listen_names
                        .contains(name.rsplit('.').next().unwrap_or(name))
                };
                let to_listener = config.1.as_deref().is_some_and(listened)
                    || self.target.as_deref().is_some_and(listened);
                let config = Some(config);
                let flow = if to_listener {
                    Flow::Listen { config }
                } else {
                    Flow::Fallback { config }
                };
                bin.left.visit_with(self);
                self.with_flow(flow, |v| bin.right.visit_with(v));
                return;
            }
        }
        bin.visit_children_with(self);
    }

    fn visit_cond_expr(&mut self, cond: &CondExpr) {
        if let Some(inner) = development_alternative(cond) {
            // `ENV === "production" ? a : ENV === "preview" ? b : c`: `c` is development.
            // The other branches are chosen by a setting, as any test of one chooses.
            let flow = config_read(&cond.test).map(|config| Flow::Fallback {
                config: Some(config),
            });
            cond.test.visit_with(self);
            inner.test.visit_with(self);
            match flow {
                Some(flow) => self.with_flow(flow, |v| {
                    cond.cons.visit_with(v);
                    inner.cons.visit_with(v);
                }),
                None => {
                    cond.cons.visit_with(self);
                    inner.cons.visit_with(self);
                }
            }
            return self.branch(&inner.alt, false);
        }
        if let Some(dev) = non_production_test(&cond.test) {
            cond.test.visit_with(self);
            self.branch(&cond.cons, !dev);
            self.branch(&cond.alt, dev);
            return;
        }
        // `X || isPlaywright ? X || "http://localhost:1336" : …`: the branch's fallback is
        // reached only when `X` is not set, that is only in the test run.
        if let Expr::Bin(test) = &*cond.test {
            let same_head = || {
                let head = chain_head(&cond.cons);
                !std::ptr::eq(head, &*cond.cons)
                    && self
                        .ctx
                        .file
                        .slice(prodlint_js::span(swc_common::Spanned::span(head)))
                        == self
                            .ctx
                            .file
                            .slice(prodlint_js::span(swc_common::Spanned::span(&*test.left)))
            };
            if test.op == BinaryOp::LogicalOr
                && non_production_test(&test.right) == Some(true)
                && same_head()
            {
                cond.test.visit_with(self);
                chain_head(&cond.cons).visit_with(self);
                return cond.alt.visit_with(self);
            }
        }
        match config_read(&cond.test) {
            Some(config) => {
                cond.test.visit_with(self);
                let flow = Flow::Fallback {
                    config: Some(config),
                };
                self.with_flow(flow.clone(), |v| cond.cons.visit_with(v));
                self.with_flow(flow, |v| cond.alt.visit_with(v));
            }
            None => cond.visit_children_with(self),
        }
    }

    fn visit_var_declarator(&mut self, declarator: &VarDeclarator) {
        // `const corsOptions = { origin: [...] }`
        if let Pat::Ident(name) = &declarator.name {
            if name.id.sym.to_ascii_lowercase().contains("cors") {
                self.with_flow(Flow::Cors, |v| declarator.init.visit_with(v));
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
                            self.with_flow(Flow::Fallback { config }, |v| default.visit_with(v));
                        }
                    }
                }
                return;
            }
        }
        declarator.name.visit_with(self);
        if let Some(name) = pat_name(&declarator.name) {
            // `const DEV_ORIGINS = [...]` read only in `isProduction ? [] : DEV_ORIGINS`.
            if self.non_production_bindings.contains(&name) {
                return;
            }
            // `const adminUrl = config.PUBLIC_ORIGIN || …` given only to `logger.info`: a
            // link printed for people.
            if self.message_bindings.contains(&name) {
                return;
            }
            // `const API_HOSTNAMES = new Set([...])` read only in `API_HOSTNAMES.has(host)`:
            // hosts compared with, not called.
            if self.membership_bindings.contains(&name) {
                return;
            }
            // `const url = "http://localhost"` read only in `useForm({ defaultValues: { url
            // } })`: the value a form field starts with, for its user to edit.
            if self.form_value_bindings.contains(&name) {
                return;
            }
            // A base that only serves to parse a path; not one that falls back from a
            // setting (`process.env.BASE_URL ?? … ?? "http://localhost:3000"`), whose
            // URLs are absolute links the program hands out.
            let reads_setting = declarator.init.as_deref().is_some_and(|init| {
                matches!(init, Expr::Bin(bin) if matches!(bin.op, BinaryOp::NullishCoalescing | BinaryOp::LogicalOr))
                    && config_read(init).is_some()
            });
            if self.url_bases.contains(&name) && !reads_setting {
                return self.as_link(true, |v| declarator.init.visit_with(v));
            }
            // `const DEFAULT_API_URL = "http://localhost:3000"` read as `process.env.API_URL
            // ?? DEFAULT_API_URL`: the setting's fallback, whatever the constant is named.
            if let Some(config) = self.setting_fallbacks.get(&name).cloned() {
                let saved = self.target.replace(name);
                let flow = Flow::Fallback {
                    config: Some(config),
                };
                self.with_flow(flow, |v| declarator.init.visit_with(v));
                self.target = saved;
                return;
            }
        }
        // `const API_URL = "http://localhost:3000"`
        let saved = std::mem::replace(&mut self.target, pat_name(&declarator.name));
        self.named(pat_name(&declarator.name), |v| {
            declarator.init.visit_with(v)
        });
        self.target = saved;
    }

    // `function connect(url = "http://localhost:3000")`, `let { apiUrl = … } = $props()`.
    fn visit_assign_pat(&mut self, pat: &AssignPat) {
        pat.left.visit_with(self);
        let flow = Flow::Default {
            setting: pat_name(&pat.left),
            declared_in: "a default parameter".to_string(),
        };
        self.with_flow(flow, |v| pat.right.visit_with(v));
    }

    fn visit_assign_pat_prop(&mut self, prop: &AssignPatProp) {
        if let Some(value) = &prop.value {
            let flow = Flow::Default {
                setting: Some(prop.key.sym.to_string()),
                declared_in: "a destructuring default".to_string(),
            };
            self.with_flow(flow, |v| value.visit_with(v));
        }
    }

    // `this.baseUrl = "http://localhost:3000"`
    fn visit_assign_expr(&mut self, assign: &AssignExpr) {
        let name = match &assign.left {
            AssignTarget::Simple(SimpleAssignTarget::Member(member)) => {
                member_prop_name(&member.prop)
            }
            AssignTarget::Simple(SimpleAssignTarget::Ident(ident)) => {
                Some(ident.id.sym.to_string())
            }
            _ => None,
        };
        assign.left.visit_with(self);
        // `url = "http://localhost"` where `url` is read only in a form's starting values.
        if matches!(
            &assign.left,
            AssignTarget::Simple(SimpleAssignTarget::Ident(_))
        ) && name
            .as_deref()
            .is_some_and(|name| self.form_value_bindings.contains(name))
        {
            return;
        }
        let saved = std::mem::replace(&mut self.target, name.clone());
        self.named(name, |v| assign.right.visit_with(v));
        self.target = saved;
    }

    fn visit_class_prop(&mut self, prop: &ClassProp) {
        let name = prop_name(&prop.key);
        prop.decorators.visit_with(self);
        let Some(value) = &prop.value else { return };
        if !prop.decorators.is_empty() {
            // `@IsString() DATABASE_HOST = "localhost"` in a class validated by
            // class-validator, as `@nestjs/config` recommends.
            let flow = Flow::Default {
                setting: name,
                declared_in: "a validated configuration class".to_string(),
            };
            self.with_flow(flow, |v| value.visit_with(v));
        } else {
            self.named(name, |v| value.visit_with(v));
        }
    }

    fn visit_call_expr(&mut self, call: &CallExpr) {
        let name = callee_name(&call.callee);
        let object = callee_object(&call.callee);
        // Messages for people, not addresses the program uses: `console.log(…)`,
        // `logger.info(…)`, `this.logger.warn(…)`.
        if is_log_call(&call.callee) {
            return;
        }
        match (name.as_deref(), object.as_deref()) {
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
                self.with_flow(Flow::Cors, |v| call.args.visit_with(v));
                return;
            }
            (Some("setHeader" | "header" | "set" | "append"), _)
                if first_string_arg(&call.args)
                    .is_some_and(|h| h.eq_ignore_ascii_case("access-control-allow-origin")) =>
            {
                call.callee.visit_with(self);
                self.with_flow(Flow::Cors, |v| call.args[1..].visit_with(v));
                return;
            }
            _ => {}
        }
        if matches!(call.callee, Callee::Import(_)) {
            return;
        }
        // `new Set([...]).has(hostname)`, `["localhost", "127.0.0.1"].includes(host)`: a
        // written list that a value is looked up in.
        if let Some(list) = membership_receiver(&call.callee) {
            if is_written_list(list) {
                return call.args.visit_with(self);
            }
        }
        if is_config_getter(&call.callee) && call.args.len() >= 2 {
            // `config.get("API_URL", "http://localhost:3000")`
            let config = Some((prodlint_js::span(call.span), first_string_arg(&call.args)));
            call.callee.visit_with(self);
            self.with_flow(Flow::Fallback { config }, |v| call.args[1..].visit_with(v));
            return;
        }
        if let Some((setting, fallback_arg)) = self.env_reader_call(call) {
            // `getEnv("API_URL", "http://localhost:3000")`, where a function of the
            // project reads `process.env[name]` and falls back to its other parameter.
            let config = Some((prodlint_js::span(call.span), Some(setting)));
            call.callee.visit_with(self);
            for (index, arg) in call.args.iter().enumerate() {
                if index == fallback_arg {
                    self.with_flow(
                        Flow::Fallback {
                            config: config.clone(),
                        },
                        |v| arg.visit_with(v),
                    );
                } else {
                    arg.visit_with(self);
                }
            }
            return;
        }
        let Some(name) = name else {
            return call.visit_children_with(self);
        };
        if let Callee::Expr(callee) = &call.callee {
            // `z.string().url().default("http://localhost:3000")`, `Joi.string().default(…)`
            if let Expr::Member(member) = &**callee {
                // zod 4's `.prefault(…)` is a default applied before parsing.
                if matches!(name.as_str(), "default" | "prefault")
                    && matches!(&*member.obj, Expr::Call(_))
                {
                    member.obj.visit_with(self);
                    let flow = self.schema_default("an env schema");
                    self.with_flow(flow, |v| call.args.visit_with(v));
                    return;
                }
            }
        }
        // envalid: `CACHE_HOST: str({ default: "localhost" })`
        if object.is_none()
            && ENVALID_VALIDATORS.contains(&name.as_str())
            && matches!(call.args.first().map(|a| &*a.expr), Some(Expr::Object(_)))
        {
            let saved = std::mem::replace(&mut self.env_spec, true);
            call.args.visit_with(self);
            self.env_spec = saved;
            return;
        }
        let is_client = CLIENT_CALLS.contains(&name.as_str())
            || (matches!(name.as_str(), "create" | "extend")
                && object
                    .as_deref()
                    .is_some_and(|o| HTTP_CLIENT_OBJECTS.contains(&o)));
        let is_call = match object.as_deref() {
            None => CALL_FUNCTIONS.contains(&name.as_str()),
            Some(object) => {
                CALL_METHODS.contains(&name.as_str()) && is_http_object(object)
                    || (name == "connect" && object == "mongoose")
            }
        };
        if is_client || is_call {
            call.callee.visit_with(self);
            let name = match &object {
                Some(object) => format!("{object}.{name}"),
                None => name,
            };
            let flow = if is_client {
                Flow::Client { name }
            } else {
                Flow::Call { name }
            };
            self.with_flow(flow, |v| call.args.visit_with(v));
            return;
        }
        call.visit_children_with(self);
    }

    fn visit_new_expr(&mut self, new: &NewExpr) {
        // `new URL(req.url, "http://localhost")`: the base only serves to parse a path.
        let name = expr_name(&new.callee);
        // `new Set(["api.example.com", "api.localhost:8888"])`: a set of bare host names is
        // what a host is looked up in (a client takes a URL, and CORS an array, not a set).
        if name.as_deref() == Some("Set")
            && self.flow != Flow::Cors
            && new
                .args
                .as_ref()
                .and_then(|args| args.first())
                .is_some_and(|arg| is_host_name_list(&arg.expr))
        {
            return;
        }
        if name.as_deref() == Some("URL") {
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
        let flow = match name {
            Some(name) if CALL_CONSTRUCTORS.contains(&name.as_str()) => Flow::Call { name },
            Some(name) if is_client_class(&name) => Flow::Client { name },
            _ => return new.visit_children_with(self),
        };
        new.callee.visit_with(self);
        self.with_flow(flow, |v| new.args.visit_with(v));
    }

    fn visit_object_lit(&mut self, object: &ObjectLit) {
        // convict: `host: { doc: "…", format: String, default: "localhost", env: "HOST" }`
        let keys: Vec<(String, &Expr)> = object
            .props
            .iter()
            .filter_map(|prop| match prop {
                PropOrSpread::Prop(prop) => match &**prop {
                    Prop::KeyValue(kv) => Some((prop_name(&kv.key)?, &*kv.value)),
                    _ => None,
                },
                PropOrSpread::Spread(_) => None,
            })
            .collect();
        let has = |name: &str| keys.iter().any(|(key, _)| key == name);
        // `new OpenAI({ baseURL: "http://localhost:3001/v1", apiKey: "ENTER_API_KEY_HERE" })`:
        // a sample for people to copy, which runs only once its placeholders are filled in.
        let placeholder_secret = keys.iter().any(|(key, value)| {
            matches!(value, Expr::Lit(Lit::Str(s)) if is_placeholder_secret(key, &atom_text(&s.value)))
        });
        // JSON-LD: identifiers and links that describe a page.
        // `{ "user-agent": …, origin: "https://www.loom.com", referer: … }`: the headers of a
        // request, where `origin` and `referer` say where the request claims to come from.
        if self.flow != Flow::Cors
            && keys
                .iter()
                .any(|(key, _)| REQUEST_HEADER_KEYS.contains(&key.to_ascii_lowercase().as_str()))
        {
            for prop in &object.props {
                match prop {
                    PropOrSpread::Prop(prop) if matches!(&**prop, Prop::KeyValue(kv) if prop_name(&kv.key).is_some_and(|key| SENDER_HEADERS.contains(&key.to_ascii_lowercase().as_str()))) =>
                        {}
                    prop => prop.visit_with(self),
                }
            }
            return;
        }
        if placeholder_secret {
            let saved = std::mem::replace(&mut self.sample, true);
            object.visit_children_with(self);
            self.sample = saved;
            return;
        }
        if has("@context") {
            return self.as_link(true, |v| object.visit_children_with(v));
        }
        if has("default") && (has("env") || has("format")) {
            let env = keys
                .iter()
                .find_map(|(key, value)| match (key.as_str(), value) {
                    ("env", Expr::Lit(Lit::Str(s))) => Some(atom_text(&s.value)),
                    _ => None,
                });
            for (key, value) in &keys {
                if key == "default" {
                    let flow = Flow::Default {
                        setting: env.clone().or_else(|| self.key.clone()),
                        declared_in: "a configuration schema".to_string(),
                    };
                    self.with_flow(flow, |v| value.visit_with(v));
                } else {
                    value.visit_with(self);
                }
            }
            return;
        }
        object.visit_children_with(self);
    }

    fn visit_key_value_prop(&mut self, prop: &KeyValueProp) {
        let key = prop_name(&prop.key);
        if self.env_spec {
            match key.as_deref() {
                // Used only where NODE_ENV is not `production`.
                Some("devDefault") => return,
                Some("default") => {
                    let saved = std::mem::replace(&mut self.env_spec, false);
                    let flow = self.schema_default("an env schema");
                    self.with_flow(flow, |v| prop.value.visit_with(v));
                    self.env_spec = saved;
                    return;
                }
                _ => {}
            }
        }
        let saved_env_spec = std::mem::replace(&mut self.env_spec, false);
        // `useForm({ defaultValues: { apiUrl: "http://localhost:11434" } })`: the values a
        // form's fields start with, which its user sees and edits before saving.
        if is_form_values_key(&prop.key) {
            let saved = std::mem::replace(&mut self.form_values, true);
            prop.value.visit_with(self);
            self.form_values = saved;
            self.env_spec = saved_env_spec;
            return;
        }
        match key.as_deref() {
            Some(key) if is_identifier_key(key) => {}
            Some(key)
                if CORS_KEYS.contains(&key)
                    || (ORIGIN_KEYS.contains(&key) && self.flow == Flow::Cors) =>
            {
                self.with_flow(Flow::Cors, |v| prop.value.visit_with(v));
            }
            // `contentSecurityPolicy: { directives: { connectSrc: [...] } }`, `allowedHosts`:
            // what a page may load or who may connect, not where the program goes.
            Some(key) if is_allow_list_key(key) => {}
            // An OpenAPI document's `servers: [{ url, description: "Dev server" }]`: the
            // targets its documentation offers people to try, content.
            Some("servers") if is_openapi_servers(&prop.value) => {
                self.as_link(true, |v| prop.value.visit_with(v));
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
        self.env_spec = saved_env_spec;
    }

    fn visit_jsx_attr(&mut self, attr: &JSXAttr) {
        // A written attribute value is markup: links, pictures and labels for people. Code
        // in an expression container is still code (`onClick={() => fetch(…)}`).
        if let Some(JSXAttrValue::JSXExprContainer(container)) = &attr.value {
            let name = match &attr.name {
                JSXAttrName::Ident(ident) => ident.sym.to_string(),
                JSXAttrName::JSXNamespacedName(name) => {
                    format!("{}:{}", name.ns.sym, name.name.sym)
                }
            };
            if is_identifier_key(&name) {
                return;
            }
            let link = JSX_LINK_ATTRIBUTES.contains(&name.as_str());
            self.as_link(link || self.link, |v| {
                v.named(Some(name), |v| container.visit_with(v))
            });
        }
    }

    fn visit_expr(&mut self, expr: &Expr) {
        if self.unreachable.contains(swc_common::Spanned::span(expr)) {
            return;
        }
        match expr {
            // `OLLAMA_URLS = ["http://127.0.0.1:11434", "http://host.docker.internal:11434"]`:
            // where a companion program may answer, tried in turn. A CORS list's origins
            // stay origins.
            Expr::Array(array)
                if matches!(self.flow, Flow::Plain | Flow::Endpoint { .. })
                    && is_local_host_alternatives(
                        written_strings(array).iter().map(|s| s.as_str()),
                    ) => {}
            Expr::Array(_) | Expr::Object(_) => {
                self.literal(expr, |v| expr.visit_children_with(v));
            }
            _ => expr.visit_children_with(self),
        }
    }

    fn visit_stmt(&mut self, stmt: &Stmt) {
        if self.unreachable.contains(swc_common::Spanned::span(stmt)) {
            return;
        }
        stmt.visit_children_with(self);
    }
}
