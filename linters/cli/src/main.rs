//! `prodlint`: finds the defects that keep Rust and TS/JS projects out of production.

use std::collections::HashMap;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{CommandFactory, Parser, Subcommand};
use prodlint_core::nesting::STACK_SIZE;
use prodlint_core::{Config, Configs, Severity};

// Every run makes and drops millions of small allocations (syntax trees, interned names,
// paths, per-file facts) on several threads; glibc's allocator spends a sixth of a run in
// consolidating and unlinking free chunks, mimalloc's thread-local free lists do not.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc asks the kernel for transparent huge pages for its arenas, and the kernel then
/// zeroes 2 MiB at each first touch: on a whole TS run a sixth of the CPU time went to
/// zeroing pages, and peak memory grew by a fifth, for memory the run mostly never used.
/// Ordinary pages are faster here. The children the process starts (`git`, the checks of
/// `--watch`) inherit the setting, which suits them as well.
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes integer arguments and touches no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

mod baseline;
mod cache;
mod discover;
mod engine;
mod fix;
mod fs;
mod init;
mod lsp;
mod report;
mod shard;
mod watch;

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
    /// Print a shell completion script (e.g. `prodlint completions bash >
    /// ~/.local/share/bash-completion/completions/prodlint`).
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write a commented prodlint.toml for the project in the working directory.
    Init,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files and directories to check. Directories are walked honouring .gitignore;
    /// files are checked as named; `-` is standard input (named by --stdin-filename, else
    /// read as TypeScript, which also reads plain JavaScript).
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
    /// Exit with status 0 even when there are error-severity findings or files that could
    /// not be checked (usage and configuration errors still exit 2).
    #[arg(long)]
    exit_zero: bool,
    /// Exit with status 1 when there are more than N warnings.
    #[arg(long, value_name = "N")]
    max_warnings: Option<usize>,
    /// Report only error-severity findings (and files that could not be checked).
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Print how many findings each rule made instead of the findings (JSON with
    /// --format json).
    #[arg(long)]
    statistics: bool,
    /// Write the report to FILE instead of standard output (a summary still goes to the
    /// terminal).
    #[arg(long, short = 'o', value_name = "FILE")]
    output_file: Option<PathBuf>,
    /// Colours in pretty output [default: auto: on a terminal, unless NO_COLOR is set;
    /// FORCE_COLOR or CLICOLOR_FORCE turn them on, TERM=dumb off].
    #[arg(long, value_enum, value_name = "WHEN", default_value_t)]
    color: report::color::ColorChoice,
    /// Check again each time a source or configuration file changes (with the cache, only
    /// what changed is checked again).
    #[arg(long, conflicts_with_all = ["fix", "diff", "write_baseline", "stdin_filename", "no_cache"])]
    watch: bool,
}

/// The name standard input is checked under when `-` is given without --stdin-filename.
const STDIN_DEFAULT_NAME: &str = "stdin.ts";

/// The rule ids of `--select`/`--ignore`, white space around each one removed, so that
/// `--select "a, b"` means `a` and `b`.
fn rule_list(ids: &[String]) -> Vec<String> {
    ids.iter()
        .map(|id| id.trim())
        .filter(|id| !id.is_empty())
        .map(str::to_string)
        .collect()
}

/// Exit status: no error-severity finding.
const EXIT_CLEAN: u8 = 0;
/// Exit status: at least one error-severity finding, or a file that could not be read or
/// parsed.
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
    // A parser's known panic on malformed input is that file's parse error, reported
    // with the file; it is not printed to stderr as if the run had crashed.
    prodlint_core::install_quiet_hook();
    no_transparent_huge_pages();
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
            Command::Check(args) if args.watch => {
                let paths = if args.paths.is_empty() {
                    vec![PathBuf::from(".")]
                } else {
                    args.paths.clone()
                };
                if paths.iter().any(|p| p.as_os_str() == "-") {
                    return Err("--watch cannot watch standard input".to_string());
                }
                // The same arguments, less --watch, for each run.
                let check_args: Vec<std::ffi::OsString> = std::env::args_os()
                    .skip_while(|arg| arg != "check")
                    .skip(1)
                    .filter(|arg| arg != "--watch")
                    .collect();
                watch::run(check_args, &paths)
            }
            Command::Check(args) => check(*args),
            Command::Rules => list_rules(),
            Command::Explain { rule } => explain(&rule),
            Command::Lsp => start_pool(0).and_then(|()| lsp::run()),
            Command::Completions { shell } => {
                clap_complete::generate(
                    shell,
                    &mut Cli::command(),
                    "prodlint",
                    &mut std::io::stdout(),
                );
                Ok(EXIT_CLEAN)
            }
            Command::Init => init_config(),
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

fn init_config() -> Result<u8, String> {
    let cwd = std::env::current_dir()
        .map_err(|error| format!("cannot read the working directory: {error}"))?;
    let survey = init::run(&cwd)?;
    let mut found = Vec::new();
    if survey.rust {
        found.push("Rust");
    }
    if survey.package_json {
        found.push("TS/JS");
    }
    found.extend(&survey.frameworks);
    let found = if found.is_empty() {
        String::new()
    } else {
        format!(" for {}", found.join(", "))
    };
    eprintln!(
        "wrote {}{found}; every setting in it is commented out",
        prodlint_core::CONFIG_FILE_NAME
    );
    Ok(EXIT_CLEAN)
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
            meta.severity_label(),
            meta.summary
        );
    }
    Ok(EXIT_CLEAN)
}

fn explain(id: &str) -> Result<u8, String> {
    if let Some((_, page)) = report::FILE_PROBLEM_PAGES
        .iter()
        .find(|(known, _)| *known == id)
    {
        print!("{page}");
        return Ok(EXIT_CLEAN);
    }
    let entry = prodlint_rules::find(id).ok_or_else(|| {
        let others: Vec<&str> = report::FILE_PROBLEM_PAGES
            .iter()
            .map(|(id, _)| *id)
            .collect();
        format!(
            "unknown rule `{id}`; the rules are: {} (and, for files, {})",
            prodlint_rules::rule_ids().join(", "),
            others.join(", ")
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

/// Where this run keeps its caches (`None` with `--no-cache`: nothing is written), if
/// that directory is to be trusted; a note says why one is not.
fn cache_dir(args: &CheckArgs, config: &Config, cwd: &Path) -> Option<PathBuf> {
    if args.no_cache {
        return None;
    }
    let dir = match (&args.cache_dir, &config.path) {
        (Some(dir), _) => cwd.join(dir),
        (None, Some(config)) => config
            .parent()
            .map_or_else(|| cwd.to_path_buf(), Path::to_path_buf)
            .join(prodlint_core::CACHE_DIR_NAME),
        (None, None) => cwd.join(prodlint_core::CACHE_DIR_NAME),
    };
    match cache::refusal(&dir) {
        Some(reason) => {
            eprintln!("prodlint: note: {reason}");
            None
        }
        None => Some(dir),
    }
}

/// The result cache of this run in `dir`, unless the input is standard input.
fn open_cache(args: &CheckArgs, config: &Config, cwd: &Path, dir: &Path) -> Option<cache::Cache> {
    if args.stdin_filename.is_some() {
        return None;
    }
    let config_text = config
        .path
        .as_ref()
        .and_then(|p| std::fs::read_to_string(p).ok())
        .unwrap_or_default();
    let select = args.select.join(",");
    let ignore = args.ignore.join(",");
    let cwd_text = cwd.to_string_lossy();
    // The sources the binary was built from are part of the key: a prodlint built from
    // other sources must not reuse the results, even at the same version.
    let build = env!("PRODLINT_BUILD_ID");
    let key = [build, &config_text, &select, &ignore, &cwd_text];
    let mut cache = cache::Cache::open(dir, cwd, &key);
    if args.fix || args.diff {
        cache.store_only();
    }
    Some(cache)
}

/// The project of a run, with its cache directory if it has one.
fn new_project(cwd: &Path, cache_dir: Option<&Path>) -> prodlint_core::Project {
    let project = prodlint_core::Project::new(cwd.to_path_buf());
    match cache_dir {
        Some(dir) => project.with_cache_dir(dir.to_path_buf()),
        None => project,
    }
}

fn check(mut args: CheckArgs) -> Result<u8, String> {
    args.select = rule_list(&args.select);
    args.ignore = rule_list(&args.ignore);
    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        if args.paths.len() > 1 {
            return Err("`-` (standard input) cannot be checked with other paths".into());
        }
        if args.fix {
            return Err("--fix cannot write to standard input; use --diff".into());
        }
        args.paths.clear();
        args.stdin_filename
            .get_or_insert_with(|| PathBuf::from(STDIN_DEFAULT_NAME));
    }
    let cwd = std::env::current_dir()
        .map_err(|error| format!("cannot read the working directory: {error}"))?;
    validate_rule_ids(&args.select, "--select")?;
    validate_rule_ids(&args.ignore, "--ignore")?;
    // The configuration of the working directory (or the one given) places the cache;
    // each file is checked with its own ([`Configs`]).
    let config = load_config(args.config.as_deref(), &cwd)?;
    let configs = match &args.config {
        Some(_) => Configs::explicit(config.clone()),
        None => Configs::nearest(&prodlint_rules::rule_ids()),
    };
    let threads = args.threads.unwrap_or(0);
    start_pool(threads)?;
    let walker_threads = if threads > 0 {
        threads
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    };

    let mut walk_errors = Vec::new();
    let inputs = match &args.stdin_filename {
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
            for path in &paths {
                check_named_path(path)?;
            }
            let discovered = discover(&paths, &configs, &cwd, walker_threads);
            if let Some(error) = discovered.config_errors.first() {
                return Err(format!("invalid configuration: {error}"));
            }
            walk_errors = discovered.errors;
            discovered
                .files
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

    if inputs.is_empty() && walk_errors.is_empty() && args.shard.is_none() && !args.quiet {
        // An empty run is almost always a mistake (a wrong path, everything excluded):
        // say so rather than report a clean project.
        eprintln!(
            "prodlint: note: no files matched: prodlint checks {} files (not excluded, not ignored by git)",
            discover::supported_extensions()
        );
    }
    let jobs = jobs(inputs, &configs, &args, &cwd)?;
    let checked: std::collections::HashSet<String> = jobs
        .iter()
        .map(|job| job.input.candidate.display.clone())
        .collect();
    let cache_dir = cache_dir(&args, &config, &cwd);
    // Never dropped: freeing the run's indexes (every module's facts, the resolvers'
    // caches, the crate indexes) one allocation at a time took 3% of a large run's CPU
    // time, on one thread, after the work was done; the process ends soon and gives the
    // memory back at once.
    let project = std::mem::ManuallyDrop::new(new_project(&cwd, cache_dir.as_deref()));
    let cache = cache_dir
        .as_deref()
        .and_then(|dir| open_cache(&args, &config, &cwd, dir));
    let mut report = engine::lint_each(&jobs, &project, cache.as_ref());
    report.add_errors(walk_errors.clone());
    if let Some(cache) = cache {
        if let Err(error) = cache.save() {
            eprintln!("prodlint: cannot write the cache: {error}");
        }
    }
    if args.diff || args.fix {
        let plan = fix::plan(&report.diagnostics, &|display| checked.contains(display));
        if plan.unchecked > 0 {
            eprintln!(
                "prodlint: {} files this run did not check; left alone",
                counted_as(plan.unchecked, "fix edits", "fixes edit")
            );
        }
        for display in &plan.rejected {
            eprintln!("prodlint: {display}: the fixed text would not parse; left unchanged");
        }
        if plan.overlapping > 0 {
            eprintln!(
                "{} others and {} left for the next run",
                counted_as(plan.overlapping, "fix overlaps", "fixes overlap"),
                if plan.overlapping == 1 { "is" } else { "are" }
            );
        }
        if args.diff {
            print!("{}", fix::diff(&plan));
            let count: usize = plan.files.iter().map(|f| f.fixes).sum();
            eprintln!(
                "{} in {}",
                counted_as(count, "fix", "fixes"),
                counted(plan.files.len(), "file")
            );
            return Ok(if plan.files.is_empty() {
                EXIT_CLEAN
            } else {
                EXIT_FINDINGS
            });
        }
        let applied = fix::apply(&plan);
        for error in &applied.errors {
            eprintln!("prodlint: {error}");
        }
        eprintln!(
            "applied {} in {}",
            counted_as(applied.fixes, "fix", "fixes"),
            counted(applied.files, "file")
        );
        if applied.files > 0 {
            // Report what remains after the fixes, from the files as they are now.
            let project = new_project(&cwd, cache_dir.as_deref());
            report = engine::lint_each(&jobs, &project, None);
            report.add_errors(walk_errors);
        }
    }
    if let Some(path) = &args.write_baseline {
        let count = baseline::write(path, &report)?;
        eprintln!(
            "wrote {} to the baseline {}",
            counted(count, "finding"),
            path.display()
        );
        return Ok(EXIT_CLEAN);
    }
    let unmatched = match &args.baseline {
        Some(path) => Some(baseline::apply(path, &mut report)?),
        None => None,
    };
    // Counted before `--quiet` hides them: hiding warnings does not let more through.
    let warnings = report.count(Severity::Warning);
    if args.quiet {
        report.diagnostics.retain(|d| d.severity == Severity::Error);
    }
    let format = match (args.format, &args.output_file) {
        (Some(format), _) => format,
        (None, Some(_)) => Format::Compact,
        (None, None) => default_format(),
    };
    let env = |name: &str| std::env::var_os(name);
    let to_terminal = args.output_file.is_none() && std::io::stdout().is_terminal();
    let color = report::color::enabled(args.color, to_terminal, &env);
    let pretty = if args.output_file.is_some() {
        report::PrettyOptions {
            color,
            ..report::PrettyOptions::plain()
        }
    } else {
        report::PrettyOptions::for_stdout(color)
    };
    let mut document = Vec::new();
    let written = if args.statistics && format == Format::Json {
        report::statistics::write_json(&report, &mut document)
    } else if args.statistics {
        report::statistics::write_text(&report, &mut document)
    } else {
        report::write(format, &report, &mut document, &pretty)
    };
    written.map_err(|error| format!("cannot write the report: {error}"))?;
    match &args.output_file {
        Some(path) => {
            // As ESLint does, the file's directory is created if it is missing.
            let target = cwd.join(path);
            target
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| prodlint_core::write_atomically(&target, &document))
                .map_err(|error| format!("cannot write {}: {error}", path.display()))?
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&document)
                .and_then(|()| out.flush())
                .map_err(|error| format!("cannot write the report: {error}"))?;
        }
    }
    // JSON and SARIF carry the notes in the document; the other formats have no place for
    // them, so they go to standard error.
    let notes_in_document = matches!(format, Format::Json | Format::Sarif) && !args.statistics;
    if !args.quiet && !notes_in_document {
        for note in &report.notes {
            eprintln!("prodlint: note: {}", note.located());
        }
    }
    // The summary goes to the terminal for the formats people read, and whenever the
    // report went to a file.
    if matches!(format, Format::Pretty | Format::Compact) || args.output_file.is_some() {
        let unparsed = match report.files_with_errors() {
            0 => String::new(),
            1 => "; 1 file could not be fully parsed".to_string(),
            n => format!("; {n} files could not be fully parsed"),
        };
        let written_to = args
            .output_file
            .as_ref()
            .map(|path| format!("; report written to {}", path.display()))
            .unwrap_or_default();
        // "info" is the severity's name; it does not take a plural.
        let infos = report.count(Severity::Info);
        eprintln!(
            "{}, {}, {infos} info in {} ({} ms){unparsed}{written_to}",
            counted(report.count(Severity::Error), "error"),
            counted(report.count(Severity::Warning), "warning"),
            counted(report.files, "file"),
            report.elapsed_ms,
        );
    }
    // On standard error, so that machine-read output stays as it is (the `github`
    // format's own summary line says it).
    if report.unchecked_package_imports > 0 && format != Format::Github {
        eprintln!(
            "{} not checked: run {}",
            counted_as(
                report.unchecked_package_imports,
                "package import",
                "package imports"
            ),
            install_command(&cwd)
        );
    }
    if let Some(unmatched) = unmatched.filter(|&n| n > 0) {
        eprintln!(
            "{} a finding: rewrite the baseline with --write-baseline to prune {}",
            counted_as(
                unmatched,
                "baseline entry no longer matches",
                "baseline entries no longer match"
            ),
            if unmatched == 1 { "it" } else { "them" }
        );
    }
    if args.verbose {
        let unresolved = project
            .index::<prodlint_js::resolve::UnresolvedSpecifiers>(&())
            .counts();
        let imports: usize = unresolved.iter().map(|(_, n)| n).sum();
        eprintln!(
            "import-mismatch: {} in {} could not be resolved and {} not checked",
            counted(unresolved.len(), "specifier"),
            counted(imports, "import"),
            if unresolved.len() == 1 { "was" } else { "were" }
        );
        for (specifier, count) in unresolved {
            eprintln!("  {count:>5}  {specifier}");
        }
    }
    let too_many_warnings = args.max_warnings.filter(|&max| warnings > max);
    if let Some(max) = too_many_warnings {
        eprintln!(
            "prodlint: {} (more than --max-warnings {max})",
            counted(warnings, "warning")
        );
    }
    // A file that could not be read or parsed fails the run, as in ESLint, ruff and oxlint:
    // a hook must not let a broken file through unchecked.
    let failed = report.count(Severity::Error) > 0
        || !report.errors.is_empty()
        || too_many_warnings.is_some();
    Ok(if failed && !args.exit_zero {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

/// Each input with the rules of its configuration, one rule set per config file.
fn jobs(
    inputs: Vec<Input>,
    configs: &Configs,
    args: &CheckArgs,
    cwd: &Path,
) -> Result<Vec<engine::Job>, String> {
    let mut rule_sets: HashMap<Option<PathBuf>, Arc<RuleSet>> = HashMap::new();
    let mut jobs = Vec::with_capacity(inputs.len());
    for input in inputs {
        let path = prodlint_core::normalize(cwd, &input.candidate.path);
        let invalid = |error: prodlint_core::ConfigError| format!("invalid configuration: {error}");
        let config = configs.for_file(&path).map_err(invalid)?;
        let rules = match rule_sets.get(&config.path) {
            Some(rules) => Arc::clone(rules),
            None => {
                let rules =
                    Arc::new(RuleSet::build(&config, &args.select, &args.ignore).map_err(invalid)?);
                rule_sets.insert(config.path.clone(), Arc::clone(&rules));
                rules
            }
        };
        jobs.push(engine::Job {
            config_files: configs.looked_at(&path),
            input,
            rules,
        });
    }
    Ok(jobs)
}

/// A path named on the command line must be a directory or a regular file; the error
/// says which of not there, unreadable (with the operating system's reason) or neither.
fn check_named_path(path: &Path) -> Result<(), String> {
    match std::fs::metadata(path) {
        Ok(metadata) if metadata.is_dir() || metadata.is_file() => Ok(()),
        Ok(_) => Err(format!("{}: not a regular file", path.display())),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            Err(format!("no such file or directory: {}", path.display()))
        }
        Err(error) => Err(format!("cannot read {}: {error}", path.display())),
    }
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

/// The install command of the package manager whose lock file is nearest to `cwd`.
fn install_command(cwd: &std::path::Path) -> &'static str {
    const LOCKS: &[(&str, &str)] = &[
        ("pnpm-lock.yaml", "pnpm install"),
        ("yarn.lock", "yarn install"),
        ("bun.lock", "bun install"),
        ("bun.lockb", "bun install"),
        ("package-lock.json", "npm install"),
    ];
    cwd.ancestors()
        .find_map(|dir| {
            LOCKS
                .iter()
                .find(|(lock, _)| dir.join(lock).exists())
                .map(|(_, command)| *command)
        })
        .unwrap_or("npm install")
}

/// `1 error`, `2 errors`.
fn counted(n: usize, noun: &str) -> String {
    counted_as(n, noun, &format!("{noun}s"))
}

/// `1 fix`, `2 fixes`: the count with the singular or the plural given.
fn counted_as(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
