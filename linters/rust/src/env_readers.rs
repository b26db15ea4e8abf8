//! The crate's own functions that read a setting: a function whose body reads the
//! environment variable named by one parameter and falls back to another
//! (`fn get_env_var(key: &str, default: &str) -> String { env::var(key).unwrap_or_else(|_|
//! default.to_owned()) }`). A call of one (`get_env_var("DATABASE_URL",
//! "postgres://localhost")`) reads the setting `DATABASE_URL` and gives the second
//! argument as its fallback, in whichever file of the crate or workspace the helper is
//! declared.

use std::collections::BTreeMap;
use std::path::PathBuf;

pub use prodlint_core::env_reader::EnvReader;
use prodlint_core::env_reader::EnvReaderShapes;
use prodlint_core::{Project, ProjectIndex};
use ra_ap_syntax::ast::{self, HasArgList, HasName};
use ra_ap_syntax::{AstNode, SyntaxNode};

use crate::crate_index::CrateLayout;
use crate::SharedParse;

/// The setting readers of a crate or workspace (keyed by its root, [`crate::crate_index::crate_key`]),
/// by function name.
#[derive(Debug, Default)]
pub struct EnvReaders {
    readers: BTreeMap<String, EnvReader>,
}

/// The calls that read an environment variable.
const ENV_READS: &[&str] = &["env::var", "env::var_os", "dotenvy::var", "dotenv::var"];

impl EnvReaders {
    /// The reader called `name`, when the crate declares exactly one shape of it.
    pub fn get(&self, name: &str) -> Option<EnvReader> {
        self.readers.get(name).copied()
    }

    /// The setting readers declared in one syntax tree.
    pub fn of_tree(root: &SyntaxNode) -> EnvReaders {
        let mut readers = EnvReaderShapes::default();
        collect(root, &mut readers);
        EnvReaders {
            readers: readers.known(),
        }
    }
}

impl ProjectIndex for EnvReaders {
    type Key = PathBuf;

    fn build(project: &Project, root: &PathBuf) -> EnvReaders {
        let layout = project.index::<CrateLayout>(root);
        let mut readers = EnvReaderShapes::default();
        for path in layout.paths() {
            let Ok(text) = project.read(path) else {
                continue;
            };
            if !text.contains("var(") && !text.contains("var_os(") {
                continue;
            }
            let shared = project.index::<SharedParse>(&path.to_path_buf());
            let parsed = shared.get(&text);
            collect(parsed.tree().syntax(), &mut readers);
            shared.release();
        }
        EnvReaders {
            readers: readers.known(),
        }
    }
}

fn collect(root: &SyntaxNode, readers: &mut EnvReaderShapes) {
    for function in root.descendants().filter_map(ast::Fn::cast) {
        let Some(name) = function.name().map(|n| n.text().to_string()) else {
            continue;
        };
        let Some(params) = function.param_list() else {
            continue;
        };
        if params.self_param().is_some() {
            continue;
        }
        let names: Vec<Option<String>> = params
            .params()
            .map(|param| match param.pat() {
                Some(ast::Pat::IdentPat(pat)) => pat.name().map(|n| n.text().to_string()),
                _ => None,
            })
            .collect();
        let Some(body) = function.body() else {
            continue;
        };
        let Some(shape) = reader_shape(body.syntax(), &names) else {
            continue;
        };
        readers.add(name, shape);
    }
}

/// The parameter that names the variable `env::var(key)` reads, and another parameter
/// the body reads (`unwrap_or_else(|_| default.to_owned())`).
fn reader_shape(body: &SyntaxNode, names: &[Option<String>]) -> Option<EnvReader> {
    let position = |text: &str| names.iter().position(|n| n.as_deref() == Some(text));
    let name_arg = body
        .descendants()
        .filter_map(ast::CallExpr::cast)
        .find_map(|call| {
            let Some(ast::Expr::PathExpr(callee)) = call.expr() else {
                return None;
            };
            let path = crate::compact_text(callee.syntax());
            if !ENV_READS
                .iter()
                .any(|read| path == *read || path.ends_with(&format!("::{read}")))
            {
                return None;
            }
            let first = call.arg_list()?.args().next()?;
            let text = crate::compact_text(first.syntax());
            position(text.trim_start_matches('&'))
        })?;
    let read: Vec<usize> = body
        .descendants()
        .filter_map(ast::NameRef::cast)
        .filter_map(|name| position(name.text()))
        .collect();
    let fallback_arg = (0..names.len()).find(|index| *index != name_arg && read.contains(index))?;
    Some(EnvReader {
        name_arg,
        fallback_arg,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setting_readers() {
        let parse = ra_ap_syntax::SourceFile::parse(
            "pub fn get_env_var(key: &str, default: &str) -> String {\n\
               std::env::var(key).unwrap_or_else(|_| default.to_owned())\n\
             }\n\
             fn env_or(default: &str, key: &str) -> String {\n\
               match env::var(key) { Ok(v) => v, Err(_) => default.to_string() }\n\
             }\n\
             // A fixed variable: not named by a parameter.\n\
             fn db_url(default: &str) -> String { env::var(\"DB\").unwrap_or(default.into()) }\n\
             // No fallback.\n\
             fn required(key: &str) -> String { env::var(key).expect(key) }\n",
            ra_ap_syntax::Edition::Edition2021,
        );
        let readers = EnvReaders::of_tree(parse.tree().syntax());
        assert_eq!(
            readers.get("get_env_var"),
            Some(EnvReader {
                name_arg: 0,
                fallback_arg: 1
            })
        );
        assert_eq!(
            readers.get("env_or"),
            Some(EnvReader {
                name_arg: 1,
                fallback_arg: 0
            })
        );
        assert_eq!(readers.get("db_url"), None);
        assert_eq!(readers.get("required"), None);
    }
}
