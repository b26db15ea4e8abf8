//! `prodlint lsp`: the Language Server Protocol on standard input and output.
//!
//! Built on `lsp-server`'s message types and `lsp-types`, with a framing layer of its own
//! ([`transport`]: bounded reads, JSON-RPC errors for bad messages, resynchronisation):
//! a main loop owns all state and answers the client; one worker thread lints. Before a
//! valid `initialize` requests get `ServerNotInitialized`; after `shutdown`,
//! `InvalidRequest`, and the end of the input ends the server as `exit` would. Each
//! document the client opens is linted with the CLI's own code path
//! ([`engine::lint_each`], each file with the [`RuleSet`] of the nearest `prodlint.toml`
//! above it, as [`Configs`] finds it for `prodlint check`), its unsaved text given as the
//! input's text, so the editor shows what `prodlint check` would print for it.
//!
//! - One [`Project`] per workspace root: open buffers are its overrides (they win over
//!   the disk), and every lint job rebuilds its indexes, so facts from other files stay
//!   current as buffers change, files are saved or change on disk
//!   (`workspace/didChangeWatchedFiles`).
//! - Diagnostics are published on open and save at once, and on change after a quiet
//!   [`DEBOUNCE`]. Each change bumps the document's generation; a result for an older
//!   generation is dropped, and queued jobs are merged before they run.
//! - A file that does not parse (swc gives no tree for typical half-typed TS) keeps the
//!   findings of its last version that did, next to the syntax error, moved with the
//!   edits made since (those on lines that changed are withdrawn).
//! - Code actions: each finding's fix as a quick fix, and a `prodlint-ignore` comment.
//! - A `prodlint.toml` is reloaded when it changes or is saved (every config file under
//!   the workspace is found and loaded again); an invalid one at the workspace root is
//!   shown on the file and the last good rules go on; a file under an invalid nested one
//!   is linted with the root's rules, and the error is logged.
//! - A panic while linting is caught (per rule by the engine, per job by the worker) and
//!   sent as a `window/logMessage`; the server keeps serving.

mod convert;
mod transport;
mod uri;
mod worker;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, Exit, Initialized, LogMessage, Notification as _, PublishDiagnostics,
    ShowMessage,
};
use lsp_types::request::{
    CodeActionRequest, Initialize, RegisterCapability, Request as _, Shutdown,
};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, Diagnostic as LspDiagnostic, DiagnosticSeverity,
    DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidChangeWatchedFilesRegistrationOptions, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, FileSystemWatcher, GlobPattern,
    InitializeParams, LogMessageParams, MessageType, Position, PublishDiagnosticsParams, Range,
    Registration, RegistrationParams, SaveOptions, ServerCapabilities, ShowMessageParams,
    TextDocumentContentChangeEvent, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
};
use prodlint_core::{Config, ConfigError, Configs, Project, SourceFile, CONFIG_FILE_NAME};

use crate::discover::{self, display_path, Candidate};
use crate::engine::RuleSet;
use convert::{Finding, Uris};
use worker::{Job, JobDoc, Linted};

/// How long typing must pause before a changed buffer is linted.
const DEBOUNCE: Duration = Duration::from_millis(150);

/// The files whose changes the server asks to hear about: the config, sources, and what
/// module resolution reads.
const WATCHED: &[&str] = &[
    "**/prodlint.toml",
    "**/*.{rs,ts,tsx,mts,cts,js,jsx,mjs,cjs,vue}",
    "**/{package.json,tsconfig.json,jsconfig.json,Cargo.toml}",
];

pub fn run() -> Result<u8, String> {
    let (connection, transport) = transport::stdio();
    let Some(params) = initialize(&connection) else {
        drop(connection);
        transport.join();
        return Ok(1);
    };

    let (jobs, job_receiver) = crossbeam_channel::unbounded();
    let (result_sender, results) = crossbeam_channel::unbounded();
    let worker = std::thread::Builder::new()
        .name("prodlint-lint".into())
        // It parses and checks: a stack sized for the depth limits, like the pool's.
        .stack_size(prodlint_core::nesting::STACK_SIZE)
        .spawn(move || worker::work(job_receiver, result_sender))
        .map_err(|error| format!("cannot start the lint thread: {error}"))?;
    let mut server = Server::new(&connection, &params, jobs);
    let code = server.main_loop(&results);
    drop(server);
    let _ = worker.join();
    drop(connection);
    transport.join();
    code
}

/// The `initialize` handshake: until a valid `initialize` request, other requests are
/// answered with `ServerNotInitialized` and notifications dropped, but `exit`; an
/// `initialize` whose params do not parse gets an `InvalidParams` error and the client
/// may try again. `None` when the client exits or goes away first.
fn initialize(connection: &Connection) -> Option<InitializeParams> {
    for message in &connection.receiver {
        match message {
            Message::Request(request) if request.method == Initialize::METHOD => {
                match serde_json::from_value::<InitializeParams>(request.params) {
                    Ok(params) => {
                        let result = serde_json::json!({
                            "capabilities": capabilities(),
                            "serverInfo": { "name": "prodlint", "version": env!("CARGO_PKG_VERSION") },
                        });
                        let _ = connection
                            .sender
                            .send(Response::new_ok(request.id, result).into());
                        return Some(params);
                    }
                    Err(error) => {
                        let _ = connection.sender.send(
                            Response::new_err(
                                request.id,
                                ErrorCode::InvalidParams as i32,
                                format!("invalid initialize parameters: {error}"),
                            )
                            .into(),
                        );
                    }
                }
            }
            Message::Request(request) => {
                let _ = connection.sender.send(
                    Response::new_err(
                        request.id,
                        ErrorCode::ServerNotInitialized as i32,
                        "the server is not initialized yet".into(),
                    )
                    .into(),
                );
            }
            Message::Notification(notification) if notification.method == Exit::METHOD => {
                return None;
            }
            Message::Notification(_) | Message::Response(_) => {}
        }
    }
    None
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            resolve_provider: Some(false),
            ..CodeActionOptions::default()
        })),
        ..ServerCapabilities::default()
    }
}

struct Document {
    uri: Uri,
    path: PathBuf,
    /// Relative to the workspace root, as the CLI run from there shows it.
    display: String,
    root: PathBuf,
    version: i32,
    text: String,
    generation: u64,
    findings: Vec<Finding>,
    /// The text `findings` were made on.
    findings_text: String,
    published: Option<(i32, Vec<LspDiagnostic>)>,
}

struct Workspace {
    project: Arc<Project>,
    /// The configuration of the workspace root (its excludes), and its rules: what a
    /// file uses when its own config cannot be loaded.
    config: Config,
    rules: Arc<RuleSet>,
    /// The configuration of each file: the nearest `prodlint.toml` above it, found as
    /// `prodlint check` finds it. Made afresh when a config file changes.
    configs: Configs,
    /// The rules of each config file (`None`: the defaults), built once.
    rule_sets: HashMap<Option<PathBuf>, Arc<RuleSet>>,
    /// The config file whose error is on display, to clear it once the file is fixed.
    config_error: Option<Uri>,
    /// The config file as last loaded, to notice a change that no client reported.
    config_stamp: ConfigStamp,
    /// Each place a config file of an open document was looked for (as
    /// [`Configs::looked_at`] lists them), with what was there when its rules were taken:
    /// a nested config that appears, goes or changes unreported is noticed too.
    config_places: Vec<(PathBuf, FileStamp)>,
    /// Paths closed since the last job.
    closed: Vec<PathBuf>,
    /// Whether files on disk may have changed since the last job (a save, a watched file).
    disk_changed: bool,
}

/// What tells that a workspace's config file changed: its path, modification time and size.
type ConfigStamp = Option<(PathBuf, Option<SystemTime>, u64)>;

/// What tells that a file changed: `None` when it is not there, else its modification
/// time and size.
type FileStamp = Option<(Option<SystemTime>, u64)>;

fn file_stamp(path: &Path) -> FileStamp {
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.modified().ok(), metadata.len()))
}

fn config_stamp(root: &Path) -> ConfigStamp {
    let path = Config::find(root)?;
    let metadata = std::fs::metadata(&path).ok();
    let modified = metadata.as_ref().and_then(|m| m.modified().ok());
    Some((path, modified, metadata.map_or(0, |m| m.len())))
}

/// The configuration and rules of a workspace, as `prodlint check` run there loads them.
fn load(root: &Path) -> Result<(Config, RuleSet), ConfigError> {
    let known = prodlint_rules::rule_ids();
    let config = match Config::find(root) {
        Some(path) => Config::load(&path, &known)?,
        None => Config::default(),
    };
    let rules = RuleSet::build(&config, &[], &[])?;
    Ok((config, rules))
}

struct Server<'a> {
    conn: &'a Connection,
    /// The workspace folders the client named.
    roots: Vec<PathBuf>,
    workspaces: BTreeMap<PathBuf, Workspace>,
    /// Open documents by URI.
    docs: HashMap<String, Document>,
    jobs: Sender<Job>,
    generation: u64,
    /// Workspaces to lint when the debounce deadline passes (or at once).
    pending: BTreeSet<PathBuf>,
    deadline: Option<Instant>,
    can_watch_files: bool,
}

impl Workspace {
    /// The rules of the file at `path`: those of its nearest config file, built as
    /// `prodlint check` builds them, once per config file.
    fn rules_for(&mut self, path: &Path) -> Result<Arc<RuleSet>, ConfigError> {
        let config = self.configs.for_file(path)?;
        if let Some(rules) = self.rule_sets.get(&config.path) {
            return Ok(Arc::clone(rules));
        }
        let rules = Arc::new(RuleSet::build(&config, &[], &[])?);
        self.rule_sets
            .insert(config.path.clone(), Arc::clone(&rules));
        Ok(rules)
    }
}

impl<'a> Server<'a> {
    fn new(conn: &'a Connection, params: &InitializeParams, jobs: Sender<Job>) -> Server<'a> {
        #[allow(deprecated)] // `rootUri` is what older clients (Neovim 0.7) send.
        let roots = match (&params.workspace_folders, &params.root_uri) {
            (Some(folders), _) if !folders.is_empty() => folders
                .iter()
                .filter_map(|f| uri::to_path(&f.uri))
                .collect(),
            (_, Some(root)) => uri::to_path(root).into_iter().collect(),
            _ => Vec::new(),
        };
        let can_watch_files = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        Server {
            conn,
            roots,
            workspaces: BTreeMap::new(),
            docs: HashMap::new(),
            jobs,
            generation: 0,
            pending: BTreeSet::new(),
            deadline: None,
            can_watch_files,
        }
    }

    /// Serves until `exit`: 0 after a `shutdown`, 1 without one (as LSP asks).
    ///
    /// After `shutdown`, requests are answered with `InvalidRequest`; the end of the input
    /// then ends the server as `exit` would.
    fn main_loop(&mut self, results: &Receiver<Linted>) -> Result<u8, String> {
        let conn = self.conn;
        let mut shut_down = false;
        let status = |shut_down: bool| Ok(if shut_down { 0 } else { 1 });
        loop {
            let timer = match self.deadline {
                Some(deadline) => crossbeam_channel::at(deadline),
                None => crossbeam_channel::never(),
            };
            crossbeam_channel::select! {
                recv(conn.receiver) -> message => {
                    let Ok(message) = message else { return status(shut_down) };
                    match message {
                        Message::Request(request) if shut_down => {
                            self.send(Response::new_err(
                                request.id,
                                ErrorCode::InvalidRequest as i32,
                                "the server is shut down".into(),
                            ));
                        }
                        Message::Request(request) if request.method == Shutdown::METHOD => {
                            shut_down = true;
                            self.send(Response::new_ok(request.id, ()));
                        }
                        Message::Request(request) => self.on_request(request),
                        Message::Notification(notification) => {
                            if notification.method == Exit::METHOD {
                                return status(shut_down);
                            }
                            if shut_down {
                                continue;
                            }
                            if notification.method == Initialized::METHOD {
                                // The client takes requests now.
                                self.register_watchers();
                                continue;
                            }
                            self.on_notification(notification);
                        }
                        Message::Response(_) => {}
                    }
                }
                recv(results) -> linted => {
                    if let Ok(linted) = linted {
                        self.on_linted(linted);
                    }
                }
                recv(timer) -> _ => {
                    self.deadline = None;
                    self.flush();
                }
            }
        }
    }

    fn send(&self, message: impl Into<Message>) {
        // A send fails only when the client is gone; the loop then ends on its own.
        let _ = self.conn.sender.send(message.into());
    }

    fn notify(&self, method: &str, params: impl serde::Serialize) {
        self.send(Notification::new(method.to_string(), params));
    }

    fn log(&self, typ: MessageType, message: String) {
        self.notify(LogMessage::METHOD, LogMessageParams { typ, message });
    }

    fn publish(&self, uri: &Uri, version: Option<i32>, diagnostics: Vec<LspDiagnostic>) {
        self.notify(
            PublishDiagnostics::METHOD,
            PublishDiagnosticsParams {
                uri: uri.clone(),
                diagnostics,
                version,
            },
        );
    }

    // ---- requests ----

    fn on_request(&mut self, request: Request) {
        let response = match request.method.as_str() {
            CodeActionRequest::METHOD => {
                match serde_json::from_value::<CodeActionParams>(request.params) {
                    Ok(params) => Response::new_ok(request.id, self.code_actions(&params)),
                    Err(error) => Response::new_err(
                        request.id,
                        ErrorCode::InvalidParams as i32,
                        error.to_string(),
                    ),
                }
            }
            method => Response::new_err(
                request.id,
                ErrorCode::MethodNotFound as i32,
                format!("prodlint does not handle `{method}`"),
            ),
        };
        self.send(response);
    }

    fn code_actions(&self, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
        let Some(doc) = self.docs.get(params.text_document.uri.as_str()) else {
            return Vec::new();
        };
        if let Some(only) = &params.context.only {
            let quickfix = CodeActionKind::QUICKFIX;
            if !only
                .iter()
                .any(|kind| kind.as_str().is_empty() || *kind == quickfix)
            {
                return Vec::new();
            }
        }
        let overlaps = |a: &Range, b: &Range| a.start <= b.end && b.start <= a.end;
        let file = SourceFile::new(doc.path.clone(), doc.display.clone(), doc.text.clone());
        let mut actions = Vec::new();
        let mut suppressed: BTreeSet<(&str, u32)> = BTreeSet::new();
        for finding in &doc.findings {
            let Some(rule) = finding.rule else { continue };
            let diagnostic = &finding.diagnostic;
            let asked = overlaps(&diagnostic.range, &params.range)
                || params
                    .context
                    .diagnostics
                    .iter()
                    .any(|d| d.range == diagnostic.range && d.code == diagnostic.code);
            if !asked {
                continue;
            }
            if let Some(fix) = &finding.fix {
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: fix.title.clone(),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic.clone()]),
                    edit: Some(fix.edit.clone()),
                    is_preferred: Some(fix.preferred),
                    ..CodeAction::default()
                }));
            }
            let line = diagnostic.range.start.line;
            if rule != prodlint_rules::invalid_suppression::META.id
                && suppressed.insert((rule, line))
            {
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: format!("Suppress {rule} on this line (prodlint-ignore comment)"),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic.clone()]),
                    edit: Some(convert::suppression_edit(&doc.uri, &file, line, rule)),
                    ..CodeAction::default()
                }));
            }
        }
        actions
    }

    // ---- notifications ----

    fn on_notification(&mut self, notification: Notification) {
        fn params<P: serde::de::DeserializeOwned>(notification: Notification) -> Option<P> {
            serde_json::from_value(notification.params).ok()
        }
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Some(p) = params::<DidOpenTextDocumentParams>(notification) {
                    self.did_open(p);
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Some(p) = params::<DidChangeTextDocumentParams>(notification) {
                    self.did_change(p);
                }
            }
            DidSaveTextDocument::METHOD => {
                if let Some(p) = params::<DidSaveTextDocumentParams>(notification) {
                    self.did_save(p);
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Some(p) = params::<DidCloseTextDocumentParams>(notification) {
                    self.did_close(p);
                }
            }
            DidChangeWatchedFiles::METHOD => {
                if let Some(p) = params::<DidChangeWatchedFilesParams>(notification) {
                    self.did_change_watched_files(p);
                }
            }
            _ => {}
        }
    }

    fn register_watchers(&mut self) {
        if !self.can_watch_files {
            return;
        }
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: WATCHED
                .iter()
                .map(|glob| FileSystemWatcher {
                    glob_pattern: GlobPattern::String(glob.to_string()),
                    kind: None,
                })
                .collect(),
        };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: "prodlint-watched-files".into(),
                method: DidChangeWatchedFiles::METHOD.into(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        self.send(Request::new(
            RequestId::from("prodlint-register-watchers".to_string()),
            RegisterCapability::METHOD.into(),
            params,
        ));
    }

    fn did_open(&mut self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        let Some(path) = uri::to_path(&document.uri) else {
            return;
        };
        if !discover::is_supported(&path) {
            return;
        }
        let root = self.workspace_for(&path);
        self.generation += 1;
        let doc = Document {
            display: display_path(&path, &root),
            uri: document.uri.clone(),
            path,
            root: root.clone(),
            version: document.version,
            text: document.text,
            generation: self.generation,
            findings: Vec::new(),
            findings_text: String::new(),
            published: None,
        };
        self.docs.insert(document.uri.as_str().to_string(), doc);
        self.schedule(root, true);
    }

    fn did_change(&mut self, params: DidChangeTextDocumentParams) {
        self.generation += 1;
        let Some(doc) = self.docs.get_mut(params.text_document.uri.as_str()) else {
            return;
        };
        for change in params.content_changes {
            apply_change(&mut doc.text, change);
        }
        doc.version = params.text_document.version;
        doc.generation = self.generation;
        let root = doc.root.clone();
        self.schedule(root, false);
    }

    fn did_save(&mut self, params: DidSaveTextDocumentParams) {
        let path = uri::to_path(&params.text_document.uri);
        if path.as_deref().is_some_and(is_config_file) {
            self.reload_configs();
        } else {
            // What is on disk changed: every workspace may read the file.
            self.mark_disk_changed();
            self.schedule_all(true);
        }
    }

    fn did_close(&mut self, params: DidCloseTextDocumentParams) {
        let Some(doc) = self.docs.remove(params.text_document.uri.as_str()) else {
            return;
        };
        if let Some(workspace) = self.workspaces.get_mut(&doc.root) {
            workspace.closed.push(doc.path);
        }
        self.publish(&doc.uri, None, Vec::new());
        self.schedule(doc.root, false);
    }

    fn did_change_watched_files(&mut self, params: DidChangeWatchedFilesParams) {
        let config_changed = params
            .changes
            .iter()
            .any(|change| uri::to_path(&change.uri).is_some_and(|p| is_config_file(&p)));
        if config_changed {
            self.reload_configs();
        } else {
            self.mark_disk_changed();
            self.schedule_all(false);
        }
    }

    fn mark_disk_changed(&mut self) {
        for workspace in self.workspaces.values_mut() {
            workspace.disk_changed = true;
        }
    }

    // ---- workspaces and configuration ----

    /// The root of the workspace a file belongs to, created on first use: the deepest
    /// workspace folder holding it, else the directory of the nearest `prodlint.toml`
    /// above it, else its own directory.
    fn workspace_for(&mut self, path: &Path) -> PathBuf {
        let known = self
            .roots
            .iter()
            .chain(self.workspaces.keys())
            .filter(|root| path.starts_with(root))
            .max_by_key(|root| root.components().count())
            .cloned();
        let root = known.unwrap_or_else(|| {
            let dir = path.parent().unwrap_or(Path::new("/"));
            Config::find(dir)
                .and_then(|config| config.parent().map(Path::to_path_buf))
                .unwrap_or_else(|| dir.to_path_buf())
        });
        if !self.workspaces.contains_key(&root) {
            let config_stamp = config_stamp(&root);
            let (config, rules, error) = match load(&root) {
                Ok((config, rules)) => (config, rules, None),
                Err(error) => {
                    let rules = RuleSet::build(&Config::default(), &[], &[])
                        .expect("the default configuration is valid");
                    (Config::default(), rules, Some(error))
                }
            };
            self.workspaces.insert(
                root.clone(),
                Workspace {
                    project: Arc::new(Project::long_lived(root.clone())),
                    config,
                    rules: Arc::new(rules),
                    configs: Configs::nearest(&prodlint_rules::rule_ids()),
                    rule_sets: HashMap::new(),
                    config_error: None,
                    config_stamp,
                    config_places: Vec::new(),
                    closed: Vec::new(),
                    disk_changed: false,
                },
            );
            if let Some(error) = error {
                self.show_config_error(&root, &error);
            }
        }
        root
    }

    fn reload_configs(&mut self) {
        let roots: Vec<PathBuf> = self.workspaces.keys().cloned().collect();
        for root in roots {
            self.reload_config(&root);
        }
        self.schedule_all(true);
    }

    fn reload_config(&mut self, root: &Path) {
        let stamp = config_stamp(root);
        let loaded = load(root);
        let Some(workspace) = self.workspaces.get_mut(root) else {
            return;
        };
        workspace.config_stamp = stamp;
        // Any config file under the root may have changed: find and load them again.
        workspace.configs = Configs::nearest(&prodlint_rules::rule_ids());
        workspace.rule_sets.clear();
        for (place, stamp) in &mut workspace.config_places {
            *stamp = file_stamp(place);
        }
        match loaded {
            Ok((config, rules)) => {
                workspace.config = config;
                workspace.rules = Arc::new(rules);
                // Indexes may be built from options of the config (catalogues, tables):
                // start a new project (the next job sets every open buffer again).
                workspace.project = Arc::new(Project::long_lived(root.to_path_buf()));
                if let Some(uri) = workspace.config_error.take() {
                    self.publish(&uri, None, Vec::new());
                }
                self.log(
                    MessageType::INFO,
                    format!("prodlint: configuration of {} reloaded", root.display()),
                );
            }
            Err(error) => self.show_config_error(root, &error),
        }
    }

    /// Shows a configuration error on the config file and in a message; the workspace goes
    /// on with the rules it had (the defaults, if it never loaded).
    fn show_config_error(&mut self, root: &Path, error: &ConfigError) {
        let text = format!(
            "prodlint: invalid configuration: {error}; linting goes on with the last valid one"
        );
        self.log(MessageType::ERROR, text.clone());
        self.notify(
            ShowMessage::METHOD,
            ShowMessageParams {
                typ: MessageType::ERROR,
                message: text,
            },
        );
        let Some(path) = Config::find(root) else {
            return;
        };
        let config_uri = uri::from_path(&path);
        let line = error.line.unwrap_or(1).saturating_sub(1);
        let at = Position::new(line, 0);
        let diagnostic = LspDiagnostic {
            range: Range::new(at, Position::new(line + 1, 0)),
            severity: Some(DiagnosticSeverity::ERROR),
            source: Some(convert::SOURCE.into()),
            message: match &error.key {
                Some(key) => format!("`{key}`: {}", error.message),
                None => error.message.clone(),
            },
            ..LspDiagnostic::default()
        };
        self.publish(&config_uri, None, vec![diagnostic]);
        if let Some(workspace) = self.workspaces.get_mut(root) {
            workspace.config_error = Some(config_uri);
        }
    }

    // ---- scheduling ----

    fn schedule(&mut self, root: PathBuf, now: bool) {
        self.pending.insert(root);
        if now {
            self.flush();
        } else {
            self.deadline = Some(Instant::now() + DEBOUNCE);
        }
    }

    fn schedule_all(&mut self, now: bool) {
        let roots: Vec<PathBuf> = self.workspaces.keys().cloned().collect();
        self.pending.extend(roots);
        if now {
            self.flush();
        } else {
            self.deadline = Some(Instant::now() + DEBOUNCE);
        }
    }

    /// Sends a job per pending workspace with every open document in it. A config file
    /// that changed without the client saying so (it watches no files) is reloaded first.
    fn flush(&mut self) {
        self.deadline = None;
        let stale: Vec<PathBuf> = self
            .pending
            .iter()
            .filter(|root| {
                self.workspaces.get(*root).is_some_and(|w| {
                    w.config_stamp != config_stamp(root)
                        || w.config_places
                            .iter()
                            .any(|(place, stamp)| file_stamp(place) != *stamp)
                })
            })
            .cloned()
            .collect();
        for root in stale {
            self.reload_config(&root);
        }
        let mut config_errors = Vec::new();
        for root in std::mem::take(&mut self.pending) {
            let Some(workspace) = self.workspaces.get_mut(&root) else {
                continue;
            };
            let closed = std::mem::take(&mut workspace.closed);
            let disk_changed = std::mem::take(&mut workspace.disk_changed);
            let mut docs = Vec::new();
            let mut excluded = Vec::new();
            let mut places = BTreeSet::new();
            for (key, doc) in self.docs.iter().filter(|(_, d)| d.root == root) {
                if discover::is_excluded(&workspace.config, &doc.path, &root) {
                    excluded.push(key.clone());
                    continue;
                }
                places.extend(workspace.configs.looked_at(&doc.path));
                let rules = match workspace.rules_for(&doc.path) {
                    Ok(rules) => rules,
                    Err(error) => {
                        config_errors.push(format!(
                            "prodlint: invalid configuration for {}: {error}; linting it with the rules of {}",
                            doc.path.display(),
                            root.display()
                        ));
                        Arc::clone(&workspace.rules)
                    }
                };
                docs.push(JobDoc {
                    rules,
                    key: key.clone(),
                    generation: doc.generation,
                    candidate: Candidate {
                        path: doc.path.clone(),
                        display: doc.display.clone(),
                        project_path: doc.display.clone(),
                    },
                    text: doc.text.clone(),
                });
            }
            workspace.config_places = places
                .into_iter()
                .map(|place| {
                    let stamp = file_stamp(&place);
                    (place, stamp)
                })
                .collect();
            let job = Job {
                root: root.clone(),
                project: Arc::clone(&workspace.project),
                docs,
                closed,
                disk_changed,
            };
            if !job.docs.is_empty() || !job.closed.is_empty() {
                let _ = self.jobs.send(job);
            }
            for key in excluded {
                self.set_findings(&key, Vec::new());
            }
        }
        for error in config_errors {
            self.log(MessageType::ERROR, error);
        }
    }

    // ---- results ----

    fn on_linted(&mut self, linted: Linted) {
        let report = match linted.report {
            Ok(report) => report,
            Err(panic) => {
                self.log(
                    MessageType::ERROR,
                    format!(
                        "prodlint: internal error while linting {}: {panic}; the findings shown are from the last run that finished",
                        linted.root.display()
                    ),
                );
                // The panic may have left the project half-updated: start it afresh (the
                // next job sets every open buffer again).
                if let Some(workspace) = self.workspaces.get_mut(&linted.root) {
                    workspace.project = Arc::new(Project::long_lived(linted.root.clone()));
                }
                return;
            }
        };
        for error in &report.errors {
            if error.message.starts_with("internal error") {
                self.log(
                    MessageType::ERROR,
                    format!("prodlint: {}: {}", error.path, error.message),
                );
            }
        }
        let open: HashMap<PathBuf, Uri> = self
            .docs
            .values()
            .map(|d| (d.path.clone(), d.uri.clone()))
            .collect();
        let open = |path: &Path| open.get(path).cloned();
        let uris = Uris {
            cwd: &linted.root,
            open: &open,
        };
        let mut updates = Vec::new();
        for (key, generation) in &linted.docs {
            let Some(doc) = self.docs.get(key) else {
                continue;
            };
            if doc.generation != *generation {
                continue; // Stale: a newer job for this text is on its way.
            }
            let fresh: Vec<Finding> = report
                .diagnostics
                .iter()
                .filter(|d| d.file.path == doc.path)
                .map(|d| convert::finding(d, &uris))
                .collect();
            let errors: Vec<_> = report
                .errors
                .iter()
                .filter(|e| e.path == doc.display && !e.message.starts_with("internal error"))
                .collect();
            let mut findings = if does_not_parse(doc, &errors) {
                // Keep what the last version that parsed showed, moved with the edits made
                // since; its fixes no longer fit.
                convert::moved_findings(
                    doc.findings.iter().filter(|f| f.rule.is_some()),
                    &doc.uri,
                    &doc.findings_text,
                    &doc.text,
                )
            } else {
                fresh
            };
            let notes: Vec<_> = report
                .notes
                .iter()
                .filter(|n| n.path == doc.display)
                .collect();
            if !errors.is_empty() || !notes.is_empty() {
                let file = SourceFile::new(doc.path.clone(), doc.display.clone(), doc.text.clone());
                findings.extend(errors.iter().map(|e| convert::file_error(e, &file)));
                findings.extend(notes.iter().map(|n| convert::note(n, &file)));
            }
            updates.push((key.clone(), findings));
        }
        for (key, findings) in updates {
            self.set_findings(&key, findings);
        }
    }

    /// Records a document's findings and publishes them unless the client has them already.
    fn set_findings(&mut self, key: &str, findings: Vec<Finding>) {
        let Some(doc) = self.docs.get_mut(key) else {
            return;
        };
        doc.findings = findings;
        doc.findings_text.clone_from(&doc.text);
        let diagnostics: Vec<LspDiagnostic> =
            doc.findings.iter().map(|f| f.diagnostic.clone()).collect();
        let current = Some((doc.version, diagnostics));
        if doc.published == current {
            return;
        }
        doc.published = current;
        let (uri, version) = (doc.uri.clone(), doc.version);
        let diagnostics = doc.published.as_ref().map(|(_, d)| d.clone()).unwrap();
        self.publish(&uri, Some(version), diagnostics);
    }
}

fn is_config_file(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|name| name == CONFIG_FILE_NAME)
}

/// Whether the document has no syntax tree at all (rules did not run), as opposed to a
/// tree recovered around errors: swc gives none for typical half-typed TS.
fn does_not_parse(doc: &Document, errors: &[&crate::report::FileError]) -> bool {
    let is_js = doc
        .path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| prodlint_js::EXTENSIONS.contains(&e));
    is_js
        && errors.iter().any(|e| e.message.starts_with("syntax error"))
        && prodlint_js::parse(&doc.display, &doc.text).is_err()
}

/// Applies one change: the whole text, or (from clients that send them anyway) a range.
fn apply_change(text: &mut String, change: TextDocumentContentChangeEvent) {
    let Some(range) = change.range else {
        *text = change.text;
        return;
    };
    let file = SourceFile::new(PathBuf::new(), String::new(), std::mem::take(text));
    let (start, end) = (
        clamped_offset(&file, range.start),
        clamped_offset(&file, range.end),
    );
    let mut updated = file.text.clone();
    updated.replace_range(start..end.max(start), &change.text);
    *text = updated;
}

/// The byte offset of an LSP position, clamped as the specification asks: a character
/// past the end of its line is the end of the line, a line past the end of the text is
/// the end of the text, and a position inside a surrogate pair (the middle of a
/// character outside the BMP) is the start of that character.
fn clamped_offset(file: &SourceFile, position: Position) -> usize {
    let Some(line_start) = file.line_start(position.line + 1) else {
        return file.text.len();
    };
    let line_start = line_start as usize;
    let line = file.line_text(position.line + 1);
    let mut units = 0u32;
    for (at, c) in line.char_indices() {
        units += c.len_utf16() as u32;
        if units > position.character {
            return line_start + at;
        }
    }
    line_start + line.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranged_changes_apply_in_utf16_units() {
        let mut text = String::from("a😀b\ncd\n");
        let change = |range: Option<Range>, text: &str| TextDocumentContentChangeEvent {
            range,
            range_length: None,
            text: text.into(),
        };
        // 😀 is two UTF-16 units: b is at character 3.
        let at = |line, character| Position::new(line, character);
        apply_change(&mut text, change(Some(Range::new(at(0, 3), at(0, 4))), "B"));
        assert_eq!(text, "a😀B\ncd\n");
        apply_change(&mut text, change(Some(Range::new(at(1, 0), at(1, 1))), ""));
        assert_eq!(text, "a😀B\nd\n");
        apply_change(&mut text, change(None, "new"));
        assert_eq!(text, "new");
    }

    #[test]
    fn positions_are_clamped_as_the_specification_says() {
        let change = |range: Range, text: &str| TextDocumentContentChangeEvent {
            range: Some(range),
            range_length: None,
            text: text.into(),
        };
        let at = |line, character| Position::new(line, character);
        // Past the end of a line: its end, before the line break.
        let mut text = String::from("ab\ncd\n");
        apply_change(&mut text, change(Range::new(at(0, 9), at(0, 40)), "X"));
        assert_eq!(text, "abX\ncd\n");
        // Past the last line: the end of the text.
        apply_change(&mut text, change(Range::new(at(7, 0), at(9, 3)), "Y"));
        assert_eq!(text, "abX\ncd\nY");
        // Inside the surrogate pair of 😀: the start of the character, never a split one.
        let mut text = String::from("a😀b");
        apply_change(&mut text, change(Range::new(at(0, 2), at(0, 2)), "Z"));
        assert_eq!(text, "aZ😀b");
        apply_change(&mut text, change(Range::new(at(0, 3), at(0, 4)), ""));
        assert_eq!(text, "aZb");
    }
}
