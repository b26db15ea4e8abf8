//! The tree half of the depth limit (see `prodlint_core::nesting`): how deeply a parsed
//! program nests, measured by a walk that stops descending at the limit, so that the
//! measuring itself stays within the stack it protects.

use prodlint_core::nesting::{Limit, TooDeep, MAX_TREE_DEPTH};
use swc_ecma_ast as ast;
use swc_ecma_visit::{Visit, VisitWith};

/// The first node nested deeper than [`MAX_TREE_DEPTH`], if any.
pub fn too_deep(program: &ast::Program) -> Option<TooDeep> {
    let mut measure = Measure {
        depth: 0,
        found: None,
    };
    program.visit_with(&mut measure);
    measure.found
}

struct Measure {
    depth: u32,
    found: Option<TooDeep>,
}

impl Measure {
    /// Counts one level around `visit_children`, or records the node past the limit.
    fn level(&mut self, span: swc_common::Span, visit_children: impl FnOnce(&mut Self)) {
        if self.found.is_some() {
            return;
        }
        if self.depth >= MAX_TREE_DEPTH {
            self.found = Some(TooDeep {
                span: crate::span(span),
                limit: Limit::Nesting,
            });
            return;
        }
        self.depth += 1;
        visit_children(self);
        self.depth -= 1;
    }
}

/// Every kind of node through which the tree can nest without bound: each cycle in the
/// AST's types passes through one of them.
macro_rules! counted {
    ($($visit:ident($ty:ty)),* $(,)?) => {
        $(fn $visit(&mut self, node: &$ty) {
            self.level(swc_common::Spanned::span(node), |this| node.visit_children_with(this));
        })*
    };
}

impl Visit for Measure {
    counted!(
        visit_expr(ast::Expr),
        visit_stmt(ast::Stmt),
        visit_pat(ast::Pat),
        visit_prop(ast::Prop),
        visit_class(ast::Class),
        visit_function(ast::Function),
        visit_ts_type(ast::TsType),
        visit_ts_entity_name(ast::TsEntityName),
        visit_ts_namespace_body(ast::TsNamespaceBody),
        visit_jsx_element_child(ast::JSXElementChild),
        visit_jsx_object(ast::JSXObject),
        visit_jsx_element_name(ast::JSXElementName),
    );
}
