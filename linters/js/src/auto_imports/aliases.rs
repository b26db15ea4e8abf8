//! The import aliases a framework defines for the files of an app, for the resolver to try
//! when a specifier does not resolve otherwise. A Nuxt app's generated
//! `.nuxt/tsconfig.json` lists them as `paths`, but it exists only after `nuxt prepare`
//! (a fresh clone, a pre-commit hook, CI without a build): without it, `~/composables/x`
//! would stay unresolved and unchecked. It lives beside the auto-import scopes because it
//! reads the same Nuxt layers.
//!
//! - **Nuxt** (nuxt v4.4.7 and v3.21.11 `packages/schema/src/config/common.ts`, `alias`;
//!   `packages/kit/src/loader/config.ts` for `#layers/*`): `~` and `@` are the srcDir, `~~`
//!   and `@@` the rootDir, `#shared` is `<rootDir>/<dir.shared>` (`shared`), `#server` the
//!   serverDir; Nuxt 3 also has `assets` (`<srcDir>/assets`) and `public` (`<srcDir>/public`,
//!   `<rootDir>/public` with compatibility version 4), removed in Nuxt 4; every local
//!   `layers/<name>` is `#layers/<name>`. The `alias` option of nuxt.config and of its
//!   layers (merged by c12 with the app first) adds to them and overrides them. `#build`
//!   points into `.nuxt/`, which is what is absent, so it is left out.
//! - **Vite**: `resolve.alias` of vite.config, as an object or an array of `{ find,
//!   replacement }` with string `find`s.
//!
//! Only values that can be read statically count: an absolute path, a bare package name
//! (`'change-case': 'scule'`), or a path call ([`config::path_call`]). An alias whose value
//! cannot be read is dropped, a default one included, so that what it stands for stays
//! unresolved and silent rather than resolved to the wrong file.

use std::path::{Path, PathBuf};

use prodlint_core::{normalize, Project, ProjectIndex};

use super::config::{PathFrom, Value};
use super::{app_roots, find_config, Builder, NUXT_CONFIGS, VITE_CONFIGS};

/// The aliases of one app, most specific (longest) key first; targets are absolute paths
/// or package specifiers.
#[derive(Debug, Default, PartialEq)]
pub struct FrameworkAliases {
    pub entries: Vec<(String, String)>,
}

impl FrameworkAliases {
    /// Whether some alias may apply to `specifier` (the whole specifier, or its first
    /// segments up to a `/`, is a key).
    pub fn matches(&self, specifier: &str) -> bool {
        self.entries.iter().any(|(key, _)| {
            specifier
                .strip_prefix(key.as_str())
                .is_some_and(|tail| tail.is_empty() || tail.starts_with('/'))
        })
    }
}

/// The root of the app whose aliases apply to `file`: the outermost directory with a
/// nuxt.config (a layer inside an app is resolved with the app's aliases, as Nuxt does),
/// else the nearest one with a vite.config. `None` for files of installed packages.
pub fn alias_root(project: &Project, file: &Path) -> Option<PathBuf> {
    if file.components().any(|c| c.as_os_str() == "node_modules") {
        return None;
    }
    let roots = app_roots(project, file);
    roots
        .iter()
        .find(|root| find_config(project, root, NUXT_CONFIGS).is_some())
        .or(roots.last())
        .cloned()
}

impl ProjectIndex for FrameworkAliases {
    type Key = PathBuf;

    fn build(project: &Project, root: &PathBuf) -> FrameworkAliases {
        let mut builder = Builder {
            project,
            notes: Vec::new(),
        };
        let mut entries = if find_config(project, root, NUXT_CONFIGS).is_some() {
            nuxt(&mut builder, root)
        } else if let Some(config) = find_config(project, root, VITE_CONFIGS) {
            vite(&mut builder, root, &config)
        } else {
            Vec::new()
        };
        entries.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        FrameworkAliases { entries }
    }
}

/// Sets `key` to `target`, or drops it when the target is not known.
fn set(entries: &mut Vec<(String, String)>, key: &str, target: Option<String>) {
    entries.retain(|(k, _)| k != key);
    if let Some(target) = target {
        entries.push((key.to_string(), target));
    }
}

fn path_text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn nuxt(builder: &mut Builder<'_>, root: &Path) -> Vec<(String, String)> {
    let major_4 = builder.nuxt_major_is_4(root);
    let layers = builder.layers(root);
    let app = &layers[0];
    let mut entries = Vec::new();
    for key in ["~", "@"] {
        set(&mut entries, key, Some(path_text(&app.src)));
    }
    for key in ["~~", "@@"] {
        set(&mut entries, key, Some(path_text(&app.root)));
    }
    let shared = app
        .config
        .get_path(&["dir", "shared"])
        .and_then(Value::as_str)
        .unwrap_or("shared");
    set(
        &mut entries,
        "#shared",
        Some(path_text(&normalize(&app.root, Path::new(shared)))),
    );
    set(&mut entries, "#server", Some(path_text(&app.server)));
    if !major_4 {
        // Nuxt 3 names these after the directories' base names, which are the defaults
        // unless `dir.assets` or `dir.public` say otherwise (then they are left out).
        let custom = |key| app.config.get_path(&["dir", key]).is_some();
        if !custom("assets") {
            set(
                &mut entries,
                "assets",
                Some(path_text(&app.src.join("assets"))),
            );
        }
        if !custom("public") && !custom("static") {
            let base = if app.v4 { &app.root } else { &app.src };
            set(
                &mut entries,
                "public",
                Some(path_text(&base.join("public"))),
            );
        }
    }
    let scanned = root.join("layers");
    for layer in &layers[1..] {
        if layer.root.parent() == Some(scanned.as_path()) {
            if let Some(name) = layer.root.file_name() {
                let key = format!("#layers/{}", name.to_string_lossy());
                set(&mut entries, &key, Some(path_text(&layer.root)));
            }
        }
    }
    // The app's own `alias` wins over its layers' (c12 merges with the app first).
    for (i, layer) in layers.iter().enumerate().rev() {
        let Some(Value::Object(aliases)) = layer.config.get("alias") else {
            continue;
        };
        for (key, value) in aliases {
            let target = target(value, &layer.root, (i == 0).then_some(root));
            set(&mut entries, key, target);
        }
    }
    entries
}

/// What an alias value points at. `cwd` is the directory the framework runs in when it is
/// known to be the config's own (the app's config, not a layer's).
fn target(value: &Value, config_dir: &Path, cwd: Option<&Path>) -> Option<String> {
    match value {
        Value::Str(s) if Path::new(s).is_absolute() => {
            Some(path_text(&normalize(config_dir, Path::new(s))))
        }
        // A package: `'change-case': 'scule'`, resolved from the importing file.
        Value::Str(s) if is_package(s) => Some(s.clone()),
        Value::Path(PathFrom::ConfigDir, rel) => {
            Some(path_text(&normalize(config_dir, Path::new(rel))))
        }
        Value::Path(PathFrom::Cwd, rel) => {
            cwd.map(|cwd| path_text(&normalize(cwd, Path::new(rel))))
        }
        // A relative string, `~/x`, a variable: what the bundler makes of it is not
        // known here.
        _ => None,
    }
}

/// A bare package specifier: `scule`, `@scope/name/sub`, not `./x`, `~/x`, `@/x`, `#x`.
fn is_package(s: &str) -> bool {
    let first = s.split('/').next().unwrap_or("");
    !first.is_empty()
        && !first.starts_with(['.', '~', '#'])
        && first != "@"
        && !first.starts_with("@@")
        && (!first.starts_with('@') || s.contains('/'))
}

fn vite(builder: &mut Builder<'_>, root: &Path, config: &Path) -> Vec<(String, String)> {
    let config = builder.read_config(config);
    let mut entries = Vec::new();
    let Some(alias) = config.get_path(&["resolve", "alias"]) else {
        return entries;
    };
    let pairs: Vec<(String, &Value)> = match alias {
        Value::Object(props) => props.iter().map(|(k, v)| (k.clone(), v)).collect(),
        Value::Array(items) => items
            .iter()
            .filter_map(|item| {
                let find = item.get("find")?.as_str()?;
                Some((find.to_string(), item.get("replacement")?))
            })
            .collect(),
        _ => return entries,
    };
    for (key, value) in pairs {
        // Vite serves `/src` from the project root: a root-relative replacement.
        let target = match value {
            Value::Str(s) if s.starts_with('/') && builder.project.is_dir(&root.join(&s[1..])) => {
                Some(path_text(&root.join(&s[1..])))
            }
            other => target(other, root, Some(root)),
        };
        set(&mut entries, &key, target);
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_specifiers() {
        assert!(is_package("scule"));
        assert!(is_package("@scope/name"));
        assert!(!is_package("@/x"));
        assert!(!is_package("@@/x"));
        assert!(!is_package("~/x"));
        assert!(!is_package("./x"));
        assert!(!is_package("#shared"));
        assert!(!is_package("@scope"));
    }

    #[test]
    fn matching_keys_end_at_a_segment() {
        let aliases = FrameworkAliases {
            entries: vec![
                ("~~".into(), "/app".into()),
                ("~".into(), "/app/src".into()),
                ("@".into(), "/app/src".into()),
            ],
        };
        assert!(aliases.matches("~/x"));
        assert!(aliases.matches("~~/x"));
        assert!(aliases.matches("@"));
        assert!(!aliases.matches("@vue/x"));
        assert!(!aliases.matches("~x"));
    }
}
