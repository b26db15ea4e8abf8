//! Where JSX text is: between an element's tags and outside any `{…}`, a `//` comment
//! would be rendered as text, so a comment there is written `{/* … */}`.

use swc_ecma_ast as ast;
use swc_ecma_visit::{Visit, VisitWith};

/// Whether byte `offset` of the file lies among JSX children, as text.
pub fn is_jsx_text(program: &ast::Program, offset: u32) -> bool {
    let mut regions = Regions {
        offset,
        innermost: None,
    };
    program.visit_with(&mut regions);
    regions.innermost.is_some_and(|(_, is_text)| is_text)
}

struct Regions {
    offset: u32,
    /// The smallest region holding the offset: its length and whether it is children text.
    innermost: Option<(u32, bool)>,
}

impl Regions {
    /// A code region (`is_text` false) holds only what is after its first byte: right
    /// before a child element's `<` is still its parent's text.
    fn consider(&mut self, lo: swc_common::BytePos, hi: swc_common::BytePos, is_text: bool) {
        let span = crate::span(swc_common::Span::new(lo, hi));
        let after_start = if is_text {
            span.start <= self.offset
        } else {
            span.start < self.offset
        };
        if after_start && self.offset <= span.end {
            let len = span.end - span.start;
            if self.innermost.is_none_or(|(best, _)| len < best) {
                self.innermost = Some((len, is_text));
            }
        }
    }
}

impl Visit for Regions {
    fn visit_jsx_element(&mut self, element: &ast::JSXElement) {
        if let Some(closing) = &element.closing {
            self.consider(element.opening.span.hi, closing.span.lo, true);
        }
        element.visit_children_with(self);
    }

    fn visit_jsx_fragment(&mut self, fragment: &ast::JSXFragment) {
        self.consider(fragment.opening.span.hi, fragment.closing.span.lo, true);
        fragment.visit_children_with(self);
    }

    fn visit_jsx_opening_element(&mut self, opening: &ast::JSXOpeningElement) {
        self.consider(opening.span.lo, opening.span.hi, false);
        opening.visit_children_with(self);
    }

    fn visit_jsx_expr_container(&mut self, container: &ast::JSXExprContainer) {
        self.consider(container.span.lo, container.span.hi, false);
        container.visit_children_with(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_between_tags_is_jsx_text_and_code_is_not() {
        let text = "const a = 1;\nexport const A = () => (\n  <div>\n    <img src=\"x\" />\n    {cond && (\n      <b>hi</b>\n    )}\n  </div>\n);\n";
        let program = crate::parse("a.tsx", text).unwrap().program;
        let at = |needle: &str| text.find(needle).unwrap() as u32;
        assert!(is_jsx_text(&program, at("<img")));
        assert!(is_jsx_text(&program, at("hi")));
        assert!(!is_jsx_text(&program, at("cond")));
        assert!(!is_jsx_text(&program, at("<b>")));
        assert!(!is_jsx_text(&program, at("const a")));
        assert!(!is_jsx_text(&program, at("<div>")));
    }
}
