//! `prodlint.toml`: severity and options per rule, and extra excludes.
//!
//! ```toml
//! exclude = ["generated/**", "legacy"]
//!
//! [rules.hardcoded-url]
//! severity = "error"          # error | warning | info | off ("warn" for warning)
//! allow = ["https://api.stripe.com/**"]
//! ```
//!
//! A rule with only a severity can say so in one line, as in ESLint and Biome:
//!
//! ```toml
//! [rules]
//! n-plus-one = "warn"
//! ```
//!
//! Every error names the file, the line and the key, because a user fixing a config file
//! wants to jump to it.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::Severity;

pub const CONFIG_FILE_NAME: &str = "prodlint.toml";

/// The most `exclude` patterns a config may list. Each becomes two globs in one
/// `GlobSet`, whose build time and size grow with the number of wildcard patterns (100,000
/// of them take tens of seconds and then exceed the regex size limit): a list that long
/// is refused at once, before any glob is built, rather than stalling every run.
pub const MAX_EXCLUDE_PATTERNS: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The config file as given or found.
    pub path: String,
    pub line: Option<u32>,
    /// The dotted key the error is about, where there is one.
    pub key: Option<String>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(key) = &self.key {
            write!(f, ": `{key}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ConfigError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    exclude: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<RawRule>>,
}

/// A rule's entry under `[rules]`: a severity alone (`id = "warn"`) or a table.
enum RawRule {
    Severity(String),
    Table(Vec<(Spanned<String>, Spanned<toml::Value>)>),
    /// Anything else, as written (reported with the rule's key and line).
    Other(String),
}

impl<'de> Deserialize<'de> for RawRule {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<RawRule, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawRule;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a severity (\"error\", \"warn\", \"info\" or \"off\") or a table")
            }
            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<RawRule, E> {
                Ok(RawRule::Severity(value.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<RawRule, E> {
                Ok(RawRule::Other(value.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<RawRule, E> {
                Ok(RawRule::Other(value.to_string()))
            }
            fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<RawRule, E> {
                Ok(RawRule::Other(value.to_string()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<RawRule, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(RawRule::Other("an array".into()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawRule, A::Error> {
                // Entry by entry from the TOML deserializer itself, so keys keep their spans.
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    entries.push((key, map.next_value::<Spanned<toml::Value>>()?));
                }
                Ok(RawRule::Table(entries))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// A severity as written in a config file; `None` inside for `off`.
fn parse_severity(value: &str) -> Option<Option<Severity>> {
    match value {
        "error" => Some(Some(Severity::Error)),
        "warning" | "warn" => Some(Some(Severity::Warning)),
        "info" => Some(Some(Severity::Info)),
        "off" => Some(None),
        _ => None,
    }
}

const SEVERITY_EXPECTED: &str =
    "expected \"error\", \"warning\" (or \"warn\"), \"info\" or \"off\"";

/// A rule's options as written in its `[rules.ID]` table (without `severity`), with the line
/// of each key so that a rule's own validation can point at it.
#[derive(Debug, Clone, Default)]
pub struct RuleOptions {
    rule: String,
    config_path: String,
    values: toml::Table,
    lines: BTreeMap<String, u32>,
}

impl RuleOptions {
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Deserializes the options into the rule's options type. Each key is tried alone first
    /// so that an error names that key and its line. `T` must give every field a default.
    pub fn parse<T: DeserializeOwned + Default>(&self) -> Result<T, ConfigError> {
        for (key, value) in &self.values {
            let mut single = toml::Table::new();
            single.insert(key.clone(), value.clone());
            if let Err(error) = toml::Value::Table(single).try_into::<T>() {
                return Err(ConfigError {
                    path: self.config_path.clone(),
                    line: self.lines.get(key).copied(),
                    key: Some(format!("rules.{}.{}", self.rule, key)),
                    message: error.message().to_string(),
                });
            }
        }
        toml::Value::Table(self.values.clone())
            .try_into::<T>()
            .map_err(|error| ConfigError {
                path: self.config_path.clone(),
                line: None,
                key: Some(format!("rules.{}", self.rule)),
                message: error.message().to_string(),
            })
    }

    /// The directory of the config file these options come from (`None` for the
    /// defaults): what a path in an option is relative to.
    pub fn config_dir(&self) -> Option<PathBuf> {
        if self.config_path.is_empty() {
            return None;
        }
        let dir = Path::new(&self.config_path).parent()?;
        Some(if dir.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            dir.to_path_buf()
        })
    }

    /// The line of an option's key, for errors a rule finds after parsing (a bad pattern).
    pub fn error(&self, key: &str, message: impl Into<String>) -> ConfigError {
        ConfigError {
            path: self.config_path.clone(),
            line: self.lines.get(key).copied(),
            key: Some(format!("rules.{}.{}", self.rule, key)),
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct RuleSettings {
    /// `None`: the rule's default. `Some(None)`: `off`.
    pub severity: Option<Option<Severity>>,
    pub options: RuleOptions,
}

/// The loaded configuration; [`Config::default`] is what applies without a file.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it came from, if any.
    pub path: Option<PathBuf>,
    /// The directory that `exclude` patterns are relative to.
    pub root: PathBuf,
    exclude: GlobSet,
    rules: BTreeMap<String, RuleSettings>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            path: None,
            root: PathBuf::from("."),
            exclude: GlobSet::empty(),
            rules: BTreeMap::new(),
        }
    }
}

fn line_of(text: &str, offset: usize) -> u32 {
    text[..offset.min(text.len())].matches('\n').count() as u32 + 1
}

impl Config {
    /// Finds `prodlint.toml` in `start` or the nearest directory above it.
    pub fn find(start: &Path) -> Option<PathBuf> {
        start
            .ancestors()
            .map(|dir| dir.join(CONFIG_FILE_NAME))
            .find(|path| path.is_file())
    }

    /// Reads and validates a config file; `known_rules` are the ids it may configure.
    pub fn load(path: &Path, known_rules: &[&str]) -> Result<Config, ConfigError> {
        let text = crate::files::read_regular_to_string(path).map_err(|error| ConfigError {
            path: path.display().to_string(),
            line: None,
            key: None,
            message: format!("cannot read the file: {error}"),
        })?;
        let root = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let root = if root.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            root
        };
        let mut config = Config::parse(&text, &path.display().to_string(), known_rules)?;
        config.path = Some(path.to_path_buf());
        config.root = root;
        Ok(config)
    }

    /// Parses config text; `display_path` is the name used in errors.
    pub fn parse(
        text: &str,
        display_path: &str,
        known_rules: &[&str],
    ) -> Result<Config, ConfigError> {
        let error_at =
            |span: Option<Range<usize>>, key: Option<String>, message: String| ConfigError {
                path: display_path.to_string(),
                line: span.map(|span| line_of(text, span.start)),
                key,
                message,
            };
        let raw: RawConfig = toml::from_str(text)
            .map_err(|error| error_at(error.span(), None, error.message().trim().to_string()))?;

        let mut exclude = GlobSetBuilder::new();
        let patterns = raw
            .exclude
            .unwrap_or_else(|| Spanned::new(0..0, Vec::new()));
        if patterns.get_ref().len() > MAX_EXCLUDE_PATTERNS {
            return Err(error_at(
                Some(patterns.span()),
                Some("exclude".into()),
                format!(
                    "{} patterns; at most {MAX_EXCLUDE_PATTERNS} are supported (a directory pattern such as \"generated\" excludes everything below it)",
                    patterns.get_ref().len()
                ),
            ));
        }
        for pattern in patterns.into_inner() {
            let span = pattern.span();
            let pattern = pattern.into_inner();
            let pattern = pattern.trim_end_matches('/');
            for glob in [pattern.to_string(), format!("{pattern}/**")] {
                let glob = Glob::new(&glob).map_err(|error| {
                    error_at(
                        Some(span.clone()),
                        Some("exclude".into()),
                        error.kind().to_string(),
                    )
                })?;
                exclude.add(glob);
            }
        }
        let exclude = exclude
            .build()
            .map_err(|error| error_at(None, Some("exclude".into()), error.to_string()))?;

        let mut rules = BTreeMap::new();
        for (id, entry) in raw.rules {
            let id_span = id.span();
            let id = id.into_inner();
            if !known_rules.contains(&id.as_str()) {
                let mut known = known_rules.to_vec();
                known.sort_unstable();
                return Err(error_at(
                    Some(id_span),
                    Some(format!("rules.{id}")),
                    format!("unknown rule `{id}`; the rules are: {}", known.join(", ")),
                ));
            }
            let mut settings = RuleSettings {
                severity: None,
                options: RuleOptions {
                    rule: id.clone(),
                    config_path: display_path.to_string(),
                    ..RuleOptions::default()
                },
            };
            let entry_span = entry.span();
            let table = match entry.into_inner() {
                RawRule::Severity(value) => {
                    let severity = parse_severity(&value).ok_or_else(|| {
                        error_at(
                            Some(entry_span),
                            Some(format!("rules.{id}")),
                            format!("{SEVERITY_EXPECTED}, found \"{value}\""),
                        )
                    })?;
                    settings.severity = Some(severity);
                    Vec::new()
                }
                RawRule::Table(table) => table,
                RawRule::Other(value) => {
                    return Err(error_at(
                        Some(entry_span),
                        Some(format!("rules.{id}")),
                        format!("{SEVERITY_EXPECTED} or a table, found {value}"),
                    ))
                }
            };
            for (key, value) in table {
                let line = line_of(text, key.span().start);
                let key = key.into_inner();
                let value_span = value.span();
                let value = value.into_inner();
                if key == "severity" {
                    let severity = value.as_str().and_then(parse_severity).ok_or_else(|| {
                        error_at(
                            Some(value_span),
                            Some(format!("rules.{id}.severity")),
                            format!("{SEVERITY_EXPECTED}, found {value}"),
                        )
                    })?;
                    settings.severity = Some(severity);
                } else {
                    settings.options.lines.insert(key.clone(), line);
                    settings.options.values.insert(key, value);
                }
            }
            rules.insert(id, settings);
        }

        Ok(Config {
            path: None,
            root: PathBuf::from("."),
            exclude,
            rules,
        })
    }

    /// The settings for one rule (defaults when the file does not mention it).
    pub fn rule(&self, id: &str) -> RuleSettings {
        self.rules.get(id).cloned().unwrap_or_else(|| RuleSettings {
            severity: None,
            options: RuleOptions {
                rule: id.to_string(),
                ..RuleOptions::default()
            },
        })
    }

    /// Whether a path (relative to [`Config::root`], `/`-separated) is excluded.
    pub fn has_excludes(&self) -> bool {
        !self.exclude.is_empty()
    }

    pub fn is_excluded(&self, relative_path: &str) -> bool {
        self.exclude.is_match(relative_path)
    }
}

/// The configuration of each file, as ruff and ESLint's flat config find it: the nearest
/// `prodlint.toml` above the file (a monorepo's packages, a pre-commit run from the
/// repository's root), or one given for all (`--config`). Lookups are cached per
/// directory and each file is loaded once, so a walk of many files costs a `stat` per
/// directory.
pub struct Configs {
    explicit: Option<Arc<Config>>,
    known_rules: Vec<String>,
    /// The config file found for a directory (`None`: none above it).
    nearest: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    loaded: Mutex<HashMap<PathBuf, Result<Arc<Config>, ConfigError>>>,
    default: Arc<Config>,
}

impl Configs {
    /// Every file uses `config`.
    pub fn explicit(config: Config) -> Configs {
        Configs {
            explicit: Some(Arc::new(config)),
            ..Configs::nearest(&[])
        }
    }

    /// Each file uses the nearest `prodlint.toml` above it, which may configure
    /// `known_rules`.
    pub fn nearest(known_rules: &[&str]) -> Configs {
        Configs {
            explicit: None,
            known_rules: known_rules.iter().map(|id| id.to_string()).collect(),
            nearest: Mutex::default(),
            loaded: Mutex::default(),
            default: Arc::new(Config::default()),
        }
    }

    /// The config file of the directory `dir` (absolute): in it, or the nearest above.
    fn find(&self, dir: &Path) -> Option<PathBuf> {
        if let Some(found) = self.nearest.lock().unwrap().get(dir) {
            return found.clone();
        }
        let here = dir.join(CONFIG_FILE_NAME);
        let found = if here.is_file() {
            Some(here)
        } else {
            dir.parent().and_then(|parent| self.find(parent))
        };
        self.nearest
            .lock()
            .unwrap()
            .insert(dir.to_path_buf(), found.clone());
        found
    }

    /// The configuration of the file at `path` (absolute), and the config file it came
    /// from (`None`: given for all, or the defaults).
    pub fn for_file(&self, path: &Path) -> Result<Arc<Config>, ConfigError> {
        if let Some(config) = &self.explicit {
            return Ok(Arc::clone(config));
        }
        let Some(file) = path.parent().and_then(|dir| self.find(dir)) else {
            return Ok(Arc::clone(&self.default));
        };
        if let Some(loaded) = self.loaded.lock().unwrap().get(&file) {
            return loaded.clone();
        }
        let known: Vec<&str> = self.known_rules.iter().map(String::as_str).collect();
        let loaded = Config::load(&file, &known).map(Arc::new);
        self.loaded.lock().unwrap().insert(file, loaded.clone());
        loaded
    }

    /// The config files that decide the configuration of the file at `path` (absolute):
    /// each place looked at, up to the one found. A result computed with it holds while
    /// none of them appears, goes or changes. Empty when one config is given for all.
    pub fn looked_at(&self, path: &Path) -> Vec<PathBuf> {
        if self.explicit.is_some() {
            return Vec::new();
        }
        let mut places = Vec::new();
        for dir in path.ancestors().skip(1) {
            let place = dir.join(CONFIG_FILE_NAME);
            let found = self.find(dir).as_deref() == Some(place.as_path());
            places.push(place);
            if found {
                break;
            }
        }
        places
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: &[&str] = &["hardcoded-url", "n-plus-one"];

    #[test]
    fn reads_severity_options_and_excludes() {
        let config = Config::parse(
            "exclude = [\"gen\", \"**/*.min.js\"]\n[rules.hardcoded-url]\nseverity = \"error\"\nallow = [\"https://a.test/**\"]\n[rules.n-plus-one]\nseverity = \"off\"\n",
            "prodlint.toml",
            RULES,
        )
        .unwrap();
        assert_eq!(
            config.rule("hardcoded-url").severity,
            Some(Some(Severity::Error))
        );
        assert_eq!(config.rule("n-plus-one").severity, Some(None));
        assert!(config.is_excluded("gen/a.ts"));
        assert!(config.is_excluded("web/app.min.js"));
        assert!(!config.is_excluded("src/gen.ts"));

        #[derive(Deserialize, Default)]
        #[serde(default, deny_unknown_fields)]
        struct Options {
            allow: Vec<String>,
        }
        let options: Options = config.rule("hardcoded-url").options.parse().unwrap();
        assert_eq!(options.allow, ["https://a.test/**"]);
    }

    #[test]
    fn a_severity_alone_is_the_short_form() {
        let config = Config::parse(
            "[rules]\nhardcoded-url = \"warn\"\nn-plus-one = \"off\"\n",
            "p.toml",
            RULES,
        )
        .unwrap();
        assert_eq!(
            config.rule("hardcoded-url").severity,
            Some(Some(Severity::Warning))
        );
        assert_eq!(config.rule("n-plus-one").severity, Some(None));
        for (written, severity) in [
            ("error", Some(Severity::Error)),
            ("warning", Some(Severity::Warning)),
            ("info", Some(Severity::Info)),
        ] {
            let text = format!("[rules]\nhardcoded-url = \"{written}\"\n");
            let config = Config::parse(&text, "p.toml", RULES).unwrap();
            assert_eq!(config.rule("hardcoded-url").severity, Some(severity));
        }
        // "warn" in the table form too.
        let config = Config::parse(
            "[rules.hardcoded-url]\nseverity = \"warn\"\n",
            "p.toml",
            RULES,
        )
        .unwrap();
        assert_eq!(
            config.rule("hardcoded-url").severity,
            Some(Some(Severity::Warning))
        );
        // Short and table forms side by side, options kept with their lines.
        let config = Config::parse(
            "[rules]\nn-plus-one = \"error\"\n[rules.hardcoded-url]\nallow = \"x\"\n",
            "p.toml",
            RULES,
        )
        .unwrap();
        assert_eq!(
            config.rule("n-plus-one").severity,
            Some(Some(Severity::Error))
        );
        assert_eq!(
            config
                .rule("hardcoded-url")
                .options
                .error("allow", "m")
                .line,
            Some(4)
        );

        let error =
            Config::parse("[rules]\n\nhardcoded-url = \"loud\"\n", "p.toml", RULES).unwrap_err();
        assert_eq!(
            (error.line, error.key.as_deref()),
            (Some(3), Some("rules.hardcoded-url"))
        );
        assert!(error.message.contains("found \"loud\""), "{error}");
        let error =
            Config::parse("[rules]\nhardcoded-ur = \"warn\"\n", "p.toml", RULES).unwrap_err();
        assert_eq!(
            (error.line, error.key.as_deref()),
            (Some(2), Some("rules.hardcoded-ur"))
        );
        let error = Config::parse("[rules]\nhardcoded-url = 3\n", "p.toml", RULES).unwrap_err();
        assert_eq!(
            (error.line, error.key.as_deref()),
            (Some(2), Some("rules.hardcoded-url")),
            "{error}"
        );
    }

    #[test]
    fn errors_name_the_key_and_line() {
        let error = Config::parse("exclude = []\nbogus = 1\n", "p.toml", RULES).unwrap_err();
        assert_eq!(error.line, Some(2));
        assert!(error.message.contains("unknown field `bogus`"), "{error}");

        let error = Config::parse(
            "\n[rules.hardcoded-ur]\nseverity = \"off\"\n",
            "p.toml",
            RULES,
        )
        .unwrap_err();
        assert_eq!(
            (error.line, error.key.as_deref()),
            (Some(2), Some("rules.hardcoded-ur"))
        );

        let error = Config::parse(
            "[rules.n-plus-one]\n\nseverity = \"loud\"\n",
            "p.toml",
            RULES,
        )
        .unwrap_err();
        assert_eq!(error.line, Some(3));
        assert_eq!(error.to_string().split(": ").next(), Some("p.toml:3"));

        let config =
            Config::parse("[rules.hardcoded-url]\nallow = \"x\"\n", "p.toml", RULES).unwrap();
        #[derive(Deserialize, Default, Debug)]
        #[serde(default, deny_unknown_fields)]
        struct Options {
            #[allow(dead_code)]
            allow: Vec<String>,
        }
        let error = config
            .rule("hardcoded-url")
            .options
            .parse::<Options>()
            .unwrap_err();
        assert_eq!(error.line, Some(2));
        assert_eq!(error.key.as_deref(), Some("rules.hardcoded-url.allow"));
    }

    #[test]
    fn each_file_uses_the_nearest_config_above_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("packages/web/src")).unwrap();
        std::fs::create_dir_all(root.join("packages/api/src")).unwrap();
        std::fs::write(
            root.join(CONFIG_FILE_NAME),
            "[rules.n-plus-one]\nseverity = \"off\"\n",
        )
        .unwrap();
        std::fs::write(
            root.join("packages/web").join(CONFIG_FILE_NAME),
            "exclude = [\"gen\"]\n",
        )
        .unwrap();
        let configs = Configs::nearest(RULES);
        let web = configs
            .for_file(&root.join("packages/web/src/a.ts"))
            .unwrap();
        assert_eq!(
            web.path.as_deref(),
            Some(root.join("packages/web/prodlint.toml").as_path())
        );
        assert_eq!(
            web.rule("n-plus-one").severity,
            None,
            "the nearest file alone applies"
        );
        assert!(web.is_excluded("gen/x.ts"));
        let api = configs
            .for_file(&root.join("packages/api/src/b.ts"))
            .unwrap();
        assert_eq!(api.rule("n-plus-one").severity, Some(None));
        assert_eq!(
            configs.looked_at(&root.join("packages/api/src/b.ts")),
            [
                root.join("packages/api/src/prodlint.toml"),
                root.join("packages/api/prodlint.toml"),
                root.join("packages/prodlint.toml"),
                root.join("prodlint.toml"),
            ]
        );
        let given = Configs::explicit(Config::default());
        assert!(given
            .for_file(&root.join("packages/web/src/a.ts"))
            .unwrap()
            .path
            .is_none());
        assert!(given
            .looked_at(&root.join("packages/web/src/a.ts"))
            .is_empty());

        std::fs::write(
            root.join("packages/api").join(CONFIG_FILE_NAME),
            "bogus = 1\n",
        )
        .unwrap();
        let error = Configs::nearest(RULES)
            .for_file(&root.join("packages/api/src/b.ts"))
            .unwrap_err();
        assert!(
            error.path.ends_with("packages/api/prodlint.toml"),
            "{error}"
        );
    }

    #[test]
    fn an_exclude_list_beyond_the_limit_is_refused_before_any_glob_is_built() {
        let list = |n: usize| {
            let patterns: Vec<String> = (0..n).map(|i| format!("\"gen{i}/**/*.ts\"")).collect();
            format!("\n\nexclude = [{}]\n", patterns.join(", "))
        };
        let error = Config::parse(&list(100_000), "p.toml", RULES).unwrap_err();
        assert_eq!(
            (error.line, error.key.as_deref()),
            (Some(3), Some("exclude"))
        );
        assert!(
            error.message.starts_with("100000 patterns; at most 10000"),
            "{error}"
        );
        let config = Config::parse(&list(MAX_EXCLUDE_PATTERNS), "p.toml", RULES).unwrap();
        assert!(config.is_excluded("gen9999/a/b.ts"));
        assert!(!config.is_excluded("gen10000/a/b.ts"));
    }
}
