//! The catalogue of data-access calls, kept as data: each entry is a *call pattern* over
//! the normalised receiver chain of a call, the library it stands for and the batched form
//! to suggest. The same pattern language is what users write under `[rules.n-plus-one]`.
//!
//! A call chain is the expression read from its root: `this.prisma.task.create({ data })`
//! is `this . prisma . task . create()`, `knex('users').where(..).first()` is
//! `knex() . where() . first()`, `sqlx::query_as::<_, T>(..).bind(id).fetch_one(&pool)` is
//! `sqlx::query_as() . bind() . fetch_one()`. `await`, `?`, `!`, parentheses and type
//! arguments are transparent.
//!
//! The pattern language, one segment per `.`:
//! - `name` a property or path (`prisma`), which must not be called;
//! - `name()` a call; `name(str)` a call whose first argument is a string or template
//!   literal; `name(sql)` a call whose first argument is not an object, array or function;
//!   `name(conn)` (Rust) a call with one argument that names a connection, pool or
//!   transaction (`&mut conn`, `&self.pool`, `db`); `name(params)` (Rust) a call whose
//!   second argument is a parameter slice `&[..]`;
//! - `a|b|c` alternatives; `*` inside a name is a wildcard (`*Repository`); `@lower` a
//!   lower-case identifier, `@Pascal` a PascalCase name that is not a built-in
//!   (`Object`, `Promise`, `Math`, …);
//! - `*` any one segment; `**` any number of segments (also none);
//! - a Rust path is matched by its last component unless the pattern names a path
//!   (`reqwest::get()`).
//!
//! A call is data access when some prefix of its chain that ends in a call matches a whole
//! pattern: `await prisma.user.findMany().then(f)` matches through its prefix
//! `prisma.user.findMany()`.

use std::sync::LazyLock;

/// Which language's chains a pattern applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Js,
    Rust,
    Both,
}

/// A catalogue entry as written.
pub struct EntryDef {
    pub lang: Lang,
    pub library: &'static str,
    pub pattern: &'static str,
    /// The batched form, said as the help of the diagnostic.
    pub help: &'static str,
    /// Rust: also a data-access call without `.await` (diesel's blocking API).
    pub blocking: bool,
}

/// Named alternatives that patterns use as `{name}`.
const SETS: &[(&str, &str)] = &[
    // A Prisma client by its shape: `this.prisma`, `prisma`, `tx`, `db`, `prismaService`.
    (
        "prisma",
        "prisma|*Prisma|prisma*|tx|trx|db|prismaTx|transaction|database",
    ),
    (
        "prisma_read",
        "findUnique|findUniqueOrThrow|findFirst|findFirstOrThrow|findMany",
    ),
    (
        "prisma_count",
        "count|aggregate|groupBy",
    ),
    ("prisma_create", "create|createMany|createManyAndReturn"),
    (
        "prisma_write",
        "update|updateMany|updateManyAndReturn|delete|deleteMany|upsert",
    ),
    (
        "prisma_raw",
        "$queryRaw|$executeRaw|$queryRawUnsafe|$executeRawUnsafe",
    ),
    (
        "repo",
        "*Repository|*Repo|*repository|*repo|repository|repo|getRepository()|getCustomRepository()|getMongoRepository()|getTreeRepository()|withRepository()",
    ),
    (
        "repo_read",
        "find|findOne|findOneBy|findBy|findOneOrFail|findOneByOrFail|findAndCount|findAndCountBy|findByIds|count|countBy|exist|exists|existsBy|sum|average|minimum|maximum|query|findAll|findById|findByPk",
    ),
    (
        "repo_write",
        "save|insert|update|upsert|delete|remove|softDelete|softRemove|restore|increment|decrement|preload|insertMany|create|persistAndFlush|nativeInsert|nativeUpdate|nativeDelete",
    ),
    (
        "manager",
        "fork()|manager|em|entityManager|*EntityManager|transactionalEntityManager",
    ),
    (
        "manager_op",
        "find|findOne|findOneBy|findBy|findOneOrFail|findAndCount|count|save|insert|update|upsert|delete|remove|softDelete|query|increment|decrement|exists|persistAndFlush|removeAndFlush|nativeInsert|nativeUpdate|nativeDelete|populate|refresh",
    ),
    (
        "sequelize_only",
        "findByPk|findAll|findOrCreate|findAndCountAll|bulkCreate|findCreateFind",
    ),
    (
        "mongo_op",
        "insertOne|updateOne|deleteOne|replaceOne|findOneAndUpdate|findOneAndDelete|findOneAndReplace|findByIdAndUpdate|findByIdAndDelete|findByIdAndRemove|countDocuments|bulkWrite",
    ),
    (
        "model_op",
        "find|findOne|findById|create|insertMany|updateMany|deleteMany|aggregate|exists|findAll|findByPk|update|destroy|count|upsert",
    ),
    (
        "model",
        "collection()|@Pascal|*Model|*model|*Collection|*collection",
    ),
    (
        "redis",
        "redis|*Redis|*redis|redis*|ioredis|*RedisClient|*redisClient",
    ),
    (
        "redis_op",
        "get|set|setex|setnx|psetex|del|unlink|exists|expire|pexpire|ttl|incr|incrby|decr|hget|hset|hgetall|hmget|hmset|hdel|hincrby|hkeys|hvals|hlen|hexists|sadd|srem|smembers|sismember|scard|zadd|zrem|zscore|zincrby|zrank|zcard|zcount|zrange|zrevrange|zrangebyscore|zrevrangebyscore|lpush|rpush|lpop|rpop|lrange|llen|lindex|lrem|getdel|getex|mget|mset|sendCommand",
    ),
    ("http_verb", "get|post|put|patch|delete|head|options|request"),
    (
        "http_client",
        "axios|*Axios|axios*|got|ky|*httpService|*HttpService|httpService|*ApiClient|apiClient|*apiClient|api|*Api|http|*HttpClient|httpClient|*httpClient|$http|ofetch",
    ),
    (
        "pg",
        "pool|*Pool|*pool|client|pgClient|*PgClient|pg|db|conn|connection|*Connection|dataSource|*DataSource|queryRunner|*QueryRunner|manager|mysql|sequelize|*Sequelize|trx|tx",
    ),
    (
        "rs_conn",
        "client|*_client|conn|*_conn|connection|*_connection|db|*_db|pg|transaction|txn|*_txn|tx",
    ),
    (
        "rs_redis",
        "con|conn|*_con|*_conn|connection|*redis*|*_cache|cache",
    ),
    (
        "rs_http",
        "client|*_client|http|*_http|http_client|new()|build()|builder()",
    ),
];

/// The built-in catalogue. Order matters: the first entry that matches gives the help.
pub const CATALOGUE: &[EntryDef] = &[
    // ---- Prisma ------------------------------------------------------------------------
    EntryDef {
        lang: Lang::Js,
        library: "Prisma",
        pattern: "**.{prisma}.@lower.{prisma_create}()",
        help: "collect the rows in the loop and write them with one `createMany({ data: rows })` (or `createManyAndReturn`) after it",
        blocking: false,
    },
    EntryDef {
        lang: Lang::Js,
        library: "Prisma",
        pattern: "**.{prisma}.@lower.{prisma_read}()",
        help: "load every row in one query before the loop, `findMany({ where: { id: { in: ids } } })`, and look each one up in a `Map`",
        blocking: false,
    },
    EntryDef {
        lang: Lang::Js,
        library: "Prisma",
        pattern: "**.{prisma}.@lower.{prisma_count}()",
        help: "compute it for every item in one query: `groupBy({ by: ['key'], where: { key: { in: keys } }, _count: true })`",
        blocking: false,
    },
    EntryDef {
        lang: Lang::Js,
        library: "Prisma",
        pattern: "**.{prisma}.@lower.{prisma_write}()",
        help: "when every item gets the same change use one `updateMany`/`deleteMany` with `where: { id: { in: ids } }`; otherwise send the writes together in one `$transaction([...])`",
        blocking: false,
    },
    EntryDef {
        lang: Lang::Js,
        library: "Prisma",
        pattern: "**.{prisma}.{prisma_raw}()",
        help: "pass all the keys to one statement (`WHERE id = ANY(${ids})`), or send the statements together in one `$transaction([...])`",
        blocking: false,
    },
    // ---- TypeORM, MikroORM and repositories -------------------------------------------
    EntryDef {
        lang: Lang::Js,
        library: "TypeORM",
        pattern: "**.{repo}.{repo_read}()",
        help: "load every row in one query before the loop (TypeORM `findBy({ id: In(ids) })`, MikroORM `find(Entity, { id: { $in: ids } })`) and look each one up in a `Map`",
        blocking: false,
    },
    EntryDef {
        lang: Lang::Js,
        library: "TypeORM",
        pattern: "**.{repo}.{repo_write}()",
        help: "write all the entities at once: `save(entities)`/`insert(rows)` take an array, and `update`/`delete` take `{ id: In(ids) }`",
        blocking: false,
    },
    EntryDef {
        lang: Lang::Js,
        library: "TypeORM",
        pattern: "**.createQueryBuilder().**.getOne|getMany|getRawOne|getRawMany|getCount|getManyAndCount|getExists|execute()",
        help: "query all the keys at once with `.where('e.id IN (:...ids)', { ids })` before the loop",
        blocking: false,
    },
    EntryDef {
        lang: Lang::Js,
        library: "TypeORM/MikroORM",
        pattern: "**.{manager}.{manager_op}()",
        help: "load or write all the entities in one call: `findBy(Entity, { id: In(ids) })`, `save(entities)`; in MikroORM `persist` each entity and `flush()` once after the loop",
        blocking: false,
    },
    // ---- Sequelize, Mongoose, MongoDB -------------------------------------------------
    EntryDef {
        lang: Lang::Js,
        library: "Sequelize",
        pattern: "**.@Pascal|*Model|*model.{sequelize_only}()",
        help: "one query for all the keys: `findAll({ where: { id: ids } })`, or `bulkCreate(rows)` for inserts",
        blocking: false,
    },
    EntryDef {
        lang: Lang::Js,
        library: "MongoDB/Mongoose",
        pattern: "**.{mongo_op}()",
        help: "send the writes as one `bulkWrite([...])` (or `insertMany`, `updateMany`), and read with one `find({ _id: { $in: ids } })`",
        blocking: false,
    },
    EntryDef {
        lang: Lang::Js,
        library: "Sequelize/Mongoose",
        pattern: "**.{model}.{model_op}()",
        help: "one query for all the keys: Mongoose `find({ _id: { $in: ids } })` or `insertMany(docs)`, Sequelize `findAll({ where: { id: ids } })` or `bulkCreate(rows)`",
        blocking: false,
    },
    // ---- Query builders ---------------------------------------------------------------
    EntryDef {
        lang: Lang::Js,
        library: "Kysely",
        pattern: "**.selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto().**.execute|executeTakeFirst|executeTakeFirstOrThrow()",
        help: "one query for all the keys: `.where('id', 'in', ids)`, or `insertInto(t).values(rows)`",
        blocking: false,
    },
    EntryDef {
        lang: Lang::Js,
        library: "Drizzle",
        pattern: "**.db|*Db|*db|tx|trx|drizzle.query.@lower.findFirst|findMany()",
        help: "one query for all the keys: `findMany({ where: inArray(table.id, ids) })`",
        blocking: false,
    },
    EntryDef {
        lang: Lang::Js,
        library: "Drizzle",
        pattern: "**.db|*Db|*db|tx|trx|drizzle.select|selectDistinct|insert|update|delete()",
        help: "one statement for all the keys: `.where(inArray(table.id, ids))`, or `insert(table).values(rows)`",
        blocking: false,
    },
    EntryDef {
        lang: Lang::Js,
        library: "Knex",
        pattern: "**.knex|*Knex|trx|db(str)",
        help: "one query for all the keys: `.whereIn('id', ids)`, or `insert(rows)` with an array",
        blocking: false,
    },
    EntryDef {
        lang: Lang::Js,
        library: "Knex",
        pattern: "**.knex|*Knex.select|insert|update|del|delete|raw|from|table|where|first|into()",
        help: "one query for all the keys: `.whereIn('id', ids)`, or `insert(rows)` with an array",
        blocking: false,
    },
    // ---- SQL clients ------------------------------------------------------------------
    EntryDef {
        lang: Lang::Js,
        library: "SQL client",
        pattern: "**.{pg}.query|execute(sql)",
        help: "one statement for all the keys, `WHERE id = ANY($1)` with the array as the parameter (MySQL: `WHERE id IN (?)`), or one multi-row `INSERT`",
        blocking: false,
    },
    EntryDef {
        lang: Lang::Js,
        library: "postgres.js",
        pattern: "**.sql()",
        help: "one statement for all the keys: ``sql`... where id in ${sql(ids)}` ``, or ``sql`insert into t ${sql(rows)}` ``",
        blocking: false,
    },
    // ---- Redis ------------------------------------------------------------------------
    EntryDef {
        lang: Lang::Js,
        library: "Redis",
        pattern: "**.{redis}.{redis_op}()",
        help: "send the commands in one round trip: `mget`/`hmget`, or a `pipeline()`/`multi()` executed once after the loop",
        blocking: false,
    },
    // ---- GraphQL (a client known by its type) ----------------------------------------
    EntryDef {
        lang: Lang::Js,
        library: "GraphQL",
        pattern: "**.graphqlClient.query|mutate|request|rawRequest()",
        help: "ask for all the items in one query (`nodes(ids: $ids)` or a list field with an `in` filter), or batch the requests with a DataLoader",
        blocking: false,
    },
    // ---- HTTP -------------------------------------------------------------------------
    EntryDef {
        lang: Lang::Js,
        library: "HTTP",
        pattern: "fetch|$fetch|ofetch|axios|got|ky()",
        help: "use a bulk endpoint if the API has one; otherwise run the requests concurrently with a limit (`p-limit`, `p-map` with `{ concurrency: 5 }`, or `Promise.all` over chunks)",
        blocking: false,
    },
    EntryDef {
        lang: Lang::Js,
        library: "HTTP",
        pattern: "globalThis|window|self.fetch()",
        help: "use a bulk endpoint if the API has one; otherwise run the requests concurrently with a limit (`p-limit`, `p-map` with `{ concurrency: 5 }`, or `Promise.all` over chunks)",
        blocking: false,
    },
    EntryDef {
        lang: Lang::Js,
        library: "HTTP",
        pattern: "**.{http_client}.{http_verb}(str)",
        help: "use a bulk endpoint if the API has one; otherwise run the requests concurrently with a limit (`p-limit`, `p-map` with `{ concurrency: 5 }`, or `Promise.all` over chunks)",
        blocking: false,
    },
    EntryDef {
        lang: Lang::Js,
        library: "HTTP",
        pattern: "**.axios|*Axios|axios*|got|ky|*httpService|*HttpService|httpService.{http_verb}()",
        help: "use a bulk endpoint if the API has one; otherwise run the requests concurrently with a limit (`p-limit`, `p-map` with `{ concurrency: 5 }`, or `Promise.all` over chunks)",
        blocking: false,
    },
    // ---- Rust: sqlx -------------------------------------------------------------------
    EntryDef {
        lang: Lang::Rust,
        library: "sqlx",
        pattern: "**.query|query_as|query_scalar|query_with|query_as_with|query_scalar_with|query!|query_as!|query_scalar!|query_unchecked!|query_as_unchecked!|query_file!|query_file_as!().**.fetch_one|fetch_all|fetch_optional|execute|fetch()",
        help: "one query for all the keys: `WHERE id = ANY($1)` with `.bind(&ids)` (a slice binds as a Postgres array); for inserts, `UNNEST($1::int[], $2::text[])` or `QueryBuilder::push_values`",
        blocking: false,
    },
    // ---- Rust: sea-orm ----------------------------------------------------------------
    EntryDef {
        lang: Lang::Rust,
        library: "sea-orm",
        pattern: "**.one|all|count|exec|exec_with_returning|exec_without_returning|insert|update|save|delete(conn)",
        help: "one query for all the keys: `.filter(Column::Id.is_in(ids))`, or `Entity::insert_many(models)` for inserts",
        blocking: false,
    },
    // ---- Rust: diesel and diesel-async ------------------------------------------------
    EntryDef {
        lang: Lang::Rust,
        library: "diesel",
        pattern: "**.load|get_result|get_results|first|execute|load_iter|get_result_async(conn)",
        help: "one query for all the keys: `.filter(id.eq_any(&ids))`, or `insert_into(table).values(&rows)` with a slice",
        blocking: true,
    },
    // ---- Rust: tokio-postgres ---------------------------------------------------------
    EntryDef {
        lang: Lang::Rust,
        library: "tokio-postgres",
        pattern: "**.query|query_one|query_opt|query_raw|execute(params)",
        help: "one statement for all the keys: `WHERE id = ANY($1)` with `&[&ids]` as the parameters",
        blocking: false,
    },
    EntryDef {
        lang: Lang::Rust,
        library: "tokio-postgres",
        pattern: "**.{rs_conn}.query|query_one|query_opt|query_raw|execute|batch_execute|simple_query()",
        help: "one statement for all the keys: `WHERE id = ANY($1)` with `&[&ids]` as the parameters",
        blocking: false,
    },
    // ---- Rust: redis ------------------------------------------------------------------
    EntryDef {
        lang: Lang::Rust,
        library: "redis",
        pattern: "**.cmd().**.query_async()",
        help: "send the commands in one round trip: `redis::pipe()` with one `query_async` after the loop, or `mget`",
        blocking: false,
    },
    EntryDef {
        lang: Lang::Rust,
        library: "redis",
        // Every command names a key: `redis_pool.get()` without one checks a connection
        // out of a pool.
        pattern: "**.{rs_redis}.{redis_op}(sql)",
        help: "send the commands in one round trip: `redis::pipe()` with one `query_async` after the loop, or `mget`",
        blocking: false,
    },
    // ---- Rust: reqwest ----------------------------------------------------------------
    EntryDef {
        lang: Lang::Rust,
        library: "HTTP",
        pattern: "reqwest::get()",
        help: "use a bulk endpoint if the API has one; otherwise run the requests concurrently with a limit: `stream::iter(urls).map(|u| client.get(u).send()).buffer_unordered(8)`",
        blocking: false,
    },
    EntryDef {
        lang: Lang::Rust,
        library: "HTTP",
        pattern: "**.{rs_http}.{http_verb}().**.send()",
        help: "use a bulk endpoint if the API has one; otherwise run the requests concurrently with a limit: `stream::iter(urls).map(|u| client.get(u).send()).buffer_unordered(8)`",
        blocking: false,
    },
];

/// The Rust libraries of the catalogue by the crates that provide them, with the help
/// for a raw statement sent through them.
const RUST_CRATES: &[(&str, &str, &str)] = &[
    ("sqlx", "sqlx", "one query for all the keys: `WHERE id = ANY($1)` with `.bind(&ids)` (a slice binds as a Postgres array); for inserts, `UNNEST($1::int[], $2::text[])` or `QueryBuilder::push_values`"),
    ("sea_orm", "sea-orm", "one statement for all the keys: `Statement::from_sql_and_values` with `WHERE id = ANY($1)` (or `.filter(Column::Id.is_in(ids))` on the entity), and `Entity::insert_many(models)` for inserts"),
    ("diesel", "diesel", "one query for all the keys: `.filter(id.eq_any(&ids))`, or `insert_into(table).values(&rows)` with a slice"),
    ("diesel_async", "diesel", "one query for all the keys: `.filter(id.eq_any(&ids))`, or `insert_into(table).values(&rows)` with a slice"),
    ("tokio_postgres", "tokio-postgres", "one statement for all the keys: `WHERE id = ANY($1)` with `&[&ids]` as the parameters"),
    ("postgres", "tokio-postgres", "one statement for all the keys: `WHERE id = ANY($1)` with `&[&ids]` as the parameters"),
    ("deadpool_postgres", "tokio-postgres", "one statement for all the keys: `WHERE id = ANY($1)` with `&[&ids]` as the parameters"),
    ("bb8_postgres", "tokio-postgres", "one statement for all the keys: `WHERE id = ANY($1)` with `&[&ids]` as the parameters"),
    // `client.query(sql).bind(id).fetch_one()`: a call shape of tokio-postgres's too.
    ("clickhouse", "ClickHouse", "one query for all the keys: `WHERE id IN ?` with `.bind(&ids)` (a slice binds as an array); for writes, one `client.insert(table)` inserter for all the rows"),
];

/// The catalogue library a crate provides (`sea_orm` → sea-orm).
pub fn library_of_crate(name: &str) -> Option<&'static str> {
    RUST_CRATES
        .iter()
        .find(|(krate, _, _)| *krate == name)
        .map(|(_, library, _)| *library)
}

/// The library a Rust data-access call belongs to, from the crates its file names: the
/// call shapes overlap (`execute` on a connection is tokio-postgres, sqlx, diesel and
/// sea-orm alike), so a file that names exactly one database crate, and not the one the
/// call's shape suggests, is that crate's call. Returns the library and its help.
pub fn rust_library_in_file(
    entry: &Entry,
    crates: &std::collections::HashSet<String>,
) -> (String, String) {
    let named: std::collections::BTreeSet<&str> = crates
        .iter()
        .filter_map(|name| library_of_crate(name))
        .collect();
    let is_database = |library: &str| RUST_CRATES.iter().any(|(_, l, _)| *l == library);
    if is_database(&entry.library) && !named.contains(entry.library.as_str()) && named.len() == 1 {
        let library = *named.iter().next().expect("one library");
        let help = RUST_CRATES
            .iter()
            .find(|(_, l, _)| *l == library)
            .map(|(_, _, help)| *help)
            .expect("a library of the table");
        return (library.to_string(), help.to_string());
    }
    (entry.library.clone(), entry.help.clone())
}

/// Names that look like models but are JavaScript or Rust built-ins.
const BUILTINS: &[&str] = &[
    "Object",
    "Array",
    "Promise",
    "Math",
    "JSON",
    "Reflect",
    "Date",
    "Number",
    "String",
    "Boolean",
    "Symbol",
    "BigInt",
    "Intl",
    "Buffer",
    "Error",
    "Map",
    "Set",
    "WeakMap",
    "WeakSet",
    "URL",
    "URLSearchParams",
    "Atomics",
    "Proxy",
    "Response",
    "Request",
    "Headers",
    "Blob",
    "File",
    "FormData",
    "Vec",
    "HashMap",
    "HashSet",
    "BTreeMap",
    "Option",
    "Result",
    "Box",
    "Arc",
    "Rc",
    "Self",
    "Observable",
    "Subject",
    "Stripe",
    "Effect",
];

/// What a segment's arguments look like, worked out by the front end.
#[derive(Debug, Clone, Copy, Default)]
pub struct Args {
    /// The first argument is a string or template literal.
    pub first_is_str: bool,
    /// There is a first argument and it is not an object, array or function literal.
    pub first_is_sql: bool,
    /// Exactly one argument, which names a connection, pool or transaction.
    pub conn: bool,
    /// The second argument is a parameter slice `&[..]`.
    pub params: bool,
    /// TS/JS: the first argument is an array literal of one element (`findByIds([id])`).
    pub array_of_one: bool,
}

/// One segment of a call chain.
#[derive(Debug, Clone)]
pub struct Seg<S> {
    pub name: String,
    pub call: bool,
    pub args: Args,
    /// Whatever the front end needs to point at the expression ending here.
    pub at: S,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ArgClass {
    Any,
    Str,
    Sql,
    Conn,
    Params,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum NameMatch {
    Glob(String),
    Lower,
    Pascal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum PSeg {
    AnyMany,
    AnyOne,
    Named {
        alts: Vec<NameMatch>,
        /// `None`: must not be a call; `Some(class)`: must be a call with such arguments.
        call: Option<ArgClass>,
    },
    /// `a|b()` where some alternatives are calls and some are not: each alternative
    /// carries its own requirement.
    Mixed(Vec<(NameMatch, Option<ArgClass>)>),
}

/// A parsed call pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    segs: Vec<PSeg>,
    pub text: String,
}

fn expand_sets(text: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            return Err(format!("unclosed `{{` in `{text}`"));
        };
        let name = &rest[open + 1..open + close];
        let Some((_, value)) = SETS.iter().find(|(n, _)| *n == name) else {
            let names: Vec<_> = SETS.iter().map(|(n, _)| *n).collect();
            return Err(format!(
                "unknown set `{{{name}}}`; the sets are {}",
                names.join(", ")
            ));
        };
        out.push_str(value);
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn parse_arg_class(inner: &str) -> Result<ArgClass, String> {
    match inner {
        "" => Ok(ArgClass::Any),
        "str" => Ok(ArgClass::Str),
        "sql" => Ok(ArgClass::Sql),
        "conn" => Ok(ArgClass::Conn),
        "params" => Ok(ArgClass::Params),
        other => Err(format!(
            "unknown argument class `({other})`; use `()`, `(str)`, `(sql)`, `(conn)` or `(params)`"
        )),
    }
}

fn parse_name(name: &str) -> Result<NameMatch, String> {
    match name {
        "@lower" => Ok(NameMatch::Lower),
        "@Pascal" => Ok(NameMatch::Pascal),
        "" => Err("empty name".into()),
        _ if name.starts_with('@') => {
            Err(format!("unknown class `{name}`; use `@lower` or `@Pascal`"))
        }
        _ => Ok(NameMatch::Glob(name.to_string())),
    }
}

/// Splits a pattern at the dots that separate segments (not inside parentheses).
fn split_segments(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            '.' if depth == 0 => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}

impl Pattern {
    pub fn parse(text: &str) -> Result<Pattern, String> {
        let expanded = expand_sets(text.trim())?;
        let mut segs = Vec::new();
        for raw in split_segments(&expanded) {
            let raw = raw.trim();
            if raw.is_empty() {
                return Err(format!("empty segment in `{text}`"));
            }
            if raw == "**" {
                segs.push(PSeg::AnyMany);
                continue;
            }
            if raw == "*" {
                segs.push(PSeg::AnyOne);
                continue;
            }
            // `a|b|c()`: the parentheses after the last alternative apply to all of them,
            // unless another alternative has its own (`x|getRepository()|y|z()`): then each
            // alternative says for itself, and one without parentheses is not a call.
            let mut alts = Vec::new();
            for alt in raw.split('|') {
                let (name, call) = match alt.strip_suffix(')').and_then(|a| a.rsplit_once('(')) {
                    Some((name, inner)) => (name, Some(parse_arg_class(inner)?)),
                    None => (alt, None),
                };
                alts.push((parse_name(name.trim())?, call));
            }
            let per_alternative = alts[..alts.len() - 1]
                .iter()
                .any(|(_, call)| call.is_some());
            if per_alternative {
                segs.push(PSeg::Mixed(alts));
            } else {
                let call = alts.last().and_then(|(_, call)| *call);
                segs.push(PSeg::Named {
                    alts: alts.into_iter().map(|(name, _)| name).collect(),
                    call,
                });
            }
        }
        if !matches!(
            segs.last(),
            Some(PSeg::Named { call: Some(_), .. } | PSeg::Mixed(_))
        ) {
            return Err(format!(
                "`{text}` must end in a call, such as `create()` or `query(sql)`"
            ));
        }
        Ok(Pattern {
            segs,
            text: text.to_string(),
        })
    }

    /// Whether the whole chain matches.
    pub fn matches<S>(&self, chain: &[Seg<S>]) -> bool {
        match_from(&self.segs, chain)
    }
}

fn match_from<S>(pattern: &[PSeg], chain: &[Seg<S>]) -> bool {
    let Some((first, rest)) = pattern.split_first() else {
        return chain.is_empty();
    };
    match first {
        PSeg::AnyMany => (0..=chain.len()).any(|skip| match_from(rest, &chain[skip..])),
        _ => {
            let Some((seg, chain_rest)) = chain.split_first() else {
                return false;
            };
            seg_matches(first, seg) && match_from(rest, chain_rest)
        }
    }
}

fn seg_matches<S>(pattern: &PSeg, seg: &Seg<S>) -> bool {
    match pattern {
        PSeg::AnyMany | PSeg::AnyOne => true,
        PSeg::Named { alts, call } => {
            call_matches(*call, seg) && alts.iter().any(|alt| name_matches(alt, seg))
        }
        PSeg::Mixed(alts) => alts
            .iter()
            .any(|(alt, call)| call_matches(*call, seg) && name_matches(alt, seg)),
    }
}

fn call_matches<S>(call: Option<ArgClass>, seg: &Seg<S>) -> bool {
    match call {
        None => !seg.call,
        Some(class) => {
            seg.call
                && match class {
                    ArgClass::Any => true,
                    ArgClass::Str => seg.args.first_is_str,
                    ArgClass::Sql => seg.args.first_is_sql,
                    ArgClass::Conn => seg.args.conn,
                    ArgClass::Params => seg.args.params,
                }
        }
    }
}

fn name_matches<S>(pattern: &NameMatch, seg: &Seg<S>) -> bool {
    let full = seg.name.as_str();
    let last = full.rsplit("::").next().unwrap_or(full);
    match pattern {
        NameMatch::Lower => {
            !full.contains("::") && full.starts_with(|c: char| c.is_ascii_lowercase())
        }
        NameMatch::Pascal => {
            last.starts_with(|c: char| c.is_ascii_uppercase())
                && last.chars().any(|c| c.is_ascii_lowercase())
                && !BUILTINS.contains(&last)
        }
        NameMatch::Glob(glob) => {
            if glob.contains("::") {
                glob_matches(glob, full)
            } else {
                glob_matches(glob, last)
            }
        }
    }
}

/// `*` matches any run of characters; everything else literally.
pub fn glob_matches(glob: &str, text: &str) -> bool {
    let parts: Vec<&str> = glob.split('*').collect();
    if parts.len() == 1 {
        return glob == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

/// A compiled catalogue entry.
pub struct Entry {
    pub lang: Lang,
    pub library: String,
    pub pattern: Pattern,
    pub help: String,
    pub blocking: bool,
    /// A request to a remote API (HTTP, GraphQL) rather than a database or key-value
    /// store: whether that API has a batched form is not known from the call.
    pub remote_api: bool,
}

pub static BUILT_IN: LazyLock<Vec<Entry>> = LazyLock::new(|| {
    CATALOGUE
        .iter()
        .map(|def| Entry {
            lang: def.lang,
            library: def.library.to_string(),
            pattern: Pattern::parse(def.pattern)
                .unwrap_or_else(|error| panic!("catalogue pattern: {error}")),
            help: def.help.to_string(),
            blocking: def.blocking,
            remote_api: matches!(def.library, "HTTP" | "GraphQL"),
        })
        .collect()
});

/// The first entry that matches a prefix of `chain` ending in a call (shortest prefix
/// first), and the length of that prefix.
pub fn find_match<'e, S>(
    entries: impl Iterator<Item = &'e Entry> + Clone,
    lang: Lang,
    chain: &[Seg<S>],
    awaited: bool,
) -> Option<(&'e Entry, usize)> {
    for end in 1..=chain.len() {
        if !chain[end - 1].call {
            continue;
        }
        let prefix = &chain[..end];
        for entry in entries.clone() {
            if entry.lang != Lang::Both && entry.lang != lang {
                continue;
            }
            if !awaited && !entry.blocking {
                continue;
            }
            if entry.pattern.matches(prefix) {
                return Some((entry, end));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(name: &str, call: bool) -> Seg<()> {
        Seg {
            name: name.to_string(),
            call,
            args: Args {
                first_is_str: true,
                first_is_sql: true,
                ..Args::default()
            },
            at: (),
        }
    }

    /// `this.prisma.task.create()` → segments; a name ending in `()` is a call.
    fn chain(text: &str) -> Vec<Seg<()>> {
        split_segments(text)
            .into_iter()
            .map(|s| match s.strip_suffix("()") {
                Some(name) => seg(name, true),
                None => seg(s, false),
            })
            .collect()
    }

    fn library(text: &str, lang: Lang) -> Option<&'static str> {
        let chain = chain(text);
        find_match(BUILT_IN.iter(), lang, &chain, true).map(|(entry, _)| {
            CATALOGUE
                .iter()
                .find(|d| d.library == entry.library)
                .unwrap()
                .library
        })
    }

    #[test]
    fn every_built_in_pattern_parses() {
        assert_eq!(BUILT_IN.len(), CATALOGUE.len());
    }

    #[test]
    fn recognises_data_access() {
        for (text, lang, expected) in [
            ("this.prisma.task.create()", Lang::Js, "Prisma"),
            ("tx.user.findUnique()", Lang::Js, "Prisma"),
            ("ctx.db.post.findMany().then()", Lang::Js, "Prisma"),
            ("this.prisma.$queryRaw()", Lang::Js, "Prisma"),
            ("this.userRepository.findOneBy()", Lang::Js, "TypeORM"),
            ("dataSource.getRepository().save()", Lang::Js, "TypeORM"),
            ("User.findByPk()", Lang::Js, "Sequelize"),
            (
                "this.userModel.findOne().lean().exec()",
                Lang::Js,
                "Sequelize/Mongoose",
            ),
            ("db.collection().insertOne()", Lang::Js, "MongoDB/Mongoose"),
            ("knex().where().first()", Lang::Js, "Knex"),
            (
                "db.selectFrom().selectAll().where().executeTakeFirst()",
                Lang::Js,
                "Kysely",
            ),
            ("db.insert().values()", Lang::Js, "Drizzle"),
            ("this.pool.query()", Lang::Js, "SQL client"),
            ("this.redis.get()", Lang::Js, "Redis"),
            ("fetch().then()", Lang::Js, "HTTP"),
            ("axios.get()", Lang::Js, "HTTP"),
            ("this.httpService.post()", Lang::Js, "HTTP"),
            ("sqlx::query_as().bind().fetch_one()", Lang::Rust, "sqlx"),
            ("sqlx::query!().fetch_optional()", Lang::Rust, "sqlx"),
            ("self.client.get().header().send()", Lang::Rust, "HTTP"),
            ("reqwest::get()", Lang::Rust, "HTTP"),
            ("redis::cmd().arg().query_async()", Lang::Rust, "redis"),
        ] {
            assert_eq!(library(text, lang), Some(expected), "{text}");
        }
    }

    #[test]
    fn leaves_look_alikes_alone() {
        for (text, lang) in [
            ("Object.create()", Lang::Js),
            ("Promise.all()", Lang::Js),
            ("this.cache.get()", Lang::Js),
            ("map.get()", Lang::Js),
            ("this.prisma.$transaction()", Lang::Js),
            ("this.taskService.create()", Lang::Js),
            ("this.stripe.customers.create()", Lang::Js),
            ("sleep()", Lang::Js),
            ("sqlx::query().bind()", Lang::Rust),
            ("tx.send()", Lang::Rust),
            ("senders.get().unwrap().send()", Lang::Rust),
            ("rx.recv()", Lang::Rust),
            ("tokio::time::sleep()", Lang::Rust),
        ] {
            assert_eq!(library(text, lang), None, "{text}");
        }
    }

    #[test]
    fn pattern_errors_say_what_is_wrong() {
        assert!(Pattern::parse("this.api.request")
            .unwrap_err()
            .contains("must end in a call"));
        assert!(Pattern::parse("a.b(json)").unwrap_err().contains("(json)"));
        assert!(Pattern::parse("{nope}.x()")
            .unwrap_err()
            .contains("unknown set"));
        assert!(Pattern::parse("a..b()")
            .unwrap_err()
            .contains("empty segment"));
    }

    #[test]
    fn globs() {
        assert!(glob_matches("*Repository", "userRepository"));
        assert!(glob_matches("prisma*", "prismaService"));
        assert!(glob_matches("*redis*", "my_redis_conn"));
        assert!(!glob_matches("*Repository", "Repository2"));
        assert!(glob_matches("a*b*c", "abc"));
        assert!(!glob_matches("ab*ba", "aba"));
    }
}
