//! E-mail templates recognised by what they import: a component module of react-email
//! (`@react-email/components`, `react-email`) or jsx-email. Their preview server renders
//! each template with the defaults written in its parameters (`function LoginLink({ url =
//! "http://localhost:8888/…" })`); the sender always passes the real values.

use swc_ecma_ast::*;

/// Whether `specifier` names a package of an e-mail template framework.
pub fn is_email_template_package(specifier: &str) -> bool {
    ["@react-email/", "@jsx-email/"]
        .iter()
        .any(|scope| specifier.starts_with(scope))
        || ["react-email", "jsx-email"].iter().any(|package| {
            specifier
                .strip_prefix(package)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
}

/// Whether the module imports an e-mail template framework at its top level (type-only
/// imports aside): its components are e-mail templates.
pub fn is_email_template_module(program: &Program) -> bool {
    let Program::Module(module) = program else {
        return false;
    };
    module.body.iter().any(|item| match item {
        ModuleItem::ModuleDecl(ModuleDecl::Import(import)) => {
            !import.type_only
                && is_email_template_package(import.src.value.to_atom_lossy().as_str())
        }
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(source: &str) -> bool {
        is_email_template_module(&crate::parse("emails/a.tsx", source).unwrap().program)
    }

    #[test]
    fn email_template_modules() {
        assert!(template(
            "import { Html, Link } from '@react-email/components';"
        ));
        assert!(template("import { Button } from \"@react-email/button\";"));
        assert!(template("import { Body } from 'jsx-email';"));
        assert!(template("import { render } from 'react-email/render';"));
        // A type, a look-alike name, or an ordinary component library says nothing.
        assert!(!template(
            "import type { Props } from '@react-email/components';"
        ));
        assert!(!template("import { x } from 'react-emailer';"));
        assert!(!template(
            "import { Button } from '@/components/ui/button';"
        ));
    }
}
