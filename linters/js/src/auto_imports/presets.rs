//! The names that Nuxt and its modules put into the client scope before (or after) the
//! app's own files: from the installed packages where they can be read, else from the
//! dated table in `presets.txt`.

use std::path::{Path, PathBuf};

use prodlint_core::Project;

const TABLE: &str = include_str!("presets.txt");

/// Where the table was taken from, for messages.
pub const TABLE_SOURCE: &str =
    "prodlint's preset table (nuxt 3.21.11, @vueuse/nuxt 11.3.0, @pinia/nuxt 0.5.5; 2026-08-22)";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum When {
    Always,
    /// When nuxt.config lists the module (the preset's id).
    Module,
    /// When the app has a `pages/` directory (Nuxt's pages module).
    Pages,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// `imports:sources`: unimport's static imports, before every scanned file.
    Sources,
    /// `imports:extend`: dynamic imports pushed after the scanned files.
    Extend,
}

#[derive(Debug, Clone)]
pub(crate) struct Preset {
    /// `nuxt`, `nuxt-pages`, or the module that adds it (`@vueuse/nuxt`).
    pub id: String,
    pub when: When,
    pub stage: Stage,
    /// unimport's `priority`, where the preset sets one.
    pub priority: Option<i32>,
    /// `(specifier, names)`.
    pub groups: Vec<(String, Vec<String>)>,
    /// Where the names were read: the table, or an installed package.
    pub source: String,
}

pub(crate) fn table() -> Vec<Preset> {
    let mut presets: Vec<Preset> = Vec::new();
    for line in TABLE.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix("@preset ") {
            let mut words = rest.split_whitespace();
            let id = words.next().expect("a preset id").to_string();
            let mut preset = Preset {
                id,
                when: When::Always,
                stage: Stage::Sources,
                priority: None,
                groups: Vec::new(),
                source: TABLE_SOURCE.to_string(),
            };
            for word in words {
                match word.split_once('=') {
                    Some(("when", "always")) => preset.when = When::Always,
                    Some(("when", "module")) => preset.when = When::Module,
                    Some(("when", "pages")) => preset.when = When::Pages,
                    Some(("stage", "sources")) => preset.stage = Stage::Sources,
                    Some(("stage", "extend")) => preset.stage = Stage::Extend,
                    Some(("priority", n)) => preset.priority = n.parse().ok(),
                    _ => panic!("presets.txt: unknown key `{word}`"),
                }
            }
            presets.push(preset);
        } else if let Some(from) = line.strip_prefix("@from ") {
            let preset = presets.last_mut().expect("@from inside a @preset");
            preset.groups.push((from.trim().to_string(), Vec::new()));
        } else {
            let group = presets
                .last_mut()
                .and_then(|p| p.groups.last_mut())
                .expect("names after a @from");
            group.1.extend(line.split_whitespace().map(String::from));
        }
    }
    presets
}

/// `node_modules/<package>/<file>` in `root` or a directory above it (hoisted installs).
pub(crate) fn find_installed(project: &Project, root: &Path, relative: &str) -> Option<PathBuf> {
    root.ancestors()
        .map(|dir| dir.join("node_modules").join(relative))
        .find(|path| project.exists(path))
}

/// A package's version from its installed package.json.
pub(crate) fn installed_version(project: &Project, root: &Path, package: &str) -> Option<String> {
    let path = find_installed(project, root, &format!("{package}/package.json"))?;
    let text = project.read(&path).ok()?;
    json_string_field(&text, "version")
}

/// The first `"key": "value"` in a JSON text, without a JSON parser: enough for a
/// package.json's top-level `version`.
fn json_string_field(text: &str, key: &str) -> Option<String> {
    let at = text.find(&format!("\"{key}\""))?;
    let rest = text[at + key.len() + 2..].trim_start().strip_prefix(':')?;
    let rest = rest.trim_start().strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_string())
}

/// @vueuse/nuxt's disabledFunctions (vueuse v11.3.0 packages/nuxt/index.ts).
const VUEUSE_DISABLED: &[&str] = &[
    "toRefs",
    "toRef",
    "toValue",
    "useFetch",
    "useCookie",
    "useHead",
    "useTitle",
    "useStorage",
    "useImage",
];

/// The @vueuse/nuxt preset as the installed module computes it: @vueuse/metadata's
/// function list (core and shared, not internal, with aliases, variants and utils), minus
/// names shorter than 4 characters and the module's disabled list. `None` when
/// @vueuse/metadata's `index.json` is not installed.
pub(crate) fn installed_vueuse(project: &Project, root: &Path, base: &Preset) -> Option<Preset> {
    let path = find_installed(project, root, "@vueuse/metadata/index.json")?;
    let text = project.read(&path).ok()?;
    let names = vueuse_metadata_names(&text)?;
    let version = installed_version(project, root, "@vueuse/metadata")
        .map(|v| format!(" {v}"))
        .unwrap_or_default();
    Some(Preset {
        groups: vec![("@vueuse/core".to_string(), names)],
        source: format!("the installed @vueuse/metadata{version}"),
        ..base.clone()
    })
}

/// Reads the `functions` array of @vueuse/metadata's index.json with a small scanner for
/// the few fields needed (`name`, `package`, `internal`, `alias`, `variants`, `utils`).
fn vueuse_metadata_names(text: &str) -> Option<Vec<String>> {
    let start = text.find("\"functions\"")?;
    let body = &text[start..];
    let open = body.find('[')?;
    let mut names = Vec::new();
    // Split into top-level objects of the array by brace depth (strings do not contain
    // unbalanced braces in practice, but are skipped anyway).
    let bytes = body.as_bytes();
    let (mut depth, mut in_string, mut escaped, mut object_start) = (0usize, false, false, 0);
    for (i, &b) in bytes.iter().enumerate().skip(open + 1) {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' => {
                if depth == 0 {
                    object_start = i;
                }
                depth += 1;
            }
            b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    vueuse_function(&body[object_start..=i], &mut names);
                }
            }
            b']' if depth == 0 => break,
            _ => {}
        }
    }
    Some(names)
}

fn vueuse_function(object: &str, names: &mut Vec<String>) {
    let package = json_string_field(object, "package").unwrap_or_default();
    if package != "core" && package != "shared" {
        return;
    }
    if object.contains("\"internal\": true") || object.contains("\"internal\":true") {
        return;
    }
    let Some(name) = json_string_field(object, "name") else {
        return;
    };
    let mut all = vec![name];
    for key in ["alias", "variants", "utils"] {
        all.extend(json_string_array(object, key));
    }
    names.extend(
        all.into_iter()
            .filter(|n| n.len() >= 4 && !VUEUSE_DISABLED.contains(&n.as_str())),
    );
}

fn json_string_array(text: &str, key: &str) -> Vec<String> {
    let Some(at) = text.find(&format!("\"{key}\"")) else {
        return Vec::new();
    };
    let rest = &text[at..];
    let (Some(open), Some(close)) = (rest.find('['), rest.find(']')) else {
        return Vec::new();
    };
    if close < open {
        return Vec::new();
    }
    rest[open + 1..close]
        .split(',')
        .filter_map(|s| {
            let s = s.trim();
            s.strip_prefix('"')?.strip_suffix('"').map(String::from)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses() {
        let presets = table();
        let ids: Vec<_> = presets.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["nuxt", "nuxt-pages", "@vueuse/nuxt", "@pinia/nuxt"]);
        let vueuse = &presets[2];
        assert_eq!(vueuse.priority, Some(-1));
        let names = &vueuse.groups[0].1;
        assert!(names.contains(&"useWebSocket".to_string()));
        assert!(!names.contains(&"useStorage".to_string()));
        assert!(presets[0]
            .groups
            .iter()
            .any(|(_, n)| n.contains(&"useFetch".to_string())));
    }

    #[test]
    fn reads_vueuse_metadata() {
        let text = r#"{"packages":{},"functions":[{"name":"useMouse","package":"core","alias":["useMousePos"]},{"name":"useStorage","package":"core"},{"name":"set","package":"core"},{"name":"logicAnd","package":"math"},{"name":"useSecret","package":"core","internal":true},{"name":"isDefined","package":"shared","description":"a {brace}"}]}"#;
        assert_eq!(
            vueuse_metadata_names(text).unwrap(),
            ["useMouse", "useMousePos", "isDefined"]
        );
    }
}
