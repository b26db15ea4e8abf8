use std::sync::Arc;

use prodlint_core::{ConfigError, Diagnostic, RuleMeta, RuleOptions, Severity, SourceFile, Span};
use serde::Deserialize;

use crate::{JsContext, Rule, RustContext};

pub mod catalogue;
mod js;
mod js_items;
mod js_tree;
mod reach;
mod rust;
mod rust_groups;
mod rust_origin;
mod rust_reach;

use catalogue::{Entry, Lang, Pattern, Seg};

prodlint_macros::declare_rule! {
    /// ## What it does
    /// Finds a database query or key-value command (and, with `check-http = true`, an HTTP
    /// request) made once per item of a loop, one round trip after another, where one
    /// batched call would do: the *N+1* pattern.
    ///
    /// A **loop** is a `for`, `for…of`, `for…in`, `for await`, `while` or `do…while` body,
    /// an async callback of `forEach`, `map`, `flatMap`, `reduce`, `filter`, `some` or
    /// `every`; in Rust a `for`, `while`, `while let` or `loop` body, an iterator's
    /// `for_each`, and a stream's `then`/`for_each` over per-item futures.
    ///
    /// A **data-access call** comes from a catalogue of call shapes:
    /// - Prisma (`prisma.task.create`, `this.prisma.user.findUnique`, `tx.x.update`,
    ///   `db.x.findMany`, `$queryRaw`), TypeORM and MikroORM repositories, managers and query
    ///   builders, Sequelize and Mongoose models, MongoDB collections, Knex, Drizzle, Kysely,
    ///   node-postgres and mysql2 (`pool.query`), postgres.js (`` sql`…` ``), Redis clients;
    /// - HTTP, only with `check-http = true` (see Options): `fetch`, `axios`, `got`, `ky`,
    ///   `$fetch`, NestJS `HttpService`, API clients called with a URL
    ///   (`api.get(`/users/${id}`)`), GraphQL clients and, in Rust, reqwest. Off by
    ///   default because whether an API takes many items in one request is not known from
    ///   the call: on the back ends measured, most per-item requests went to third-party
    ///   APIs with no batched form (docs/accuracy.md);
    /// - Rust: sqlx (`query*(…)…fetch_one/fetch_all/fetch_optional/execute`, also the
    ///   macros), diesel and diesel-async (`load`, `first`, `get_result(s)`, `execute` on a
    ///   connection), sea-orm (`one`, `all`, `exec`, `insert`, … on a connection),
    ///   tokio-postgres (`client.query(&stmt, &[..])`), ClickHouse (the same shape,
    ///   `client.query(sql).bind(id).fetch_one()`, in a file that names the `clickhouse`
    ///   crate), redis. A connection is a name such
    ///   as `conn`, `pool`, `db`, `tx` (`&mut *conn`, `pool.acquire().await?`), or a call
    ///   without arguments named so (`&mut get_async_db_conn().await?`, `storage::db()`).
    ///
    /// **Severity by where the loop's items come from.** The rule cannot count a loop's
    /// items, but it can see where they come from, and that tells the classic N+1 from
    /// a loop over a handful:
    /// - `warning` when the loop (or one around it) steps over **rows of a round trip**:
    ///   what a query returned (`for (const o of await repo.find())`), a local holding it
    ///   (`const orders = await prisma.order.findMany(); for (const o of orders)`), a
    ///   local made from one (`orders.filter(..)`, `orders.map((o) => o.id)`,
    ///   `order.lines` of an item of such a loop, `rows[i]` in `i < rows.length`), or the
    ///   result of a call of the project's own code that makes a round trip (`const
    ///   users = await this.users.listActive()`, in Rust `let rows = load(pool).await?`);
    ///   also every loop in a file that **imports or syncs** data (`import.service.ts`,
    ///   `importer.ts`, `sync_index.rs`: an uploaded or remote list of records);
    /// - the rest, loops **over inputs** (a parameter, an input's list such as
    ///   `input.roleIds` or `input.translations`, a field such as `this.tasks`, a config,
    ///   a value computed in memory), are `info`; `loops-over-inputs = false` (see
    ///   Options) leaves them out. On the back ends measured (docs/accuracy.md) about
    ///   one in four of them was worth a change (17 of 73; 11 of 21 on the latest
    ///   fresh ones, more than of the warnings there): those worth it were mostly
    ///   loops over a batch handed in by the caller; the rest ran over the
    ///   translations, roles or prices of one entity, or the recipients of one event,
    ///   worth a change only if the list can be long, which the code does not tell.
    ///   On three further back ends (growthbook, unleash, chirpstack) 29 of 79 findings
    ///   were worth fixing: 14 of 21 warnings, 15 of 58 infos; the rest were mostly
    ///   loops over the short lists of one record and the clean-up of a demo project.
    ///   On three more (docmost, spacebar, trieve) 22 of 65 were worth fixing, after
    ///   the Rust rule began to follow functions by their path: 13 of 29 warnings, 9 of
    ///   36 infos; the rest were mostly a unit of work per item in background workers
    ///   (a file copied, a video crawled, a bill sent) and the short lists of one request
    ///   (the filter conditions of one search). What the rule misses there, round trips
    ///   behind a registry of models (`context.models.x.delete(..)`), stores injected by
    ///   interface, TypeORM's `BaseEntity.delete` and Kysely's raw `sql` template, is
    ///   listed in docs/accuracy.md.
    ///
    /// A call of the project's own code is followed to the round trip it reaches, in any
    /// file, through call summaries built once per module: `this.m()` to the method of
    /// the class, `this.users.load(id)` to the method of the class that `users` is
    /// declared, injected (NestJS constructor parameter properties) or constructed as,
    /// through imports and tsconfig paths, `this.store.model.post.update()` through the
    /// fields of a class of the project, imported functions, and in Rust
    /// `self.store.load(id)` to the method of the struct that the field `store` is (from
    /// the crate index), and a function called by its path, in any file of the crate:
    /// `device_keys::get(&eui)`, a name a `use` brings in (also renamed, `use
    /// storage::get as get_keys`), `crate::`, `super::` and `Type::find(pool, id)`. The finding is at the loop's call, with a label at each call on
    /// the way and at the round trip: `for (const o of orders) await this.users.touch(o.id)`.
    /// A round trip that a function makes only when one of its parameters is given (`if
    /// (teamId) { await … }`, or after `if (!teamId) return;`, the parameter never assigned
    /// in the body) does not count for a call that gives nothing there: fewer arguments,
    /// or a literal `undefined` or `null` (`getInternalId(id, idMap)`). A test of
    /// anything else, such as a cache miss (`if (!cached) …`), still counts.
    /// Calls are followed two functions deep at most (the loop's call, then one call in
    /// its body): a round trip further down sits under a unit of work (a schema change per
    /// field, deleting a whole account), not under a lookup one batched call would replace.
    ///
    /// A plain call of a name the function binds itself, a parameter or a variable
    /// (`getFactTable(id)` in a function given a lookup as `getFactTable`), calls what
    /// it was handed, not the function or import of that name: it is not followed.
    ///
    /// What a call is comes from its receiver, not from its method's name alone: a class
    /// of the project decides by what its method does (a `*Repository` class over Kysely
    /// makes Kysely queries; one over an in-memory `Map` makes none); a field typed from a
    /// client package (`Repository<User>` from `typeorm`, `PrismaClient`, `Redis` from
    /// `ioredis`, `pg`, Apollo and other GraphQL clients) is that client; a Rust file that
    /// names one database crate (`sea_orm`) gets that crate's help. A data-access call
    /// given an array of one element per iteration (`findByIds([id])`, `mget([key])`,
    /// in Rust `find_by_ids(&[id])`, `load(vec![id])`, also converted on the way:
    /// `is_member(vec![&author].into(), conn)`) says to pass the whole array once. The
    /// items of one chunk are items: `for (const row of chunk)` inside a loop over chunks
    /// makes a call per row.
    ///
    /// It stays silent on awaits that are not data access (timers, unknown callees); loops
    /// that already batch (over chunks: `i += BATCH`, `i < batchCount`, `chunk(ids, 100)`,
    /// `_.chunk`, `ids.chunks(500)`, a `chunk`/`batch` loop variable, a `for…in` over the
    /// groups of a `groupBy` that takes each whole group; in Rust a `for` over the groups of
    /// a map its function fills as a group-by, `map.entry(key).or_default().push(x)`, whose
    /// statement takes the group whole: `= ANY($1)`, `unnest($1)`, `eq_any`, `.values(..)`);
    /// a set-taking statement per table the loop's item names (`format!("DELETE FROM
    /// {table} WHERE uri = ANY($1)")`, `` pool.query(`DELETE FROM ${table} WHERE id =
    /// ANY($1)`, [ids]) ``: statements on different tables are not one; a loop around it
    /// still counts, as in `for did in dids { for table in tables { … } }`, and so does a
    /// statement per table given one row, `DELETE FROM ${table} WHERE id = $1`); loops bounded by a
    /// few items written in the code, directly or through a `const` (`for (let i = 0; i <
    /// 3; i++)`, `for (const k of KINDS)`, `Object.entries(DEFAULTS)`, `for i in 0..3`,
    /// `while (i < MAX_TRIES && !found)`); retry, polling and redirect loops (a header
    /// that counts attempts, pages or redirect hops, such as `while (n <= MAX_RETRIES)`,
    /// a body that sleeps); a download or
    /// upload of the item's own address (`fetch(item.path)`, `fetch(upload.url, {
    /// method: "PUT" })` with `upload` from the item, `` axios.get(`${entry.host}/x`) ``:
    /// each item is another file, often on another host; a `POST` to it, such as a
    /// webhook, stays a finding); a raw statement that is the item (`for (const sql of
    /// statements) await db.$executeRawUnsafe(sql)`) or a schema change per item (``
    /// sequelize.query(`DROP TABLE "${name}"`) ``, `ALTER`, `CREATE INDEX`, `VACUUM`, in
    /// Rust `sqlx::query(&format!("DROP TABLE {t}"))`, and `LOCK TABLE`: each a unit of work of its own); claims and compare-and-set writes
    /// whose outcome the loop tests per item (`const claimed = await
    /// prisma.run.updateMany({ where: { id: run.id, status: "queued" }, … }); if
    /// (claimed.count === 0) continue;`: one batched write could not say which items it
    /// changed); a notification written per recipient of one event (a loop over
    /// `recipients`, `users`, `members`, `subscribers`, `watchers`, `followers`,
    /// `participants` or `mentions` whose write is `Notification.create`,
    /// `createNotification(..)`, `create_notification(..)`, or whose call delivers one:
    /// `queueEmail(..)`, `canSendEmail(..)`, `addToDigest(..)`; and an invitation per invitee or e-mail address,
    /// `for (const email of emails) … prisma.invitation.create(..)`: one event has a
    /// handful, each its own delivery; a read per member stays a finding); a tree written
    /// a node at a time, where a function creates each item and calls itself with the
    /// created row for the item's children (`const created = await tx.folder.create(..);
    /// await createFolders(folder.children, created.id)`: each child needs its parent's
    /// new id; a call down given the loop's item, such as a recursive delete over child
    /// rows, stays a finding); loops that stop at the first hit (`if
    /// (user) return user;`, `if (res.ok) break;`), in Rust also a call followed, in
    /// its block or one around it, by a `return` or `break` without a condition (the
    /// loop is left on the first pass), or walk (`dir = parentOf(dir)`); calls
    /// on each of a few connections (`for (const db of databases) db.query(..)`, in Rust
    /// `for conn in &mut conns { query(..).execute(&mut *conn) }`); round
    /// trips made only when a lookup in memory missed (`if (cached) … else await …`, `if
    /// (seen.has(k)) continue;`, also with an age: `if (entry && Date.now() - entry.at <
    /// TTL) return entry.value;`); reads that page (`skip`, `cursor`, `offset`, `page` in
    /// the loop's own call); `while` loops driven by what the query returned, where each
    /// query needs the previous one (keyset batches, `deleted = await …` until done,
    /// `while (await Message.count(..))`, walking `parentId` up a tree), and `while`
    /// loops that take a chunk off a list each pass (`ids.splice(0, 100)`); infinite loops (`while (true)`, `loop`) unless they
    /// drain a collection (`queue.shift()`, `stack.pop()`); code that runs once or is not
    /// the product (seed data, `populate/`, migrations and `alterations/`, developer scripts: in TS/JS a file
    /// no application code imports that a package.json script runs or that lies in a
    /// `scripts/` folder, as `hardcoded-url` tells them, in Rust a `scripts/` folder; `bin/`, `*.seed.ts`,
    /// `*_migrations.rs`, a tool named for what it migrates (`migrate_*.rs`,
    /// `migrate-*.ts`), test support and mocks such as `testing/`, `test_utils.rs`,
    /// `crates/app_test_db/`, `__mocks__/` and a mock service worker's `api-msw/`, examples;
    /// see Options); calls collected into one `Promise.all` (also spread into one array),
    /// `$transaction([...])`, `join_all` or `buffer_unordered` (these can get an `info`
    /// suggestion, see Options); channel and stream consumption (`while let Some(x) =
    /// rx.recv().await`); test code; and lines with a suppression comment.
    ///
    /// ## Why is this bad?
    /// Each iteration waits for a full round trip to the database or the remote service, so
    /// the time grows with the number of items: 200 tasks written one `create` at a time
    /// cost 200 round trips where one `createMany` costs one, commonly 10 to 20 times
    /// slower, and it holds a connection from the pool all along. It hides in review
    /// because each line looks harmless. `forEach(async …)` is worse: `forEach` does not
    /// wait for the callbacks, so their errors are unhandled and they finish in any order.
    ///
    /// ## Example
    /// ```ts
    /// for (const task of tasks) {
    ///   await this.prisma.task.create({ data: task });
    /// }
    /// for (const id of ids) {
    ///   users.push(await this.prisma.user.findUnique({ where: { id } }));
    /// }
    /// ```
    /// ```rs
    /// for id in &ids {
    ///     let user = sqlx::query_as::<_, User>("SELECT * FROM users WHERE id = $1")
    ///         .bind(id)
    ///         .fetch_one(&pool)
    ///         .await?;
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```ts
    /// await this.prisma.task.createMany({ data: tasks });
    /// const users = await this.prisma.user.findMany({ where: { id: { in: ids } } });
    /// ```
    /// ```rs
    /// let users = sqlx::query_as::<_, User>("SELECT * FROM users WHERE id = ANY($1)")
    ///     .bind(&ids)
    ///     .fetch_all(&pool)
    ///     .await?;
    /// ```
    /// Each diagnostic's help names the batched form for the library it found:
    /// `createMany`, `findMany({ where: { id: { in: ids } } })`, `updateMany`/`deleteMany`,
    /// `$transaction([...])`, `In(ids)`, `bulkCreate`, `insertMany`/`bulkWrite`, `whereIn`,
    /// `inArray`, `= ANY($1)`, `eq_any`, `is_in`, a Redis pipeline, or (with `check-http`) bounded concurrency
    /// for HTTP.
    ///
    /// ## Options
    /// ```toml
    /// [rules.n-plus-one]
    /// # More data-access calls, as call patterns (see below), or tables with the library
    /// # name and the help to show.
    /// calls = [
    ///   "**.graphqlClient.request()",
    ///   { pattern = "**.ledger.*.fetch|post()", library = "Ledger API", help = "use `ledger.batch([...])`" },
    ///   # Rust: `blocking = true` for a call that is data access without `.await`.
    ///   { pattern = "**.store.get_item(conn)", blocking = true },
    /// ]
    /// # Calls that are not data access although a built-in pattern matches them.
    /// ignore = ["this.cacheRepository.get()"]
    /// # Report calls that are already collected into one `Promise.all` or `$transaction`
    /// # (N concurrent queries) as `info` suggestions to batch them into one query.
    /// suggest-batching = false
    /// # Also check code that runs once: seed data, migrations, one-off scripts.
    /// check-one-off-scripts = false
    /// # Also report HTTP and GraphQL requests (`fetch`, `axios`, `got`, `ky`, NestJS
    /// # `HttpService`, API clients, GraphQL clients, `reqwest`): off by default, because
    /// # whether an API can take many items in one request is not known from the call.
    /// check-http = false
    /// # Report loops over inputs (a parameter, an input's list, a field, a config, a
    /// # value computed in memory) as `info`; `false` leaves them out, for a project
    /// # whose loops over inputs step over a handful of items.
    /// loops-over-inputs = true
    /// ```
    /// A call pattern matches a call's receiver chain from its root, one segment per `.`:
    /// `this.prisma.task.create()` is `this . prisma . task . create()`. A segment is a name
    /// (`prisma`), a call (`create()`), alternatives (`findOne|findMany()`), a name with a
    /// `*` wildcard (`*Repository`), `*` for any one segment or `**` for any number.
    /// A call may require its arguments to look a certain way: `get(str)` a string or
    /// template first argument, `query(sql)` a first argument that is not an object or a
    /// function, and in Rust `first(conn)` one connection-like argument and
    /// `query(params)` a `&[..]` second argument. Rust paths match by their last name
    /// unless the pattern writes a path (`reqwest::get()`).
    pub static META = {
        id: "n-plus-one",
        languages: [Rust, JavaScript],
        severity: Warning,
        summary: "Database and key-value round trips (and, with `check-http`, HTTP requests) made once per loop iteration where one batched call would do",
        fix: None,
    }
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum CallOption {
    Pattern(String),
    Table {
        pattern: String,
        #[serde(default)]
        library: Option<String>,
        #[serde(default)]
        help: Option<String>,
        /// Rust: a blocking call, data access without `.await`.
        #[serde(default)]
        blocking: bool,
    },
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct Options {
    calls: Vec<CallOption>,
    ignore: Vec<String>,
    suggest_batching: bool,
    check_one_off_scripts: bool,
    check_http: bool,
    loops_over_inputs: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            calls: Vec::new(),
            ignore: Vec::new(),
            suggest_batching: false,
            check_one_off_scripts: false,
            check_http: false,
            // On by default: on fresh back ends about half of these were worth a change,
            // more than of the warnings, and they are shown as `info` (docs/accuracy.md).
            loops_over_inputs: true,
        }
    }
}

pub struct NPlusOne {
    /// Patterns from the configuration, tried before the built-in catalogue.
    extra: Vec<Entry>,
    ignore: Vec<Pattern>,
    suggest_batching: bool,
    /// Also check seed data, migrations and scripts that run once.
    check_one_off_scripts: bool,
    /// Also report requests to remote APIs (the catalogue's HTTP and GraphQL calls).
    check_http: bool,
    /// Also report loops whose items do not come from a round trip (as `info`).
    loops_over_inputs: bool,
}

impl NPlusOne {
    pub fn build(options: &RuleOptions) -> Result<Box<dyn Rule>, ConfigError> {
        let parsed: Options = options.parse()?;
        let mut extra = Vec::new();
        for call in parsed.calls {
            let (pattern, library, help, blocking) = match call {
                CallOption::Pattern(pattern) => (pattern, None, None, false),
                CallOption::Table {
                    pattern,
                    library,
                    help,
                    blocking,
                } => (pattern, library, help, blocking),
            };
            let compiled =
                Pattern::parse(&pattern).map_err(|error| options.error("calls", error))?;
            extra.push(Entry {
                lang: Lang::Both,
                library: library.unwrap_or_else(|| "data-access".to_string()),
                pattern: compiled,
                help: help.unwrap_or_else(|| {
                    "fetch or write all the items with one batched call before or after the loop, or run the calls concurrently with a limit".to_string()
                }),
                blocking,
                remote_api: false,
            });
        }
        let ignore = parsed
            .ignore
            .iter()
            .map(|pattern| Pattern::parse(pattern).map_err(|error| options.error("ignore", error)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Box::new(NPlusOne {
            extra,
            ignore,
            suggest_batching: parsed.suggest_batching,
            check_one_off_scripts: parsed.check_one_off_scripts,
            check_http: parsed.check_http,
            loops_over_inputs: parsed.loops_over_inputs,
        }))
    }

    /// Adds the finding's diagnostic to `out`, unless it is in a loop over inputs (items
    /// that do not come from a round trip) and the project left those out.
    fn report(&self, file: &Arc<SourceFile>, finding: &Finding, out: &mut Vec<Diagnostic>) {
        let over_inputs = finding.batched.is_none()
            && finding
                .site
                .as_ref()
                .is_some_and(|site| !site.from_round_trip);
        if over_inputs && !self.loops_over_inputs {
            return;
        }
        if is_notification_per_recipient(file, finding) {
            return;
        }
        out.push(diagnostic(file, finding));
    }

    /// The catalogue entry a call chain matches, and how many of its segments make the
    /// data-access call.
    fn data_access<S>(
        &self,
        lang: Lang,
        chain: &[Seg<S>],
        awaited: bool,
    ) -> Option<(&Entry, usize)> {
        let entries = self.extra.iter().chain(catalogue::BUILT_IN.iter());
        let (entry, len) = catalogue::find_match(entries, lang, chain, awaited)?;
        // An HTTP or GraphQL request per item is an N+1 worth fixing only when the API
        // takes many items in one request, which the call does not tell: on real back ends
        // most such loops post to third-party APIs without a batched form. Unknown means
        // silent, unless the project asks for them.
        if entry.remote_api && !self.check_http {
            return None;
        }
        if self
            .ignore
            .iter()
            .any(|ignore| (1..=chain.len()).any(|end| ignore.matches(&chain[..end])))
        {
            return None;
        }
        Some((entry, len))
    }
}

impl Rule for NPlusOne {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_rust(&self, ctx: &RustContext<'_>, out: &mut Vec<Diagnostic>) {
        if ctx.is_test_file || ctx.is_tooling_file || self.skips(&ctx.file.display) {
            return;
        }
        if !self.check_one_off_scripts && in_scripts_folder(&ctx.file.display) {
            return;
        }
        rust::check(self, ctx, out);
    }

    fn check_js(&self, ctx: &JsContext<'_>, out: &mut Vec<Diagnostic>) {
        if ctx.is_test_file || ctx.is_tooling_file || self.skips(&ctx.file.display) {
            return;
        }
        // Every finding is a call awaited, or returned from an `async` callback, on each
        // iteration (with `suggest-batching`, also one that `Promise.all` batches): a file
        // whose text has neither `await` nor `async` has none, and skips the walks of its
        // tree.
        let text = ctx.file.text.as_bytes();
        if !self.suggest_batching
            && memchr::memmem::find(text, b"await").is_none()
            && memchr::memmem::find(text, b"async").is_none()
        {
            return;
        }
        // Developer scripts, told by the front end: run by a package.json script or in a
        // `scripts/` folder, and loaded by no application code. Telling can take a
        // project-wide index of importers: asked only of a file that has something to report.
        let mut found = Vec::new();
        js::check(self, ctx, &mut found);
        if found.is_empty() {
            return;
        }
        let path = prodlint_core::normalize(&ctx.project.cwd, &ctx.file.path);
        if self.check_one_off_scripts
            || !prodlint_js::dev_scripts::is_dev_script(ctx.project, &path)
        {
            out.append(&mut found);
        }
    }
}

impl NPlusOne {
    fn skips(&self, path: &str) -> bool {
        !self.check_one_off_scripts && is_one_off_script(path)
    }
}

/// Seed data (`seed/`, `populate/`, `populator.ts`), data migrations and one-off scripts
/// run once, by hand or at deploy time; test support code (`testing/`,
/// `test_utils.rs`) runs in tests and examples (`examples/`, `example-plugins/`) are not
/// the product: a loop of queries there costs nothing worth a warning. `prisma/seed.ts`,
/// `src/migrations/1700-backfill.ts`, `alterations/1.3.0-update-hooks.ts`, `users.seed.ts`, `sql_migrations.rs`,
/// `bin/backfill.js` (but not Rust's `src/bin/`, which holds the program's own binaries),
/// a tool named for what it migrates (`cmd/migrate_device_profile_templates.rs`).
/// Scripts in `scripts/` folders are told apart per language: see [`in_scripts_folder`]
/// and, for TS/JS, `prodlint_js::dev_scripts`.
fn is_one_off_script(path: &str) -> bool {
    let mut components = path.split('/').filter(|c| !c.is_empty() && *c != ".");
    let file_name = components.next_back().unwrap_or("").to_ascii_lowercase();
    let dirs: Vec<String> = components.map(|dir| dir.to_ascii_lowercase()).collect();
    let in_dir = dirs.iter().enumerate().any(|(i, dir)| {
        dir.starts_with("seed")
            || dir.starts_with("populat")
            || dir.starts_with("example")
            || dir.starts_with("migration")
            // Migrations by another name: `packages/schemas/alterations/1.3.0-….ts`.
            || dir.starts_with("alteration")
            || matches!(
                dir.as_str(),
                "migrate" | "testing" | "test-utils" | "test_utils"
            )
            || (dir == "bin" && (i == 0 || dirs[i - 1] != "src"))
            || is_test_support_dir(dir)
    });
    let stem = file_name.split('.').next().unwrap_or("");
    let infixes = file_name.split('.').skip(1);
    // Test support outside test directories: `test_utils.rs`, `test-helpers.ts`.
    let test_support = [
        "test_util",
        "test-util",
        "testutil",
        "test_helper",
        "test-helper",
    ]
    .iter()
    .any(|prefix| stem.starts_with(prefix));
    in_dir
        || test_support
        || stem.starts_with("seed")
        || stem.starts_with("populat")
        || split_words(stem)
            .iter()
            .any(|word| word.starts_with("migration"))
        // A tool named for what it migrates: `migrate_device_profile_templates.rs`.
        || stem.split(['_', '-']).next() == Some("migrate")
        || infixes
            .take_while(|part| !matches!(*part, "ts" | "js" | "mjs" | "cjs" | "mts" | "cts"))
            .any(|part| matches!(part, "seed" | "seeds" | "seeder" | "migration" | "fixture"))
}

/// A Rust file in a `scripts/` or `script/` folder (`tools/scripts/backfill.rs`). A TS/JS
/// file there is a script only when no application code imports it, which the JS front
/// end tells (`prodlint_js::dev_scripts`): a `src/scripts/` folder may hold code the
/// application loads.
fn in_scripts_folder(path: &str) -> bool {
    let mut dirs = path.split('/').filter(|c| !c.is_empty() && *c != ".");
    dirs.next_back();
    dirs.any(|dir| matches!(dir.to_ascii_lowercase().as_str(), "scripts" | "script"))
}

/// A file that imports or syncs data, by its name's words: `import.service.ts`,
/// `importer.ts`, `fast-importer.service.ts`, `sync_index.rs`, `catalog-sync.ts` (not
/// `important.ts` or `synchronous.ts`). Its loops step over an imported list of records
/// (CSV rows, an uploaded file, a remote index), which can be long.
fn is_import_file(path: &str) -> bool {
    let file_name = path.rsplit('/').next().unwrap_or(path);
    let stem = file_name.split('.').next().unwrap_or("");
    stem.split(['_', '-']).flat_map(split_words).any(|word| {
        matches!(
            word.as_str(),
            "import" | "imports" | "importer" | "sync" | "syncer"
        )
    })
}

/// SQL text that changes the schema or maintains storage (`DROP TABLE "x"`, `ALTER
/// TABLE … ADD COLUMN`, `CREATE INDEX`, `VACUUM`, `REFRESH MATERIALIZED VIEW`, `LOCK
/// TABLE`), also
/// behind the quotes and parentheses of a call's arguments (`("DROP TABLE …", …)`,
/// `(r#"ALTER …"#)`): run once per table or field, each a unit of work of its own with
/// no batched form.
fn is_schema_sql(text: &str) -> bool {
    let trim = |text: &str| -> String {
        text.trim_start_matches(|c: char| {
            c.is_whitespace() || matches!(c, '(' | '"' | '\'' | '`' | 'r' | '#' | '&')
        })
        .to_string()
    };
    let mut text = trim(text);
    if let Some(rest) = text.strip_prefix("format!") {
        text = trim(rest);
    }
    let first_word: String = text
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_uppercase();
    matches!(
        first_word.as_str(),
        "CREATE"
            | "DROP"
            | "ALTER"
            | "TRUNCATE"
            | "VACUUM"
            | "REINDEX"
            | "REFRESH"
            | "ANALYZE"
            | "CLUSTER"
            | "GRANT"
            | "REVOKE"
            | "COMMENT"
            | "LOCK"
    )
}

/// Statement text that takes a whole set of values for one placeholder: `= ANY($1)`,
/// `unnest($1::text[])`, diesel's `eq_any(..)` and `is_in(..)`, an insert's `.values(..)`.
fn names_a_set(text: &str) -> bool {
    let lower: String = text
        .to_ascii_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    [
        "any($", "any(?", "unnest($", ".eq_any(", ".is_in(", ".values(",
    ]
    .iter()
    .any(|marker| lower.contains(marker))
}

/// Whether statement text names its table with one of `names` interpolated into it
/// (`format!("DELETE FROM {table} WHERE …")`, `` `UPDATE "${table}" SET …` ``): each
/// value of the name is another table, and statements on different tables are not one
/// (the callers ask it of statements that also take a set, see [`names_a_set`]).
fn table_named_by(text: &str, names: &std::collections::HashSet<String>) -> bool {
    const KEYWORDS: &[&str] = &["FROM", "INTO", "UPDATE", "JOIN", "TABLE"];
    let upper = text.to_ascii_uppercase();
    KEYWORDS.iter().any(|keyword| {
        upper.match_indices(keyword).any(|(at, _)| {
            let before_is_word = text[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
            if before_is_word {
                return false;
            }
            let rest = text[at + keyword.len()..]
                .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '\\' | '"' | '`'));
            let rest = rest.strip_prefix('$').unwrap_or(rest);
            let Some(inner) = rest.strip_prefix('{') else {
                return false;
            };
            let name: String = inner
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            !name.is_empty() && names.contains(&name)
        })
    })
}

/// A directory of test support or mocks named by its words: `crates_io_test_db`,
/// `test-fixtures`, `__mocks__`, `api-msw` (a mock service worker's handlers), but not
/// `latest` or `contest`.
fn is_test_support_dir(dir: &str) -> bool {
    dir.split(['_', '-', '.']).any(|word| {
        matches!(
            word,
            "test" | "tests" | "testing" | "mock" | "mocks" | "msw"
        )
    })
}

/// A name that holds a group of items rather than one: `chunk`, `batches`, `idChunk`,
/// `chunked_ids`. A loop over those makes one call per group: it already batches.
fn is_group_name(name: &str) -> bool {
    split_words(name)
        .iter()
        .any(|word| word.starts_with("chunk") || word.starts_with("batch"))
}

/// A name that holds groups, not one group: `chunks`, `idBatches`, `chunked_ids`. A loop
/// over `chunk` or `batch` steps over the items of one group, each its own call.
fn holds_groups(name: &str) -> bool {
    split_words(name)
        .iter()
        .any(|word| matches!(word.as_str(), "chunks" | "batches" | "chunked" | "batched"))
}

/// A notification or an invitation written per recipient of one event: a loop over the
/// recipients, members, subscribers, watchers, followers, participants, mentions,
/// invitees or e-mail addresses of something (`for (const userId of recipientIds)`,
/// `mentions.forEach`, `for (const email of targetEmails)`) whose round trip writes a
/// notification or an invitation (`Notification.create`,
/// `this.notificationRepository.save`, a helper `create_notification`,
/// `prisma.viewerInvitation.create`), or whose call delivers one (`queueEmail`,
/// `canSendEmail`, `addToDigest`). On the back ends measured every one of those was
/// judged cheap to leave (docs/accuracy.md): one event has a handful of recipients, and
/// each row records a delivery of its own (often right after the e-mail it sent). A read
/// per member stays a finding.
fn is_notification_per_recipient(file: &SourceFile, finding: &Finding) -> bool {
    let Some(site) = &finding.site else {
        return false;
    };
    // The loop's call (`createNotification(..)`) or the round trip it reaches
    // (`Notification.create`).
    const WRITES: &[&str] = &["create", "insert", "save", "upsert", "add"];
    let writes_notification = std::iter::once(&finding.call)
        .chain(finding.helper.as_ref().map(|via| &via.call))
        .any(|call| {
            let lower = call.to_ascii_lowercase();
            let method = lower.rsplit(['.', ':']).next().unwrap_or(&lower);
            (lower.contains("notification") || lower.contains("invit"))
                && WRITES.iter().any(|w| method.starts_with(w))
        });
    // Or the loop's call delivers one by its name: `queueEmail`, `canSendEmail` (a rate
    // limit per recipient), `addToDigest`, `notifyMentionedUsers`, `sendInviteEmail`.
    let delivers = {
        let method = finding
            .call
            .rsplit(['.', ':'])
            .next()
            .unwrap_or(&finding.call);
        let words = split_words(method);
        const VERBS: &[&str] = &["send", "queue", "enqueue", "notify", "deliver", "schedule"];
        let acts = words.iter().any(|w| VERBS.contains(&w.as_str()))
            || words.first().is_some_and(|w| WRITES.contains(&w.as_str()));
        acts && words.iter().any(|w| {
            ["notif", "invit", "email", "mail", "digest"]
                .iter()
                .any(|stem| w.starts_with(stem))
        })
    };
    if !writes_notification && !delivers {
        return false;
    }
    const RECIPIENTS: &[&str] = &[
        "recipient",
        "recipients",
        "user",
        "users",
        "member",
        "members",
        "subscriber",
        "subscribers",
        "watcher",
        "watchers",
        "follower",
        "followers",
        "participant",
        "participants",
        "mention",
        "mentions",
        "mentioned",
        "invitee",
        "invitees",
        "email",
        "emails",
    ];
    file.slice(site.header)
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .flat_map(split_words)
        .any(|word| RECIPIENTS.contains(&word.as_str()))
}

/// A name for a connection or a database: `for (const db of
/// databases) await db.query(..)` runs once per database, and they cannot share a query.
fn is_connection_name(name: &str) -> bool {
    split_words(name).iter().any(|word| {
        matches!(
            word.as_str(),
            "conn"
                | "connection"
                | "db"
                | "database"
                | "datasource"
                | "pool"
                | "shard"
                | "replica"
                | "cluster"
        )
    })
}

/// Where a segment of a call chain is: the expression ending there, its arguments, and
/// where its name starts (`create` in `this.prisma.task.create(..)`).
#[derive(Debug, Clone, Copy)]
struct At {
    expr: Span,
    args: Span,
    name: u32,
}

/// A helper's first data-access call.
#[derive(Debug, Clone)]
struct Access {
    span: Span,
    call: String,
    library: String,
    help: String,
}

/// A call chain (`this.prisma.task.create(…)`), one segment per name.
type Chain = Vec<catalogue::Seg<At>>;

/// The loop a call repeats in.
#[derive(Debug, Clone)]
struct LoopSite {
    header: Span,
    /// `for…of loop`, `forEach callback`, `for_each closure`.
    kind: String,
    /// An async `forEach` callback: nothing waits for it.
    unawaited_callback: bool,
    /// The loop (or one around it) steps over what a round trip returned, or over an
    /// imported list: the classic N+1, reported at the rule's severity. Other loops (over
    /// a parameter, an input's list, a field, a config) are over inputs: `info` with
    /// `loops-over-inputs` (the default), else not reported; their items are often a
    /// handful.
    from_round_trip: bool,
}

/// A data-access call made by a function or method that the loop calls, directly or
/// through other calls.
#[derive(Debug, Clone)]
struct ViaHelper {
    /// The round trip, as shown: `this.repo.findOne`.
    call: String,
    /// From the loop's callee to the round trip: each call on the way, the last one the
    /// round trip itself (in whichever file they are).
    hops: Vec<Hop>,
}

/// One call on the way from a loop to its round trip.
#[derive(Debug, Clone)]
struct Hop {
    file: Arc<SourceFile>,
    span: Span,
    /// `` `UsersService.load` calls `this.repo.findOne` here ``.
    message: String,
}

/// One finding, in either language.
#[derive(Debug, Clone)]
struct Finding {
    span: Span,
    /// The call as shown: `this.prisma.task.create`.
    call: String,
    library: String,
    help: String,
    site: Option<LoopSite>,
    helper: Option<ViaHelper>,
    /// Inside `Promise.all`/`$transaction`/`join_all`: already concurrent; an `info`
    /// suggestion to make it one query.
    batched: Option<Span>,
    /// The call takes an array and is given one element per iteration.
    array_of_one: bool,
}

/// A chain as shown in a message: `this.prisma.task.create`, `knex(…).where(…).first`.
fn render_chain<S>(chain: &[Seg<S>]) -> String {
    // `sqlx::query(…).bind(…).bind(…).execute` → `sqlx::query(…)….execute`
    if let Some(first_call) = chain.iter().position(|seg| seg.call) {
        if chain.len() > first_call + 2 {
            let head = render_chain(&chain[..=first_call]);
            let last = &chain[chain.len() - 1];
            return format!("{head}(…)….{}", last.name);
        }
    }
    let mut out = String::new();
    for (i, seg) in chain.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        out.push_str(&seg.name);
        if seg.call && i + 1 < chain.len() {
            out.push_str("(…)");
        }
    }
    const MAX: usize = 70;
    if out.chars().count() > MAX {
        let tail: String = out
            .chars()
            .rev()
            .take(MAX - 1)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        format!("…{tail}")
    } else {
        out
    }
}

/// What one call costs (`a Prisma query`), and the plural for N of them.
fn what(library: &str) -> (String, &'static str) {
    if library == "HTTP" {
        ("an HTTP request".into(), "HTTP requests")
    } else if library.eq_ignore_ascii_case("redis") {
        (format!("a {library} round trip"), "round trips")
    } else {
        (format!("a {library} query"), "queries")
    }
}

fn diagnostic(file: &Arc<SourceFile>, finding: &Finding) -> Diagnostic {
    let Finding {
        span,
        call,
        library,
        help,
        site,
        helper,
        batched,
        array_of_one,
    } = finding;
    let (what, whats) = what(library);
    if let Some(all) = batched {
        let message = format!(
            "`{call}` makes {what} per item, all at once: one batched call could replace them"
        );
        return Diagnostic::new(META.id, Severity::Info, file, *span, message)
            .with_help(help.clone())
            .with_label(file, *all, "the calls are collected here");
    }
    let site = site.as_ref().expect("a finding outside a batch has a loop");
    let message = match helper {
        Some(via) if via.hops.len() > 1 => format!(
            "`{call}` makes {what} (`{}`, {} calls down) on every iteration of the {}: N+1 {whats}",
            via.call,
            via.hops.len(),
            site.kind
        ),
        Some(via) => format!(
            "`{call}` makes {what} (`{}`) on every iteration of the {}: N+1 {whats}",
            via.call, site.kind
        ),
        None => format!(
            "`{call}` makes {what} on every iteration of the {}: N+1 {whats}",
            site.kind
        ),
    };
    let message = if *array_of_one {
        format!("{message}; it takes an array and is given one item each time")
    } else {
        message
    };
    let mut help = if *array_of_one {
        format!("pass the whole array to one `{call}` call before the loop; {help}")
    } else {
        help.clone()
    };
    if site.unawaited_callback {
        help.push_str("; also, `forEach` does not wait for an async callback, so its errors go unhandled and the calls finish in any order: use `for…of` or `Promise.all`");
    }
    let (severity, header_label) = if site.from_round_trip {
        (META.default_severity, "for each item of this loop")
    } else {
        (
            Severity::Info,
            "for each item of this loop (its items do not come from a query here: worth a change if there can be many)",
        )
    };
    let mut diagnostic = Diagnostic::new(META.id, severity, file, *span, message)
        .with_help(help)
        .with_label(file, site.header, header_label);
    if let Some(via) = helper {
        for hop in &via.hops {
            diagnostic = diagnostic.with_label(&hop.file, hop.span, hop.message.clone());
        }
    }
    diagnostic
}

/// Words in a loop header that mark retries, polling, pages or redirect hops rather than
/// items: `attempt`, `maxRetries`, `hasNextPage`, `cursor`, `redirectCount`, but not
/// `Object.entries`.
fn is_retry_or_paging_header(header: &str) -> bool {
    const WORDS: &[&str] = &[
        "retry",
        "retries",
        "retried",
        "attempt",
        "attempts",
        "tries",
        "backoff",
        "page",
        "pages",
        "cursor",
        "offset",
        "continuation",
        "redirect",
        "redirects",
        "hop",
        "hops",
    ];
    const COMPOUNDS: &[&str] = &["hasmore", "hasnext", "nexttoken", "nextpage", "nextcursor"];
    header
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|identifier| !identifier.is_empty())
        .any(|identifier| {
            let lower = identifier.to_ascii_lowercase().replace('_', "");
            COMPOUNDS.iter().any(|compound| lower.contains(compound))
                || split_words(identifier)
                    .iter()
                    .any(|word| WORDS.contains(&word.as_str()))
        })
}

/// `maxRetries` → `max`, `retries`; `next_page` → `next`, `page`; `MAX_RETRIES` → `max`,
/// `retries`; `parseHTTPResponse` → `parse`, `http`, `response`. A run of capitals is one
/// word (a constant's name or an acronym), its last capital starting the next word when a
/// lower-case letter follows.
fn split_words(identifier: &str) -> Vec<String> {
    let chars: Vec<char> = identifier.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c == '_' {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if c.is_ascii_uppercase() && !current.is_empty() {
            let after_lower = chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit();
            let ends_capitals = chars[i - 1].is_ascii_uppercase()
                && chars
                    .get(i + 1)
                    .is_some_and(|next| next.is_ascii_lowercase());
            if after_lower || ends_capitals {
                words.push(std::mem::take(&mut current));
            }
        }
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Whether the data-access call that ends `chain[..len]` reads one page of results (see
/// [`is_paging_call`]): a loop of those is pagination, not an N+1.
fn pages(chain: &[catalogue::Seg<At>], len: usize, file: &SourceFile) -> bool {
    let args = chain[..len]
        .iter()
        .filter(|seg| seg.call)
        .map(|seg| file.slice(seg.at.args))
        .collect::<Vec<_>>()
        .join(" ");
    is_paging_call(&chain[len - 1].name, &args)
}

/// A read whose arguments page through results: `findMany({ skip, take })`,
/// `{ cursor: { id } }`, `LIMIT 100 OFFSET $1`. Writes never page.
fn is_paging_call(method: &str, args: &str) -> bool {
    let method = method
        .rsplit("::")
        .next()
        .unwrap_or(method)
        .to_ascii_lowercase();
    const WRITES: &[&str] = &[
        "create", "insert", "update", "upsert", "delete", "save", "remove", "destroy", "execute",
        "bulk", "set", "del", "put", "post", "patch",
    ];
    if WRITES.iter().any(|write| method.starts_with(write)) {
        return false;
    }
    args.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$'))
        .map(|word| word.to_ascii_lowercase())
        .any(|word| {
            matches!(
                word.as_str(),
                "skip"
                    | "cursor"
                    | "offset"
                    | "page"
                    | "pagetoken"
                    | "page_token"
                    | "nextpagetoken"
                    | "pagenumber"
                    | "page_number"
                    | "startafter"
                    | "startcursor"
            )
        })
}

/// Calls that pace a loop on purpose (sleeps, backoff) or consume a stream or channel.
fn is_pacing_call(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "sleep"
            | "delay"
            | "wait"
            | "settimeout"
            | "timeout"
            | "tick"
            | "backoff"
            | "throttle"
            | "ratelimit"
            | "delay_for"
            | "wait_for"
    ) || lower.ends_with("sleep")
        || lower.ends_with("delay")
        || lower.ends_with("backoff")
}

/// Calls that take the next item off a local collection: an infinite loop with one is a
/// loop over that collection.
fn is_drain_call(name: &str) -> bool {
    matches!(
        name,
        "shift"
            | "pop"
            | "pop_front"
            | "pop_back"
            | "dequeue"
            | "splice"
            | "pop_first"
            | "pop_last"
    )
}

/// The largest count a literal loop bound may have and still be "a few".
const SMALL_BOUND: f64 = 10.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_add_and_ignore_patterns() {
        let config = prodlint_core::Config::parse(
            "[rules.n-plus-one]\ncalls = [\"**.ledger.post()\", { pattern = \"**.gql.request()\", library = \"GraphQL\", help = \"batch it\" }]\nignore = [\"**.cacheRepository.*()\"]\nsuggest-batching = true\n",
            "prodlint.toml",
            &["n-plus-one"],
        )
        .unwrap();
        assert!(NPlusOne::build(&config.rule("n-plus-one").options).is_ok());

        let config = prodlint_core::Config::parse(
            "[rules.n-plus-one]\n\ncalls = [\"this.api.request\"]\n",
            "prodlint.toml",
            &["n-plus-one"],
        )
        .unwrap();
        let error = NPlusOne::build(&config.rule("n-plus-one").options)
            .err()
            .unwrap();
        assert_eq!(error.line, Some(3));
        assert!(error.message.contains("must end in a call"), "{error}");
    }

    #[test]
    fn schema_statements() {
        assert!(is_schema_sql("DROP TABLE IF EXISTS \"t\""));
        assert!(is_schema_sql("(\"alter table t add column c int\", &[])"));
        assert!(is_schema_sql("(r#\"CREATE INDEX i ON t (c)\"#)"));
        assert!(!is_schema_sql("(\"DELETE FROM t WHERE id = $1\")"));
        assert!(!is_schema_sql("(\"SELECT created FROM t\")"));
        assert!(!is_schema_sql("(sql)"));
        assert!(is_schema_sql("(&format!(\"DROP TABLE {name}\"))"));
        assert!(is_schema_sql(
            "(&format!(\"LOCK TABLE {table} IN EXCLUSIVE MODE\"))"
        ));
    }

    #[test]
    fn sets_and_tables_named_in_statements() {
        assert!(names_a_set(
            "(\"DELETE FROM t WHERE uri = ANY($1)\", &[&uris])"
        ));
        assert!(names_a_set("(\"SELECT * FROM unnest($1::text[])\")"));
        assert!(names_a_set("t.filter(id.eq_any(&ids)).load(conn)"));
        assert!(!names_a_set("(\"DELETE FROM t WHERE uri = $1\", &[&uri])"));
        assert!(!names_a_set("(\"SELECT company FROM t\")"));
        let names: std::collections::HashSet<String> = ["table".to_string()].into();
        assert!(table_named_by(
            "(&format!(\"DELETE FROM {table} WHERE a = $1\"))",
            &names
        ));
        assert!(table_named_by(
            "(&format!(\"UPDATE \\\"{table}\\\" SET a = 1\"))",
            &names
        ));
        assert!(table_named_by(
            "(`INSERT INTO ${table} (a) VALUES ($1)`)",
            &names
        ));
        assert!(!table_named_by(
            "(&format!(\"DELETE FROM t WHERE a = {table}\"))",
            &names
        ));
        assert!(!table_named_by(
            "(&format!(\"DELETE FROM {other} WHERE a = 1\"))",
            &names
        ));
        assert!(!table_named_by(
            "(&format!(\"SELECT a_from {table}\"))",
            &names
        ));
    }

    #[test]
    fn import_files_by_their_words() {
        assert!(is_import_file("apps/api/src/import/import.service.ts"));
        assert!(is_import_file("packages/core/src/data-import/importer.ts"));
        assert!(is_import_file("src/catalog-sync.ts"));
        assert!(is_import_file("src/index/sync_index.rs"));
        assert!(is_import_file("src/dataImport.ts"));
        assert!(!is_import_file("src/important.ts"));
        assert!(!is_import_file("src/synchronous.ts"));
        assert!(!is_import_file("src/import/orders.service.ts"));
    }

    #[test]
    fn test_support_and_mock_directories() {
        assert!(is_one_off_script("crates/crates_io_test_db/src/lib.rs"));
        assert!(is_one_off_script("packages/api-msw/handlers/owners.ts"));
        assert!(is_one_off_script("src/__mocks__/db.ts"));
        assert!(is_one_off_script(
            "packages/schemas/alterations/1.3.0-1683292832-update-hooks.ts"
        ));
        assert!(is_one_off_script(
            "chirpstack/src/cmd/migrate_device_profile_templates.rs"
        ));
        assert!(is_one_off_script("src/tools/migrate-users.ts"));
        assert!(!is_one_off_script("src/cmd/immigrate.rs"));
        assert!(!is_one_off_script("src/users/user-migrate.service.ts"));
        assert!(!is_one_off_script("src/alter/profile.ts"));
        assert!(!is_one_off_script("src/latest/contest.ts"));
        assert!(!is_one_off_script("src/attestation/service.ts"));
    }

    #[test]
    fn headers_and_arguments() {
        assert!(is_retry_or_paging_header(
            "for (let attempt = 0; attempt < max; attempt++)"
        ));
        assert!(is_retry_or_paging_header("while (hasNextPage)"));
        assert!(!is_retry_or_paging_header("for (const task of tasks)"));
        assert!(is_retry_or_paging_header("for attempt in 0..MAX_RETRIES"));
        // A constant's name is split at its underscores, not at every capital.
        assert!(is_retry_or_paging_header("while (counter <= MAX_RETRIES)"));
        assert!(is_retry_or_paging_header("while (n < MAX_ATTEMPTS)"));
        assert!(!is_retry_or_paging_header(
            "for (const item of PAGEANT_ITEMS)"
        ));
        assert_eq!(split_words("MAX_RETRIES"), ["max", "retries"]);
        assert_eq!(
            split_words("parseHTTPResponse"),
            ["parse", "http", "response"]
        );
        assert_eq!(split_words("maxRetries"), ["max", "retries"]);
        assert_eq!(split_words("next_page"), ["next", "page"]);
        assert!(is_retry_or_paging_header("while (nextCursor)"));
        assert!(is_retry_or_paging_header(
            "for (let redirectCount = 0; redirectCount <= maxRedirects; redirectCount++)"
        ));
        assert!(!is_retry_or_paging_header("for (const shop of shops)"));
        assert!(!is_retry_or_paging_header(
            "for (const [k, v] of Object.entries(DEFAULTS))"
        ));
        assert!(!is_retry_or_paging_header(
            "for (const pageant of pageants)"
        ));
        assert!(is_paging_call("findMany", "({ skip: i * 100, take: 100 })"));
        assert!(is_paging_call(
            "fetch_all",
            "(\"SELECT * FROM t LIMIT 100 OFFSET $1\")"
        ));
        assert!(!is_paging_call("findMany", "({ where: { id } })"));
        assert!(!is_paging_call(
            "createMany",
            "({ data: { page: field.page } })"
        ));
        assert!(!is_paging_call("findMany", "({ where: { pageId: id } })"));
    }
}
