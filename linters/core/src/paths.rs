//! What a path says about the code in it: tests and tooling configuration are not the
//! production code that most rules are about.

/// Directories whose files are tests, fixtures for tests, or examples.
const TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "__tests__",
    "__mocks__",
    "mocks",
    "__fixtures__",
    "spec",
    "e2e",
    "cypress",
    "playwright",
    "benches",
    "examples",
    // A module's or a library's demo app (`playground/` beside a Nuxt module, a
    // monorepo's `playground/nextjs`): an example by another name.
    "playground",
    "playgrounds",
    // A monorepo's development server, which runs the packages on a developer's machine
    // with sample configuration (`packages/dev-server/`): a playground by another name.
    "dev-server",
    // A package of test tooling (`packages/testing/`: an end-to-end test environment),
    // and load tests.
    "testing",
    "load-testing",
    "testdata",
    "test-data",
    "test_data",
    "fixtures",
    // The services a test suite starts in containers (the `testcontainers` library's
    // name, used for the package or folder that wraps it).
    "testcontainers",
];

/// File name parts that mark a test, a story or a mock: `api.test.ts`, `api.spec.js`,
/// `Button.stories.tsx`, `user.service.mock.ts`.
const TEST_INFIXES: &[&str] = &[
    ".test.",
    ".spec.",
    ".e2e.",
    // NestJS's end-to-end tests: `app.e2e-spec.ts`.
    ".e2e-",
    ".stories.",
    ".story.",
    ".mock.",
    ".mocks.",
];

/// Whether `path` (relative, `/`-separated) is test, benchmark or example code.
pub fn is_test_path(path: &str) -> bool {
    let mut components = path.split('/').filter(|c| !c.is_empty() && *c != ".");
    let Some(file_name) = components.next_back() else {
        return false;
    };
    // `api_tests/`, `integration-tests/`: a suite of tests by another name (the plural
    // only: `ab-test/` may be a feature).
    // `__e2e__/`, `__test__/`: a test folder's name in Jest's `__tests__` style. A package
    // of test helpers by its name: `test-helpers/`, `test-utils/`, `test_support/`, also
    // after the project's name: `medusa-test-utils/`, `acme_test_helpers/`.
    let is_test_dir = |dir: &str| {
        let bare = dir
            .strip_prefix("__")
            .and_then(|d| d.strip_suffix("__"))
            .unwrap_or(dir);
        TEST_DIRS.contains(&bare)
            || dir.ends_with("_tests")
            || dir.ends_with("-tests")
            || dir.starts_with("test-")
            || dir.starts_with("test_")
            || ["-test-", "_test_"].iter().any(|infix| {
                dir.split_once(infix).is_some_and(|(_, helpers)| {
                    matches!(helpers, "utils" | "helpers" | "support" | "kit" | "harness")
                })
            })
    };
    if components.any(is_test_dir) {
        return true;
    }
    // A test runner's own suffixes: `api.servertest.ts`, `table.clienttest.tsx`,
    // `auth.unittest.js` (a middle part of the name that ends in `test`).
    let parts: Vec<&str> = file_name.split('.').collect();
    let suffixed_test = parts.len() > 2
        && parts[1..parts.len() - 1]
            .iter()
            .any(|part| part.len() > 4 && part.ends_with("test") && *part != "latest");
    // Mock data named with a dash or an underscore: `provider-community-mock.ts`,
    // `user_mocks.ts`, `mock-data.ts` (a word of the name's stem, not `mockup.ts`).
    let stem = parts.first().copied().unwrap_or(file_name);
    let mock_named = stem.contains(['-', '_'])
        && stem
            .split(['-', '_'])
            .any(|word| matches!(word.to_ascii_lowercase().as_str(), "mock" | "mocks"));
    suffixed_test
        || mock_named
        || TEST_INFIXES.iter().any(|infix| file_name.contains(infix))
        || (file_name.ends_with(".rs")
            && (file_name.ends_with("_test.rs")
                || file_name.ends_with("_tests.rs")
                // A module of test support by its name, as a folder's: `test_helpers.rs`,
                // `test_utils.rs` (declared `#[cfg(any(test, feature = "e2e"))]`).
                || file_name.starts_with("test_")
                // `#[cfg(test)] mod tests;` lives in `tests.rs`.
                || matches!(file_name, "tests.rs" | "test.rs")))
}

/// Tools whose configuration is `<tool>.config.*`, wherever it sits.
const TOOL_CONFIG_STEMS: &[&str] = &[
    "vite",
    "vitest",
    "jest",
    "webpack",
    "rollup",
    "nuxt",
    "next",
    "tailwind",
    "postcss",
    "babel",
    "eslint",
    "prettier",
    "playwright",
    "cypress",
    "astro",
    "svelte",
    "tsup",
    "vue",
    "karma",
    "commitlint",
    "stylelint",
    "drizzle",
    "rspack",
    "esbuild",
    "turbo",
];

/// Folders whose sub-folders are the application's code, whatever their names.
const SOURCE_FOLDERS: &[&str] = &[
    "src",
    "lib",
    "app",
    "server",
    "client",
    "utils",
    "public",
    "static",
    "assets",
    "components",
    "pages",
    "routes",
];

/// Whether `path` is build or dev-tool configuration (`vite.config.ts`, `jest.config.js`,
/// `build.rs`, `scripts/`): it runs on a developer's machine or in CI, not in production.
pub fn is_tooling_config(path: &str) -> bool {
    // Top-level folders of developer scripts: `scripts/release.ts`, `tools/gen.rs`, `xtask/`.
    let top = path.split('/').next().unwrap_or("");
    if path.contains('/') && matches!(top, "scripts" | "script" | "tools" | "xtask") {
        return true;
    }
    // A package's own `scripts/` folder (`apps/web/scripts/seed.ts`, beside its
    // package.json), not one inside its sources (`src/scripts/`, `public/scripts/`,
    // `utils/scripts/`), where it may hold code the application loads.
    let dirs: Vec<&str> = path.split('/').collect();
    let dirs = &dirs[..dirs.len().saturating_sub(1)];
    if dirs
        .windows(2)
        .any(|pair| matches!(pair[1], "scripts" | "script") && !SOURCE_FOLDERS.contains(&pair[0]))
    {
        return true;
    }
    let file_name = path.rsplit('/').next().unwrap_or(path);
    if file_name == "build.rs" {
        return true;
    }
    let stem = file_name.split('.').next().unwrap_or("");
    // Database seed scripts (`prisma/seed.ts`, `seed-queue-metrics.mts`, `seeds/users.ts`):
    // run by a developer to fill a local database, not by the deployed program.
    if stem == "seed"
        || stem.starts_with("seed-")
        || stem.starts_with("seed_")
        || dirs.iter().any(|dir| matches!(*dir, "seeds" | "seeders"))
    {
        return true;
    }
    // A `*.config.*` file inside a source folder is the application's own configuration
    // module (NestJS's `src/config/app.config.ts`, `database.config.ts`), run in
    // production; a tool's configuration sits beside the package's sources.
    let in_sources = path
        .split('/')
        .rev()
        .skip(1)
        .any(|dir| matches!(dir, "src" | "lib" | "app" | "server" | "config"))
        && !TOOL_CONFIG_STEMS.contains(&stem);
    // `vite.config.ts`, `nuxt.config.mjs`, `.eslintrc.js`, `karma.conf.js`
    (file_name.contains(".config.") && !in_sources)
        || file_name.starts_with(".eslintrc")
        || file_name.contains(".conf.")
        || matches!(
            stem,
            "webpack" | "rollup" | "gulpfile" | "Gruntfile" | "setupTests"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_paths() {
        for path in [
            "src/api.test.ts",
            "src/__tests__/api.ts",
            "web/e2e/login.ts",
            "crates/x/tests/it.rs",
            "src/parser_test.rs",
            "ui/Button.stories.tsx",
            "examples/demo.rs",
            "ext/fetch/tests.rs",
            "libs/config/testdata/a.ts",
            "api_tests/src/shared.ts",
            "packages/integration-tests/setup.ts",
            "libs/ui/src/lib/mocks/logo.service.ts",
            "src/user.service.mock.ts",
            "playwright/global-utils.ts",
            "playground/nextjs/src/utils/config.ts",
            "test/app.e2e-spec.ts",
            "apps/api/src/billing/checkout.e2e-ee.ts",
            "internal-packages/testcontainers/src/webapp.ts",
            "web/src/__e2e__/api.servertest.ts",
            "web/src/features/table.clienttest.tsx",
            "packages/test-helpers/src/mailpit.ts",
            "libs/test_utils/src/lib.rs",
            "crates/core/src/db/clickhouse/test_helpers.rs",
            "crates/client/src/test_utils.rs",
            "apps/web/src/provider-community-mock.ts",
            "src/user_mock.ts",
            "src/mock-data.ts",
            "src/api_mocks.js",
            "packages/testing/src/create-test-environment.ts",
            "packages/medusa-test-utils/src/database.ts",
            "crates/acme_test_helpers/src/lib.rs",
            "packages/dev-server/load-testing/init-load-test.ts",
            "packages/dev-server/dev-config.ts",
        ] {
            assert!(is_test_path(path), "{path} is test code");
        }
        for path in [
            "src/api.ts",
            "src/testing.ts",
            "src/contest/x.rs",
            "latest/x.js",
            "src/tests.ts",
            "src/ab-test/variant.ts",
            "src/contests/list.ts",
            "src/mockup/page.ts",
            "src/api.latest.ts",
            "src/testimonials/list.ts",
            "src/__generated__/client.ts",
            "src/mockup-page.ts",
            "src/unmock.ts",
            "src/mock.ts",
            "src/latest_test_run.rs",
            "src/features/ab-testing/variant.ts",
            "packages/api-test-runner-ui/src/app.ts",
            "src/latest-test-results/page.ts",
            "packages/server/src/dev-server.ts",
        ] {
            assert!(!is_test_path(path), "{path} is not test code");
        }
    }

    #[test]
    fn tooling_paths() {
        assert!(is_tooling_config("web/vite.config.ts"));
        assert!(is_tooling_config("build.rs"));
        assert!(is_tooling_config("webpack.prod.js"));
        assert!(!is_tooling_config("src/config.ts"));
        assert!(!is_tooling_config("src/configure.rs"));
        assert!(!is_tooling_config("src/config/app.config.ts"));
        assert!(!is_tooling_config("apps/api/src/database.config.ts"));
        assert!(
            !is_tooling_config("app/app.config.ts"),
            "Nuxt's runtime app config"
        );
        assert!(is_tooling_config("apps/web/vite.config.ts"));
        assert!(is_tooling_config("packages/ui/src/vitest.config.ts"));
        assert!(is_tooling_config("jest.config.js"));
        assert!(is_tooling_config("tools/release/build.ts"));
        assert!(is_tooling_config("scripts/seed.js"));
        assert!(is_tooling_config("apps/web/scripts/emulate-seed.ts"));
        assert!(is_tooling_config("packages/db/script/migrate.ts"));
        for path in [
            "prisma/seed.ts",
            "apps/webapp/seed-queue-metrics.mts",
            "src/database/seeds/users.ts",
            "db/seed_data.rs",
        ] {
            assert!(is_tooling_config(path), "{path} is a seed script");
        }
        for path in ["src/seedling.ts", "src/features/seed/page.tsx"] {
            assert!(!is_tooling_config(path), "{path} is application code");
        }
        for path in [
            "src/scripts/menu.ts",
            "apps/site/src/scripts/theme.js",
            "apps/client/public/scripts/widget.js",
            "apps/web/utils/scripts/lemon.tsx",
            "apps/web/app/scripts/page.tsx",
        ] {
            assert!(!is_tooling_config(path), "{path} is application code");
        }
        assert!(
            !is_tooling_config("cli/tools/upgrade.rs"),
            "only the top-level folder is tooling"
        );
    }
}
