//! Calls whose error the program's input cannot cause, told from the code around them, so
//! that the warnings for a discarded error and for `.unwrap()` on a `Result` stay on the calls
//! that can fail in production: constant inputs (literals, bindings of literals, private
//! helpers that only ever receive literals), setters given constants, building the async
//! runtime, and waits whose only error is that the other side is gone.

use prodlint_core::Project;
use prodlint_rust::ra_ap_syntax::ast::{self, HasArgList, HasModuleItem, HasName, HasVisibility};
use prodlint_rust::ra_ap_syntax::{AstNode, SyntaxKind, SyntaxNode, WalkEvent};
use prodlint_rust::SharedParse;

use super::infer::{Fact, Proof, RTy};
use prodlint_rust::types::binding_pat;

/// How deep constant values are followed (bindings of bindings, nested `if`s).
const MAX_DEPTH: u32 = 8;

/// `Regex::new("^a+$").unwrap()`, `"8080".parse::<u16>().unwrap()`, `let v = "8080";
/// v.parse::<u16>().unwrap()`: the first call of the chain takes only constants, so it fails
/// on every run or never, and a test finds it. A parameter counts as a constant when the
/// function is private and every call of it in the file passes a constant for it
/// (`fn known(name: &str) -> Style { parse(name).unwrap() }` called as `known("red")`).
pub fn constant_input(receiver: &ast::Expr) -> bool {
    let Some(inputs) = first_call_inputs(receiver) else {
        return false;
    };
    let mut params = Vec::new();
    for input in &inputs {
        if is_constant(input, 0) {
            continue;
        }
        match param_index(input) {
            Some(index) => params.push(index),
            None => return false,
        }
    }
    params.is_empty() || constant_callers(receiver.syntax(), &params)
}

/// `url.set_scheme("wss")`, or with a binding of `if secure { "wss" } else { "ws" }`: a setter
/// that returns a `Result` rejects values it cannot take, and whether a constant is one of
/// them is decided by the code, not by the input: a test of the branch finds it.
pub fn constant_setter(expr: &ast::Expr) -> bool {
    match expr {
        ast::Expr::AwaitExpr(a) => a.expr().is_some_and(|e| constant_setter(&e)),
        ast::Expr::ParenExpr(p) => p.expr().is_some_and(|e| constant_setter(&e)),
        ast::Expr::MethodCallExpr(m) => {
            let setter = m.name_ref().is_some_and(|n| n.text().starts_with("set_"));
            let args: Vec<ast::Expr> = m.arg_list().into_iter().flat_map(|l| l.args()).collect();
            setter && !args.is_empty() && args.iter().all(|a| is_constant(a, 0))
        }
        _ => false,
    }
}

/// `Builder::new_multi_thread().enable_all().build().unwrap()`: without its async runtime the
/// program cannot do anything, wherever the runtime is built (often in a command's `run`
/// rather than in `main`); `#[tokio::main]` itself expands to `.expect(..)` on this call.
pub fn builds_runtime(fact: &Fact) -> bool {
    let RTy::Result(ok) = &fact.ty else {
        return false;
    };
    matches!(&**ok, RTy::Named { name, krate, .. }
        if krate == "tokio" && matches!(name.as_str(), "Runtime" | "LocalRuntime"))
}

/// `serde_json::to_string(&event).unwrap()`: serde_json's serializer into memory fails only
/// when a `Serialize` impl returns an error or a map's keys are not strings, which the type
/// decides, not the value: the first test that serializes one finds it. bincode 1's
/// `serialize` into a `Vec` likewise (a sequence of unknown length is the type's). Writing to an
/// `io::Write` (`to_writer`) can fail on the writer and stays reported.
pub fn serializes_into_memory(fact: &Fact) -> bool {
    matches!(&fact.proof, Some(Proof::Dep { krate, what, .. })
        if (krate == "serde_json" && matches!(what.as_str(),
            "`serde_json::to_string`" | "`serde_json::to_string_pretty`" | "`serde_json::to_vec`"
            | "`serde_json::to_vec_pretty`" | "`serde_json::to_value`"))
        || (krate == "bincode" && what == "`bincode::serialize`"))
}

/// `rx.changed().await`, `rx.wait_for(|ready| *ready).await` on a tokio `watch::Receiver`: the
/// only error is that the sender is gone, after which there is nothing left to wait for;
/// ignoring it is the idiom, as for a channel send.
pub fn waits_on_watch(fact: &Fact) -> bool {
    matches!(&fact.proof, Some(Proof::Dep { krate, what, .. })
        if krate == "tokio" && matches!(what.as_str(), "`Receiver::changed`" | "`Receiver::wait_for`"))
}

/// The inputs of the first call of a method chain: its receiver (for a method) and its
/// arguments.
fn first_call_inputs(expr: &ast::Expr) -> Option<Vec<ast::Expr>> {
    let mut current = expr.clone();
    loop {
        current = match &current {
            ast::Expr::MethodCallExpr(m) => {
                let receiver = m.receiver()?;
                if !is_chain(&receiver) {
                    let mut inputs = vec![receiver];
                    inputs.extend(m.arg_list().into_iter().flat_map(|l| l.args()));
                    return Some(inputs);
                }
                receiver
            }
            ast::Expr::CallExpr(c) => return Some(c.arg_list()?.args().collect()),
            ast::Expr::TryExpr(t) => t.expr()?,
            ast::Expr::AwaitExpr(a) => a.expr()?,
            ast::Expr::ParenExpr(p) => p.expr()?,
            _ => return None,
        };
    }
}

fn is_chain(expr: &ast::Expr) -> bool {
    matches!(
        expr,
        ast::Expr::MethodCallExpr(_)
            | ast::Expr::CallExpr(_)
            | ast::Expr::TryExpr(_)
            | ast::Expr::AwaitExpr(_)
            | ast::Expr::ParenExpr(_)
    )
}

/// A value fixed by the code: a literal, `None`, `Some` of one, a variant or associated
/// constant (`Month::January`), an immutable binding of one, or an `if`/`match`/block whose every outcome is one.
fn is_constant(expr: &ast::Expr, depth: u32) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    let depth = depth + 1;
    let constant = |e: Option<ast::Expr>| e.is_some_and(|e| is_constant(&e, depth));
    match expr {
        ast::Expr::Literal(_) => true,
        ast::Expr::RefExpr(r) => constant(r.expr()),
        ast::Expr::ParenExpr(p) => constant(p.expr()),
        ast::Expr::BlockExpr(b) => b
            .stmt_list()
            .is_some_and(|l| l.statements().next().is_none() && constant(l.tail_expr())),
        ast::Expr::IfExpr(i) => {
            let then = i.then_branch().map(ast::Expr::BlockExpr);
            let otherwise = match i.else_branch() {
                Some(ast::ElseBranch::Block(b)) => Some(ast::Expr::BlockExpr(b)),
                Some(ast::ElseBranch::IfExpr(e)) => Some(ast::Expr::IfExpr(e)),
                None => None,
            };
            constant(then) && constant(otherwise)
        }
        ast::Expr::MatchExpr(m) => m.match_arm_list().is_some_and(|list| {
            let mut arms = list.arms().peekable();
            arms.peek().is_some() && arms.all(|arm| constant(arm.expr()))
        }),
        ast::Expr::PathExpr(p) => constant_path(p, depth),
        // `Some(80)`: an `Option` of a constant. `Ipv4Addr::new(172, 16, 0, 0)`,
        // `Duration::from_secs(5)`: a type's constructor given only constants builds the
        // same value on every run.
        ast::Expr::CallExpr(c) => {
            let args: Vec<ast::Expr> = c.arg_list().into_iter().flat_map(|l| l.args()).collect();
            let Some(ast::Expr::PathExpr(p)) = c.expr() else {
                return false;
            };
            if p.syntax().text() == "Some" {
                return args.len() == 1 && constant(args.into_iter().next());
            }
            constructor(&p) && args.into_iter().all(|a| is_constant(&a, depth))
        }
        _ => false,
    }
}

/// A name bound, without `mut`, to a constant (`let scheme = "wss";`).
fn constant_path(path: &ast::PathExpr, depth: u32) -> bool {
    let Some(name) = single_name(path) else {
        return associated_constant(path);
    };
    if name == "None" {
        return true;
    }
    let Some(pat) = binding_pat(&name, path.syntax()) else {
        return file_const(&name, path.syntax());
    };
    if pat.mut_token().is_some() || pat.ref_token().is_some() || pat.at_token().is_some() {
        return false;
    }
    let Some(stmt) = pat.syntax().parent().and_then(ast::LetStmt::cast) else {
        return false;
    };
    stmt.let_else().is_none() && stmt.initializer().is_some_and(|e| is_constant(&e, depth))
}

/// `Month::January`, `Self::DEFAULT`, `u16::MAX`: a variant or an associated constant, named
/// through a type. Items named through a module (`config::DATABASE_URL`) may be statics,
/// whose value can come from the environment.
fn associated_constant(path: &ast::PathExpr) -> bool {
    let Some(path) = path.path() else {
        return false;
    };
    let name = |p: Option<ast::Path>| {
        p.and_then(|p| p.segment())
            .and_then(|s| s.name_ref())
            .map(|n| n.text().to_string())
    };
    let uppercase = |n: &str| n.starts_with(|c: char| c.is_ascii_uppercase());
    let (Some(owner), Some(item)) = (name(path.qualifier()), name(Some(path))) else {
        return false;
    };
    let owner_is_type = uppercase(&owner) || PRIMITIVES.contains(&owner.as_str());
    owner_is_type && uppercase(&item)
}

/// `Type::new` or `Type::from_*`: an associated function of a type (named in upper camel
/// case) that builds a value of it.
fn constructor(path: &ast::PathExpr) -> bool {
    let Some(path) = path.path() else {
        return false;
    };
    let owner = path
        .qualifier()
        .and_then(|q| q.segment())
        .and_then(|s| s.name_ref());
    let item = path.segment().and_then(|s| s.name_ref());
    let (Some(owner), Some(item)) = (owner, item) else {
        return false;
    };
    owner.text().starts_with(|c: char| c.is_ascii_uppercase())
        && (matches!(item.text(), "new" | "default") || item.text().starts_with("from_"))
}

/// A `const` item of the file, at its top level or in a module enclosing `at`
/// (`const PRESETS: &str = include_str!("presets.json");`): fixed at compile time, unlike a
/// `static`, whose value can be set at run time through interior mutability.
fn file_const(name: &str, at: &SyntaxNode) -> bool {
    at.ancestors()
        .filter_map(|n| {
            ast::SourceFile::cast(n.clone())
                .map(|f| f.items().collect::<Vec<_>>())
                .or_else(|| {
                    ast::Module::cast(n)
                        .and_then(|m| m.item_list())
                        .map(|l| l.items().collect())
                })
        })
        .flatten()
        .any(|item| matches!(item, ast::Item::Const(c) if c.name().is_some_and(|n| n.text() == name)))
}

const PRIMITIVES: &[&str] = &[
    "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize", "f32",
    "f64", "char",
];

fn single_name(path: &ast::PathExpr) -> Option<String> {
    let path = path.path()?;
    if path.qualifier().is_some() {
        return None;
    }
    Some(path.segment()?.name_ref()?.text().to_string())
}

/// The position of a parameter of the enclosing function item (not a closure), among its
/// non-`self` parameters, when `input` is that parameter unchanged (bound without `mut`).
fn param_index(input: &ast::Expr) -> Option<usize> {
    let ast::Expr::PathExpr(path) = input else {
        return None;
    };
    let pat = binding_pat(&single_name(path)?, path.syntax())?;
    if pat.mut_token().is_some() {
        return None;
    }
    let param = pat.syntax().parent().and_then(ast::Param::cast)?;
    let list = param.syntax().parent().and_then(ast::ParamList::cast)?;
    ast::Fn::cast(list.syntax().parent()?)?;
    list.params().position(|p| p == param)
}

/// Every use of the enclosing private function in the file is a call that passes constants
/// at `params`, and there is at least one. Any other use of its name (a function pointer, a
/// macro's tokens, another item of that name) or a child module in another file, which could
/// call it too, makes the answer no.
fn constant_callers(node: &SyntaxNode, params: &[usize]) -> bool {
    let Some(function) = node.ancestors().find_map(ast::Fn::cast) else {
        return false;
    };
    if function.visibility().is_some() || is_trait_item(&function) {
        return false;
    }
    let Some(name) = function.name().map(|n| n.text().to_string()) else {
        return false;
    };
    let Some(file) = node.ancestors().last() else {
        return false;
    };
    if file
        .descendants()
        .filter_map(ast::Module::cast)
        .any(|m| m.item_list().is_none())
    {
        return false;
    }
    let has_self = function.param_list().and_then(|l| l.self_param()).is_some();
    let mut calls = 0;
    let tokens = file
        .descendants_with_tokens()
        .filter_map(|e| e.into_token())
        .filter(|t| t.kind() == SyntaxKind::IDENT && t.text() == name);
    for token in tokens {
        let Some(parent) = token.parent() else {
            return false;
        };
        if ast::Name::cast(parent.clone()).is_some() {
            if parent.parent().as_ref() == Some(function.syntax()) {
                continue; // the definition itself
            }
            return false;
        }
        let Some(args) = call_args(&parent, has_self) else {
            return false;
        };
        if !params
            .iter()
            .all(|&i| args.get(i).is_some_and(|a| is_constant(a, 0)))
        {
            return false;
        }
        calls += 1;
    }
    calls > 0
}

/// A trait's method, or one of a trait impl: callable from anywhere through the trait.
fn is_trait_item(function: &ast::Fn) -> bool {
    function.syntax().ancestors().skip(1).any(|a| {
        ast::Trait::can_cast(a.kind()) || ast::Impl::cast(a).is_some_and(|i| i.trait_().is_some())
    })
}

/// The arguments, without the receiver, of the call whose callee's name is `name_ref`:
/// `f(a)`, `Self::f(a)`, `x.f(a)`, and `Type::f(x, a)` for a method (`has_self`).
fn call_args(name_ref: &SyntaxNode, has_self: bool) -> Option<Vec<ast::Expr>> {
    let name_ref = ast::NameRef::cast(name_ref.clone())?;
    let parent = name_ref.syntax().parent()?;
    if let Some(method) = ast::MethodCallExpr::cast(parent.clone()) {
        if !has_self || method.name_ref()? != name_ref {
            return None;
        }
        return Some(method.arg_list()?.args().collect());
    }
    let segment = ast::PathSegment::cast(parent)?;
    let path = segment.syntax().parent().and_then(ast::Path::cast)?;
    let callee = path.syntax().parent().and_then(ast::PathExpr::cast)?;
    let call = callee.syntax().parent().and_then(ast::CallExpr::cast)?;
    if call.expr()?.syntax() != callee.syntax() {
        return None;
    }
    let args = call.arg_list()?.args().skip(usize::from(has_self));
    Some(args.collect())
}

/// `SystemTime::now().duration_since(UNIX_EPOCH).unwrap()`: the only error is a clock set
/// before 1970, which no input causes.
pub fn since_the_epoch(receiver: &ast::Expr) -> bool {
    let ast::Expr::MethodCallExpr(m) = receiver else {
        return false;
    };
    let args: Vec<ast::Expr> = m.arg_list().into_iter().flat_map(|l| l.args()).collect();
    m.name_ref().is_some_and(|n| n.text() == "duration_since")
        && matches!(args.as_slice(), [ast::Expr::PathExpr(p)]
            if p.path().and_then(|p| p.segment()).is_some_and(|s| s.syntax().text() == "UNIX_EPOCH"))
}

/// A call of a workspace function none of whose definitions can return an error: every
/// way out of its body is `Ok(..)` (its tail, through `if`, `match` and blocks, and each
/// `return`), and no `?` is in it (`impl FromStr for Role` whose every arm, the fallback
/// included, is `Ok(..)`; `fn start() -> Result<()> { spawn(..); Ok(()) }`).
pub fn never_fails(project: &Project, fact: &Fact) -> bool {
    let Some(Proof::Workspace { defs, .. }) = &fact.proof else {
        return false;
    };
    !defs.is_empty()
        && defs.iter().all(|(file, span)| {
            let Ok(text) = project.read(file) else {
                return false;
            };
            let parsed = project.index::<SharedParse>(file).get(&text);
            let tree = parsed.tree();
            let found = tree
                .syntax()
                .descendants()
                .filter_map(ast::Fn::cast)
                .find(|f| {
                    f.ret_type()
                        .and_then(|r| r.ty())
                        .is_some_and(|t| prodlint_rust::span(t.syntax().text_range()) == *span)
                });
            found
                .and_then(|f| f.body())
                .is_some_and(|body| only_ok(&body))
        })
}

/// Whether a function body returns only `Ok(..)`.
fn only_ok(body: &ast::BlockExpr) -> bool {
    let mut ok = true;
    let mut walk = body.syntax().preorder();
    while let Some(event) = walk.next() {
        let WalkEvent::Enter(node) = event else {
            continue;
        };
        // Closures, nested functions and async blocks have ways out of their own.
        let nested_block = ast::BlockExpr::cast(node.clone())
            .is_some_and(|b| b.async_token().is_some() || b.const_token().is_some());
        if ast::ClosureExpr::can_cast(node.kind())
            || (ast::Fn::can_cast(node.kind()) && node != *body.syntax())
            || nested_block
        {
            walk.skip_subtree();
            continue;
        }
        if ast::TryExpr::can_cast(node.kind()) {
            ok = false;
        }
        if let Some(r) = ast::ReturnExpr::cast(node) {
            ok &= r.expr().is_some_and(|e| exits_ok(&e));
        }
    }
    // A body that only panics (`unimplemented!()`) is a stub, not a function that never
    // fails.
    ok && body
        .stmt_list()
        .and_then(|l| l.tail_expr())
        .is_some_and(|tail| !matches!(tail, ast::Expr::MacroExpr(_)) && exits_ok(&tail))
}

/// `Ok(..)`, or an `if`/`match`/block whose every outcome is one (or diverges).
fn exits_ok(expr: &ast::Expr) -> bool {
    match expr {
        ast::Expr::CallExpr(c) => {
            matches!(c.expr(), Some(ast::Expr::PathExpr(p)) if p.syntax().text() == "Ok")
        }
        ast::Expr::ParenExpr(p) => p.expr().is_some_and(|e| exits_ok(&e)),
        ast::Expr::ReturnExpr(r) => r.expr().is_some_and(|e| exits_ok(&e)),
        ast::Expr::MacroExpr(m) => m
            .macro_call()
            .and_then(|c| c.path()?.segment()?.name_ref())
            .is_some_and(|n| {
                matches!(n.text(), "panic" | "unreachable" | "todo" | "unimplemented")
            }),
        ast::Expr::BlockExpr(b) => {
            b.async_token().is_none()
                && b.stmt_list()
                    .and_then(|l| l.tail_expr())
                    .is_some_and(|t| exits_ok(&t))
        }
        ast::Expr::IfExpr(i) => {
            let then = i
                .then_branch()
                .is_some_and(|b| exits_ok(&ast::Expr::BlockExpr(b)));
            let otherwise = match i.else_branch() {
                Some(ast::ElseBranch::Block(b)) => exits_ok(&ast::Expr::BlockExpr(b)),
                Some(ast::ElseBranch::IfExpr(e)) => exits_ok(&ast::Expr::IfExpr(e)),
                None => false,
            };
            then && otherwise
        }
        ast::Expr::MatchExpr(m) => m.match_arm_list().is_some_and(|list| {
            let mut arms = list.arms().peekable();
            arms.peek().is_some() && arms.all(|arm| arm.expr().is_some_and(|e| exits_ok(&e)))
        }),
        _ => false,
    }
}
