//! The shape of a project's own setting reader, shared by the front ends that find them
//! (`prodlint_js::env_readers`, `prodlint_rust::env_readers`): a function whose body reads
//! the environment variable named by one parameter and falls back to another.

use std::collections::BTreeMap;

/// Which arguments of a setting reader are the variable's name and its fallback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvReader {
    pub name_arg: usize,
    pub fallback_arg: usize,
}

/// Setting readers by function name, as found file by file: `None` where two functions
/// of one name have different shapes (unknown, so neither counts).
#[derive(Debug, Default)]
pub struct EnvReaderShapes(BTreeMap<String, Option<EnvReader>>);

impl EnvReaderShapes {
    pub fn add(&mut self, name: String, shape: EnvReader) {
        self.0
            .entry(name)
            .and_modify(|known| {
                if *known != Some(shape) {
                    *known = None;
                }
            })
            .or_insert(Some(shape));
    }

    /// The readers whose shape is known.
    pub fn known(self) -> BTreeMap<String, EnvReader> {
        self.0
            .into_iter()
            .filter_map(|(name, shape)| shape.map(|shape| (name, shape)))
            .collect()
    }
}

/// Whether `name` is written as an environment variable's name: `API_URL`, `REDIS_HOST`.
pub fn is_env_style_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}
