//! Gives the binary an id of the sources it was built from (`PRODLINT_BUILD_ID`), which
//! keys the result cache: a build of other sources must not reuse results, and the same
//! sources built again (a CI job that installs prodlint on every run) should.

use std::hash::Hasher;
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if hidden {
            continue;
        }
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let mut sources = vec![root.join("Cargo.toml"), root.join("Cargo.lock")];
    for dir in ["linters", "rules"] {
        files(&root.join(dir), &mut sources);
        println!("cargo:rerun-if-changed={dir}");
    }
    println!("cargo:rerun-if-changed=Cargo.toml");
    println!("cargo:rerun-if-changed=Cargo.lock");
    sources.sort();
    // Not cryptographic, only stable for one toolchain: a new one at worst starts afresh.
    let mut hasher = std::hash::DefaultHasher::new();
    for path in &sources {
        let relative = path.strip_prefix(&root).unwrap_or(path);
        hasher.write(relative.to_string_lossy().as_bytes());
        hasher.write(&std::fs::read(path).unwrap_or_default());
    }
    println!(
        "cargo:rustc-env=PRODLINT_BUILD_ID={}-{:016x}",
        std::env::var("CARGO_PKG_VERSION").unwrap_or_default(),
        hasher.finish()
    );
}
