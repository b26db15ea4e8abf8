//! CLI behaviour: exit codes, configuration errors, broken files, suppressions, stdin.
