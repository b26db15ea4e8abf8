//! docs/rules/ID.md is generated from each rule's declaration. This test fails when a page
//! is missing or stale; `PRODLINT_UPDATE_DOCS=1 cargo test --test docs` rewrites them.

use std::path::Path;

#[test]
fn rule_pages_match_the_declarations() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
    let update = std::env::var_os("PRODLINT_UPDATE_DOCS").is_some();
    let mut stale = Vec::new();
    for entry in prodlint_rules::REGISTRY {
        let path = dir.join(format!("{}.md", entry.meta.id));
        let expected = prodlint_rules::markdown(entry.meta);
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &expected).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(expected.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    assert!(stale.is_empty(), "stale or missing rule pages (run PRODLINT_UPDATE_DOCS=1 cargo test --test docs): {stale:?}");
    // No page for a rule that no longer exists.
    let ids = prodlint_rules::rule_ids();
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let id = name.trim_end_matches(".md");
        assert!(ids.contains(&id), "docs/rules/{name} documents no rule");
    }
}
