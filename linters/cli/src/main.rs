//! `prodlint`: finds the defects that keep Rust and TS/JS projects out of production.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use prodlint_core::nesting::STACK_SIZE;
use prodlint_core::{Config, Severity};

mod baseline;
mod cache;
mod discover;
mod engine;
mod fix;
mod fs;
mod lsp;
mod report;
mod shard;

use discover::{discover, display_path, Candidate};
use engine::{Input, RuleSet};
use report::Format;

#[derive(Parser)]
#[command(
    name = "prodlint",
    version,
    about = "Finds the defects that keep Rust and TS/JS projects out of production"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check files and directories (default: the current directory).
    Check(Box<CheckArgs>),
    /// List the rules.
    Rules,
    /// Print a rule's documentation.
    Explain {
        /// A rule id, as `prodlint rules` lists them.
        rule: String,
    },
    /// Serve the Language Server Protocol on standard input and output, for editors.
    Lsp,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files and directories to check. Directories are walked honouring .gitignore;
    /// files are checked as named.
    paths: Vec<PathBuf>,
    /// Output format [default: pretty on a terminal, github under GitHub Actions, else compact].
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Run only these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// Do not run these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Use this configuration file instead of the nearest prodlint.toml.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Read the source from standard input and report it as this path.
    #[arg(long, value_name = "PATH")]
    stdin_filename: Option<PathBuf>,
    /// Worker threads [default: one per core].
    #[arg(long)]
    threads: Option<usize>,
    /// Check only shard K of N (for CI matrices); each shard still reads the whole project.
    #[arg(long, value_name = "K/N")]
    shard: Option<shard::Shard>,
    /// Report only findings that this baseline file does not record.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Do not read or write the result cache.
    #[arg(long)]
    no_cache: bool,
    /// Where to keep the result cache [default: .prodlint_cache beside prodlint.toml, or in
    /// the working directory].
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Apply the safe fixes, then report what remains.
    #[arg(long, conflicts_with_all = ["diff", "stdin_filename"])]
    fix: bool,
    /// Print the safe fixes as a unified diff instead of applying them (exit 1 if any).
    #[arg(long)]
    diff: bool,
    /// Record the current findings in this baseline file (and exit 0).
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    write_baseline: Option<PathBuf>,
    /// Also print, on standard error, the import specifiers that could not be resolved.
    #[arg(long)]
    verbose: bool,
}

/// Exit status: no error-severity finding.
const EXIT_CLEAN: u8 = 0;
/// Exit status: at least one error-severity finding.
const EXIT_FINDINGS: u8 = 1;
/// Exit status: usage, configuration or internal error.
const EXIT_FAILURE: u8 = 2;

fn main() -> ExitCode {
    // Threads that libraries start get the same stack as ours: ra_ap_syntax drops every
    // parse tree on a thread of its own, and dropping a tree recurses once per level (a
    // tree beyond the depth limit is dropped as soon as it is measured). Set before any
    // thread exists, and only if the user has not chosen a size.
    if std::env::var_os("RUST_MIN_STACK").is_none() {
        std::env::set_var("RUST_MIN_STACK", STACK_SIZE.to_string());
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() {
                EXIT_FAILURE
            } else {
                EXIT_CLEAN
            });
        }
    };
    // Files are parsed and checked on this thread too (a single file is not handed to the
    // pool), and the LSP server's main loop parses: every such thread gets a stack sized
    // for the depth limits.
    let command = std::thread::Builder::new()
        .name("prodlint".into())
        .stack_size(STACK_SIZE)
        .spawn(move || match cli.command {
            Command::Check(args) => check(*args),
            Command::Rules => list_rules(),
            Command::Explain { rule } => explain(&rule),
            Command::Lsp => start_pool(0).and_then(|()| lsp::run()),
        });
    let result = match command.map(|thread| thread.join()) {
        Ok(Ok(result)) => result,
        Ok(Err(_)) => Err("internal error: the run panicked".to_string()),
        Err(error) => Err(format!("cannot start a thread: {error}")),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("prodlint: {message}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

fn list_rules() -> Result<u8, String> {
    let mut out = std::io::stdout().lock();
    for entry in prodlint_rules::REGISTRY {
        let meta = entry.meta;
        let _ = writeln!(
            out,
            "{:<24} {:<10} {:<8} {}",
            meta.id,
            meta.languages_text(),
            meta.default_severity.as_str(),
            meta.summary
        );
    }
    Ok(EXIT_CLEAN)
}

fn explain(id: &str) -> Result<u8, String> {
    let entry = prodlint_rules::find(id).ok_or_else(|| {
        format!(
            "unknown rule `{id}`; the rules are: {}",
            prodlint_rules::rule_ids().join(", ")
        )
    })?;
    print!("{}", prodlint_rules::markdown(entry.meta));
    Ok(EXIT_CLEAN)
}

fn validate_rule_ids(ids: &[String], flag: &str) -> Result<(), String> {
    let known = prodlint_rules::rule_ids();
    match ids.iter().find(|id| !known.contains(&id.as_str())) {
        Some(id) => Err(format!(
            "{flag}: unknown rule `{id}`; the rules are: {}",
            known.join(", ")
        )),
        None => Ok(()),
    }
}

fn load_config(explicit: Option<&Path>, cwd: &Path) -> Result<Config, String> {
    let known = prodlint_rules::rule_ids();
    let path = match explicit {
        Some(path) => Some(path.to_path_buf()),
        None => Config::find(cwd),
    };
    match path {
        Some(path) => {
            Config::load(&path, &known).map_err(|error| format!("invalid configuration: {error}"))
        }
        None => Ok(Config::default()),
    }
}

fn default_format() -> Format {
    if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") {
        Format::Github
    } else if std::io::stdout().is_terminal() {
        Format::Pretty
    } else {
        Format::Compact
    }
}

/// The result cache of this run, unless disabled or the input is standard input.
fn open_cache(args: &CheckArgs, config: &Config, cwd: &Path) -> Option<cache::Cache> {
    if args.no_cache || args.stdin_filename.is_some() {
        return None;
    }
    let dir = match (&args.cache_dir, &config.path) {
        (Some(dir), _) => dir.clone(),
        (None, Some(config)) => config
            .parent()
            .map_or_else(|| cwd.to_path_buf(), Path::to_path_buf)
            .join(".prodlint_cache"),
        (None, None) => cwd.join(".prodlint_cache"),
    };
    let config_text = config
        .path
        .as_ref()
        .and_then(|p| std::fs::read_to_string(p).ok())
        .unwrap_or_default();
    let select = args.select.join(",");
    let ignore = args.ignore.join(",");
    let cwd = cwd.to_string_lossy();
    // The sources the binary was built from are part of the key: a prodlint built from
    // other sources must not reuse the results, even at the same version.
    let build = env!("PRODLINT_BUILD_ID");
    Some(cache::Cache::open(
        &dir,
        &[build, &config_text, &select, &ignore, &cwd],
    ))
}

fn check(args: CheckArgs) -> Result<u8, String> {
    let cwd = std::env::current_dir()
        .map_err(|error| format!("cannot read the working directory: {error}"))?;
    validate_rule_ids(&args.select, "--select")?;
    validate_rule_ids(&args.ignore, "--ignore")?;
    let config = load_config(args.config.as_deref(), &cwd)?;
    let rules = RuleSet::build(&config, &args.select, &args.ignore)
        .map_err(|error| format!("invalid configuration: {error}"))?;
    let threads = args.threads.unwrap_or(0);
    start_pool(threads)?;
    let walker_threads = if threads > 0 {
        threads
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    };

    let mut inputs = match &args.stdin_filename {
        Some(path) => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|error| format!("cannot read standard input: {error}"))?;
            let display = display_path(path, &cwd);
            let candidate = Candidate {
                path: path.clone(),
                project_path: display.clone(),
                display,
            };
            if !discover::is_supported(path) {
                return Err(format!(
                    "--stdin-filename: `{}` is not a Rust or TS/JS file",
                    candidate.display
                ));
            }
            vec![Input {
                candidate,
                text: Some(text),
            }]
        }
        None => {
            let paths = if args.paths.is_empty() {
                vec![PathBuf::from(".")]
            } else {
                args.paths.clone()
            };
            if let Some(missing) = paths.iter().find(|p| !p.exists()) {
                return Err(format!("no such file or directory: {}", missing.display()));
            }
            discover(&paths, &config, &cwd, walker_threads)
                .into_iter()
                .filter(|candidate| {
                    args.shard
                        .is_none_or(|shard| shard.contains(&candidate.display))
                })
                .map(|candidate| Input {
                    candidate,
                    text: None,
                })
                .collect()
        }
    };

    let lint_inputs = if args.fix {
        inputs.clone()
    } else {
        std::mem::take(&mut inputs)
    };
    let project = prodlint_core::Project::new(cwd.clone());
    let cache = open_cache(&args, &config, &cwd);
    let mut report = engine::lint(lint_inputs, &rules, &project, cache.as_ref());
    if let Some(cache) = cache {
        if let Err(error) = cache.save() {
            eprintln!("prodlint: cannot write the cache: {error}");
        }
    }
    if args.diff || args.fix {
        let plan = fix::plan(&report.diagnostics);
        for display in &plan.rejected {
            eprintln!("prodlint: {display}: the fixed text would not parse; left unchanged");
        }
        if plan.overlapping > 0 {
            eprintln!(
                "{} fixes overlap others and are left for the next run",
                plan.overlapping
            );
        }
        if args.diff {
            print!("{}", fix::diff(&plan));
            let count: usize = plan.files.iter().map(|f| f.fixes).sum();
            eprintln!("{count} fixes in {} files", plan.files.len());
            return Ok(if plan.files.is_empty() {
                EXIT_CLEAN
            } else {
                EXIT_FINDINGS
            });
        }
        let (written, errors) = fix::apply(&plan);
        for error in &errors {
            eprintln!("prodlint: {error}");
        }
        let count: usize = plan.files.iter().map(|f| f.fixes).sum();
        eprintln!("applied {count} fixes in {written} files");
        if written > 0 {
            // Report what remains after the fixes, from the files as they are now.
            let project = prodlint_core::Project::new(cwd.clone());
            report = engine::lint(inputs, &rules, &project, None);
        }
    }
    if let Some(path) = &args.write_baseline {
        let count = baseline::write(path, &report)?;
        eprintln!("wrote {count} findings to the baseline {}", path.display());
        return Ok(EXIT_CLEAN);
    }
    let unmatched = match &args.baseline {
        Some(path) => Some(baseline::apply(path, &mut report)?),
        None => None,
    };
    let format = args.format.unwrap_or_else(default_format);
    let mut out = std::io::stdout().lock();
    report::write(format, &report, &mut out)
        .map_err(|error| format!("cannot write the report: {error}"))?;
    out.flush()
        .map_err(|error| format!("cannot write the report: {error}"))?;
    if matches!(format, Format::Pretty | Format::Compact) {
        let unparsed = match report.errors.len() {
            0 => String::new(),
            1 => "; 1 file could not be fully parsed".to_string(),
            n => format!("; {n} files could not be fully parsed"),
        };
        eprintln!(
            "{}, {}, {} in {} ({} ms){unparsed}",
            counted(report.count(Severity::Error), "error"),
            counted(report.count(Severity::Warning), "warning"),
            counted(report.count(Severity::Info), "info"),
            counted(report.files, "file"),
            report.elapsed_ms,
        );
    }
    if let Some(unmatched) = unmatched.filter(|&n| n > 0) {
        eprintln!("{unmatched} baseline entries no longer match a finding: rewrite the baseline with --write-baseline to prune them");
    }
    if args.verbose {
        let unresolved = project
            .index::<prodlint_js::resolve::UnresolvedSpecifiers>(&())
            .counts();
        let imports: usize = unresolved.iter().map(|(_, n)| n).sum();
        eprintln!(
            "import-mismatch: {} specifiers in {imports} imports could not be resolved and were not checked",
            unresolved.len()
        );
        for (specifier, count) in unresolved {
            eprintln!("  {count:>5}  {specifier}");
        }
    }
    Ok(if report.count(Severity::Error) > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

/// Starts rayon's pool (`threads` workers, 0: one per core) with stacks sized for the
/// depth limits.
fn start_pool(threads: usize) -> Result<(), String> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .stack_size(STACK_SIZE)
        .build_global()
        .map_err(|error| format!("cannot start {threads} threads: {error}"))
}

/// `1 error`, `2 errors`.
fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
