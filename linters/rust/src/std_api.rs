//! What common std/core/alloc APIs return (data/std_api.txt): collections' `get`/`remove`/
//! `pop`, iterators' `next`/`find`/`position`, `str::parse`, `env::var`, `fs::*`, … Only the
//! shape that matters to callers is kept: `Option`, `Result`, an iterator, or a type name.

use std::collections::HashMap;

use prodlint_core::{Project, ProjectIndex};

const TABLE: &str = include_str!("../data/std_api.txt");

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Returns {
    Option,
    Result,
    Iterator,
    /// Another std type, by its last path segment.
    Type(String),
}

impl Returns {
    fn parse(text: &str) -> Returns {
        match text {
            "Option" => Returns::Option,
            "Result" => Returns::Result,
            "Iterator" => Returns::Iterator,
            other => Returns::Type(other.to_string()),
        }
    }
}

/// The table, parsed once per run (the key is `()`).
#[derive(Debug, Default)]
pub struct StdApi {
    methods: HashMap<(String, String), Returns>,
    fns: HashMap<String, Returns>,
}

impl ProjectIndex for StdApi {
    type Key = ();

    fn build(_: &Project, _: &()) -> StdApi {
        StdApi::parse(TABLE)
    }
}

impl StdApi {
    pub fn parse(text: &str) -> StdApi {
        let mut out = StdApi::default();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let words: Vec<&str> = line.split_whitespace().collect();
            if let [a, b, c] = words.as_slice() {
                if *a == "fn" {
                    out.fns.insert(b.to_string(), Returns::parse(c));
                } else {
                    out.methods
                        .insert((a.to_string(), b.to_string()), Returns::parse(c));
                }
            }
        }
        out
    }

    /// A method of a std type (`HashMap`, `str`, `slice`, `Iterator`, …), with the derefs
    /// of `Vec` to `slice` and `String` to `str`.
    pub fn method(&self, receiver: &str, name: &str) -> Option<&Returns> {
        let get = |r: &str| self.methods.get(&(r.to_string(), name.to_string()));
        get(receiver).or_else(|| match receiver {
            "Vec" | "array" => get("slice"),
            "String" => get("str"),
            "PathBuf" => get("Path"),
            _ => None,
        })
    }

    /// A function by its path (`std::fs::read_to_string`, `std::fs::File::open`).
    pub fn function(&self, path: &str) -> Option<&Returns> {
        self.fns.get(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses() {
        let api = StdApi::parse(TABLE);
        assert_eq!(api.method("Vec", "get"), Some(&Returns::Option));
        assert_eq!(api.method("String", "parse"), Some(&Returns::Result));
        assert_eq!(api.function("std::env::var"), Some(&Returns::Result));
        assert_eq!(api.method("Iterator", "map"), Some(&Returns::Iterator));
    }
}
