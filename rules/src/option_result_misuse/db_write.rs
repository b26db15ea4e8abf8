//! Database writes of sea-orm, diesel and sqlx, recognised by where their receiver comes
//! from: a query built by the library's own functions or macros (`sqlx::query(..)`,
//! `diesel::insert_into(..)`, `Entity::delete_many()`), or a sea-orm model, with the
//! library's trait in scope and the library in `Cargo.lock`. A method name alone says
//! nothing: `Vec::insert`, `HashMap::insert` or a cache's `update` are not writes.

use prodlint_rust::ra_ap_syntax::ast::{self, HasArgList, HasName};
use prodlint_rust::ra_ap_syntax::{AstNode, AstToken, SyntaxKind};
use prodlint_rust::types::{binding_pat, path_segments, Scope};

use super::infer::{At, Env, RTy};

/// A call that writes to a database and returns its `Result`.
#[derive(Debug, Clone)]
pub struct DbWrite {
    /// `sea-orm`, `diesel` or `sqlx`.
    pub lib: &'static str,
    /// What it writes: `insert`, `update`, `delete`, or the SQL statement's verb.
    pub kind: String,
    /// The write as the code names it: `delete_many(..)….exec(..)`, `insert_into(..)….execute(..)`.
    pub write: String,
}

/// sea-orm's `EntityTrait` functions that start a write, and the methods that run it.
const SEA_ORM_STARTS: &[&str] = &[
    "insert",
    "insert_many",
    "update",
    "update_many",
    "delete",
    "delete_many",
    "delete_by_id",
];
const SEA_ORM_EXECS: &[&str] = &[
    "exec",
    "exec_with_returning",
    "exec_with_returning_many",
    "exec_with_returning_keys",
    "exec_without_returning",
];
/// sea-orm's `ActiveModelTrait` writes (`ModelTrait` has `delete` too).
const SEA_ORM_MODEL_WRITES: &[&str] = &["insert", "update", "save", "delete"];

/// diesel's statement builders, and the methods of `RunQueryDsl` that run a write.
const DIESEL_STARTS: &[&str] = &[
    "insert_into",
    "insert_or_ignore_into",
    "replace_into",
    "update",
    "delete",
    "sql_query",
];
const DIESEL_RUNS: &[&str] = &["execute", "get_result", "get_results"];

/// sqlx's query functions and macros; `execute` runs them.
const SQLX_QUERIES: &[&str] = &[
    "query",
    "query_as",
    "query_scalar",
    "query_with",
    "query_as_with",
    "query_scalar_with",
    "raw_sql",
    "query_unchecked",
    "query_as_unchecked",
    "query_scalar_unchecked",
    "query_file",
    "query_file_as",
    "query_file_unchecked",
    "query_file_as_unchecked",
];

impl Env<'_> {
    /// The database write whose `Result` `expr` is, if it is one for sure.
    pub fn db_write(&self, expr: &ast::Expr) -> Option<DbWrite> {
        let (call, awaited) = terminal(expr)?;
        let name = call.name_ref()?.text().to_string();
        let runs = |names: &[&str]| names.contains(&name.as_str());
        let writes = name == "execute"
            || runs(DIESEL_RUNS)
            || runs(SEA_ORM_EXECS)
            || runs(SEA_ORM_MODEL_WRITES);
        if !writes {
            return None;
        }
        let at = self.scope_at(call.syntax());
        let root = chain(&call);
        if name == "execute" && awaited && self.locked("sqlx") {
            let query = self
                .sqlx_query(&at, &root, 0)
                .or_else(|| self.sqlx_typed(&root));
            if let Some((write, kind)) = query {
                return Some(DbWrite {
                    lib: "sqlx",
                    kind: kind?,
                    write,
                });
            }
        }
        if DIESEL_RUNS.contains(&name.as_str()) && self.locked("diesel") {
            let async_diesel = imports(&at.scope, "diesel_async");
            if awaited == async_diesel {
                if let Some(start) = self.diesel_start(&at, &root) {
                    let kind = match start.as_str() {
                        "update" => "update".to_string(),
                        "delete" => "delete".to_string(),
                        "sql_query" => sql_kind(&root)?,
                        _ => "insert".to_string(),
                    };
                    return Some(DbWrite {
                        lib: "diesel",
                        kind,
                        write: format!("{start}(..)….{name}(..)"),
                    });
                }
            }
        }
        if !awaited || !self.locked("sea_orm") {
            return None;
        }
        if SEA_ORM_EXECS.contains(&name.as_str()) && imports_trait(&at.scope, "EntityTrait") {
            let start = sea_orm_start(&root)?;
            let kind = ["insert", "update", "delete"]
                .into_iter()
                .find(|k| start.rsplit("::").next().is_some_and(|f| f.starts_with(k)))
                .unwrap_or("write");
            return Some(DbWrite {
                lib: "sea-orm",
                kind: kind.to_string(),
                write: format!("{start}(..)….{name}(..)"),
            });
        }
        let one_argument = call.arg_list().is_some_and(|a| a.args().count() == 1);
        if !SEA_ORM_MODEL_WRITES.contains(&name.as_str()) || !one_argument {
            return None;
        }
        let receiver = call.receiver()?;
        let model = sea_orm_model(&receiver, 0)?;
        let in_scope = match model {
            Model::Active => imports_trait(&at.scope, "ActiveModelTrait"),
            Model::Plain => name == "delete" && imports_trait(&at.scope, "ModelTrait"),
        };
        in_scope.then(|| DbWrite {
            lib: "sea-orm",
            kind: if name == "save" {
                "insert or update".to_string()
            } else {
                name.clone()
            },
            write: format!(
                "{}::{name}(..)",
                match model {
                    Model::Active => "ActiveModel",
                    Model::Plain => "Model",
                }
            ),
        })
    }

    /// Whether `lib` is a locked dependency (where there is no `Cargo.lock`, the imports
    /// alone decide).
    fn locked(&self, lib: &str) -> bool {
        self.deps.is_none_or(|d| d.locked.is_locked(lib))
    }

    /// `sqlx::query(..)`, `query_as!(..)` (through the file's imports), or a binding of one:
    /// the write as the code names it, and its kind (`None`: a read).
    fn sqlx_query(
        &self,
        at: &At,
        root: &ast::Expr,
        depth: u32,
    ) -> Option<(String, Option<String>)> {
        let (path, bang) = match root {
            ast::Expr::CallExpr(c) => match c.expr()? {
                ast::Expr::PathExpr(p) => (p.path()?, ""),
                _ => return None,
            },
            ast::Expr::MacroExpr(m) => (m.macro_call()?.path()?, "!"),
            ast::Expr::PathExpr(p) if depth == 0 => {
                let (_, init) = let_binding(p)?;
                let root = match &init {
                    ast::Expr::MethodCallExpr(m) => chain(m),
                    other => other.clone(),
                };
                return self.sqlx_query(at, &root, depth + 1);
            }
            _ => return None,
        };
        let segments = path_segments(&path);
        let last = segments.last()?.clone();
        if !SQLX_QUERIES.contains(&last.as_str()) {
            return None;
        }
        let resolved = at.scope.resolve(&segments).path;
        let from_sqlx = resolved.starts_with("sqlx::")
            || (segments.len() == 1
                && !at.scope.uses.contains_key(&last)
                && at.scope.globs.iter().any(|g| g == "sqlx"));
        from_sqlx.then(|| (format!("{last}{bang}(..)….execute(..)"), sql_kind(root)))
    }

    /// A query whose type says it is sqlx's: a binding declared `sqlx::query::Query<..>`,
    /// a function of the workspace that returns one.
    fn sqlx_typed(&self, root: &ast::Expr) -> Option<(String, Option<String>)> {
        let fact = self.infer(root)?;
        let RTy::Named { name, krate, .. } = &fact.ty else {
            return None;
        };
        let query = matches!(
            name.as_str(),
            "Query" | "QueryAs" | "QueryScalar" | "Map" | "RawSql"
        );
        (krate == "sqlx" && query).then(|| {
            (
                format!("{name}::execute(..)"),
                Some("statement".to_string()),
            )
        })
    }

    /// `diesel::insert_into(..)`, or `insert_into(..)` imported from diesel or its prelude.
    fn diesel_start(&self, at: &At, root: &ast::Expr) -> Option<String> {
        let ast::Expr::CallExpr(c) = root else {
            return None;
        };
        let ast::Expr::PathExpr(p) = c.expr()? else {
            return None;
        };
        let segments = path_segments(&p.path()?);
        let last = segments.last()?.clone();
        if !DIESEL_STARTS.contains(&last.as_str()) {
            return None;
        }
        let resolved = at.scope.resolve(&segments);
        if resolved.path.starts_with("diesel::") {
            return Some(last);
        }
        // A glob of diesel's (`diesel::prelude::*`), unless the crate has a function of
        // that name where the call stands.
        let from_glob = segments.len() == 1
            && !at.scope.uses.contains_key(&last)
            && at.scope.globs.iter().any(|g| g.starts_with("diesel"))
            && !self.index.fns.contains_key(&resolved.path);
        from_glob.then_some(last)
    }
}

/// What the SQL of a query built from a literal does.
enum Sql {
    /// `INSERT`, `DELETE`, `CREATE`: the verb.
    Write(String),
    /// `SELECT 1`, or a `WITH` that may be either: not reported.
    NotAWrite,
    /// Not a literal: `execute` is how writes are run.
    Unknown,
}

/// The kind of write a query's SQL is, or `None` when it is a read.
fn sql_kind(root: &ast::Expr) -> Option<String> {
    match sql(root) {
        Sql::Write(verb) => Some(verb),
        Sql::NotAWrite => None,
        Sql::Unknown => Some("statement".into()),
    }
}

fn sql(root: &ast::Expr) -> Sql {
    match sql_verb(root) {
        None => Sql::Unknown,
        Some(verb) if WRITE_VERBS.contains(&verb.as_str()) => Sql::Write(verb),
        Some(_) => Sql::NotAWrite,
    }
}

const WRITE_VERBS: &[&str] = &[
    "INSERT", "UPDATE", "DELETE", "REPLACE", "UPSERT", "MERGE", "CREATE", "DROP", "ALTER",
    "TRUNCATE",
];

/// The first word of the SQL a query is built from, when its first argument is a literal.
fn sql_verb(root: &ast::Expr) -> Option<String> {
    let literal = match root {
        ast::Expr::CallExpr(c) => match c.arg_list()?.args().next()? {
            ast::Expr::Literal(l) => l.syntax().first_token()?,
            _ => return None,
        },
        ast::Expr::MacroExpr(m) => m
            .macro_call()?
            .token_tree()?
            .syntax()
            .children_with_tokens()
            .filter_map(|t| t.into_token())
            .find(|t| t.kind() == SyntaxKind::STRING)?,
        _ => return None,
    };
    let text = ast::String::cast(literal)?.value().ok()?.to_string();
    let word: String = text
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    Some(word.to_ascii_uppercase())
}

/// The call whose `Result` the expression is: through `.await`, parentheses and error
/// mappings that do not log (those that do are best effort, decided before).
fn terminal(expr: &ast::Expr) -> Option<(ast::MethodCallExpr, bool)> {
    let mut current = expr.clone();
    let mut awaited = false;
    loop {
        match current {
            ast::Expr::ParenExpr(p) => current = p.expr()?,
            ast::Expr::AwaitExpr(a) => {
                awaited = true;
                current = a.expr()?;
            }
            ast::Expr::MethodCallExpr(m) => {
                let name = m.name_ref()?.text().to_string();
                if matches!(name.as_str(), "map_err" | "context" | "with_context") {
                    current = m.receiver()?;
                    continue;
                }
                return Some((m, awaited));
            }
            _ => return None,
        }
    }
}

/// The first receiver of a method chain.
fn chain(call: &ast::MethodCallExpr) -> ast::Expr {
    let mut current = ast::Expr::MethodCallExpr(call.clone());
    loop {
        let next = match &current {
            ast::Expr::MethodCallExpr(m) => m.receiver(),
            ast::Expr::AwaitExpr(a) => a.expr(),
            ast::Expr::ParenExpr(p) => p.expr(),
            ast::Expr::TryExpr(t) => t.expr(),
            _ => None,
        };
        match next {
            Some(n) => current = n,
            None => return current,
        }
    }
}

/// `post::Entity::delete_many()`, `Users::insert(model)`: an associated function of an
/// entity (a path of at least two segments) that starts a write.
fn sea_orm_start(root: &ast::Expr) -> Option<String> {
    let ast::Expr::CallExpr(c) = root else {
        return None;
    };
    let ast::Expr::PathExpr(p) = c.expr()? else {
        return None;
    };
    let segments = path_segments(&p.path()?);
    let [.., owner, last] = segments.as_slice() else {
        return None;
    };
    (SEA_ORM_STARTS.contains(&last.as_str())
        && owner.starts_with(|ch: char| ch.is_ascii_uppercase()))
    .then(|| format!("{owner}::{last}"))
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Model {
    /// A sea-orm `ActiveModel`.
    Active,
    /// A sea-orm `Model`, read from the database.
    Plain,
}

/// Whether an expression is a sea-orm model, by what makes it one: a written type
/// `…::ActiveModel`/`…::Model`, an `ActiveModel { .. }` literal, `.into_active_model()`,
/// `ActiveModel::from(..)`, a field set with `Set(..)`, or a row read with `.one(db)`.
fn sea_orm_model(expr: &ast::Expr, depth: u32) -> Option<Model> {
    if depth > 4 {
        return None;
    }
    match expr {
        ast::Expr::ParenExpr(p) => sea_orm_model(&p.expr()?, depth + 1),
        ast::Expr::RecordExpr(r) => {
            let segments = path_segments(&r.path()?);
            (segments.last()? == "ActiveModel").then_some(Model::Active)
        }
        ast::Expr::CallExpr(c) => {
            let ast::Expr::PathExpr(p) = c.expr()? else {
                return None;
            };
            let segments = path_segments(&p.path()?);
            let [.., owner, _] = segments.as_slice() else {
                return None;
            };
            (owner == "ActiveModel").then_some(Model::Active)
        }
        ast::Expr::MethodCallExpr(m) => match m.name_ref()?.text().to_string().as_str() {
            "into_active_model" => Some(Model::Active),
            "clone" => sea_orm_model(&m.receiver()?, depth + 1),
            _ => read_row(expr).then_some(Model::Plain),
        },
        ast::Expr::TryExpr(_) => read_row(expr).then_some(Model::Plain),
        ast::Expr::PathExpr(p) => {
            let (pat, init) = match let_binding(p) {
                Some(found) => found,
                None => return typed_binding(p),
            };
            if let Some(model) = typed_binding(p) {
                return Some(model);
            }
            if fields_set(&pat) {
                return Some(Model::Active);
            }
            sea_orm_model(&init, depth + 1)
        }
        _ => None,
    }
}

/// The model a binding's written type names (`active: user::ActiveModel`, `m: Model`).
fn typed_binding(p: &ast::PathExpr) -> Option<Model> {
    let segments = path_segments(&p.path()?);
    let [name] = segments.as_slice() else {
        return None;
    };
    let pat = binding_pat(name, p.syntax())?;
    let parent = pat.syntax().parent()?;
    let ty = match ast::Param::cast(parent.clone()) {
        Some(param) => param.ty()?,
        None => ast::LetStmt::cast(parent)?.ty()?,
    };
    let ast::Type::PathType(path) = ty else {
        return None;
    };
    match path_segments(&path.path()?).last()?.as_str() {
        "ActiveModel" => Some(Model::Active),
        "Model" => Some(Model::Plain),
        _ => None,
    }
}

/// A `let` binding that is the whole pattern, and its initializer (a reassignment keeps
/// the type, which is all that is asked of it here).
fn let_binding(p: &ast::PathExpr) -> Option<(ast::IdentPat, ast::Expr)> {
    let segments = path_segments(&p.path()?);
    let [name] = segments.as_slice() else {
        return None;
    };
    let pat = binding_pat(name, p.syntax())?;
    let stmt = ast::LetStmt::cast(pat.syntax().parent()?)?;
    Some((pat.clone(), stmt.initializer()?))
}

/// `binding.field = Set(..)` (or `ActiveValue::Set`, `NotSet`) in the binding's function:
/// only a sea-orm `ActiveModel` has fields of that shape.
fn fields_set(pat: &ast::IdentPat) -> bool {
    let Some(name) = pat.name().map(|n| n.text().to_string()) else {
        return false;
    };
    let Some(body) = pat.syntax().ancestors().find_map(ast::Fn::cast) else {
        return false;
    };
    body.syntax()
        .descendants()
        .filter_map(ast::BinExpr::cast)
        .filter(|b| matches!(b.op_kind(), Some(ast::BinaryOp::Assignment { op: None })))
        .any(|b| {
            let Some(ast::Expr::FieldExpr(field)) = b.lhs() else {
                return false;
            };
            let on_binding = field
                .expr()
                .is_some_and(|e| e.syntax().text().to_string() == name);
            let set = match b.rhs() {
                Some(ast::Expr::CallExpr(c)) => c.expr().is_some_and(|callee| {
                    let text = callee.syntax().text().to_string();
                    text == "Set" || text.ends_with("::Set")
                }),
                Some(ast::Expr::PathExpr(p)) => {
                    let text = p.syntax().text().to_string();
                    text == "NotSet" || text.ends_with("::NotSet")
                }
                _ => false,
            };
            on_binding && set
        })
}

/// `Entity::find_by_id(id).one(db).await?` (then `.unwrap()`, `.ok_or(..)?` and the like):
/// a row read by sea-orm, which is a `Model`.
fn read_row(expr: &ast::Expr) -> bool {
    let mut current = expr.clone();
    for _ in 0..12 {
        let next = match &current {
            ast::Expr::TryExpr(t) => t.expr(),
            ast::Expr::AwaitExpr(a) => a.expr(),
            ast::Expr::ParenExpr(p) => p.expr(),
            ast::Expr::MethodCallExpr(m) => {
                let name = m.name_ref().map(|n| n.text().to_string());
                match name.as_deref() {
                    Some(
                        "unwrap" | "expect" | "ok_or" | "ok_or_else" | "context" | "with_context"
                        | "map_err",
                    ) => m.receiver(),
                    Some("one") => {
                        let root = chain(m);
                        let ast::Expr::CallExpr(c) = root else {
                            return false;
                        };
                        let Some(ast::Expr::PathExpr(p)) = c.expr() else {
                            return false;
                        };
                        let Some(path) = p.path() else {
                            return false;
                        };
                        let segments = path_segments(&path);
                        return matches!(
                            segments.as_slice(),
                            [.., owner, find] if owner.starts_with(|ch: char| ch.is_ascii_uppercase())
                                && (find == "find" || find == "find_by_id")
                        );
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        match next {
            Some(n) => current = n,
            None => return false,
        }
    }
    false
}

/// Whether the scope names `lib` through an import or a glob.
fn imports(scope: &Scope, lib: &str) -> bool {
    let prefix = format!("{lib}::");
    scope
        .uses
        .values()
        .any(|(path, _)| path.starts_with(&prefix))
        || scope
            .globs
            .iter()
            .any(|g| g == lib || g.starts_with(&prefix))
}

/// Whether a sea-orm trait is in scope: imported by name, or through a glob of sea-orm's
/// (`sea_orm::*`, `sea_orm::entity::prelude::*`). A re-export through another module is
/// not followed, and then the call is unknown.
fn imports_trait(scope: &Scope, name: &str) -> bool {
    scope
        .uses
        .values()
        .any(|(path, _)| path.starts_with("sea_orm::") && path.ends_with(&format!("::{name}")))
        || scope
            .globs
            .iter()
            .any(|g| g == "sea_orm" || g.starts_with("sea_orm::"))
}
