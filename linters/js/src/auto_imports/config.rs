//! Reads the parts of `nuxt.config.*` and `vite.config.*` that decide auto-import scopes,
//! statically: only literal strings, arrays, objects, booleans and numbers count. A value of
//! any other shape (a variable, a call, a spread) is reported as unknown, and the caller
//! falls back to the framework's default for it instead of guessing.

use swc_ecma_ast::*;

/// A statically read value; `Unknown` is anything that is not a literal.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Str(String),
    Bool(bool),
    Num(f64),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
    /// A path built from a literal by a call configs use for absolute paths (see
    /// [`path_call`]).
    Path(PathFrom, String),
    Unknown,
}

/// What a [`Value::Path`] is relative to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathFrom {
    /// `resolve(__dirname, 'x')`, `fileURLToPath(new URL('x', import.meta.url))`.
    ConfigDir,
    /// `resolve('x')`: the working directory, which is the app's root when the framework
    /// runs there (and not a layer's own directory).
    Cwd,
}

impl Value {
    pub(crate) fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(props) => props.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A path of keys: `get_path(&["imports", "dirs"])`.
    pub(crate) fn get_path(&self, keys: &[&str]) -> Option<&Value> {
        keys.iter().try_fold(self, |value, key| value.get(key))
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A literal array of strings (or one string, where the option accepts both). `None`
    /// when any element is not a literal string.
    pub(crate) fn string_list(&self) -> Option<Vec<String>> {
        match self {
            Value::Str(s) => Some(vec![s.clone()]),
            Value::Array(items) => items.iter().map(|i| i.as_str().map(String::from)).collect(),
            _ => None,
        }
    }
}

/// The text of a swc string atom (lossy for lone surrogates).
macro_rules! atom {
    ($value:expr) => {
        $value.to_atom_lossy().as_str().to_string()
    };
}

fn prop_key(name: &PropName) -> Option<String> {
    match name {
        PropName::Ident(ident) => Some(ident.sym.to_string()),
        PropName::Str(s) => Some(atom!(s.value)),
        _ => None,
    }
}

pub(crate) fn value(expr: &Expr) -> Value {
    match expr {
        Expr::Lit(Lit::Str(s)) => Value::Str(atom!(s.value)),
        Expr::Lit(Lit::Bool(b)) => Value::Bool(b.value),
        Expr::Lit(Lit::Num(n)) => Value::Num(n.value),
        Expr::Tpl(tpl) if tpl.exprs.is_empty() && tpl.quasis.len() == 1 => tpl.quasis[0]
            .cooked
            .as_ref()
            .map_or(Value::Unknown, |c| Value::Str(atom!(c))),
        Expr::Array(array) => Value::Array(
            array
                .elems
                .iter()
                .map(|elem| match elem {
                    Some(ExprOrSpread { spread: None, expr }) => value(expr),
                    _ => Value::Unknown,
                })
                .collect(),
        ),
        Expr::Object(object) => {
            let mut props = Vec::new();
            for prop in &object.props {
                match prop {
                    PropOrSpread::Prop(prop) => match &**prop {
                        Prop::KeyValue(kv) => match prop_key(&kv.key) {
                            Some(key) => props.push((key, value(&kv.value))),
                            None => return Value::Unknown,
                        },
                        Prop::Shorthand(ident) => {
                            props.push((ident.sym.to_string(), Value::Unknown))
                        }
                        // Methods and getters are code: their keys stay unknown.
                        Prop::Method(m) => {
                            if let Some(key) = prop_key(&m.key) {
                                props.push((key, Value::Unknown))
                            }
                        }
                        _ => {}
                    },
                    // A spread may set any key: the whole object is unknown.
                    PropOrSpread::Spread(_) => return Value::Unknown,
                }
            }
            Value::Object(props)
        }
        Expr::Call(call) => path_call(call).unwrap_or(Value::Unknown),
        Expr::Paren(paren) => value(&paren.expr),
        Expr::TsAs(e) => value(&e.expr),
        Expr::TsSatisfies(e) => value(&e.expr),
        Expr::TsConstAssertion(e) => value(&e.expr),
        _ => Value::Unknown,
    }
}

/// The calls that configs use to write an absolute path, with literal arguments only:
/// `resolve('./x')`, `resolve(__dirname, 'x')`, `join(__dirname, 'x')` (also as
/// `path.resolve`), `fileURLToPath(new URL('./x', import.meta.url))`. Anything else (a
/// variable, `process.cwd()`, a `createResolver` instance) is not a path this can tell.
fn path_call(call: &CallExpr) -> Option<Value> {
    let Callee::Expr(callee) = &call.callee else {
        return None;
    };
    let name = match &**callee {
        Expr::Ident(ident) => ident.sym.to_string(),
        Expr::Member(member) => match &member.prop {
            MemberProp::Ident(prop) => prop.sym.to_string(),
            _ => return None,
        },
        _ => return None,
    };
    let args: Vec<&Expr> = call
        .args
        .iter()
        .map(|a| (a.spread.is_none()).then_some(&*a.expr))
        .collect::<Option<_>>()?;
    let literal = |expr: &Expr| value(expr).as_str().map(String::from);
    match (name.as_str(), args.as_slice()) {
        ("resolve", [only]) => Some(Value::Path(PathFrom::Cwd, literal(only)?)),
        ("resolve" | "join", [Expr::Ident(dir), rest @ ..])
            if &*dir.sym == "__dirname" && !rest.is_empty() =>
        {
            let parts: Vec<String> = rest.iter().map(|e| literal(e)).collect::<Option<_>>()?;
            Some(Value::Path(PathFrom::ConfigDir, parts.join("/")))
        }
        ("fileURLToPath", [Expr::New(new)]) => {
            let is_url = matches!(&*new.callee, Expr::Ident(i) if &*i.sym == "URL");
            let url_args = new.args.as_deref()?;
            let base_is_module = url_args.get(1).is_some_and(|a| {
                matches!(&*a.expr, Expr::Member(m)
                    if matches!(&*m.obj, Expr::MetaProp(_))
                        && matches!(&m.prop, MemberProp::Ident(p) if &*p.sym == "url"))
            });
            if !is_url || !base_is_module || url_args.len() != 2 {
                return None;
            }
            Some(Value::Path(
                PathFrom::ConfigDir,
                literal(&url_args[0].expr)?,
            ))
        }
        _ => None,
    }
}

/// The object a config module exports: `export default defineNuxtConfig({ … })`,
/// `export default { … }`, or `module.exports = …` of the same shapes. `None` when the
/// module exports something else (a variable, a function).
pub(crate) fn exported_config(program: &Program) -> Option<Value> {
    let unwrap = |expr: &Expr| -> Option<Value> {
        let mut expr = expr;
        loop {
            match expr {
                Expr::Paren(p) => expr = &p.expr,
                Expr::TsAs(e) => expr = &e.expr,
                Expr::TsSatisfies(e) => expr = &e.expr,
                _ => break,
            }
        }
        match expr {
            Expr::Object(_) => Some(value(expr)),
            // defineNuxtConfig({ … }), defineConfig({ … })
            Expr::Call(call) => match call.args.first() {
                Some(ExprOrSpread { spread: None, expr }) if matches!(**expr, Expr::Object(_)) => {
                    Some(value(expr))
                }
                _ => None,
            },
            _ => None,
        }
    };
    let items: Vec<&Stmt> = match program {
        Program::Module(module) => {
            for item in &module.body {
                if let ModuleItem::ModuleDecl(ModuleDecl::ExportDefaultExpr(export)) = item {
                    return unwrap(&export.expr);
                }
            }
            module.body.iter().filter_map(|i| i.as_stmt()).collect()
        }
        Program::Script(script) => script.body.iter().collect(),
    };
    for stmt in items {
        if let Stmt::Expr(ExprStmt { expr, .. }) = stmt {
            if let Expr::Assign(assign) = &**expr {
                if let AssignTarget::Simple(SimpleAssignTarget::Member(member)) = &assign.left {
                    let is_module_exports = matches!(&*member.obj, Expr::Ident(o) if &*o.sym == "module")
                        && matches!(&member.prop, MemberProp::Ident(p) if &*p.sym == "exports");
                    if is_module_exports {
                        return unwrap(&assign.right);
                    }
                }
            }
        }
    }
    None
}

/// The options objects passed to unplugin-auto-import in a Vite config: calls of the
/// identifier it was imported as (`import AutoImport from 'unplugin-auto-import/vite'`),
/// wherever they are. Each entry is the statically read first argument.
pub(crate) fn unplugin_auto_import_options(program: &Program) -> Vec<Value> {
    use swc_ecma_visit::{Visit, VisitWith};

    let Program::Module(module) = program else {
        return Vec::new();
    };
    let mut locals = Vec::new();
    for item in &module.body {
        if let ModuleItem::ModuleDecl(ModuleDecl::Import(import)) = item {
            let source = atom!(import.src.value);
            if source.starts_with("unplugin-auto-import") {
                for specifier in &import.specifiers {
                    match specifier {
                        ImportSpecifier::Default(d) => locals.push(d.local.sym.to_string()),
                        ImportSpecifier::Named(n) => locals.push(n.local.sym.to_string()),
                        ImportSpecifier::Namespace(_) => {}
                    }
                }
            }
        }
    }
    struct Calls<'a> {
        locals: &'a [String],
        out: Vec<Value>,
    }
    impl Visit for Calls<'_> {
        fn visit_call_expr(&mut self, call: &CallExpr) {
            if let Callee::Expr(callee) = &call.callee {
                if matches!(&**callee, Expr::Ident(i) if self.locals.iter().any(|l| *l == *i.sym)) {
                    self.out.push(match call.args.first() {
                        Some(ExprOrSpread { spread: None, expr }) => value(expr),
                        Some(_) => Value::Unknown,
                        None => Value::Object(Vec::new()),
                    });
                }
            }
            call.visit_children_with(self);
        }
    }
    if locals.is_empty() {
        return Vec::new();
    }
    let mut calls = Calls {
        locals: &locals,
        out: Vec::new(),
    };
    program.visit_with(&mut calls);
    calls.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> Option<Value> {
        exported_config(&crate::parse("nuxt.config.ts", text).unwrap().program)
    }

    #[test]
    fn reads_literal_config() {
        let c = config(
            "export default defineNuxtConfig({ extends: ['./base'], imports: { dirs: ['stores', '~/composables/**'] }, modules: ['@vueuse/nuxt', ['@pinia/nuxt', { a: 1 }]], future: { compatibilityVersion: 4 } })",
        )
        .unwrap();
        assert_eq!(c.get("extends").unwrap().string_list().unwrap(), ["./base"]);
        assert_eq!(
            c.get_path(&["imports", "dirs"])
                .unwrap()
                .string_list()
                .unwrap(),
            ["stores", "~/composables/**"]
        );
        assert_eq!(
            c.get_path(&["future", "compatibilityVersion"]),
            Some(&Value::Num(4.0))
        );
        let c =
            config("const dirs = ['x'];\nexport default defineNuxtConfig({ imports: { dirs } })")
                .unwrap();
        assert_eq!(c.get_path(&["imports", "dirs"]), Some(&Value::Unknown));
        assert!(config("const c = {};\nexport default c").is_none());
        assert!(config("export default defineNuxtConfig({ ...base })").unwrap() == Value::Unknown);
    }

    #[test]
    fn reads_path_calls() {
        let c = config(
            "export default defineNuxtConfig({ alias: { a: resolve('./mocks/a'), b: path.resolve(__dirname, 'src', 'b'), c: fileURLToPath(new URL('./c', import.meta.url)), d: resolve(root, 'd'), e: join(__dirname, x) } })",
        )
        .unwrap();
        let alias = c.get("alias").unwrap();
        assert_eq!(
            alias.get("a"),
            Some(&Value::Path(PathFrom::Cwd, "./mocks/a".into()))
        );
        assert_eq!(
            alias.get("b"),
            Some(&Value::Path(PathFrom::ConfigDir, "src/b".into()))
        );
        assert_eq!(
            alias.get("c"),
            Some(&Value::Path(PathFrom::ConfigDir, "./c".into()))
        );
        assert_eq!(alias.get("d"), Some(&Value::Unknown));
        assert_eq!(alias.get("e"), Some(&Value::Unknown));
    }

    #[test]
    fn finds_unplugin_options() {
        let program = crate::parse(
            "vite.config.ts",
            "import AutoImport from 'unplugin-auto-import/vite';\nexport default defineConfig({ plugins: [AutoImport({ dirs: ['src/composables'] })] });",
        )
        .unwrap()
        .program;
        let options = unplugin_auto_import_options(&program);
        assert_eq!(
            options[0].get("dirs").unwrap().string_list().unwrap(),
            ["src/composables"]
        );
    }
}
