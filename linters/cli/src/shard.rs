//! `--shard K/N`: a deterministic split of the files for CI matrices. A file's shard comes
//! from a hash of its path, so adding a file moves no other file between shards; each shard
//! still reads the whole project for cross-file facts, so the shards' findings together are
//! exactly an unsharded run's.

use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based.
    pub index: u64,
    pub count: u64,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let parse = |part: &str| part.trim().parse::<u64>().ok();
        match text.split_once('/').map(|(k, n)| (parse(k), parse(n))) {
            Some((Some(index), Some(count))) if count > 0 && (1..=count).contains(&index) => {
                Ok(Shard { index, count })
            }
            _ => Err(format!(
                "`{text}` is not K/N with 1 <= K <= N (for example 2/4)"
            )),
        }
    }
}

/// FNV-1a: stable across platforms, versions and runs, unlike the standard hasher.
fn stable_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Shard {
    pub fn contains(&self, display_path: &str) -> bool {
        stable_hash(display_path) % self.count == self.index - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_partitions() {
        assert_eq!("2/3".parse::<Shard>(), Ok(Shard { index: 2, count: 3 }));
        for bad in ["0/3", "4/3", "1/0", "a/b", "3"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        let shards: Vec<Shard> = (1..=3).map(|k| Shard { index: k, count: 3 }).collect();
        let paths: Vec<String> = (0..300).map(|i| format!("src/m{i}/file.ts")).collect();
        for path in &paths {
            assert_eq!(
                shards.iter().filter(|s| s.contains(path)).count(),
                1,
                "{path} is in exactly one shard"
            );
        }
        let sizes: Vec<usize> = shards
            .iter()
            .map(|s| paths.iter().filter(|p| s.contains(p)).count())
            .collect();
        assert!(sizes.iter().all(|&n| n > 70), "roughly even: {sizes:?}");
    }
}
