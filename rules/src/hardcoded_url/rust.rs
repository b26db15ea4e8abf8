use std::cell::OnceCell;
use std::collections::BTreeMap;

use prodlint_core::env_reader::is_env_style_name;
use prodlint_core::{Diagnostic, Span};
use prodlint_rust::env_readers::{EnvReader, EnvReaders};
use prodlint_rust::log_only::{is_in_log_only_binding, LOG_MACROS};
use prodlint_rust::macro_args::{macro_args, string_arg, ArgExpr};
use prodlint_rust::ra_ap_syntax::ast::{self, HasArgList, HasAttrs, HasName};
use prodlint_rust::ra_ap_syntax::{AstNode, AstToken, SyntaxKind, SyntaxNode, SyntaxToken, T};
use prodlint_rust::ra_ap_syntax::{TextRange, TextSize};
use prodlint_rust::{attr, compact_text, is_in_non_production_code, is_in_test_code, span};

use super::keys::{is_identifier_key, is_placeholder_secret, key_kind, names_endpoint, KeyKind};
use super::{
    diagnostic, find_address, find_local_host, is_local_host_alternatives, Flow, HardcodedUrl, Lang,
};
use crate::RustContext;

/// Macros whose strings are messages for people (panics, assertions, errors), besides the
/// log and print macros of [`LOG_MACROS`].
const MESSAGE_MACROS: &[&str] = &[
    "panic",
    "unreachable",
    "todo",
    "unimplemented",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "bail",
    "ensure",
    "anyhow",
    "eyre",
    "write",
    "writeln",
    "compile_error",
    // Markup: links and pictures for people.
    "html",
    "view",
    "rsx",
];

/// Methods that give a default when a read fails: `env::var("X").unwrap_or(..)`.
const DEFAULT_METHODS: &[&str] = &[
    "unwrap_or",
    "unwrap_or_else",
    "or",
    "or_else",
    "map_or",
    "map_or_else",
    "unwrap_or_default",
];

/// Methods and functions that set CORS origins (tower-http, actix-cors, poem, warp).
const CORS_CALLS: &[&str] = &[
    "allow_origin",
    "allowed_origin",
    "allow_origins",
    "allowed_origins",
    "allow_any_origin",
];

/// Methods that send a request to their first argument: reqwest's and ureq's
/// `client.get(url)`, `Client::post(url)`.
const CALL_METHODS: &[&str] = &["get", "post", "put", "patch", "delete", "head", "request"];

/// Functions and methods that connect to, or set the base address of, a client:
/// `TcpStream::connect("…")`, `redis::Client::open("…")`, `PgPool::connect("…")`,
/// `builder.base_url("…")`.
const CLIENT_CALLS: &[&str] = &[
    "connect",
    "connect_lazy",
    "connect_timeout",
    "open",
    "base_url",
    "base_uri",
    "endpoint",
    "with_endpoint",
    "server_url",
];

/// Attribute keys whose value is a setting's default: clap's and structopt's
/// `default_value` (a string) and `default_value_t` (an expression), confique's and
/// envconfig's `default`.
const DEFAULT_KEYS: &[&str] = &[
    "default_value",
    "default_missing_value",
    "default_value_t",
    "default_missing_value_t",
    "default",
];

pub(super) fn check(rule: &HardcodedUrl, ctx: &RustContext<'_>, out: &mut Vec<Diagnostic>) {
    let root = ctx.tree.syntax();
    // Read only when a string may be reported: most files have none.
    let serde_defaults = OnceCell::new();
    let serde_defaults = || serde_defaults.get_or_init(|| serde_default_fns(root));
    // The crate's setting readers, read only for a call that names a variable and gives a
    // written fallback: the index depends on every file of the crate.
    let env_readers = OnceCell::new();
    let env_reader = |name: &str| {
        env_readers
            .get_or_init(|| {
                let key = prodlint_rust::crate_index::crate_key(ctx.project, &ctx.file.path);
                ctx.project.index::<EnvReaders>(&key)
            })
            .get(name)
    };
    for token in root
        .descendants_with_tokens()
        .filter_map(|e| e.into_token())
    {
        if token.kind() != SyntaxKind::STRING {
            continue;
        }
        let Some(string) = ast::String::cast(token.clone()) else {
            continue;
        };
        let Ok(value) = string.value() else { continue };
        let Some(parent) = token.parent() else {
            continue;
        };
        // Only a string that holds an address may be reported (in an attribute, an
        // expression written as a string may hold one: derive_builder's `default`).
        let may_hold_address =
            find_address(&value, false).is_some() || find_local_host(&value).is_some();
        if !may_hold_address && !is_in_attribute(&parent) {
            continue;
        }
        if is_in_test_code(&parent)
            || is_in_non_production_code(&parent)
            || in_message_macro(&parent)
            || is_in_log_only_binding(&token)
        {
            continue;
        }
        // derive_builder's `#[builder(default = r#""localhost".to_string()"#)]` holds an
        // expression: the address is the string literal inside it.
        let mut value = value.into_owned();
        let mut site = Site::in_file(&token);
        let flow = match attribute_default(&token) {
            Some((flow, holds_code)) => {
                if holds_code {
                    match first_quoted(&value) {
                        Some(inner) => value = inner,
                        None => continue,
                    }
                }
                flow
            }
            None if is_in_attribute(&parent) => continue,
            None => match config_macro_default(&token) {
                Some(flow) => flow,
                None => {
                    site = Site::of(&token);
                    flow_of(&site, serde_defaults(), &env_reader)
                }
            },
        };
        let takes_bare_host = matches!(
            flow,
            Flow::Fallback { .. } | Flow::Default { .. } | Flow::Client { .. }
        );
        let Some(address) = find_address(&value, false)
            .or_else(|| takes_bare_host.then(|| find_local_host(&value)).flatten())
        else {
            continue;
        };
        // `homepage: Some("https://…".into())`, `rel: "http://webfinger.net/rel/…"`: a page
        // for people or an identifier, by the name of the field it fills.
        match record_field(&site) {
            Some(field) if is_identifier_key(&field) => continue,
            Some(field) if key_kind(&field) == KeyKind::People => continue,
            _ => {}
        }
        // `OLLAMA_URLS: &[&str] = &["http://127.0.0.1:11434", "http://host.docker.internal:11434"]`:
        // where a companion program may answer, tried in turn.
        if matches!(flow, Flow::Plain | Flow::Endpoint { .. })
            && in_local_host_alternatives(&parent)
        {
            continue;
        }
        // `Settings { api_key: "YOUR_API_KEY".into(), base_url: … }`: a sample to copy.
        if in_sample_record(&parent) {
            continue;
        }
        let Some(severity) = rule.severity(&address, &flow) else {
            continue;
        };
        out.push(diagnostic(
            ctx.file,
            span(token.text_range()),
            &address,
            &flow,
            severity,
            Lang::Rust,
        ));
    }
}

/// The functions that `#[serde(default = "path")]` names in this file, by their last path
/// segment, with the field each gives a default to.
fn serde_default_fns(root: &SyntaxNode) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for field in root.descendants().filter_map(ast::RecordField::cast) {
        let Some(name) = field.name() else { continue };
        for attr in field.attrs() {
            // `#[serde(..)]`, `#[cfg_attr(feature = "serde", serde(..))]`.
            let is_candidate = attr::attr_path(&attr)
                .is_some_and(|path| path == ["serde"] || path == ["cfg_attr"]);
            if !is_candidate {
                continue;
            }
            for applied in attr::keyed_strings(&attr) {
                if applied.path != ["serde"] {
                    continue;
                }
                for string in applied.strings {
                    if string.key == "default" && string.whole {
                        let function = string.value.rsplit("::").next().unwrap_or("");
                        out.insert(function.to_string(), name.text().to_string());
                    }
                }
            }
        }
    }
    out
}

/// The contents of the first `"…"` literal in `code` (no escapes inside: an address has
/// none).
fn first_quoted(code: &str) -> Option<String> {
    let start = code.find('"')? + 1;
    let end = code[start..].find('"')? + start;
    Some(code[start..end].to_string())
}

/// A string that is a setting's default in an attribute of a field:
/// `#[arg(default_value = "http://localhost:8080")]`,
/// `#[clap(default_value_t = String::from("localhost"))]`,
/// `#[config(default = "localhost")]`. serde's `default = "…"` names a function instead,
/// read by [`serde_default_fns`].
///
/// Also says whether the value is an expression to look into (derive_builder's).
fn attribute_default(token: &SyntaxToken) -> Option<(Flow, bool)> {
    let attribute = token.parent_ancestors().find_map(ast::Attr::cast)?;
    let literal = span(token.text_range());
    let applied = attr::keyed_strings(&attribute);
    let (meta, string) = applied.iter().find_map(|meta| {
        let string = meta.strings.iter().find(|s| s.span == literal)?;
        Some((meta, string))
    })?;
    let name = meta.path.join("::");
    if name == "serde" || !DEFAULT_KEYS.contains(&string.key.as_str()) {
        return None;
    }
    // The variable the setting is read from names it best; else the field.
    let env = meta
        .strings
        .iter()
        .find(|s| s.whole && (s.key == "env" || s.key == "from"))
        .map(|s| s.value.clone());
    let field = attribute
        .syntax()
        .ancestors()
        .find_map(ast::RecordField::cast)
        .and_then(|field| field.name())
        .map(|name| name.text().to_string());
    let declared_in = match name.as_str() {
        "arg" | "clap" | "structopt" | "command" => "a command-line default".to_string(),
        other => format!("`#[{other}(…)]`"),
    };
    Some((
        Flow::Default {
            setting: env.or(field),
            declared_in,
        },
        name == "builder" && string.whole,
    ))
}

/// A string in the arguments of a configuration macro (`make_config! { settings {
/// domain: String, true, def, "http://localhost".to_owned(); } }`): the macro's grammar is
/// its own, but a value written beside a setting's name in a macro named for configuration
/// is that setting's default. The setting is the last `name:` before the string since the
/// previous `;` or `{`.
fn config_macro_default(token: &SyntaxToken) -> Option<Flow> {
    let call = token.parent_ancestors().find_map(ast::MacroCall::cast)?;
    let name = macro_name(&call)?;
    if !name.to_ascii_lowercase().contains("config") {
        return None;
    }
    let mut setting = None;
    let mut previous: Option<SyntaxToken> = None;
    let mut cursor = token.prev_token();
    while let Some(current) = cursor {
        if !call
            .syntax()
            .text_range()
            .contains_range(current.text_range())
        {
            break;
        }
        match current.kind() {
            k if k.is_trivia() => {}
            T![;] | T!['{'] => break,
            SyntaxKind::IDENT if previous.as_ref().is_some_and(|p| p.kind() == T![:]) => {
                setting = Some(current.text().to_string());
                break;
            }
            _ => {}
        }
        if !current.kind().is_trivia() {
            previous = Some(current.clone());
        }
        cursor = current.prev_token();
    }
    Some(Flow::Default {
        setting,
        declared_in: format!("`{name}!`"),
    })
}

/// The syntax around a string, innermost first. Inside a macro call whose arguments are
/// known (`vec![..]`, `format!(..)`, `json!(..)`), the argument the string is in, read as
/// an expression, comes first, then the macro call and what holds it in the file: so a
/// struct literal or an `unwrap_or` inside a macro says where the string goes as it does
/// outside one.
struct Site {
    /// Each node with the string's offset in that node's tree and whether it is in `arg`.
    ancestors: Vec<(SyntaxNode, TextSize, bool)>,
    arg: Option<ArgExpr>,
    /// The `json!` key the argument is under.
    key: Option<String>,
}

impl Site {
    /// The string's ancestors in the file (a macro's input as the token trees it is).
    fn in_file(token: &SyntaxToken) -> Site {
        let offset = token.text_range().start();
        Site {
            ancestors: token
                .parent_ancestors()
                .map(|n| (n, offset, false))
                .collect(),
            arg: None,
            key: None,
        }
    }

    /// As [`Site::in_file`], but through the macro argument the string is in, where the
    /// innermost macro call around it has arguments that parse.
    fn of(token: &SyntaxToken) -> Site {
        let in_file = || Site::in_file(token);
        let Some(call) = token.parent_ancestors().find_map(ast::MacroCall::cast) else {
            return in_file();
        };
        let at = span(token.text_range());
        let Some(arg) = macro_args(&call).and_then(|args| {
            args.into_iter()
                .find(|a| a.span.start <= at.start && at.end <= a.span.end)
        }) else {
            return in_file();
        };
        let Some(expr) = ArgExpr::parse(&call, &arg) else {
            return in_file();
        };
        let Some(inner) = expr.token_at(at).filter(|t| t.text() == token.text()) else {
            return in_file();
        };
        let root = expr.expr.syntax().text_range();
        let inner_offset = inner.text_range().start();
        let mut ancestors: Vec<(SyntaxNode, TextSize, bool)> = inner
            .parent_ancestors()
            .take_while(|n| root.contains_range(n.text_range()))
            .map(|n| (n, inner_offset, true))
            .collect();
        let offset = token.text_range().start();
        ancestors.extend(call.syntax().ancestors().map(|n| (n, offset, false)));
        Site {
            ancestors,
            arg: Some(expr),
            key: arg.key,
        }
    }

    /// The place in the file of a node's range.
    fn span(&self, range: TextRange, in_arg: bool) -> Span {
        match (&self.arg, in_arg) {
            (Some(arg), true) => arg.span(range),
            _ => span(range),
        }
    }
}

/// Where the string at `site` goes: the innermost construct that says decides.
fn flow_of(
    site: &Site,
    serde_defaults: &BTreeMap<String, String>,
    env_reader: &dyn Fn(&str) -> Option<EnvReader>,
) -> Flow {
    let field = record_field(site);
    // A name that says "endpoint" (`API_URL`, `let base_url`, `server_url: …`), used only
    // when nothing more specific is found.
    let mut named: Option<String> = field.clone().filter(|f| names_endpoint(f));
    for (at, (ancestor, offset, in_arg)) in site.ancestors.iter().enumerate() {
        let (ancestor, offset) = (ancestor.clone(), *offset);
        // `let is_api = origin == "https://app.acme-corp.io"`: an address compared with goes
        // nowhere, whatever the comparison's result is named; in a CORS predicate it is the
        // origin allowed.
        if is_equality(&ancestor) {
            let in_cors = site.ancestors[at + 1..]
                .iter()
                .any(|(outer, _, _)| is_cors_call(outer));
            return if in_cors { Flow::Cors } else { Flow::Plain };
        }
        if let Some(function) = ast::Fn::cast(ancestor.clone()) {
            let name = function.name().map(|n| n.text().to_string());
            // `fn default_base_url() -> String { "http://localhost".into() }` named by
            // `#[serde(default = "default_base_url")]`.
            if let Some(setting) = name.as_ref().and_then(|n| serde_defaults.get(n)) {
                return Flow::Default {
                    setting: Some(setting.clone()),
                    declared_in: "a serde default".to_string(),
                };
            }
            // `impl Default for Config { fn default() -> Self { Self { url: "…" } } }`
            if name.as_deref() == Some("default") {
                if let Some(target) = default_impl_target(&function) {
                    return Flow::Default {
                        setting: field,
                        declared_in: format!("the `Default` impl of `{target}`"),
                    };
                }
            }
            break;
        }
        if let Some(item) = ast::Const::cast(ancestor.clone()) {
            named = named.or_else(|| item.name().map(|n| n.text().to_string()));
            break;
        }
        if let Some(item) = ast::Static::cast(ancestor.clone()) {
            named = named.or_else(|| item.name().map(|n| n.text().to_string()));
            break;
        }
        if ast::Item::can_cast(ancestor.kind()) && !ast::MacroCall::can_cast(ancestor.kind()) {
            break;
        }
        if let Some(call) = ast::MethodCallExpr::cast(ancestor.clone()) {
            let args = call.arg_list();
            let in_args = args
                .as_ref()
                .is_some_and(|args| args.syntax().text_range().contains(offset));
            let in_first = args
                .and_then(|args| args.args().next())
                .is_some_and(|first| first.syntax().text_range().contains(offset));
            let name = call
                .name_ref()
                .map(|n| n.text().to_string())
                .unwrap_or_default();
            if in_args && CORS_CALLS.contains(&name.as_str()) {
                return Flow::Cors;
            }
            if in_args && DEFAULT_METHODS.contains(&name.as_str()) {
                if let Some(receiver) = call.receiver() {
                    let to_file = |range| site.span(range, *in_arg);
                    let config = env_read(receiver.syntax(), &to_file).or_else(|| {
                        receiver_name(&receiver)
                            .map(|name| (to_file(receiver.syntax().text_range()), Some(name)))
                    });
                    return Flow::Fallback { config };
                }
            }
            // `client.get`, `builder.base_url`: the receiver's name where it is short.
            let shown = || match call.receiver().and_then(|r| receiver_name(&r)) {
                Some(receiver) => format!("{receiver}.{name}"),
                None => name.clone(),
            };
            if in_first && CALL_METHODS.contains(&name.as_str()) {
                return Flow::Call { name: shown() };
            }
            if in_first && CLIENT_CALLS.contains(&name.as_str()) {
                return Flow::Client { name: shown() };
            }
        }
        if let Some(call) = ast::CallExpr::cast(ancestor.clone()) {
            let callee = call
                .expr()
                .map(|e| compact_text(e.syntax()))
                .unwrap_or_default();
            if callee.starts_with("AllowOrigin::") {
                return Flow::Cors;
            }
            let in_first = call
                .arg_list()
                .and_then(|args| args.args().next())
                .is_some_and(|first| first.syntax().text_range().contains(offset));
            let last = callee.rsplit("::").next().unwrap_or("").to_string();
            // `get_env_var("DATABASE_URL", "postgres://localhost")`, where a function of
            // the crate reads `env::var(key)` and falls back to its other parameter.
            if let Some(setting) = env_reader_fallback(&call, offset, &last, env_reader) {
                let span = site.span(call.syntax().text_range(), *in_arg);
                return Flow::Fallback {
                    config: Some((span, Some(setting))),
                };
            }
            // `reqwest::get(…)`, `ureq::post(…)`; a bare `get(…)` may be anything.
            if in_first && callee.contains("::") && CALL_METHODS.contains(&last.as_str()) {
                return Flow::Call { name: callee };
            }
            if in_first && callee.contains("::") && CLIENT_CALLS.contains(&last.as_str()) {
                return Flow::Client { name: callee };
            }
        }
        if let Some(let_stmt) = ast::LetStmt::cast(ancestor.clone()) {
            if let Some(ast::Pat::IdentPat(pat)) = let_stmt.pat() {
                named = named.or_else(|| pat.name().map(|n| n.text().to_string()));
            }
        }
    }
    match named {
        Some(name) if names_endpoint(&name) => Flow::Endpoint { name },
        _ => Flow::Plain,
    }
}

/// `a == b`, `a != b`.
fn is_equality(node: &SyntaxNode) -> bool {
    ast::BinExpr::cast(node.clone())
        .and_then(|bin| bin.op_kind())
        .is_some_and(|op| matches!(op, ast::BinaryOp::CmpOp(ast::CmpOp::Eq { .. })))
}

/// A call that configures CORS origins: `.allowed_origin(…)`, `AllowOrigin::list(…)`.
fn is_cors_call(node: &SyntaxNode) -> bool {
    if let Some(call) = ast::MethodCallExpr::cast(node.clone()) {
        return call
            .name_ref()
            .is_some_and(|name| CORS_CALLS.contains(&name.text().to_string().as_str()));
    }
    ast::CallExpr::cast(node.clone())
        .and_then(|call| call.expr())
        .is_some_and(|callee| compact_text(callee.syntax()).starts_with("AllowOrigin::"))
}

/// The variable a call of a setting reader reads, when the string at `offset` is its
/// fallback argument and the variable's name is written as a string.
fn env_reader_fallback(
    call: &ast::CallExpr,
    offset: TextSize,
    callee: &str,
    env_reader: &dyn Fn(&str) -> Option<EnvReader>,
) -> Option<String> {
    let args: Vec<ast::Expr> = call.arg_list()?.args().collect();
    let at = args
        .iter()
        .position(|arg| arg.syntax().text_range().contains(offset))?;
    let written_name = |arg: &ast::Expr| {
        let ast::Expr::Literal(literal) = arg else {
            return None;
        };
        let ast::LiteralKind::String(string) = literal.kind() else {
            return None;
        };
        let value = string.value().ok()?.into_owned();
        is_env_style_name(&value).then_some(value)
    };
    if args.len() < 2 || !args.iter().any(|arg| written_name(arg).is_some()) {
        return None;
    }
    let reader = env_reader(callee)?;
    if reader.fallback_arg != at {
        return None;
    }
    written_name(args.get(reader.name_arg)?)
}

/// The type that `function` (a `fn default`) implements `Default` for.
fn default_impl_target(function: &ast::Fn) -> Option<String> {
    let list = function
        .syntax()
        .parent()
        .and_then(ast::AssocItemList::cast)?;
    let imp = list.syntax().parent().and_then(ast::Impl::cast)?;
    let trait_name = compact_text(imp.trait_()?.syntax());
    if trait_name != "Default" && !trait_name.ends_with("::Default") {
        return None;
    }
    Some(compact_text(imp.self_ty()?.syntax()))
}

/// The name of what a default replaces: `args.base_url` in `args.base_url.unwrap_or(…)`.
fn receiver_name(receiver: &ast::Expr) -> Option<String> {
    let text = compact_text(receiver.syntax());
    let text = text
        .trim_end_matches(".clone()")
        .trim_end_matches(".as_deref()")
        .trim_end_matches(".as_ref()");
    (text.len() <= 40
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '(' | ')')))
    .then(|| text.to_string())
}

/// The name of the struct literal field (or `json!` key) whose value holds the string at
/// `site`, within the same item.
fn record_field(site: &Site) -> Option<String> {
    let mut leaving_arg = site.arg.is_some();
    for (ancestor, _, in_arg) in &site.ancestors {
        if leaving_arg && !in_arg {
            if let Some(key) = &site.key {
                return Some(key.clone());
            }
            leaving_arg = false;
        }
        if ast::Item::can_cast(ancestor.kind()) && !ast::MacroCall::can_cast(ancestor.kind()) {
            return None;
        }
        if let Some(field) = ast::RecordExprField::cast(ancestor.clone()) {
            return Some(field.field_name()?.text().to_string());
        }
    }
    None
}

/// Whether the string literal `literal` is an element of an array of string literals that
/// are one service's address on several local hosts ([`is_local_host_alternatives`]).
fn in_local_host_alternatives(literal: &SyntaxNode) -> bool {
    let Some(array) = literal.parent().and_then(ast::ArrayExpr::cast) else {
        return false;
    };
    let values: Vec<String> = array
        .exprs()
        .map(|element| match element {
            ast::Expr::Literal(literal) => first_string(literal.syntax()).unwrap_or_default(),
            _ => String::new(),
        })
        .collect();
    is_local_host_alternatives(values.iter().map(String::as_str))
}

/// Whether `node` lies in a struct literal with a placeholder for a credential among its
/// fields ([`is_placeholder_secret`]): a sample for people to copy.
fn in_sample_record(node: &SyntaxNode) -> bool {
    let Some(record) = node
        .ancestors()
        .take_while(|n| !ast::Item::can_cast(n.kind()))
        .find_map(ast::RecordExpr::cast)
    else {
        return false;
    };
    let Some(fields) = record.record_expr_field_list() else {
        return false;
    };
    fields.fields().any(|field| {
        let (Some(name), Some(expr)) = (field.field_name(), field.expr()) else {
            return false;
        };
        first_string(expr.syntax()).is_some_and(|value| is_placeholder_secret(name.text(), &value))
    })
}

fn is_in_attribute(node: &SyntaxNode) -> bool {
    node.ancestors().any(|n| ast::Attr::can_cast(n.kind()))
}

fn macro_name(call: &ast::MacroCall) -> Option<String> {
    let path = call.path()?;
    Some(path.segment()?.name_ref()?.text().to_string())
}

fn in_message_macro(node: &SyntaxNode) -> bool {
    node.ancestors()
        .filter_map(ast::MacroCall::cast)
        .any(|call| {
            macro_name(&call).is_some_and(|name| {
                MESSAGE_MACROS.contains(&name.as_str()) || LOG_MACROS.contains(&name.as_str())
            })
        })
}

/// The first environment read in `node`: `env::var("X")`, `std::env::var_os("X")`,
/// `dotenvy::var("X")`, `option_env!("X")`, with its span and the variable's name.
fn env_read(
    node: &SyntaxNode,
    to_file: &dyn Fn(TextRange) -> Span,
) -> Option<(Span, Option<String>)> {
    for descendant in node.descendants() {
        if let Some(call) = ast::CallExpr::cast(descendant.clone()) {
            let Some(ast::Expr::PathExpr(callee)) = call.expr() else {
                continue;
            };
            let path = prodlint_rust::compact_text(callee.syntax());
            let is_env = ["env::var", "env::var_os", "dotenvy::var", "dotenv::var"]
                .iter()
                .any(|suffix| path == *suffix || path.ends_with(&format!("::{suffix}")));
            if is_env {
                let name = call.arg_list().and_then(|args| first_string(args.syntax()));
                return Some((to_file(call.syntax().text_range()), name));
            }
        }
        if let Some(call) = ast::MacroCall::cast(descendant.clone()) {
            if macro_name(&call).is_some_and(|name| name == "option_env") {
                let name = string_arg(&call, 0);
                return Some((to_file(call.syntax().text_range()), name));
            }
        }
    }
    None
}

fn first_string(node: &SyntaxNode) -> Option<String> {
    node.descendants_with_tokens()
        .filter_map(|e| e.into_token())
        .find_map(ast::String::cast)
        .and_then(|s| s.value().ok().map(|v| v.into_owned()))
}
