//! Whether to colour the output: `--color`, then the conventions other command-line tools
//! honour (<https://no-color.org>, <https://force-color.org>, `CLICOLOR_FORCE`,
//! `TERM=dumb`), then whether the output is a terminal.

use std::ffi::OsString;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colours on a terminal, unless the environment says otherwise.
    #[default]
    Auto,
    Always,
    Never,
}

/// Set and not empty.
fn set(value: Option<OsString>) -> bool {
    value.is_some_and(|v| !v.is_empty())
}

/// Set, not empty and not `0` (`FORCE_COLOR=0` turns forcing off, as in Node).
fn forced(value: Option<OsString>) -> bool {
    value.is_some_and(|v| !v.is_empty() && v != "0")
}

/// Whether to colour output to a stream (`is_terminal`), reading the environment through
/// `env`. In `auto`, `NO_COLOR` wins over `FORCE_COLOR` and `CLICOLOR_FORCE`, which win
/// over `TERM=dumb` and over the stream not being a terminal.
pub fn enabled(
    choice: ColorChoice,
    is_terminal: bool,
    env: &dyn Fn(&str) -> Option<OsString>,
) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if set(env("NO_COLOR")) {
                false
            } else if forced(env("FORCE_COLOR")) || forced(env("CLICOLOR_FORCE")) {
                true
            } else if env("TERM").is_some_and(|term| term == "dumb") {
                false
            } else {
                is_terminal
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &[(&str, &str)], choice: ColorChoice, is_terminal: bool) -> bool {
        let env = |name: &str| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| OsString::from(value))
        };
        enabled(choice, is_terminal, &env)
    }

    #[test]
    fn auto_follows_the_terminal_and_the_environment() {
        assert!(with(&[], ColorChoice::Auto, true));
        assert!(!with(&[], ColorChoice::Auto, false));
        assert!(!with(&[("TERM", "dumb")], ColorChoice::Auto, true));
        assert!(with(&[("TERM", "xterm-256color")], ColorChoice::Auto, true));
        assert!(!with(&[("NO_COLOR", "1")], ColorChoice::Auto, true));
        assert!(
            with(&[("NO_COLOR", "")], ColorChoice::Auto, true),
            "empty is unset"
        );
        assert!(with(&[("FORCE_COLOR", "1")], ColorChoice::Auto, false));
        assert!(with(&[("FORCE_COLOR", "3")], ColorChoice::Auto, false));
        assert!(!with(&[("FORCE_COLOR", "0")], ColorChoice::Auto, false));
        assert!(with(&[("CLICOLOR_FORCE", "1")], ColorChoice::Auto, false));
        assert!(with(
            &[("CLICOLOR_FORCE", "1"), ("TERM", "dumb")],
            ColorChoice::Auto,
            true
        ));
        assert!(!with(
            &[("NO_COLOR", "1"), ("FORCE_COLOR", "1")],
            ColorChoice::Auto,
            false
        ));
    }

    #[test]
    fn the_flag_wins_over_the_environment() {
        assert!(with(&[("NO_COLOR", "1")], ColorChoice::Always, false));
        assert!(!with(&[("FORCE_COLOR", "1")], ColorChoice::Never, true));
    }
}
