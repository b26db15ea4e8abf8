//! `prodlint`: finds the defects that keep Rust and TS/JS projects out of production.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use prodlint_core::{Config, Severity};

mod discover;
mod engine;
mod report;

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
    Check(CheckArgs),
    /// List the rules.
    Rules,
    /// Print a rule's documentation.
    Explain {
        /// A rule id, as `prodlint rules` lists them.
        rule: String,
    },
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
    let result = match cli.command {
        Command::Check(args) => check(args),
        Command::Rules => list_rules(),
        Command::Explain { rule } => explain(&rule),
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

fn check(args: CheckArgs) -> Result<u8, String> {
    let cwd = std::env::current_dir()
        .map_err(|error| format!("cannot read the working directory: {error}"))?;
    validate_rule_ids(&args.select, "--select")?;
    validate_rule_ids(&args.ignore, "--ignore")?;
    let config = load_config(args.config.as_deref(), &cwd)?;
    let rules = RuleSet::build(&config, &args.select, &args.ignore)
        .map_err(|error| format!("invalid configuration: {error}"))?;
    let threads = args.threads.unwrap_or(0);
    if threads > 0 {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global()
            .map_err(|error| format!("cannot start {threads} threads: {error}"))?;
    }
    let walker_threads = if threads > 0 {
        threads
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    };

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
            if let Some(missing) = paths.iter().find(|p| !p.exists()) {
                return Err(format!("no such file or directory: {}", missing.display()));
            }
            discover(&paths, &config, &cwd, walker_threads)
                .into_iter()
                .map(|candidate| Input {
                    candidate,
                    text: None,
                })
                .collect()
        }
    };

    let project = prodlint_core::Project::new(cwd.clone());
    let report = engine::lint(inputs, &rules, &project);
    let format = args.format.unwrap_or_else(default_format);
    let mut out = std::io::stdout().lock();
    report::write(format, &report, &mut out)
        .map_err(|error| format!("cannot write the report: {error}"))?;
    out.flush()
        .map_err(|error| format!("cannot write the report: {error}"))?;
    if matches!(format, Format::Pretty | Format::Compact) {
        eprintln!(
            "{} errors, {} warnings, {} infos in {} files ({} ms){}",
            report.count(Severity::Error),
            report.count(Severity::Warning),
            report.count(Severity::Info),
            report.files,
            report.elapsed_ms,
            if report.errors.is_empty() {
                String::new()
            } else {
                format!("; {} files could not be fully parsed", report.errors.len())
            }
        );
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
