//! Names that say a build or a run is not production: flags (`isTestMode`, `IS_E2E`,
//! `MOCK_MODE`, `isStorybook`), environment variables (`CI`, `PLAYWRIGHT`) and Cargo
//! features (`dev`, `mock`, `test-utils`). Shared by the TS/JS and Rust front ends, so that
//! both languages read the same vocabulary.

/// Words for a mode that only developers, test runs and mocks use.
const NON_PRODUCTION_WORDS: &[&str] = &[
    "dev",
    "develop",
    "development",
    "test",
    "tests",
    "testing",
    "mock",
    "mocks",
    "mocked",
    "mocking",
    "e2e",
    "playwright",
    "cypress",
    "storybook",
    "local",
    "ci",
];

/// Words for production.
const PRODUCTION_WORDS: &[&str] = &["prod", "production"];

/// Leading words of a flag: `is`, `in` (`inTestEnv`), `use` (`useMocks`).
const FLAG_PREFIXES: &[&str] = &["is", "in", "use"];

/// Trailing words of a flag: `mode`, `env`, `build`, `run`, `utils` (a feature
/// `test-utils`).
const FLAG_SUFFIXES: &[&str] = &["mode", "env", "environment", "build", "run", "utils"];

/// Leading words of environment variables a bundler exposes to the client.
const BUNDLER_PREFIXES: &[&str] = &["next", "public", "vite", "react", "app", "nuxt", "expo"];

/// A host name that always means the machine the program runs on: `localhost`,
/// `127.0.0.1`, `::1`, `[::1]`. A branch of `host == "localhost"` is taken only there.
pub fn is_loopback_name(text: &str) -> bool {
    matches!(text, "localhost" | "127.0.0.1" | "::1" | "[::1]")
}

/// A value named for the host a program runs on or a request is for: `host`, `hostname`,
/// Rust's `Url::host_str`.
pub fn names_host(name: &str) -> bool {
    matches!(name, "host" | "hostname" | "host_str")
}

/// The words of a name, lowercased: `isE2EMode` → `is e2e mode`, `IS_MOCK_MODE` → `is mock
/// mode`, `test-utils` → `test utils`.
pub fn name_words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    // The current word has a small letter: `h1` in `h1Title`, not the acronym `E2E`.
    let mut current_has_lower = false;
    for (index, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            current_has_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && !current.is_empty() {
            let previous = chars[index - 1];
            let next_lower = chars.get(index + 1).is_some_and(|n| n.is_ascii_lowercase());
            // `isTest`, `h1Title`: a capital after a small letter or a word's digit starts
            // a word; `E2EMode`: so does the capital before a small letter at the end of an
            // acronym; `E2E` and `URL` are one word.
            let starts = previous.is_ascii_lowercase()
                || (previous.is_ascii_digit() && current_has_lower)
                || (previous.is_ascii_uppercase() && next_lower && current.len() > 1);
            if starts {
                words.push(std::mem::take(&mut current));
                current_has_lower = false;
            }
        }
        current_has_lower |= c.is_ascii_lowercase();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// What a name says about the mode it stands for: `Some(true)` for a non-production mode
/// (`isTestMode`, `MOCK_MODE`, `isE2E`, `useMocks`, `isStorybook`, `__DEV__`), `Some(false)`
/// for production (`isProd`, `IS_PRODUCTION`), `None` for anything else. A flag is a mode
/// word with a flag's prefix or suffix (`isLocal`, `testMode`); a bare word counts only
/// where `bare` says the name can only be a flag (an environment variable read as a
/// condition, a Cargo feature), so that a variable called `local` or `test` is not taken
/// for one.
pub fn mode_of_name(name: &str, bare: bool) -> Option<bool> {
    let words = name_words(name);
    let mut core: &[String] = &words;
    let mut marked = false;
    if bare {
        while core.len() > 1 && BUNDLER_PREFIXES.contains(&core[0].as_str()) {
            core = &core[1..];
        }
    }
    if core.len() > 1 && FLAG_PREFIXES.contains(&core[0].as_str()) {
        core = &core[1..];
        marked = true;
    }
    if core.len() > 1 && FLAG_SUFFIXES.contains(&core[core.len() - 1].as_str()) {
        core = &core[..core.len() - 1];
        marked = true;
    }
    if core.is_empty() || !(marked || bare) {
        return None;
    }
    if core
        .iter()
        .all(|word| NON_PRODUCTION_WORDS.contains(&word.as_str()))
    {
        Some(true)
    } else if core.len() == 1 && PRODUCTION_WORDS.contains(&core[0].as_str()) {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_of_names() {
        assert_eq!(name_words("isE2EMode"), ["is", "e2e", "mode"]);
        assert_eq!(name_words("IS_MOCK_MODE"), ["is", "mock", "mode"]);
        assert_eq!(name_words("test-utils"), ["test", "utils"]);
        assert_eq!(name_words("__DEV__"), ["dev"]);
        assert_eq!(name_words("isPlaywright"), ["is", "playwright"]);
        assert_eq!(name_words("h1Title"), ["h1", "title"]);
        assert_eq!(name_words("baseURL"), ["base", "url"]);
        assert_eq!(name_words("imgSrc"), ["img", "src"]);
    }

    #[test]
    fn modes_of_names() {
        for flag in [
            "isTestMode",
            "isMockMode",
            "IS_E2E",
            "MOCK_MODE",
            "isStorybook",
            "useMocks",
            "inTestEnv",
            "isLocalDev",
            "isPlaywright",
            "testMode",
        ] {
            assert_eq!(mode_of_name(flag, false), Some(true), "{flag}");
        }
        for flag in ["isProd", "IS_PRODUCTION", "isProductionMode"] {
            assert_eq!(mode_of_name(flag, false), Some(false), "{flag}");
        }
        // Not flags: a word alone, a value named after a mode, a mode among other words.
        for name in [
            "local",
            "test",
            "isTestable",
            "DEV_API_URL",
            "isLocalFile",
            "testUrl",
            "mode",
            "is",
        ] {
            assert_eq!(mode_of_name(name, false), None, "{name}");
        }
        // Environment variables and features: a bare word is a flag.
        assert_eq!(mode_of_name("CI", true), Some(true));
        assert_eq!(mode_of_name("NEXT_PUBLIC_MOCK_MODE", true), Some(true));
        assert_eq!(mode_of_name("mock", true), Some(true));
        assert_eq!(mode_of_name("test-utils", true), Some(true));
        assert_eq!(mode_of_name("TEST_API_URL", true), None);
        assert_eq!(mode_of_name("redis", true), None);
    }
}
