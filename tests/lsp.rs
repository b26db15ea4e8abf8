//! `prodlint lsp` through the built binary: JSON-RPC with `Content-Length` framing on its
//! standard input and output, as an editor speaks it. Every wait has a deadline, so a
//! server that hangs fails the test instead of hanging the run.

mod common;

use common::project;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(30);

const LOCAL_FALLBACK: &str =
    "export const api = process.env.API_URL || \"http://localhost:3000\";\n";

struct Server {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    /// Notifications read while waiting for something else.
    unread: VecDeque<Value>,
    next_id: i64,
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Server {
    fn start(root: &Path, env: &[(&str, &str)]) -> Server {
        let mut server = Server::spawn(root, env);
        server.initialize(root);
        server
    }

    /// The server, not yet initialized.
    fn spawn(root: &Path, env: &[(&str, &str)]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_prodlint"))
            .arg("lsp")
            .current_dir(root)
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("prodlint lsp starts");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (sender, messages) = mpsc::channel();
        std::thread::spawn(move || {
            while let Some(message) = read_message(&mut stdout) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        Server {
            child,
            stdin,
            messages,
            unread: VecDeque::new(),
            next_id: 1,
        }
    }

    fn initialize(&mut self, root: &Path) {
        let server = self;
        let root_uri = uri(root, "");
        let result = server.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "capabilities": {
                    "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } },
                    "textDocument": { "publishDiagnostics": { "relatedInformation": true } }
                }
            }),
        );
        assert_eq!(
            result["capabilities"]["textDocumentSync"]["change"], 1,
            "{result}"
        );
        server.notify("initialized", json!({}));
    }

    /// Bytes as they are, framing and all.
    fn raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).unwrap();
        self.stdin.flush().unwrap();
    }

    /// The response (result or error) to a request with this `id`.
    fn response(&mut self, id: Value) -> Value {
        self.wait_for(&format!("the response to {id}"), |m| {
            m["id"] == id && m.get("method").is_none()
        })
    }

    /// A request's whole response, error or not.
    fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.response(json!(id))
    }

    /// The exit status, once the server has exited by itself.
    fn exit_status(&mut self) -> i32 {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().expect("exited, not killed");
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn send(&mut self, message: Value) {
        let body = serde_json::to_vec(&message).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(&body).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// The next message from the server; requests from it (`client/registerCapability`)
    /// are answered on the way and returned too.
    fn next(&mut self, deadline: Instant, waiting_for: &str) -> Value {
        match self
            .messages
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            Ok(message) => {
                if message.get("id").is_some() && message.get("method").is_some() {
                    let id = message["id"].clone();
                    self.send(json!({ "jsonrpc": "2.0", "id": id, "result": null }));
                }
                message
            }
            Err(RecvTimeoutError::Timeout) => panic!("timed out waiting for {waiting_for}"),
            Err(RecvTimeoutError::Disconnected) => {
                panic!("the server closed its output while we waited for {waiting_for}")
            }
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self.next(deadline, &format!("the response to {method}"));
            if message["id"] == json!(id) && message.get("method").is_none() {
                assert!(message.get("error").is_none(), "{message}");
                return message["result"].clone();
            }
            self.unread.push_back(message);
        }
    }

    /// The first message (read before or now) that `wanted` accepts.
    fn wait_for(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.unread.iter().position(&wanted) {
            return self.unread.remove(i).unwrap();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self.next(deadline, what);
            if wanted(&message) {
                return message;
            }
            self.unread.push_back(message);
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let message = self.wait_for(&format!("diagnostics for {uri}"), |m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": uri, "languageId": "typescript", "version": 1, "text": text
            }}),
        );
    }

    fn change(&mut self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{ "text": text }]
            }),
        );
    }

    /// `shutdown`, `exit`, and the exit status.
    fn stop(mut self) -> i32 {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().expect("exited, not killed");
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn uri(root: &Path, relative: &str) -> String {
    let path = root.join(relative);
    let path = path.to_str().unwrap().trim_end_matches('/');
    format!("file://{}", path.replace(' ', "%20"))
}

fn rules(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("(none)"))
        .collect()
}

/// The 0-based UTF-16 column of `needle` in a one-line text.
fn utf16_column(text: &str, needle: &str) -> u64 {
    text[..text.find(needle).unwrap()].encode_utf16().count() as u64
}

#[test]
fn diagnostics_follow_the_buffer_and_a_code_action_suppresses() {
    // On disk the file is clean: the open buffer wins.
    let dir = project(&[("src/api.ts", "export const api = 1;\n")]);
    let root = dir.path().canonicalize().unwrap();
    let file = uri(&root, "src/api.ts");
    let mut server = Server::start(&root, &[]);
    let registration = server.wait_for("client/registerCapability", |m| {
        m["method"] == "client/registerCapability"
    });
    let watchers =
        registration["params"]["registrations"][0]["registerOptions"]["watchers"].to_string();
    assert!(watchers.contains("**/prodlint.toml"), "{watchers}");

    // A character outside the BMP before the finding: UTF-16 columns differ from characters.
    let text = LOCAL_FALLBACK.replace("api =", "api /* 😀 */ =");
    server.open(&file, &text);
    let diagnostics = server.diagnostics(&file);
    assert_eq!(rules(&diagnostics), ["hardcoded-url"], "{diagnostics:?}");
    let diagnostic = &diagnostics[0];
    // The string literal, quotes included.
    let start = utf16_column(&text, "\"http://");
    let end = utf16_column(&text, ";");
    assert_eq!(
        diagnostic["range"],
        json!({ "start": { "line": 0, "character": start }, "end": { "line": 0, "character": end } })
    );
    assert_eq!(diagnostic["source"], "prodlint");
    assert_eq!(diagnostic["severity"], 1);
    assert!(diagnostic["codeDescription"]["href"]
        .as_str()
        .unwrap()
        .ends_with("hardcoded-url.md"));

    server.change(&file, 2, "export const api = process.env.API_URL;\n");
    assert_eq!(server.diagnostics(&file), Vec::<Value>::new());

    server.change(&file, 3, LOCAL_FALLBACK);
    let diagnostics = server.diagnostics(&file);
    assert_eq!(rules(&diagnostics), ["hardcoded-url"]);

    let actions = server.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": file },
            "range": diagnostics[0]["range"],
            "context": { "diagnostics": diagnostics }
        }),
    );
    let suppress = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .unwrap()
                .starts_with("Suppress hardcoded-url")
        })
        .unwrap_or_else(|| panic!("no suppress action in {actions}"));
    assert_eq!(suppress["kind"], "quickfix");
    let edits = &suppress["edit"]["changes"][&file];
    assert_eq!(
        edits,
        &json!([{
            "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } },
            "newText": "// prodlint-ignore hardcoded-url: explain why\n"
        }])
    );

    // The buffer with the edit applied: the finding is suppressed, but the placeholder is
    // not a reason.
    server.change(
        &file,
        4,
        &format!("// prodlint-ignore hardcoded-url: explain why\n{LOCAL_FALLBACK}"),
    );
    assert_eq!(rules(&server.diagnostics(&file)), ["invalid-suppression"]);
    server.change(
        &file,
        5,
        &format!("// prodlint-ignore hardcoded-url: a fallback for local runs\n{LOCAL_FALLBACK}"),
    );
    assert_eq!(server.diagnostics(&file), Vec::<Value>::new());

    assert_eq!(server.stop(), 0);
}

#[test]
fn a_buffer_that_does_not_parse_keeps_its_last_findings() {
    let dir = project(&[]);
    let root = dir.path().canonicalize().unwrap();
    let file = uri(&root, "src/api.ts");
    let mut server = Server::start(&root, &[]);
    server.open(&file, LOCAL_FALLBACK);
    assert_eq!(rules(&server.diagnostics(&file)), ["hardcoded-url"]);

    // Half-typed: swc gives no tree for this, so no rule can run.
    let half_typed = format!("{LOCAL_FALLBACK}export function f(x: number) {{ return x +; }}\n");
    server.change(&file, 2, &half_typed);
    let diagnostics = server.diagnostics(&file);
    assert_eq!(
        rules(&diagnostics),
        ["hardcoded-url", "syntax-error"],
        "{diagnostics:?}"
    );
    let syntax = &diagnostics[1];
    assert_eq!(syntax["severity"], 1);
    assert_eq!(syntax["range"]["start"]["line"], 1);
    assert!(syntax["message"]
        .as_str()
        .unwrap()
        .starts_with("syntax error"));

    // Lines added above while it still does not parse: the kept finding moves with them.
    let shifted = format!("// one\n// two\n{half_typed}");
    server.change(&file, 3, &shifted);
    let diagnostics = server.diagnostics(&file);
    assert_eq!(
        rules(&diagnostics),
        ["hardcoded-url", "syntax-error"],
        "{diagnostics:?}"
    );
    assert_eq!(
        diagnostics[0]["range"]["start"]["line"], 2,
        "{diagnostics:?}"
    );
    // Its own line edited: it may no longer hold, and is withdrawn.
    let edited = shifted.replace("localhost:3000", "localhost:4000");
    server.change(&file, 4, &edited);
    assert_eq!(rules(&server.diagnostics(&file)), ["syntax-error"]);

    let fixed = format!("{LOCAL_FALLBACK}export function f(x: number) {{ return x + 1; }}\n");
    server.change(&file, 5, &fixed);
    assert_eq!(rules(&server.diagnostics(&file)), ["hardcoded-url"]);
    assert_eq!(server.stop(), 0);
}

#[test]
fn the_config_is_reloaded_when_it_changes() {
    let dir = project(&[("prodlint.toml", "")]);
    let root = dir.path().canonicalize().unwrap();
    let file = uri(&root, "src/api.ts");
    let config = uri(&root, "prodlint.toml");
    let mut server = Server::start(&root, &[]);
    server.open(&file, LOCAL_FALLBACK);
    // A local fallback is an error by default.
    assert_eq!(server.diagnostics(&file)[0]["severity"], 1);

    let changed = |server: &mut Server| {
        server.notify(
            "workspace/didChangeWatchedFiles",
            json!({ "changes": [{ "uri": config, "type": 2 }] }),
        )
    };
    std::fs::write(
        root.join("prodlint.toml"),
        "[rules.hardcoded-url]\nseverity = \"warning\"\n",
    )
    .unwrap();
    changed(&mut server);
    assert_eq!(server.diagnostics(&file)[0]["severity"], 2);

    // An invalid file is shown on itself, and the last valid rules go on.
    std::fs::write(
        root.join("prodlint.toml"),
        "[rules.hardcoded-url]\nseverity = \"loud\"\n",
    )
    .unwrap();
    changed(&mut server);
    let errors = server.diagnostics(&config);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["range"]["start"]["line"], 1, "{errors:?}");
    server.wait_for("an error message", |m| {
        m["method"] == "window/showMessage" && m["params"]["type"] == 1
    });

    std::fs::write(root.join("prodlint.toml"), "").unwrap();
    changed(&mut server);
    assert_eq!(server.diagnostics(&config), Vec::<Value>::new());
    assert_eq!(server.diagnostics(&file)[0]["severity"], 1);

    // A client that watches no files: the change is noticed at the next edit.
    std::fs::write(
        root.join("prodlint.toml"),
        "[rules.hardcoded-url]\nseverity = \"info\"\n",
    )
    .unwrap();
    server.change(&file, 2, &format!("// edited\n{LOCAL_FALLBACK}"));
    assert_eq!(server.diagnostics(&file)[0]["severity"], 3);
    assert_eq!(server.stop(), 0);
}

#[test]
fn each_buffer_uses_the_nearest_config_above_it() {
    let dir = project(&[
        ("prodlint.toml", ""),
        (
            "pkg/prodlint.toml",
            "[rules.hardcoded-url]\nseverity = \"off\"\n",
        ),
    ]);
    let root = dir.path().canonicalize().unwrap();
    let top = uri(&root, "src/api.ts");
    let nested = uri(&root, "pkg/src/api.ts");
    let mut server = Server::start(&root, &[]);
    server.open(&top, LOCAL_FALLBACK);
    server.open(&nested, LOCAL_FALLBACK);
    assert_eq!(rules(&server.diagnostics(&top)), ["hardcoded-url"]);
    assert_eq!(rules(&server.diagnostics(&nested)), Vec::<&str>::new());

    // Editing the sub-package's config changes its files' findings, and only theirs.
    std::fs::write(
        root.join("pkg/prodlint.toml"),
        "[rules.hardcoded-url]\nseverity = \"info\"\n",
    )
    .unwrap();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&root, "pkg/prodlint.toml"), "type": 2 }] }),
    );
    let found = server.diagnostics(&nested);
    assert_eq!(rules(&found), ["hardcoded-url"]);
    assert_eq!(found[0]["severity"], 3);

    // A client that watches no files: a nested config that changes, or appears, is
    // noticed at the next edit.
    std::fs::write(
        root.join("pkg/prodlint.toml"),
        "[rules.hardcoded-url]\nseverity = \"warning\"\n",
    )
    .unwrap();
    server.change(&nested, 2, &format!("// edited\n{LOCAL_FALLBACK}"));
    assert_eq!(server.diagnostics(&nested)[0]["severity"], 2);
    std::fs::create_dir(root.join("src")).unwrap();
    std::fs::write(
        root.join("src/prodlint.toml"),
        "[rules.hardcoded-url]\nseverity = \"off\"\n",
    )
    .unwrap();
    server.change(&top, 2, &format!("// edited\n{LOCAL_FALLBACK}"));
    assert_eq!(server.diagnostics(&top), Vec::<Value>::new());
    assert_eq!(server.stop(), 0);
}

// The panic is a test hook of debug builds (see linters/cli/src/lsp/worker.rs).
#[cfg(debug_assertions)]
#[test]
fn a_panic_while_linting_is_logged_and_the_server_goes_on() {
    let dir = project(&[]);
    let root = dir.path().canonicalize().unwrap();
    let file = uri(&root, "src/api.ts");
    let mut server = Server::start(&root, &[("PRODLINT_LSP_TEST_PANIC", "PANIC-HERE")]);
    server.open(&file, &format!("// PANIC-HERE\n{LOCAL_FALLBACK}"));
    let log = server.wait_for("a log message", |m| {
        m["method"] == "window/logMessage" && m["params"]["type"] == 1
    });
    assert!(
        log["params"]["message"]
            .as_str()
            .unwrap()
            .contains("internal error"),
        "{log}"
    );
    server.change(&file, 2, LOCAL_FALLBACK);
    assert_eq!(rules(&server.diagnostics(&file)), ["hardcoded-url"]);
    assert_eq!(server.stop(), 0);
}

#[test]
fn exit_without_shutdown_is_status_1() {
    let dir = project(&[]);
    let mut server = Server::start(dir.path(), &[]);
    server.notify("exit", Value::Null);
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(1));
}

#[test]
fn findings_follow_other_files_in_buffers_and_on_disk() {
    let named_only = "export class Client {}\n";
    let with_default = "export class Client {}\nexport default Client;\n";
    let app_text = "import Client from \"./lib\";\nexport const client = new Client();\n";
    let dir = project(&[("src/lib.ts", named_only), ("src/app.ts", app_text)]);
    let root = dir.path().canonicalize().unwrap();
    let app = uri(&root, "src/app.ts");
    let lib = uri(&root, "src/lib.ts");
    let mut server = Server::start(&root, &[]);
    server.open(&app, app_text);
    assert_eq!(rules(&server.diagnostics(&app)), ["import-mismatch"]);

    // An unsaved buffer of the imported file wins over the disk, both ways.
    server.open(&lib, with_default);
    assert_eq!(server.diagnostics(&app), Vec::<Value>::new());
    server.change(&lib, 2, named_only);
    assert_eq!(rules(&server.diagnostics(&app)), ["import-mismatch"]);

    // Closed, the file is the disk's again; a change on disk that the client reports...
    server.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": lib } }),
    );
    std::fs::write(root.join("src/lib.ts"), with_default).unwrap();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": lib, "type": 2 }] }),
    );
    assert_eq!(server.diagnostics(&app), Vec::<Value>::new());

    // ...and one it does not report, seen at the next edit all the same.
    std::fs::write(root.join("src/lib.ts"), named_only).unwrap();
    server.change(&app, 2, &format!("{app_text}\n"));
    assert_eq!(rules(&server.diagnostics(&app)), ["import-mismatch"]);

    assert_eq!(server.stop(), 0);
}

#[test]
fn a_skipped_script_block_is_an_information_diagnostic() {
    let dir = project(&[]);
    let root = dir.path().canonicalize().unwrap();
    let file = uri(&root, "src/App.vue");
    let mut server = Server::start(&root, &[]);
    server.open(
        &file,
        "<script lang=\"coffee\">\nx = 1\n</script>\n<script setup lang=\"ts\">\nexport const a = 1;\n</script>\n",
    );
    let diagnostics = server.diagnostics(&file);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["severity"], 3, "information");
    assert_eq!(diagnostics[0]["range"]["start"]["line"], 0);
    assert!(diagnostics[0]["message"]
        .as_str()
        .unwrap()
        .contains("lang=\"coffee\""));
    assert_eq!(server.stop(), 0);
}

fn framed(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

#[test]
fn bad_messages_get_json_rpc_errors_and_the_server_goes_on() {
    let dir = project(&[]);
    let root = dir.path().canonicalize().unwrap();
    let mut server = Server::start(&root, &[]);
    server.raw(&framed("{\"jsonrpc\": \"2.0\", \"id\": 1"));
    let error = server.response(Value::Null);
    assert_eq!(error["error"]["code"], -32700, "{error}");
    server.raw(&framed("[1, 2, 3]"));
    assert_eq!(server.response(Value::Null)["error"]["code"], -32600);
    server.raw(&framed("{\"jsonrpc\": \"2.0\", \"id\": 77}"));
    assert_eq!(server.response(json!(77))["error"]["code"], -32600);
    // No Content-Length, then a line that is no header: skipped up to the next message.
    server.raw(
        b"Content-Type: application/json\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":78,\"method\":\"x\"}",
    );
    server.raw(b"\r\nnot a header\r\n");
    let answer = server.call("textDocument/hover", json!({}));
    assert_eq!(answer["error"]["code"], -32601, "{answer}");
    assert_eq!(server.stop(), 0);
}

#[test]
fn a_length_beyond_the_limit_ends_the_server_without_allocating_it() {
    let dir = project(&[]);
    let root = dir.path().canonicalize().unwrap();
    let mut server = Server::start(&root, &[]);
    server.raw(b"Content-Length: 999999999999999\r\n\r\n{}");
    assert_eq!(server.exit_status(), 1);
}

#[test]
fn initialize_with_invalid_params_is_an_error_and_may_be_retried() {
    let dir = project(&[]);
    let root = dir.path().canonicalize().unwrap();
    let mut server = Server::spawn(&root, &[]);
    let early = server.call("textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], -32002, "{early}");
    let invalid = server.call(
        "initialize",
        json!({ "processId": "not a number", "capabilities": 7 }),
    );
    assert_eq!(invalid["error"]["code"], -32602, "{invalid}");
    server.initialize(&root);
    assert_eq!(server.stop(), 0);
}

#[test]
fn after_shutdown_requests_are_invalid_and_the_end_of_input_exits() {
    let dir = project(&[]);
    let root = dir.path().canonicalize().unwrap();
    let mut server = Server::start(&root, &[]);
    assert_eq!(server.request("shutdown", Value::Null), Value::Null);
    let after = server.call("textDocument/codeAction", json!({}));
    assert_eq!(after["error"]["code"], -32600, "{after}");
    // No `exit`: the client closes its end of the pipe (ours is swapped for another
    // process's, so that the server's is dropped).
    let mut other = Command::new("true").stdin(Stdio::piped()).spawn().unwrap();
    let replacement = other.stdin.take().unwrap();
    drop(std::mem::replace(&mut server.stdin, replacement));
    let _ = other.wait();
    assert_eq!(server.exit_status(), 0);
}

#[test]
fn a_deeply_nested_buffer_is_reported_and_the_server_goes_on() {
    let dir = project(&[]);
    let root = dir.path().canonicalize().unwrap();
    let deep = uri(&root, "src/deep.ts");
    let rust = uri(&root, "src/deep.rs");
    let file = uri(&root, "src/api.ts");
    let mut server = Server::start(&root, &[]);
    let n = 50_000;
    server.open(
        &deep,
        &format!("export const x = {}1{};\n", "(".repeat(n), ")".repeat(n)),
    );
    let diagnostics = server.diagnostics(&deep);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert!(diagnostics[0]["message"]
        .as_str()
        .unwrap()
        .contains("levels deep"));
    server.open(
        &rust,
        &format!("fn f() {{ let x = {}1; }}\n", "1 + ".repeat(100_000)),
    );
    let diagnostics = server.diagnostics(&rust);
    assert!(diagnostics[0]["message"]
        .as_str()
        .unwrap()
        .contains("levels deep"));
    server.open(&file, LOCAL_FALLBACK);
    assert_eq!(rules(&server.diagnostics(&file)), ["hardcoded-url"]);
    assert_eq!(server.stop(), 0);
}
