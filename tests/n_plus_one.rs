//! What `n-plus-one` says beyond where: the library it names, the help, and the labels
//! along the calls from a loop to a round trip in another file. The fixture runner checks
//! the lines; this checks the words and the labels on some of them.

mod common;

use std::path::Path;
use std::process::Command;

use common::labels;

use serde_json::Value;

fn diagnostics(project: &str, file: &str) -> Vec<Value> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/n-plus-one")
        .join(project);
    let output = Command::new(env!("CARGO_BIN_EXE_prodlint"))
        .args([
            "check",
            file,
            "--select",
            "n-plus-one",
            "--format",
            "json",
            "--no-cache",
        ])
        .current_dir(&dir)
        .output()
        .expect("prodlint runs");
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON output");
    report["diagnostics"].as_array().unwrap().clone()
}

/// A diagnostic's message.
fn message(diagnostic: &Value) -> &str {
    diagnostic["message"].as_str().unwrap()
}

fn at(diagnostics: &[Value], line: u64) -> &Value {
    diagnostics
        .iter()
        .find(|d| d["line"] == line)
        .unwrap_or_else(|| panic!("no finding on line {line}: {diagnostics:#?}"))
}

#[test]
fn a_round_trip_two_calls_down_in_another_file_is_labelled_at_each_call() {
    let found = diagnostics("nest-services", "src/orders/orders.service.ts");
    let touch = at(&found, 28);
    assert_eq!(
        touch["message"],
        "`this.users.touch` makes a TypeORM query (`this.repo.findOne`, 2 calls down) on every iteration of the `for…of` loop: N+1 queries"
    );
    // The loop steps over a parameter, not over rows of a query: an `info`.
    assert_eq!(touch["severity"], "info");
    assert_eq!(
        labels(touch),
        [
            (
                "src/orders/orders.service.ts".to_string(),
                27,
                "for each item of this loop (its items do not come from a query here: worth a change if there can be many)".to_string()
            ),
            (
                "src/users/users.service.ts".to_string(),
                15,
                "`UsersService.touch` calls `this.load` here".to_string()
            ),
            (
                "src/users/users.service.ts".to_string(),
                20,
                "`UsersService.load` calls `this.repo.findOne` here".to_string()
            ),
        ]
    );
    let push = at(&found, 31);
    assert_eq!(
        labels(push)[1..],
        [
            (
                "src/common/sync.ts".to_string(),
                2,
                "`pushOne` calls `post` here".to_string()
            ),
            (
                "src/common/sync.ts".to_string(),
                6,
                "`post` calls `fetch` here".to_string()
            ),
        ]
    );
}

#[test]
fn the_library_comes_from_the_receiver() {
    let found = diagnostics("nest-services", "src/orders/orders.service.ts");
    // A repository class of the project over Kysely is Kysely, though `update` on a
    // `*Repository` reads as TypeORM by its name.
    let kysely = at(&found, 32);
    assert!(
        message(kysely).starts_with("`this.assetRepository.update` makes a Kysely query"),
        "{kysely:#}"
    );
    assert!(kysely["help"].as_str().unwrap().contains("'in', ids"));
    // A field typed `PrismaClient`, behind a class of the project and a tsconfig alias.
    let prisma = at(&found, 29);
    assert!(message(prisma).contains("makes a Prisma query"));
    // A field typed with Apollo's client: GraphQL, not SQL.
    let graphql = at(&found, 35);
    assert!(message(graphql).contains("makes a GraphQL query"));
    assert!(graphql["help"].as_str().unwrap().contains("DataLoader"));

    let rust = diagnostics("rust-sqlx", "src/sea_raw.rs");
    let sea = at(&rust, 6);
    assert!(message(sea).contains("makes a sea-orm query"), "{sea:#}");
    assert!(sea["help"].as_str().unwrap().contains("insert_many"));
    // `client.query(sql)` of the `clickhouse` crate, not tokio-postgres.
    let clickhouse = diagnostics("rust-sqlx", "src/clickhouse_events.rs");
    let query = at(&clickhouse, 9);
    assert!(
        message(query).contains("makes a ClickHouse query"),
        "{query:#}"
    );
    assert!(query["help"].as_str().unwrap().contains("WHERE id IN ?"));
    // One call down, named by the crates of the helper's file too.
    let helper = at(&clickhouse, 39);
    assert!(
        message(helper).starts_with("`rating_of` makes a ClickHouse query"),
        "{helper:#}"
    );
}

#[test]
fn an_array_of_one_item_per_iteration_says_to_pass_the_whole_array() {
    let found = diagnostics("nest-services", "src/orders/orders.service.ts");
    let by_ids = at(&found, 33);
    assert!(by_ids["message"]
        .as_str()
        .unwrap()
        .ends_with("it takes an array and is given one item each time"));
    assert!(by_ids["help"]
        .as_str()
        .unwrap()
        .starts_with("pass the whole array to one `this.users.findByIds` call before the loop"));
    let plain = at(&found, 28);
    assert!(!plain["help"].as_str().unwrap().contains("whole array"));
    // SQL parameters are an array too, but not of the items.
    let sql = at(&found, 41);
    assert!(
        sql["message"].as_str().unwrap().contains("SQL client"),
        "{sql:#}"
    );
    assert!(!sql["help"].as_str().unwrap().contains("whole array"));
}

#[test]
fn a_rust_method_of_a_field_in_another_file_is_followed_to_its_round_trip() {
    let found = diagnostics("rust-services", ".");
    // The loop's calls in `src/handler.rs`, and nothing else in the project.
    assert!(
        found.iter().all(|d| d["path"] == "src/handler.rs"),
        "{found:#?}"
    );
    let load = at(&found, 14);
    assert_eq!(
        load["message"],
        "`self.store.load` makes a sea-orm query (`user::Entity::find_by_id(…).one`, 2 calls down) on every iteration of the `for` loop: N+1 queries"
    );
    assert_eq!(
        labels(load)[1..],
        [
            (
                "src/store/mod.rs".to_string(),
                14,
                "`UserStore::load` calls `self.find` here".to_string()
            ),
            (
                "src/store/mod.rs".to_string(),
                18,
                "`UserStore::find` calls `user::Entity::find_by_id(…).one` here".to_string()
            ),
        ]
    );
}

#[test]
fn a_rust_slice_or_vec_of_one_item_per_iteration_says_to_pass_the_whole_array() {
    let found = diagnostics("rust-services", "src/handler.rs");
    for line in [19, 20] {
        let one = at(&found, line);
        assert!(
            one["message"]
                .as_str()
                .unwrap()
                .ends_with("it takes an array and is given one item each time"),
            "{one:#}"
        );
        assert!(one["help"].as_str().unwrap().starts_with(
            "pass the whole array to one `self.store.load_many` call before the loop"
        ));
    }
    let plain = at(&found, 14);
    assert!(!plain["help"].as_str().unwrap().contains("whole array"));
}

/// The labels after the loop's: one per call on the way to the round trip.
fn hops(diagnostic: &Value) -> Vec<String> {
    labels(diagnostic)[1..]
        .iter()
        .map(|(path, line, message)| format!("{path}:{line}: {message}"))
        .collect()
}

#[test]
fn a_rust_function_of_another_module_is_followed_by_its_path_to_its_round_trip() {
    let found = diagnostics("rust-modules", ".");
    let message = "`device::get` makes a sqlx query (`sqlx::query_as(…)….fetch_one`, 2 calls down) on every iteration of the `for` loop: N+1 queries";
    assert_eq!(at(&found, 15)["message"], message);
    assert_eq!(
        hops(at(&found, 15)),
        [
            "src/storage/device.rs:26: `device::get` calls `load` here",
            "src/storage/device.rs:30: `load` calls `sqlx::query_as(…)….fetch_one` here",
        ]
    );
    // Brought in by `use … as get_keys`: the label names the call as written.
    assert_eq!(
        hops(at(&found, 13)),
        ["src/storage/device_keys.rs:9: `get_keys` calls `sqlx::query_as(…)….fetch_one` here"]
    );
}
