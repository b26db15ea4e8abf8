use std::sync::Arc;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use prodlint_core::{
    is_generated, ConfigError, Diagnostic, RuleMeta, RuleOptions, Severity, SourceFile, Span,
};
use serde::Deserialize;

use crate::{JsContext, Rule, RustContext};

mod js;
mod keys;
mod rust;
mod url;

use url::{find_address, find_local_host, is_local_host_alternatives, may_hold_address, UrlMatch};

prodlint_macros::declare_rule! {
    /// ## What it does
    /// Finds addresses written into production source that a deployment would need to
    /// change, and reports them by **where they go**, not by what the string looks like.
    ///
    /// Reported by default, with the severity of what breaks:
    /// - **error**: a local or private address (localhost, 127.0.0.0/8, ::1, RFC 1918,
    ///   `*.local`, `host.docker.internal` and Docker Desktop's other `*.docker.internal`
    ///   names) used as a fallback or default of a setting:
    ///   `process.env.X || …`, `?? …`, `config.get("X", …)`, the typed readers and property
    ///   decorators of a configuration object (`@Config.string("endpoint", …)`,
    ///   `config.url("X", …)`), `env::var("X").unwrap_or(…)`,
    ///   a call of the project's own setting reader (`getEnv("X", …)`, `get_env_var("X",
    ///   …)`: a function, in any file, whose body reads the environment variable named by
    ///   one parameter and falls back to another),
    ///   `options.url ?? …`, a chain of such reads (`options.redis?.host || argv.redis_host
    ///   || "localhost"`: the setting read from several sources in turn), default
    ///   parameters and destructuring defaults, env-schema defaults (envalid
    ///   `str({ default })`, zod and Joi `.default(…)`, convict `default`, a
    ///   class-validator configuration class), a field's `#[serde(default = "f")]` function,
    ///   clap's `default_value` and `default_value_t` and other attribute defaults
    ///   (`#[config(default = …)]`, also when applied by `#[cfg_attr(…)]`), a
    ///   `Default` impl, the value beside a setting in a macro named for configuration
    ///   (`make_config! { domain: String, true, def, "http://localhost".to_owned(); }`); or
    ///   given to a client or connection (`new Redis({ host })`,
    ///   `axios.create({ baseURL })`, `new ApolloClient({ uri })`, `BullModule.forRoot(…)`,
    ///   `redis::Client::open(…)`). A bare host (`"localhost"`) counts where a host is expected.
    ///   An address is a URL of a web, database, queue or other network scheme (`http`,
    ///   `ws`, `postgres`, `redis`, `amqp`, `mqtt`, `tcp`, `udp`: a BitTorrent tracker's
    ///   `udp://localhost:6969` as a serde default, …) or a host and port.
    /// - **warning**: a local address as a CORS origin (`cors({ origin })`,
    ///   `Access-Control-Allow-Origin`, tower-http `allow_origin`, actix-cors
    ///   `allowed_origin`), as a client's base (`new WebSocket(…)`, `io(…)`), or as the value
    ///   of a constant, variable, field or key named as an endpoint (`API_URL`, `baseUrl`,
    ///   `server_url`).
    /// - **info**: a public address in any of those places; a listen address
    ///   (`0.0.0.0:8080`, `::`) only as the fallback or default of a setting; any address as
    ///   the default of the program's own bind address (`HOST || "127.0.0.1"`,
    ///   `BIND_ADDRESS`, `listen_addr`, `options.host ?? "127.0.0.1"` when the file passes
    ///   `this.host` to a server's `listen`, an env-schema default of `METRICS_HOST` when any
    ///   file of the project passes `env.METRICS_HOST` as the host of `listen(…)`,
    ///   `serve({ hostname })` or `new …Server({ host })`), where a loopback default keeps
    ///   the listener private by choice; and any address
    ///   passed to a request (`fetch`, `axios.get`, `client.get`, `reqwest::get`): a fixed third-party API
    ///   or a companion program on the user's machine is usually intended. The
    ///   `public-endpoints` option raises these or turns them off.
    ///
    /// Inside the arguments of `format!`, `vec!`, `json!`, `concat!`, `dbg!`, `write!` and
    /// sqlx's `query!`, an address goes where its expression says, as outside a macro: a
    /// struct literal field (`vec![Config { base_url: "http://localhost:8080".into() }]`),
    /// a fallback (`format!("{}", env::var("X").unwrap_or("http://localhost".into()))`), a
    /// `json!` key (`json!({ "url": "http://localhost:3000" })`); a literal that is an
    /// argument itself goes where the macro's value goes.
    ///
    /// Silent: an address whose destination is unknown (a constant with a neutral name, a
    /// comparison, also one whose result has a name that says endpoint: `isApiRequest =
    /// url.origin == "https://app.example.io"` names a boolean, not where the address
    /// goes; a value passed around; a public address under a name that says only
    /// `url`, as often a link as an endpoint); the fallback of a value of the request being
    /// served (`http://${req.headers.host ?? "localhost"}${req.url}`, a placeholder to parse
    /// with), also read through a call or a constructor (`getRequestURL(event).origin ||
    /// …`, `new URL(req.url).origin`, `(await headers()).get("host") ?? …`,
    /// `request.nextUrl.origin`, `url.origin` where a handler destructures `url` from its
    /// request event, as SvelteKit's `load` does): the request always has one; the
    /// fallback of a stage's name (`VERCEL_ENV || NODE_ENV || "localhost"`, an environment
    /// called `localhost`); the servers an OpenAPI document offers people to try
    /// (`servers: [{ url, description: "Dev server" }]`); sample values a template is
    /// previewed with (`previewDefaults`), and the defaults in the parameters of the
    /// functions of an e-mail template module (one that imports `@react-email/*`,
    /// `react-email` or `jsx-email`: `function LoginLink({ url = "http://localhost:8888/…" })`),
    /// which its preview server renders; lists a value is looked up in (a constant bound
    /// once and read only by `.has`/`.includes`/`.indexOf`, a written `new Set([...]).has(host)`
    /// or `[...].includes(host)`, and a `new Set` of bare host names, but not such a list
    /// given to CORS); content for people (markup attribute values in
    /// JSX, Vue, Svelte and Rust `html!`/`view!`, keys naming a link, picture, placeholder,
    /// docs, help, terms, privacy or policy page, and what a function under such a key returns,
    /// not the statements of its body: `previewTemplate: procedure.mutation(async () => {
    /// … })` is code; data sets written as literals, also their public addresses under a
    /// key that names an endpoint (a registry of oEmbed providers' `endpoints`: other
    /// services, looked up), not a local one; `window.open`, log
    /// lines, also a value bound once and read only in the arguments of log calls: `const
    /// adminUrl = config.PUBLIC_ORIGIN || …` given only to `logger.info`, or in Rust a `let`
    /// read only by `tracing`/`log` level macros and `println!`/`eprintln!`; the values a
    /// form's fields start with, which its user sees and edits before saving: `useForm({
    /// defaultValues: { apiUrl: "http://localhost:11434" } })`, `initialValues`, and a name
    /// bound once and read only there); a branch that an enclosing test already rules out
    /// (`data?.serverId && isCloud ? <Chart url={data?.serverId ? remote :
    /// "http://localhost:4500"} /> : …`: a name or a chain of property reads tested again,
    /// written the same way, in the same function);
    /// identifiers that look like URLs (OAuth scopes, XML and JSON-schema namespaces,
    /// `$schema`, JSON-LD objects, link relations); CSP directives and allow-lists; loopback
    /// OAuth redirects of native apps (`redirect_uri`, RFC 8252); local addresses in a
    /// command-line program (a package.json with a `bin` and no web-server or application
    /// framework among its dependencies), which runs on its user's machine, where localhost
    /// is the user's own service; a server calling itself on the port it listens on
    /// (`http://localhost:${process.env.PORT}`, also `${process.env.PORT ?? 3000}`, and
    /// `http://localhost:${port}` where the file passes `port` to a server's `listen`, as
    /// the embedded server of a desktop build does, and `${PORT}`, the name a server gives
    /// the port it reads, also when imported); one service's address on several local
    /// hosts, with the same scheme and path and a port on more than one of them
    /// (`["http://127.0.0.1:11434", "http://host.docker.internal:11434",
    /// "http://172.17.0.1:11434"]`: where a companion
    /// program on the user's machine may answer, tried in turn; not a CORS list); a sample
    /// for people to copy, told by a placeholder for a credential in the same object or
    /// struct literal (`new OpenAI({ baseURL: "http://localhost:3001/v1", apiKey:
    /// "ENTER_API_KEY_HERE" })`, `"<your token>"`; not a weak default such as
    /// `"changeme"`, which works as written); a telemetry agent on the loopback interface
    /// at its standard port (OTLP `localhost:4317`/`4318`, Jaeger 6831/6832, StatsD 8125,
    /// Datadog 8126), which runs beside the program in production too; tests, mocks, stories
    /// and example apps (`*.test.*`, `*.e2e-spec.*`, `*.mock.*`, a name with the word `mock`
    /// or `mocks` between dashes or underscores: `provider-community-mock.ts`,
    /// `mock-data.ts`, `api_mocks.ts`; `mocks/`, `__mocks__/`,
    /// `*.stories.*`, `fixtures/`, `playwright/`, `playground/`, `testcontainers/`,
    /// `__e2e__/`, `test-helpers/`, `medusa-test-utils/`, `testing/` (a package of test
    /// tooling), `load-testing/`, a monorepo's `dev-server/`, a runner's own suffixes such
    /// as `*.servertest.ts`, and a
    /// TS/JS file that imports a test runner, assertion library or test containers:
    /// `vitest`, `@playwright/test`, `supertest`, `@testcontainers/*`); build
    /// tooling and developer scripts (`scripts/` at the top or beside a package's manifest,
    /// database seed scripts: `seed.ts`, `seed-*.ts`, `seeds/`, and TS/JS developer scripts
    /// inside the sources, below); generated, vendored
    /// and minified files recognised by content (`@generated`, "DO NOT EDIT", an
    /// `/* eslint-disable */` header, a `/*!` licence banner, long lines); development and
    /// test-run code (`if (process.env.NODE_ENV !== "production")`, `NODE_ENV === "test"`,
    /// the same mode once read into configuration, `config.nodeEnv === "development" ? … :
    /// …`, `switch` cases on it, `process.env.ENVIRONMENT`/`APP_ENV` compared with a stage,
    /// `import.meta.env.DEV`; the last branch of `STAGE === "production" ? a : STAGE ===
    /// "preview" ? b : c` (`NODE_ENV`, `APP_ENV`, `VERCEL_ENV`, `NEXT_PUBLIC_VERCEL_ENV`;
    /// preview or staging, in either order), reached only once both deployments are ruled
    /// out; the branch taken off a hosting platform, told by the marker it sets on each of
    /// its builds and deployments and on no developer's machine (Vercel's `VERCEL`,
    /// Netlify's `NETLIFY`, Cloudflare Pages' `CF_PAGES`: `process.env.VERCEL === "1" ?
    /// ".example.com" : "localhost"`); a branch whose test says the page or request is
    /// itself local (`host === "localhost" && port === "8888" ? …`, a value named `host` or
    /// `hostname` compared with a loopback name); a flag named for a development, test, mock, end-to-end,
    /// Playwright, Cypress, Storybook, local or CI mode: `isTestMode ? … : …`, `if
    /// (isMockMode)`, `config.isE2E`, `useMocks`, `process.env.CI`, `process.env.STORYBOOK`,
    /// `window.Cypress`, but not a name that only contains such a word (`isLocalFile`,
    /// `testUrl`); the first branch of `X || isPlaywright ? X || … : …`, whose fallback is
    /// reached only in the test run; a constant bound once and read only in such code,
    /// elsewhere in the file too (`DEV_ORIGINS` read only in `isProduction ? [] :
    /// [...DEV_ORIGINS]`; not when it is exported or also read in production code); in Rust
    /// `cfg!(debug_assertions)`, `cfg!(test)`, `#[cfg(debug_assertions)]`, `#[cfg(test)]`,
    /// features named for such a mode (`#[cfg(feature = "mock")]`, `cfg!(feature = "dev")`,
    /// `"test-utils"`), the branches of a mode flag (`if settings.mock_mode`) and of a host
    /// compared with a loopback name (`if hostname == "localhost"`)); a value under a name
    /// that says loopback (`LOOPBACK_CLIENT_ID_ORIGIN`, `loopbackRedirectUri`: local on
    /// purpose, a protocol's own address, not a deployment's); comments,
    /// log and panic messages, module specifiers, types, the base of `new URL(path, base)`,
    /// the `origin` and `referer` of a request's headers (in an object with a `user-agent`,
    /// `referer`, `cookie` or `accept-language` key: where the request says it comes from),
    /// RFC 2606 example domains and cloud metadata
    /// addresses. An address whose scheme separator or host is written only with escape
    /// sequences (`"http\x3a//…"`, `"\u006cocalhost"`) is not seen: a file is read for
    /// addresses only when its text has `://` (or `:\/\/`), a local host name, an IPv6
    /// loopback or four dot-joined numbers.
    ///
    /// A TS/JS developer script is a file that no application code loads and that either
    /// a package.json script runs directly (`"sync": "dotenv -e .env -- tsx
    /// ./src/scripts/sync.ts"`, `node -r ts-node/register src/tasks/backfill.ts`, `ts-node`,
    /// `bun run`, `deno run`, also behind `npx`/`pnpx`; the path relative to that
    /// package.json's folder, completed as Node does: `node src/util/test` runs
    /// `src/util/test.js` or `src/util/test/index.js`), or that lies in a `scripts/` or
    /// `script/` folder
    /// (`src/scripts/send-test-emails.ts`; not below a served or routed folder: `public/`,
    /// `static/`, `assets/`, `www/`, `pages/`, `app/`, `routes/`). "No application code
    /// loads it": every file
    /// that imports it (statically, dynamically, by `require` or `export … from`; type-only
    /// imports do not count, nor do tests and build tooling) is such a script too. So a
    /// `src/scripts/theme.ts` that a page imports is application code and is checked, as
    /// is a file that an import nothing resolves may name, that a component's text names
    /// (its markup may load it with `<script src>`) or that a package's `index.html`
    /// names. Not scripts either: a file run
    /// by a script that starts the application (a `start`, `dev`, `serve`, `preview`,
    /// `debug`, `watch` or `prod` script, or a runner in watch mode), a module preloaded
    /// into a command (`node -r ./dist/scripts/preload.js dist/main.js`: its source in
    /// `src/` too), and a package's `main`, `module`, `bin` or `exports` entry. A `bin/`
    /// folder is not taken for scripts: it holds the programs a package ships.
    ///
    /// ## Why is this bad?
    /// An address in the code is the same in every deployment. A fallback or default that
    /// points at localhost makes a production build with a missing variable call a machine
    /// that is not there: queues that never connect, e-mails whose links point at
    /// `http://localhost`, failures that show up as timeouts far from the cause. A CORS list
    /// in code ships the developers' origins to production and needs a release to change.
    ///
    /// ## Example
    /// ```ts
    /// const api = import.meta.env.VITE_API_URL || "http://localhost:3000/api";
    /// export const env = cleanEnv(process.env, { CACHE_HOST: str({ default: "localhost" }) });
    /// ```
    ///
    /// ## Use instead
    /// ```ts
    /// const api = import.meta.env.VITE_API_URL;
    /// if (!api) throw new Error("VITE_API_URL is not set");
    /// export const env = cleanEnv(process.env, { CACHE_HOST: str({ devDefault: "localhost" }) });
    /// ```
    ///
    /// ## Options
    /// ```toml
    /// [rules.hardcoded-url]
    /// # Glob patterns for addresses that are meant to be fixed, matched against the
    /// # address as written and against its host.
    /// allow = ["https://api.stripe.com/**", "*.amazonaws.com"]
    /// # The severity of public endpoints and of requests: "info" (the default),
    /// # "warning", "error" or "off".
    /// public-endpoints = "info"
    /// ```
    ///
    /// ## Accuracy
    /// On the latest four applications, not tuned on before the round (a NestJS API with
    /// a React front end, a SvelteKit front end with its API, an axum service, a
    /// full-stack monorepo; docs/accuracy.md, thirteenth round), 4 of 6 errors and
    /// warnings (67%) were worth fixing, from 4 of 42 (10%) at the start: lists of one
    /// companion program's places on several local hosts, a sample with a placeholder key
    /// and a server calling itself on an imported `PORT` are now silent, and so are 932
    /// infos for a registry of oEmbed providers written as a data set. The two left are
    /// a settings screen's default for a self-hosted program (`useState(settings?.X ||
    /// "http://localhost:8880/v1")`) and a proxy to a program of the same virtual machine.
    /// Known gaps: a constant imported from another file, and a setting reader without a
    /// fallback parameter (`readString("X") ?? …`) is not taken for a read of `X`.
    pub static META = {
        id: "hardcoded-url",
        languages: [Rust, JavaScript],
        severity: Warning,
        severity_by_finding: "error for a local address as a setting's fallback or default or in a client's options; warning for a local CORS origin, client base or endpoint name; info for public endpoints, requests, listen defaults and the defaults of the program's own bind address",
        summary: "Addresses a deployment would need to change, reported by where they go: fallbacks and defaults to localhost first",
        fix: None,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct Options {
    allow: Vec<String>,
    /// The severity of fixed public endpoints (`info` unless set): `error`, `warning`,
    /// `info` or `off`.
    public_endpoints: Option<String>,
}

pub struct HardcodedUrl {
    allow: GlobSet,
    /// `None`: public endpoints are not reported.
    public_endpoints: Option<Severity>,
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
        let public_endpoints = match parsed.public_endpoints.as_deref() {
            None | Some("info") => Some(Severity::Info),
            Some("warning") => Some(Severity::Warning),
            Some("error") => Some(Severity::Error),
            Some("off") => None,
            Some(other) => {
                return Err(options.error(
                    "public-endpoints",
                    format!("`{other}` is not one of error, warning, info, off"),
                ))
            }
        };
        Ok(Box::new(HardcodedUrl {
            allow,
            public_endpoints,
        }))
    }

    fn is_allowed(&self, address: &UrlMatch) -> bool {
        !self.allow.is_empty()
            && (self.allow.is_match(&address.text) || self.allow.is_match(&address.host))
    }

    /// How an address that goes where `flow` says is reported, or `None` for not at all.
    fn severity(&self, address: &UrlMatch, flow: &Flow) -> Option<Severity> {
        if self.is_allowed(address) || address.is_telemetry_agent() {
            return None;
        }
        // `env: VERCEL_ENV || NODE_ENV || "localhost"`: the name of a stage, not an address.
        if flow.setting().is_some_and(keys::names_environment) {
            return None;
        }
        // `LOOPBACK_CLIENT_ID_ORIGIN = "http://localhost"`, `loopbackRedirectUri`: a local
        // address on purpose, by its name: a protocol's own (OAuth's loopback clients),
        // not a deployment's.
        let named = match flow {
            Flow::Endpoint { name } | Flow::Client { name } => Some(name.as_str()),
            _ => flow.setting(),
        };
        if address.local
            && named.is_some_and(|n| {
                prodlint_core::modes::name_words(n)
                    .iter()
                    .any(|w| w == "loopback")
            })
        {
            return None;
        }
        // `HOST || "127.0.0.1"`, `this.host = options.host ?? "127.0.0.1"` passed to
        // `listen`: where the program's own listener binds by default, a deployment's
        // choice like `0.0.0.0`: information at most.
        if flow.is_listen_setting() {
            return self.public_endpoints;
        }
        if address.is_listen_address() {
            // `0.0.0.0:8080` is where a server listens, right in production too; only a
            // default of a setting that configuration was meant to replace is worth a look
            // (not `ip.unwrap_or("0.0.0.0")`, a placeholder for an unknown address).
            let of_setting = match flow {
                Flow::Default { .. } => true,
                Flow::Fallback { config } => config
                    .as_ref()
                    .and_then(|(_, name)| name.as_deref())
                    .is_some_and(|name| is_env_name(name) || keys::names_endpoint(name)),
                _ => false,
            };
            // Listening on every interface is right in a container too: information, as
            // for a public endpoint.
            return if of_setting {
                self.public_endpoints
            } else {
                None
            };
        }
        match flow {
            Flow::Plain => None,
            // `url`, `pricingUrl`: a public address under a name that says only "address"
            // is as often a link as an endpoint; `apiUrl`, `baseUrl` say endpoint.
            Flow::Endpoint { name }
                if !address.local && keys::key_kind(name) == keys::KeyKind::Address =>
            {
                None
            }
            _ if !address.local => self.public_endpoints,
            // A loopback redirect (`redirect_uri = "http://localhost:{port}/cb"`) is how a
            // native or command-line app receives an OAuth code (RFC 8252), by design.
            Flow::Endpoint { name } if keys::names_redirect(name) => None,
            Flow::Fallback { .. } | Flow::Default { .. } | Flow::Client { .. } => {
                Some(Severity::Error)
            }
            // A request to a local address may go to a companion program on the user's own
            // machine; a client's base address (`new WebSocket`, `io`) is the app's server.
            Flow::Call { name } if !is_client_base(name) => self.public_endpoints,
            Flow::Call { .. } | Flow::Cors | Flow::Endpoint { .. } => Some(Severity::Warning),
            Flow::Listen { .. } => self.public_endpoints,
        }
    }
}

impl Rule for HardcodedUrl {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_rust(&self, ctx: &RustContext<'_>, out: &mut Vec<Diagnostic>) {
        if ctx.is_test_file
            || ctx.is_tooling_file
            || !may_hold_address(&ctx.file.text)
            || is_generated(&ctx.file.text)
        {
            return;
        }
        rust::check(self, ctx, out);
    }

    fn check_js(&self, ctx: &JsContext<'_>, out: &mut Vec<Diagnostic>) {
        // Most files hold no address at all: one pass over the text spares them the
        // walks of their tree.
        if ctx.is_test_file
            || ctx.is_tooling_file
            || !may_hold_address(&ctx.file.text)
            || is_generated(&ctx.file.text)
        {
            return;
        }
        // Whether the file is a developer script can take a project-wide index of
        // importers: asked only of a file that has something to report.
        let mut found = Vec::new();
        js::check(self, ctx, &mut found);
        if found.is_empty() {
            return;
        }
        let path = prodlint_core::normalize(&ctx.project.cwd, &ctx.file.path);
        if !prodlint_js::dev_scripts::is_dev_script(ctx.project, &path) {
            out.append(&mut found);
        }
    }
}

/// Where an address goes, which decides whether it is reported and how.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Flow {
    /// Nothing says where it goes: content, a comparison, a value passed around. Silent.
    Plain,
    /// The value used when a setting is missing: `process.env.X || …`,
    /// `env::var("X").unwrap_or(…)`, `config.get("X", …)`, `options.url ?? …`. The span and
    /// name of what was read, where known.
    Fallback {
        config: Option<(Span, Option<String>)>,
    },
    /// The declared default of a setting: an env-schema `default`, a default parameter, a
    /// serde default function, clap's `default_value`, a `Default` impl.
    Default {
        setting: Option<String>,
        /// Where the default is declared, for the message: "an env schema".
        declared_in: String,
    },
    /// The options of a client or a connection: `new Redis({ host })`,
    /// `axios.create({ baseURL })`, `BullModule.forRoot({ redis })`.
    Client { name: String },
    /// The address a network call goes to: `fetch(…)`, `new WebSocket(…)`, `client.get(…)`.
    Call { name: String },
    /// The fallback of the address the program's own server listens on, known from where
    /// the value goes (`server.listen(this.port, this.host)`).
    Listen {
        config: Option<(Span, Option<String>)>,
    },
    /// A CORS origin.
    Cors,
    /// The value of a constant, variable or key that names an endpoint: `API_URL`,
    /// `baseUrl: …`.
    Endpoint { name: String },
}

impl Flow {
    /// The name of the setting a fallback or default belongs to, where written.
    fn setting(&self) -> Option<&str> {
        match self {
            Flow::Fallback { config } | Flow::Listen { config } => {
                config.as_ref().and_then(|(_, name)| name.as_deref())
            }
            Flow::Default { setting, .. } => setting.as_deref(),
            _ => None,
        }
    }

    /// Whether the value is the default of the address the program listens on.
    fn is_listen_setting(&self) -> bool {
        match self {
            Flow::Listen { .. } => true,
            Flow::Fallback { .. } | Flow::Default { .. } => {
                self.setting().is_some_and(keys::names_listen_setting)
            }
            _ => false,
        }
    }
}

/// Calls whose address is a client's base rather than one request's target.
fn is_client_base(name: &str) -> bool {
    matches!(
        name,
        "WebSocket"
            | "EventSource"
            | "ReconnectingWebSocket"
            | "io"
            | "connect"
            | "mongoose.connect"
    )
}

/// The language of the file, for a help text in its own terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    Rust,
    Js,
}

fn truncate(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        text.chars().take(MAX - 1).collect::<String>() + "…"
    }
}

/// How to read a setting and fail at startup when it is missing, in the file's language.
fn fail_fast(lang: Lang, name: Option<&str>) -> String {
    let name = name.filter(|n| is_env_name(n)).unwrap_or("API_URL");
    match lang {
        Lang::Js => format!(
            "`const value = process.env.{name}; if (!value) throw new Error(\"{name} is not set\")`"
        ),
        Lang::Rust => format!("`std::env::var(\"{name}\").expect(\"{name} must be set\")`"),
    }
}

/// `DATABASE_URL`, `VITE_API_URL`: a name as environment variables are written.
fn is_env_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

fn diagnostic(
    file: &Arc<SourceFile>,
    span: Span,
    address: &UrlMatch,
    flow: &Flow,
    severity: Severity,
    lang: Lang,
) -> Diagnostic {
    let shown = truncate(&address.text);
    let listen = address.is_listen_address() || flow.is_listen_setting();
    let what = if listen {
        format!("the listen address `{shown}`")
    } else if address.local {
        format!("the local address `{shown}`")
    } else {
        format!("the fixed endpoint `{shown}`")
    };
    let new = |message: String| Diagnostic::new(META.id, severity, file, span, message);
    // What breaks, for local addresses; what to weigh, for public ones.
    let consequence = if listen {
        "a listener's address is usually a deployment's choice"
    } else if address.local {
        "a deployment that does not set it would silently use a developer's machine or a private network, and fail far from the cause"
    } else {
        "a fixed public endpoint is often intended; if so add it to `allow` under `[rules.hardcoded-url]`, otherwise"
    };
    match flow {
        Flow::Fallback { config } | Flow::Listen { config } => {
            let name = config.as_ref().and_then(|(_, name)| name.as_deref());
            // A default declared with the setting (an env schema's) is not read anywhere here.
            let declared = config.as_ref().is_some_and(|(at, _)| *at == span);
            let verb = if declared { "defaults to" } else { "falls back to" };
            let message = match name {
                Some(name) => format!("`{name}` {verb} {what}"),
                None => format!("the setting {verb} {what}"),
            };
            let help = format!(
                "{consequence}: read the setting without a default and fail at startup when it is missing ({}); keep the local value in a `.env` file or development configuration",
                fail_fast(lang, name)
            );
            let mut diagnostic = new(message).with_help(help);
            // A default declared with the setting has no read to point at.
            if let Some((config_span, _)) = config.as_ref().filter(|(at, _)| *at != span) {
                diagnostic =
                    diagnostic.with_label(file, *config_span, "the setting is read here");
            }
            diagnostic
        }
        Flow::Default {
            setting,
            declared_in,
        } => {
            let message = match setting {
                Some(name) => format!("`{name}` defaults to {what} in {declared_in}"),
                None => format!("a setting defaults to {what} in {declared_in}"),
            };
            // How to make the setting required, in the terms of where it is declared.
            let required = if declared_in.contains("schema") {
                "drop the schema's `default`, so that validation fails at startup when the variable is missing (envalid's `devDefault` keeps a value for development only)".to_string()
            } else if declared_in.contains("command-line") {
                "drop `default_value` and mark the argument `required = true` (with `env = \"…\"` to read it from the environment), so that startup fails when it is missing".to_string()
            } else {
                format!(
                    "make the setting required, so that startup fails when it is missing ({})",
                    fail_fast(lang, setting.as_deref())
                )
            };
            new(message).with_help(format!(
                "{consequence}: {required}, and set the local value in development configuration"
            ))
        }
        Flow::Client { name } => new(format!("`{name}` is configured with {what}")).with_help(
            format!(
                "{consequence}: pass the address from configuration read at startup, and fail fast when it is missing ({})",
                fail_fast(lang, None)
            ),
        ),
        Flow::Call { name } => new(format!("`{name}` calls {what}")).with_help(format!(
            "{consequence}: take the base address from configuration read at startup, and fail fast when it is missing ({})",
            fail_fast(lang, None)
        )),
        Flow::Endpoint { name } => new(format!("`{name}` is {what}")).with_help(format!(
            "{consequence}: read `{name}` from configuration at startup, and fail fast when it is missing ({})",
            fail_fast(lang, Some(name))
        )),
        Flow::Cors => new(format!("hardcoded CORS origin `{shown}`")).with_help(
            "read the allowed origins from configuration (for example a comma-separated `CORS_ORIGINS` variable): a list in code ships development origins to production and needs a release to change",
        ),
        Flow::Plain => unreachable!("plain addresses are not reported"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(toml: &str) -> Result<Box<dyn Rule>, ConfigError> {
        let config =
            prodlint_core::Config::parse(toml, "prodlint.toml", &["hardcoded-url"]).unwrap();
        HardcodedUrl::build(&config.rule("hardcoded-url").options)
    }

    fn check_js(text: &str) -> Vec<Diagnostic> {
        let rule = build("").unwrap();
        let file = Arc::new(SourceFile::new(
            "src/a.ts".into(),
            "src/a.ts".into(),
            text.into(),
        ));
        let parsed = prodlint_js::parse("src/a.ts", text).unwrap();
        let project = prodlint_core::Project::new(std::env::temp_dir());
        let ctx = JsContext {
            file: &file,
            parsed: &parsed,
            project: &project,
            is_test_file: false,
            is_tooling_file: false,
        };
        let mut out = Vec::new();
        rule.check_js(&ctx, &mut out);
        out
    }

    #[test]
    fn messages_name_the_flow_and_help_says_how_to_fail_fast() {
        let found = check_js(
            "const db = process.env.DATABASE_URL || 'postgres://localhost/app';\nexport const env = cleanEnv(process.env, { CACHE_HOST: str({ default: 'localhost' }) });\nconst r = new Redis({ host: '127.0.0.1' });\n",
        );
        let texts: Vec<(String, String, Severity)> = found
            .iter()
            .map(|d| {
                (
                    d.message.clone(),
                    d.help.clone().unwrap_or_default(),
                    d.severity,
                )
            })
            .collect();
        assert_eq!(texts.len(), 3, "{texts:?}");
        assert_eq!(
            texts[0].0,
            "`DATABASE_URL` falls back to the local address `postgres://localhost/app`"
        );
        assert!(
            texts[0]
                .1
                .contains("process.env.DATABASE_URL; if (!value) throw"),
            "{}",
            texts[0].1
        );
        assert_eq!(
            texts[1].0,
            "`CACHE_HOST` defaults to the local address `localhost` in an env schema"
        );
        assert!(texts[1].1.contains("devDefault"), "{}", texts[1].1);
        assert_eq!(
            texts[2].0,
            "`Redis` is configured with the local address `127.0.0.1`"
        );
        assert!(texts.iter().all(|t| t.2 == Severity::Error));
        // The fallback's label points at the variable read.
        assert_eq!(found[0].labels.len(), 1);
    }

    #[test]
    fn public_endpoints_option() {
        assert!(build("[rules.hardcoded-url]\npublic-endpoints = \"off\"\n").is_ok());
        let error = build("[rules.hardcoded-url]\npublic-endpoints = \"loud\"\n")
            .err()
            .unwrap();
        assert!(error.message.contains("`loud`"), "{error}");
        assert_eq!(error.line, Some(2));
    }
}
