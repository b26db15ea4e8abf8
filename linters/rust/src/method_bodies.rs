//! The functions and methods of one Rust file with their bodies, for rules that follow a
//! call into another file (`self.store.load(id)` to the `load` of the struct that the
//! field `store` is): the file's parse (the run's shared one, [`crate::SharedParse`]) and, per function,
//! the type its `impl` is for, its name and where its body is. A rule walks a body with
//! its own checks; [`MethodBodies::body`] hands it the node on the calling thread.
//!
//! The fields of a struct and the file a method is in come from the crate index
//! ([`crate::crate_index::CrateIndex`]): its `adts` (fields with resolved types) and
//! `methods` (with the impl's self type and file).

use std::path::PathBuf;
use std::sync::Arc;

use prodlint_core::{Project, ProjectIndex, SourceFile, Span};
use ra_ap_syntax::ast::{self, HasName};
use ra_ap_syntax::{AstNode, SyntaxNode, TextRange};

use crate::crate_index::FnSig;
use crate::{span, RustFile, SharedParse};

/// One function of the file.
#[derive(Debug, Clone)]
pub struct FnBody {
    /// The last segment of the `impl`'s self type (`UserStore` for `impl UserStore` and
    /// `impl Store for UserStore`); `None` for a free function.
    pub self_name: Option<String>,
    pub name: String,
    pub name_span: Span,
    pub is_async: bool,
    body: TextRange,
}

pub struct MethodBodies {
    pub file: Arc<SourceFile>,
    parse: Option<Arc<RustFile>>,
    pub fns: Vec<FnBody>,
}

impl MethodBodies {
    fn of(file: Arc<SourceFile>, parse: Arc<RustFile>) -> MethodBodies {
        let mut fns = Vec::new();
        for function in parse
            .tree()
            .syntax()
            .descendants()
            .filter_map(ast::Fn::cast)
        {
            let (Some(name), Some(body)) = (function.name(), function.body()) else {
                continue;
            };
            let self_name = function
                .syntax()
                .ancestors()
                .find_map(ast::Impl::cast)
                .and_then(|imp| imp.self_ty())
                .and_then(|ty| match ty {
                    ast::Type::PathType(path) => path.path()?.segment()?.name_ref(),
                    _ => None,
                })
                .map(|name| name.text().to_string());
            fns.push(FnBody {
                self_name,
                name: name.text().to_string(),
                name_span: span(name.syntax().text_range()),
                is_async: function.async_token().is_some(),
                body: body.syntax().text_range(),
            });
        }
        MethodBodies {
            file,
            parse: Some(parse),
            fns,
        }
    }

    /// The method `name` of the impls for `self_name` (the first, if several).
    pub fn method(&self, self_name: &str, name: &str) -> Option<&FnBody> {
        self.fns
            .iter()
            .find(|f| f.self_name.as_deref() == Some(self_name) && f.name == name)
    }

    /// The function of this file a crate-index signature describes: the one of that name
    /// whose signature holds the signature's span (its return type, or its name), so that
    /// two functions of one name in inline modules of the file are told apart.
    pub fn of_sig(&self, sig: &FnSig) -> Option<&FnBody> {
        self.fns.iter().find(|f| {
            f.name == sig.name
                && f.name_span.start <= sig.span.start
                && sig.span.end <= u32::from(f.body.start())
        })
    }

    /// The file's tree, made on this thread: for the `use` items a body's paths resolve by.
    pub fn tree(&self) -> Option<ast::SourceFile> {
        Some(self.parse.as_ref()?.tree())
    }

    /// The body of a function of this file, as a node of a tree made on this thread.
    pub fn body(&self, function: &FnBody) -> Option<SyntaxNode> {
        let tree = self.parse.as_ref()?.tree().syntax().clone();
        tree.descendants().find(|node| {
            node.text_range() == function.body && ast::BlockExpr::can_cast(node.kind())
        })
    }
}

impl ProjectIndex for MethodBodies {
    /// An absolute, normalized path.
    type Key = PathBuf;

    fn build(project: &Project, path: &PathBuf) -> MethodBodies {
        let display = match path.strip_prefix(&project.cwd) {
            Ok(relative) => relative.to_string_lossy().replace('\\', "/"),
            Err(_) => path.to_string_lossy().replace('\\', "/"),
        };
        match project.read(path) {
            // The engine's parse of the file when it is still kept, so a file is parsed
            // once per run (and within the depth limits).
            Ok(text) => MethodBodies::of(
                Arc::new(SourceFile::new(path.clone(), display, text.to_string())),
                project.index::<SharedParse>(path).get(&text),
            ),
            Err(_) => MethodBodies {
                file: Arc::new(SourceFile::new(path.clone(), display, String::new())),
                parse: None,
                fns: Vec::new(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_are_found_by_their_impl_and_name_with_their_bodies() {
        let text = "struct S;\nimpl S { async fn load(&self) -> u8 { 1 } }\nimpl Tr for S { fn other(&self) {} }\nfn free() { let x = 2; }\n";
        let file = Arc::new(SourceFile::new("a.rs".into(), "a.rs".into(), text.into()));
        let bodies = MethodBodies::of(file, Arc::new(RustFile::parse(text)));
        let load = bodies.method("S", "load").unwrap();
        assert!(load.is_async);
        assert_eq!(bodies.body(load).unwrap().text().to_string(), "{ 1 }");
        assert!(bodies.method("S", "other").is_some_and(|f| !f.is_async));
        assert!(bodies.method("S", "free").is_none());
        let free = bodies.fns.iter().find(|f| f.name == "free").unwrap();
        assert_eq!(free.self_name, None);
        assert_eq!(
            bodies.body(free).unwrap().text().to_string(),
            "{ let x = 2; }"
        );
    }
}
