//! Test code recognised by what it imports: a harness in a folder whose name does not
//! say test (`apps/web/integration/setup.ts`, `qa/helpers.ts`) still imports its test
//! runner, its assertion library or the services it starts for the tests.

use swc_ecma_ast::*;

/// Packages that only test code imports: runners, assertion and mocking libraries, HTTP
/// test clients, the containers a suite starts. A package's sub-paths count too
/// (`vitest/config`, `@playwright/test/reporter`).
const TEST_PACKAGES: &[&str] = &[
    "vitest",
    "jest",
    "@jest/globals",
    "@playwright/test",
    "playwright/test",
    "cypress",
    "mocha",
    "chai",
    "sinon",
    "ava",
    "uvu",
    "node:test",
    "bun:test",
    "supertest",
    "testcontainers",
    "@nestjs/testing",
];

/// Scopes whose every package is for tests: `@testing-library/react`,
/// `@testcontainers/postgresql`, `@vitest/browser`.
const TEST_SCOPES: &[&str] = &["@testing-library/", "@testcontainers/", "@vitest/"];

/// Whether `specifier` names a test-only package or one of its sub-paths.
pub fn is_test_package(specifier: &str) -> bool {
    TEST_SCOPES.iter().any(|scope| specifier.starts_with(scope))
        || TEST_PACKAGES.iter().any(|package| {
            specifier
                .strip_prefix(package)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
}

/// Whether the file imports a test-only package at its top level (`import`, `export …
/// from`, `require(…)` in a top-level declaration): the file is test code. Type-only
/// imports do not count (`import type { Page } from "@playwright/test"` in a page
/// helper shared with production code).
pub fn imports_test_framework(program: &Program) -> bool {
    let statements: Vec<&Stmt> = match program {
        Program::Module(module) => {
            let mut statements = Vec::new();
            for item in &module.body {
                // The package a declaration imports or re-exports values from.
                let source = match item {
                    ModuleItem::ModuleDecl(ModuleDecl::Import(import)) if !import.type_only => {
                        Some(&*import.src)
                    }
                    ModuleItem::ModuleDecl(ModuleDecl::ExportAll(export)) if !export.type_only => {
                        Some(&*export.src)
                    }
                    ModuleItem::ModuleDecl(ModuleDecl::ExportNamed(export))
                        if !export.type_only =>
                    {
                        export.src.as_deref()
                    }
                    ModuleItem::Stmt(stmt) => {
                        statements.push(stmt);
                        None
                    }
                    _ => None,
                };
                if source.is_some_and(|src| is_test_package(&str_value(src))) {
                    return true;
                }
            }
            statements
        }
        Program::Script(script) => script.body.iter().collect(),
    };
    statements.into_iter().any(requires_test_package)
}

/// `const request = require("supertest")`, `require("vitest")`.
fn requires_test_package(stmt: &Stmt) -> bool {
    let is_require = |expr: &Expr| {
        let Expr::Call(call) = expr else { return false };
        let Callee::Expr(callee) = &call.callee else {
            return false;
        };
        matches!(&**callee, Expr::Ident(ident) if &*ident.sym == "require")
            && matches!(
                call.args.first().map(|arg| &*arg.expr),
                Some(Expr::Lit(Lit::Str(s))) if is_test_package(&str_value(s))
            )
    };
    match stmt {
        Stmt::Decl(Decl::Var(var)) => var
            .decls
            .iter()
            .filter_map(|decl| decl.init.as_deref())
            .any(|init| match init {
                Expr::Member(member) => is_require(&member.obj),
                init => is_require(init),
            }),
        Stmt::Expr(expr) => is_require(&expr.expr),
        _ => false,
    }
}

fn str_value(s: &Str) -> String {
    s.value.to_atom_lossy().as_str().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn imports(source: &str) -> bool {
        imports_test_framework(&crate::parse("src/a.ts", source).unwrap().program)
    }

    #[test]
    fn test_framework_imports() {
        assert!(imports("import { beforeAll } from \"vitest\";"));
        assert!(imports("import { test, expect } from '@playwright/test';"));
        assert!(imports(
            "import { PostgreSqlContainer } from '@testcontainers/postgresql';"
        ));
        assert!(imports("const request = require('supertest');"));
        assert!(imports("const { expect } = require('chai').expect;"));
        assert!(imports("export * from 'vitest';"));
        // A type shared with production code, a look-alike name, or a lazy import inside
        // a function say nothing of the file.
        assert!(!imports("import type { Page } from '@playwright/test';"));
        assert!(!imports("import { jestish } from 'jest-like';"));
        assert!(!imports("import { x } from './vitest-helpers';"));
        assert!(!imports("function f() { return require('supertest'); }"));
        assert!(!imports("import express from 'express';"));
    }
}
