use std::sync::Arc;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use prodlint_core::{ConfigError, Diagnostic, RuleMeta, RuleOptions, SourceFile, Span};
use serde::Deserialize;

use crate::{JsContext, Rule, RustContext};

mod js;
mod keys;
mod rust;
mod url;

use url::{find_address, UrlMatch};

crate::declare_rule! {
    /// ## What it does
    /// Finds URLs and host addresses written into production source: string and template
    /// literals (in Rust also inside `format!` and friends) whose whole value is an address
    /// such as `https://api.acme.io/v1`, `ws://127.0.0.1:9944` or `localhost:3000`.
    ///
    /// Two cases get their own message because they break production silently:
    /// - a **fallback** that ships an address when configuration is missing:
    ///   `import.meta.env.VITE_API_URL || 'http://localhost:3000/api'`, `process.env.X ?? …`,
    ///   `configService.get('X', 'http://…')`, `const { X = 'http://…' } = process.env`,
    ///   `env::var("X").unwrap_or_else(|_| "http://127.0.0.1:8080".into())`;
    /// - a hardcoded **CORS origin** list: `cors({ origin: ['http://localhost:3000'] })`,
    ///   `app.enableCors({ origin: … })`, `Access-Control-Allow-Origin` headers,
    ///   tower-http `allow_origin(…)`, actix-cors `allowed_origin(…)`.
    ///
    /// It stays silent on comments and doc comments; test code (`*.test.*`, `*.spec.*`,
    /// `__tests__/`, `tests/`, `e2e/`, `examples/`, `#[cfg(test)]` modules, `#[test]`
    /// functions); build tooling (`*.config.*`, `build.rs`); Rust attributes; prose that
    /// merely mentions a URL (`"see https://… for details"`, log lines); arguments of
    /// `console.*` and of Rust's printing and logging macros; module specifiers; TypeScript
    /// types; XML and SVG namespaces (`xmlns`, `http://www.w3.org/…`), `$schema`, `$id` and
    /// `@context` and link relation (`rel`) values, licence links; public addresses that are
    /// content for people rather than endpoints: JSX `href`, `cite` and `to` attributes,
    /// `window.open(…)`, values under keys and struct fields that name a picture or a page
    /// (`avatar`, `imgSrc`, `logo`, `icon`, `link`, `homepage`, `profile_image_url`,
    /// `twitter`, … unless the key also names an endpoint: `avatarApi`, `imageUploadUrl`),
    /// and data sets written as literals (a pure literal with ten or more records in arrays,
    /// such as a generated list of sponsors or posts; its keys that name an endpoint, such as
    /// `apiUrl` or `rpc`, are still checked), while local addresses there are reported; the base
    /// argument of `new URL(path, base)`; RFC 2606 example domains (`example.com`, `*.test`);
    /// cloud metadata addresses; and URLs whose host is a placeholder (`http://${host}/api`).
    ///
    /// ## Why is this bad?
    /// An address in the code is the same in every deployment. A fallback to localhost makes
    /// a production build with a missing variable call a machine that is not there, and
    /// the failure shows up as timeouts far from the cause. A CORS list in code ships the
    /// developers' origins to production and needs a release to add a customer's domain.
    ///
    /// ## Example
    /// ```ts
    /// const api = import.meta.env.VITE_API_URL || "http://localhost:3000/api";
    /// app.use(cors({ origin: ["http://localhost:5173", "https://app.acme.io"] }));
    /// ```
    ///
    /// ## Use instead
    /// ```ts
    /// const api = import.meta.env.VITE_API_URL;
    /// if (!api) throw new Error("VITE_API_URL is not set");
    /// app.use(cors({ origin: process.env.CORS_ORIGINS!.split(",") }));
    /// ```
    ///
    /// ## Options
    /// ```toml
    /// [rules.hardcoded-url]
    /// # Glob patterns for addresses that are meant to be fixed, matched against the
    /// # address as written and against its host.
    /// allow = ["https://api.stripe.com/**", "*.amazonaws.com"]
    /// ```
    pub static META = {
        id: "hardcoded-url",
        languages: [Rust, JavaScript],
        severity: Warning,
        summary: "URLs and hosts written into production source, above all fallbacks to localhost",
        fix: None,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Options {
    allow: Vec<String>,
}

pub struct HardcodedUrl {
    allow: GlobSet,
}

impl HardcodedUrl {
    pub fn build(options: &RuleOptions) -> Result<Box<dyn Rule>, ConfigError> {
        let parsed: Options = options.parse()?;
        let mut allow = GlobSetBuilder::new();
        for pattern in &parsed.allow {
            let glob = GlobBuilder::new(pattern)
                .case_insensitive(true)
                .literal_separator(false)
                .build()
                .map_err(|error| {
                    options.error("allow", format!("`{pattern}`: {}", error.kind()))
                })?;
            allow.add(glob);
        }
        let allow = allow
            .build()
            .map_err(|error| options.error("allow", error.to_string()))?;
        Ok(Box::new(HardcodedUrl { allow }))
    }

    fn is_allowed(&self, address: &UrlMatch) -> bool {
        !self.allow.is_empty()
            && (self.allow.is_match(&address.text) || self.allow.is_match(&address.host))
    }
}

impl Rule for HardcodedUrl {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_rust(&self, ctx: &RustContext<'_>, out: &mut Vec<Diagnostic>) {
        if ctx.is_test_file || ctx.is_tooling_file {
            return;
        }
        rust::check(self, ctx, out);
    }

    fn check_js(&self, ctx: &JsContext<'_>, out: &mut Vec<Diagnostic>) {
        if ctx.is_test_file || ctx.is_tooling_file {
            return;
        }
        js::check(self, ctx, out);
    }
}

/// Where a literal sits, which decides the message.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Role {
    Plain,
    /// The value used when configuration is missing; the span and name of the
    /// configuration read, where known.
    Fallback {
        config: Option<(Span, Option<String>)>,
    },
    Cors,
}

fn truncate(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        text.chars().take(MAX - 1).collect::<String>() + "…"
    }
}

fn diagnostic(file: &Arc<SourceFile>, span: Span, address: &UrlMatch, role: &Role) -> Diagnostic {
    let shown = truncate(&address.text);
    let new =
        |message: String| Diagnostic::new(META.id, META.default_severity, file, span, message);
    match role {
        Role::Fallback { config } => {
            let variable = config.as_ref().and_then(|(_, name)| name.as_deref());
            let when = match variable {
                Some(name) => format!("when `{name}` is not set"),
                None => "when the setting is missing".to_string(),
            };
            let message = if address.local {
                format!("production falls back to the local address `{shown}` {when}")
            } else {
                format!("falls back to the hardcoded address `{shown}` {when}")
            };
            let what = variable.map_or_else(|| "the setting".to_string(), |name| format!("`{name}`"));
            let help = if address.local {
                format!(
                    "a build or deployment without {what} would silently call a developer's machine: read {what} without a default and fail at startup when it is missing; keep the local value in a `.env` file for development"
                )
            } else {
                format!(
                    "read {what} without a default and fail at startup when it is missing, or keep the default in a configuration file per environment"
                )
            };
            let mut diagnostic = new(message).with_help(help);
            if let Some((config_span, _)) = config {
                diagnostic = diagnostic.with_label(file, *config_span, "the configuration read here");
            }
            diagnostic
        }
        Role::Cors => new(format!("hardcoded CORS origin `{shown}`")).with_help(
            "read the allowed origins from configuration (for example a comma-separated `CORS_ORIGINS` variable): a list in code ships development origins to production and needs a release to change",
        ),
        Role::Plain if address.local => new(format!("hardcoded local address `{shown}`")).with_help(
            "this address only exists on a developer's machine or one private network: read it from configuration or the environment, and fail fast when it is missing",
        ),
        Role::Plain => new(format!("hardcoded URL `{shown}`")).with_help(
            "read endpoints from configuration or the environment so that each deployment can point elsewhere; if this address is fixed by design, add it to `allow` under `[rules.hardcoded-url]` in prodlint.toml",
        ),
    }
}
