//! `prodlint-fuzz`: a mutation and splicing fuzzer for prodlint on the stable toolchain.
//!
//! Inputs start from the fixtures and from a corpus this fuzzer keeps; each round mutates
//! some of them (bytes, tokens of the language, splices of two inputs, deep repetitions
//! around the depth limits) and runs them, as files of one project, through the real
//! `prodlint check` in a child process: parse, every index and every rule, on the CLI's
//! own threads. A child that dies (a stack overflow or an abort), exits with status 2,
//! or reports an internal error (a rule that panicked) is a crash: each input of the
//! round is then run alone to find which ones, and those are saved. An input that takes
//! too long alone is saved apart, as slow (a hang is not a crash, but worth a look).
//!
//! There is no coverage instrumentation on stable; an input joins the corpus when its
//! outcome is new: the set of rules it triggers and the kinds of error it gets.
//!
//! ```text
//! prodlint-fuzz rust|js --seconds N --prodlint PATH --corpus DIR --crashes DIR --slow DIR
//!               [--seeds DIR]... [--seed N] [--batch N]
//! ```

use std::collections::HashSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// A round longer than this is a hang.
const ROUND_TIMEOUT: Duration = Duration::from_secs(30);
/// One input alone longer than this is a hang.
const INPUT_TIMEOUT: Duration = Duration::from_secs(10);
/// Inputs larger than this are not kept in the corpus.
const MAX_KEPT: usize = 64 * 1024;
const MAX_CORPUS: usize = 4000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum FrontEnd {
    Rust,
    Js,
}

impl FrontEnd {
    fn extensions(self) -> &'static [&'static str] {
        match self {
            FrontEnd::Rust => &["rs"],
            FrontEnd::Js => &["ts", "tsx", "js", "jsx", "mjs", "cjs", "mts", "vue"],
        }
    }

    /// Tokens worth inserting: what opens and closes, what the rules look at, what
    /// positions and suppressions trip over.
    fn dictionary(self) -> Vec<&'static str> {
        const COMMON: &[&str] = &[
            "(",
            ")",
            "[",
            "]",
            "{",
            "}",
            "<",
            ">",
            "\"",
            "'",
            "/*",
            "*/",
            "//",
            "\n",
            "\r",
            "\r\n",
            "\u{feff}",
            "\u{2028}",
            "\u{1F600}",
            "é",
            "\\",
            ";",
            ",",
            ".",
            "?",
            "!",
            "=",
            "&&",
            "||",
            "+",
            "-",
            "*",
            "/",
            ":",
            "::",
            "0",
            "1e309",
            "\"http://localhost:3000\"",
            "'https://api.example.com/'",
            "// prodlint-ignore hardcoded-url: reason\n",
            "// prodlint-ignore-file n-plus-one: reason\n",
            "// prodlint-ignore\n",
            "/* prodlint-ignore x */",
            "await ",
            "async ",
            "return ",
            "if ",
            "else ",
            "for ",
            "while ",
            "match ",
            "loop ",
            "x",
            "self",
            "None",
            "null",
            "undefined",
        ];
        const RUST: &[&str] = &[
            "fn f() {",
            "}",
            "impl X {",
            "struct S { a: u8 }",
            "async fn",
            ".await",
            "?",
            ".unwrap()",
            ".expect(\"x\")",
            "Option<",
            "Result<",
            "Rc<",
            "RefCell<",
            "MutexGuard",
            ".lock()",
            "tokio::spawn(async move {",
            "|x|",
            "move ||",
            "'a",
            "&'static str",
            "r#\"",
            "\"#",
            "b'x'",
            "#[cfg(test)]",
            "#[tokio::test]",
            "macro_rules! m {",
            "m!(",
            "let ",
            "mut ",
            "&mut ",
            "dyn ",
            "where ",
            "-> ",
            "=> ",
            "..",
            "..=",
            "as ",
            "unsafe {",
            "for x in xs {",
            "sqlx::query(",
            ".fetch_one(&pool)",
            "use std::rc::Rc;\n",
            "mod m {",
            "pub ",
            "type T = ",
            "trait T {",
            "const C: u8 = 0;",
            "'\\u{0}'",
        ];
        const JS: &[&str] = &[
            "function f() {",
            "=> {",
            "() =>",
            "`",
            "${",
            "class A {",
            "import { a } from './a';\n",
            "import a from 'x';\n",
            "export default ",
            "export * from './b';\n",
            "export const ",
            "require('./a')",
            "module.exports = ",
            "const { a } = ",
            "...",
            "?.",
            "??",
            "new ",
            "typeof ",
            "yield ",
            "<div>",
            "</div>",
            "<A />",
            "{/* */}",
            "<>",
            "</>",
            "<script setup lang=\"ts\">",
            "</script>",
            "<template>",
            "</template>",
            "as const",
            ": string",
            "interface I {",
            "type T = ",
            "enum E {",
            "declare module 'x' {",
            "namespace N {",
            "@Dec()",
            "for (const x of xs) {",
            "await fetch(",
            "prisma.user.findMany(",
            ".map(async (x) => {",
            "Promise.all(",
            "useState(",
            "defineNuxtConfig({",
            "/re[g(]ex/g",
            "#private",
            "label: ",
        ];
        match self {
            FrontEnd::Rust => [COMMON, RUST].concat(),
            FrontEnd::Js => [COMMON, JS].concat(),
        }
    }

    /// Pairs that nest when repeated.
    fn nesting(self) -> &'static [(&'static str, &'static str)] {
        match self {
            FrontEnd::Rust => &[
                ("(", ")"),
                ("[", "]"),
                ("{", "}"),
                ("|| {", "}"),
                ("!", ""),
                ("&", ""),
                ("Vec<", ">"),
                ("a + ", "1"),
                ("if a {} else ", "{}"),
                ("m!(", ")"),
                ("-", ""),
                ("a.b()", ""),
                ("a = ", "1"),
                ("*const ", "u8"),
            ],
            FrontEnd::Js => &[
                ("(", ")"),
                ("[", "]"),
                ("{a:", "}"),
                ("() => {", "}"),
                ("!", ""),
                ("a ? b : ", "c"),
                ("`${", "}`"),
                ("<a>", "</a>"),
                ("a + ", "1"),
                ("Array<", ">"),
                ("f(", ")"),
                ("a => ", "1"),
                ("typeof ", "x"),
                ("a.", "b"),
                ("if (a) ", "b;"),
                ("-", "1"),
            ],
        }
    }
}

struct Options {
    front_end: FrontEnd,
    seconds: u64,
    prodlint: PathBuf,
    corpus: PathBuf,
    crashes: PathBuf,
    slow: PathBuf,
    seeds: Vec<PathBuf>,
    seed: u64,
    batch: usize,
}

fn parse_options() -> Result<Options, String> {
    let mut args = std::env::args().skip(1);
    let front_end = match args.next().as_deref() {
        Some("rust") => FrontEnd::Rust,
        Some("js") => FrontEnd::Js,
        other => {
            return Err(format!(
                "the first argument is `rust` or `js`, not {other:?}"
            ))
        }
    };
    let mut options = Options {
        front_end,
        seconds: 60,
        prodlint: PathBuf::from("target/debug/prodlint"),
        corpus: PathBuf::from("fuzz/corpus"),
        crashes: PathBuf::from("fuzz/crashes"),
        slow: PathBuf::from("fuzz/slow"),
        seeds: Vec::new(),
        seed: fastrand::u64(..),
        batch: 32,
    };
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = || {
            value
                .parse::<u64>()
                .map_err(|_| format!("{flag}: not a number: {value}"))
        };
        match flag.as_str() {
            "--seconds" => options.seconds = number()?,
            "--seed" => options.seed = number()?,
            "--batch" => options.batch = number()?.max(1) as usize,
            "--prodlint" => options.prodlint = value.into(),
            "--corpus" => options.corpus = value.into(),
            "--crashes" => options.crashes = value.into(),
            "--slow" => options.slow = value.into(),
            "--seeds" => options.seeds.push(value.into()),
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    Ok(options)
}

/// One input: a file name's extension and its bytes.
#[derive(Clone)]
struct Input {
    extension: String,
    bytes: Vec<u8>,
}

fn load(dir: &Path, front_end: FrontEnd, out: &mut Vec<Input>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "node_modules") {
                continue;
            }
            load(&path, front_end, out);
            continue;
        }
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !front_end.extensions().contains(&extension) {
            continue;
        }
        if let Ok(bytes) = fs::read(&path) {
            out.push(Input {
                extension: extension.to_string(),
                bytes,
            });
        }
    }
}

struct Mutator {
    rng: fastrand::Rng,
    front_end: FrontEnd,
    dictionary: Vec<&'static str>,
}

impl Mutator {
    fn position(&mut self, bytes: &[u8]) -> usize {
        self.rng.usize(..=bytes.len())
    }

    fn range(&mut self, bytes: &[u8]) -> (usize, usize) {
        let a = self.position(bytes);
        let b = self.position(bytes);
        (a.min(b), a.max(b))
    }

    /// A short range more often than a long one.
    fn short_range(&mut self, bytes: &[u8]) -> (usize, usize) {
        let start = self.position(bytes);
        let len = self.rng.usize(..=16.min(bytes.len() - start));
        (start, start + len)
    }

    fn mutate(&mut self, input: &Input, other: &Input) -> Input {
        let mut bytes = input.bytes.clone();
        let mut extension = input.extension.clone();
        let rounds = 1 + self.rng.usize(..4);
        for _ in 0..rounds {
            match self.rng.u8(..12) {
                0 => {
                    let (a, b) = self.short_range(&bytes);
                    bytes.drain(a..b);
                }
                1 | 2 => {
                    let at = self.position(&bytes);
                    let token = self.dictionary[self.rng.usize(..self.dictionary.len())];
                    bytes.splice(at..at, token.bytes());
                }
                3 => {
                    let (a, b) = self.short_range(&bytes);
                    let chunk = bytes[a..b].to_vec();
                    let at = self.position(&bytes);
                    bytes.splice(at..at, chunk);
                }
                4 => {
                    // Splice: the head of one input and the tail of another.
                    let at = self.position(&bytes);
                    let from = self.rng.usize(..=other.bytes.len());
                    bytes.truncate(at);
                    bytes.extend_from_slice(&other.bytes[from..]);
                }
                5 => {
                    let (a, b) = self.range(&other.bytes);
                    let at = self.position(&bytes);
                    bytes.splice(at..at, other.bytes[a..b].iter().copied());
                }
                6 => {
                    if let Some(byte) = bytes.get_mut(self.rng.usize(..input.bytes.len().max(1))) {
                        *byte ^= 1 << self.rng.u8(..8);
                    }
                }
                7 => {
                    let at = self.position(&bytes);
                    bytes.insert(at, self.rng.u8(..));
                }
                8 => {
                    // Nesting around the depth limits: within, at and beyond them.
                    let pairs = self.front_end.nesting();
                    let (open, close) = pairs[self.rng.usize(..pairs.len())];
                    let count = match self.rng.u8(..4) {
                        0 => self.rng.usize(1..50),
                        1 => self.rng.usize(900..1100),
                        2 => self.rng.usize(3900..4100),
                        _ => self.rng.usize(1..20_000),
                    };
                    let at = self.position(&bytes);
                    let mut nested = open.repeat(count).into_bytes();
                    if self.rng.bool() {
                        nested.extend(close.repeat(count).bytes());
                    }
                    bytes.splice(at..at, nested);
                }
                9 => {
                    let (a, b) = self.short_range(&bytes);
                    let chunk = bytes[a..b].to_vec();
                    let times = self.rng.usize(2..200);
                    bytes.splice(a..b, chunk.repeat(times));
                }
                10 => {
                    let at = self.position(&bytes);
                    bytes.truncate(at);
                }
                _ => {
                    let extensions = self.front_end.extensions();
                    extension = extensions[self.rng.usize(..extensions.len())].to_string();
                }
            }
        }
        // Mostly valid UTF-8, as source files are; now and then not, to try that path.
        if self.rng.u8(..20) != 0 {
            bytes = String::from_utf8_lossy(&bytes).into_owned().into_bytes();
        }
        Input { extension, bytes }
    }
}

/// What a run of prodlint did.
enum Outcome {
    /// Each file's outcome signature, by file name.
    Ran(Vec<(String, String)>),
    Crashed(String),
    TimedOut,
}

fn run(prodlint: &Path, dir: &Path, files: &[String], timeout: Duration) -> Outcome {
    let out_path = dir.join(".out.json");
    let err_path = dir.join(".err.txt");
    let (Ok(stdout), Ok(stderr)) = (fs::File::create(&out_path), fs::File::create(&err_path))
    else {
        return Outcome::Crashed("cannot create the output files".into());
    };
    let child = Command::new(prodlint)
        .args(["check", "--no-cache", "--format", "json", "--threads", "2"])
        .args(files)
        .current_dir(dir)
        .env_remove("RUST_MIN_STACK")
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(error) => return Outcome::Crashed(format!("cannot start prodlint: {error}")),
    };
    let started = Instant::now();
    let status: ExitStatus = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Outcome::TimedOut;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(error) => return Outcome::Crashed(format!("cannot wait for prodlint: {error}")),
        }
    };
    let stderr = fs::read_to_string(&err_path).unwrap_or_default();
    let tail = |s: &str| s.lines().rev().take(3).collect::<Vec<_>>().join(" | ");
    match status.code() {
        None => return Outcome::Crashed(format!("killed by a signal: {}", tail(&stderr))),
        Some(0 | 1) => {}
        Some(code) => return Outcome::Crashed(format!("exit status {code}: {}", tail(&stderr))),
    }
    let Ok(report) =
        serde_json::from_slice::<serde_json::Value>(&fs::read(&out_path).unwrap_or_default())
    else {
        return Outcome::Crashed("the report is not JSON".into());
    };
    let mut signatures: Vec<(String, String)> =
        files.iter().map(|f| (f.clone(), String::new())).collect();
    let empty = Vec::new();
    let entries = report["diagnostics"]
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .map(|d| (d["path"].as_str(), d["rule"].as_str().unwrap_or("")))
        .chain(
            report["errors"]
                .as_array()
                .unwrap_or(&empty)
                .iter()
                .map(|e| (e["path"].as_str(), e["message"].as_str().unwrap_or(""))),
        );
    for (path, what) in entries {
        if what.starts_with("internal error") {
            return Outcome::Crashed(what.to_string());
        }
        // The kind of a message, not its details: the words before a quote or a colon.
        let kind: String = what
            .split(['`', '\'', '"', ':'])
            .next()
            .unwrap_or("")
            .chars()
            .filter(|c| !c.is_ascii_digit())
            .take(40)
            .collect();
        if let Some((_, signature)) = signatures
            .iter_mut()
            .find(|(f, _)| Some(f.as_str()) == path)
        {
            signature.push_str(&kind);
            signature.push('|');
        }
    }
    for (_, signature) in &mut signatures {
        let mut parts: Vec<&str> = signature.split('|').collect();
        parts.sort();
        parts.dedup();
        *signature = parts.join("|");
    }
    Outcome::Ran(signatures)
}

/// Runs one input on its own: by itself (the CLI checks a single file on its main
/// thread), then beside an empty file in either order (so that it is checked on a
/// thread of the pool). The first failure, if any.
fn run_alone(prodlint: &Path, name: &str, input: &Input) -> Outcome {
    let Ok(dir) = tempfile::tempdir() else {
        return Outcome::Crashed("cannot create a temporary directory".into());
    };
    let companion = format!("empty.{}", input.extension);
    if fs::write(dir.path().join(name), &input.bytes).is_err()
        || fs::write(dir.path().join(&companion), "").is_err()
    {
        return Outcome::Crashed("cannot write the input".into());
    }
    let name = name.to_string();
    let mut last = Outcome::Ran(Vec::new());
    for files in [
        vec![name.clone()],
        vec![name.clone(), companion.clone()],
        vec![companion, name],
    ] {
        last = run(prodlint, dir.path(), &files, INPUT_TIMEOUT);
        if !matches!(last, Outcome::Ran(_)) {
            break;
        }
    }
    last
}

fn hash(bytes: &[u8]) -> u64 {
    // FNV-1a: a stable name for a saved input.
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

fn save(dir: &Path, input: &Input) -> std::io::Result<PathBuf> {
    fs::create_dir_all(dir)?;
    let path = dir.join(format!("{:016x}.{}", hash(&input.bytes), input.extension));
    fs::write(&path, &input.bytes)?;
    Ok(path)
}

fn main() {
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("prodlint-fuzz: {message}");
            std::process::exit(2);
        }
    };
    let front_end = options.front_end;
    let mut corpus = Vec::new();
    for seeds in &options.seeds {
        load(seeds, front_end, &mut corpus);
    }
    let seeds = corpus.len();
    load(&options.corpus, front_end, &mut corpus);
    if corpus.is_empty() {
        corpus.push(Input {
            extension: front_end.extensions()[0].to_string(),
            bytes: Vec::new(),
        });
    }
    let kept_before = corpus.len() - seeds;
    println!(
        "prodlint-fuzz: {} inputs ({seeds} seeds, {kept_before} kept), seed {}",
        corpus.len(),
        options.seed
    );
    let mut mutator = Mutator {
        rng: fastrand::Rng::with_seed(options.seed),
        front_end,
        dictionary: front_end.dictionary(),
    };
    let mut seen: HashSet<String> = HashSet::new();
    let mut crashes: Vec<(PathBuf, String)> = Vec::new();
    let (mut execs, mut rounds, mut added, mut slow) = (0u64, 0u64, 0usize, 0usize);
    let deadline = Instant::now() + Duration::from_secs(options.seconds);
    while Instant::now() < deadline {
        let Ok(dir) = tempfile::tempdir() else {
            eprintln!("prodlint-fuzz: cannot create a temporary directory");
            std::process::exit(2);
        };
        let batch: Vec<Input> = (0..options.batch)
            .map(|_| {
                let a = &corpus[mutator.rng.usize(..corpus.len())];
                let b = &corpus[mutator.rng.usize(..corpus.len())];
                mutator.mutate(a, b)
            })
            .collect();
        let names: Vec<String> = batch
            .iter()
            .enumerate()
            .map(|(i, input)| format!("f{i}.{}", input.extension))
            .collect();
        for (name, input) in names.iter().zip(&batch) {
            let _ = fs::write(dir.path().join(name), &input.bytes);
        }
        rounds += 1;
        execs += batch.len() as u64;
        match run(&options.prodlint, dir.path(), &names, ROUND_TIMEOUT) {
            Outcome::Ran(signatures) => {
                for ((_, signature), input) in signatures.into_iter().zip(&batch) {
                    let key = format!("{}:{signature}", input.extension);
                    if input.bytes.len() <= MAX_KEPT
                        && corpus.len() < MAX_CORPUS
                        && seen.insert(key)
                        && save(&options.corpus, input).is_ok()
                    {
                        corpus.push(input.clone());
                        added += 1;
                    }
                }
            }
            failed => {
                let round_reason = match &failed {
                    Outcome::Crashed(reason) => Some(reason.clone()),
                    _ => None,
                };
                // Which inputs crash, or hang, alone?
                let mut found = false;
                for (name, input) in names.iter().zip(&batch) {
                    match run_alone(&options.prodlint, name, input) {
                        Outcome::Crashed(reason) => {
                            found = true;
                            if let Ok(path) = save(&options.crashes, input) {
                                println!("crash: {} ({reason})", path.display());
                                crashes.push((path, reason));
                            }
                        }
                        Outcome::TimedOut => {
                            found = true;
                            if let Ok(path) = save(&options.slow, input) {
                                println!(
                                    "slow: {} (over {} s)",
                                    path.display(),
                                    INPUT_TIMEOUT.as_secs()
                                );
                                slow += 1;
                            }
                        }
                        Outcome::Ran(_) => {}
                    }
                }
                if !found {
                    // Only together: keep the whole round, as a crash or as slow.
                    let (dir, what) = match &round_reason {
                        Some(_) => (&options.crashes, "crash"),
                        None => (&options.slow, "slow"),
                    };
                    let round_dir = dir.join(format!("round-{rounds}"));
                    for input in &batch {
                        let _ = save(&round_dir, input);
                    }
                    let reason = round_reason.unwrap_or_else(|| "timed out".into());
                    println!("{what}: the whole round {} ({reason})", round_dir.display());
                    if what == "crash" {
                        crashes.push((round_dir, reason));
                    } else {
                        slow += 1;
                    }
                }
            }
        }
    }
    let mut summary = std::io::stdout().lock();
    let _ = writeln!(
        summary,
        "prodlint-fuzz {}: {execs} inputs in {rounds} runs, corpus {} ({added} new), {} crashes, {slow} slow",
        match front_end {
            FrontEnd::Rust => "rust",
            FrontEnd::Js => "js",
        },
        corpus.len(),
        crashes.len()
    );
    std::process::exit(if crashes.is_empty() { 0 } else { 1 });
}
