//! `prodlint init`: a commented `prodlint.toml` for the project in the working directory,
//! written after looking at what the project is (its languages and frameworks, whether its
//! dependencies are installed), so that the comments speak of what applies to it.

use std::fmt::Write as _;
use std::path::Path;

use prodlint_core::CONFIG_FILE_NAME;

/// What `init` found in the project's directory.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Survey {
    pub rust: bool,
    pub cargo_lock: bool,
    pub package_json: bool,
    pub node_modules: bool,
    /// Frameworks named by their config files or by `package.json` dependencies.
    pub frameworks: Vec<&'static str>,
    /// Directories of generated or built code that are present and not ignored by default.
    pub generated: Vec<&'static str>,
}

/// Config files and dependency names that say which framework a project uses.
const FRAMEWORKS: &[(&str, &[&str], &str)] = &[
    (
        "Nuxt",
        &["nuxt.config.ts", "nuxt.config.js", "nuxt.config.mjs"],
        "\"nuxt\"",
    ),
    (
        "Next.js",
        &["next.config.js", "next.config.mjs", "next.config.ts"],
        "\"next\"",
    ),
    (
        "SvelteKit",
        &["svelte.config.js", "svelte.config.ts"],
        "\"@sveltejs/kit\"",
    ),
    (
        "Astro",
        &["astro.config.mjs", "astro.config.ts"],
        "\"astro\"",
    ),
    ("NestJS", &["nest-cli.json"], "\"@nestjs/core\""),
    ("Vue", &[], "\"vue\""),
    ("unplugin-auto-import", &[], "\"unplugin-auto-import\""),
    ("Prisma", &["prisma/schema.prisma"], "\"@prisma/client\""),
];

/// Directories that often hold generated code and that the walker does not skip already.
const GENERATED_DIRS: &[&str] = &["generated", "gen", "vendor", "public", "static"];

pub fn survey(root: &Path) -> Survey {
    let package_json = std::fs::read_to_string(root.join("package.json")).unwrap_or_default();
    let frameworks = FRAMEWORKS
        .iter()
        .filter(|(_, files, dependency)| {
            files.iter().any(|file| root.join(file).is_file())
                || package_json.contains(&format!("{dependency}:"))
                || package_json.contains(&format!("{dependency} :"))
        })
        .map(|(name, _, _)| *name)
        .collect();
    Survey {
        rust: root.join("Cargo.toml").is_file(),
        cargo_lock: root.join("Cargo.lock").is_file(),
        package_json: root.join("package.json").is_file(),
        node_modules: root.join("node_modules").is_dir(),
        frameworks,
        generated: GENERATED_DIRS
            .iter()
            .copied()
            .filter(|dir| root.join(dir).is_dir())
            .collect(),
    }
}

/// The text of the configuration for what `survey` found: every line a comment or a
/// setting that keeps the defaults, so the file changes nothing until it is edited.
pub fn config_text(survey: &Survey) -> String {
    let mut text = String::new();
    let languages = match (survey.rust, survey.package_json) {
        (true, true) => "Rust and TS/JS",
        (true, false) => "Rust",
        (false, true) => "TS/JS",
        (false, false) => "no Cargo.toml or package.json found here",
    };
    let _ = writeln!(text, "# prodlint configuration.");
    let _ = writeln!(
        text,
        "# Each file is checked with the nearest prodlint.toml above it."
    );
    let _ = writeln!(text, "# Found: {languages}.");
    if !survey.frameworks.is_empty() {
        let _ = writeln!(text, "# Frameworks: {}.", survey.frameworks.join(", "));
    }
    text.push('\n');
    text.push_str("# Paths not to check, relative to this file (globs; a directory excludes all\n");
    text.push_str(
        "# below it). .gitignore, node_modules, target and build output are skipped already.\n",
    );
    let excludes: Vec<String> = survey
        .generated
        .iter()
        .map(|d| format!("\"{d}\""))
        .collect();
    if excludes.is_empty() {
        text.push_str("# exclude = [\"generated\"]\n");
    } else {
        let _ = writeln!(
            text,
            "# These directories are here and often hold generated code:\n# exclude = [{}]",
            excludes.join(", ")
        );
    }
    text.push('\n');
    text.push_str(
        "# A rule's severity: \"error\", \"warn\", \"info\" or \"off\"; `prodlint rules`\n",
    );
    text.push_str("# lists them, `prodlint explain RULE` describes one and its options.\n");
    text.push_str("[rules]\n");
    if survey.package_json {
        if survey.node_modules {
            text.push_str("# import-mismatch reads the installed packages in node_modules.\n");
        } else {
            text.push_str(
                "# import-mismatch checks imports of packages only once they are installed\n",
            );
            text.push_str(
                "# (node_modules is missing here: run your package manager's install first).\n",
            );
        }
        text.push_str("# import-mismatch = \"error\"\n");
        if survey
            .frameworks
            .iter()
            .any(|f| *f == "Nuxt" || *f == "unplugin-auto-import")
        {
            text.push_str("# This project auto-imports: duplicate-auto-import checks its names.\n");
            text.push_str("# duplicate-auto-import = \"error\"\n");
        }
    }
    if survey.rust {
        if survey.cargo_lock {
            text.push_str(
                "# option-result-misuse reads the signatures of the crates in Cargo.lock from\n",
            );
            text.push_str("# the Cargo registry (run `cargo fetch` so their sources are there).\n");
        } else {
            text.push_str(
                "# No Cargo.lock: option-result-misuse checks calls into the workspace and std\n",
            );
            text.push_str(
                "# only (run `cargo generate-lockfile` for the dependencies' signatures).\n",
            );
        }
        text.push_str("# option-result-misuse = \"error\"\n");
        text.push_str("# non-send-across-await = \"error\"\n");
    }
    text.push_str("# n-plus-one = \"warn\"\n");
    text.push_str("# invalid-suppression = \"warn\"\n");
    text.push('\n');
    text.push_str("# Addresses that are meant to be fixed (globs on the address or its host):\n");
    text.push_str("# [rules.hardcoded-url]\n");
    text.push_str("# severity = \"warn\"\n");
    text.push_str("# allow = [\"https://api.stripe.com/**\"]\n");
    text
}

/// Writes `prodlint.toml` in `root` unless one is there; returns what was found.
pub fn run(root: &Path) -> Result<Survey, String> {
    let path = root.join(CONFIG_FILE_NAME);
    if std::fs::symlink_metadata(&path).is_ok() {
        return Err(format!(
            "{CONFIG_FILE_NAME} already exists here; remove it first to write a new one"
        ));
    }
    let survey = survey(root);
    let text = config_text(&survey);
    // Created only if absent: never written through a link or over a file made meanwhile.
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|error| format!("cannot write {CONFIG_FILE_NAME}: {error}"))?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .map_err(|error| format!("cannot write {CONFIG_FILE_NAME}: {error}"))?;
    Ok(survey)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_written_config_parses_and_keeps_the_defaults() {
        for survey in [
            Survey::default(),
            Survey {
                rust: true,
                cargo_lock: true,
                package_json: true,
                node_modules: true,
                frameworks: vec!["Nuxt"],
                generated: vec!["generated"],
            },
        ] {
            let text = config_text(&survey);
            let rules = prodlint_rules::rule_ids();
            let config = prodlint_core::Config::parse(&text, "prodlint.toml", &rules)
                .unwrap_or_else(|e| panic!("{e}\n{text}"));
            for id in &rules {
                assert_eq!(config.rule(id).severity, None, "{id}");
            }
            // Every commented rule line names a real rule: uncommenting it must work.
            for line in text.lines() {
                let Some(setting) = line.strip_prefix("# ") else {
                    continue;
                };
                if let Some((id, _)) = setting.split_once(" = \"") {
                    if !id.contains(' ') && id != "severity" && id != "exclude" && id != "allow" {
                        assert!(rules.contains(&id), "{id}");
                    }
                }
            }
        }
    }
}
