//! The framing of LSP messages on standard input and output (`Content-Length` headers and
//! JSON-RPC bodies), feeding lsp-server's [`Message`] types.
//!
//! lsp-server's own reader allocates whatever size a header claims and ends the server
//! on the first malformed message; an editor's server must do better (JSON-RPC 2.0 and
//! the LSP base protocol):
//! - a body that is not JSON is answered with a `-32700` error, one that is JSON but not a
//!   JSON-RPC message with `-32600` (with its `id` when it has one);
//! - header lines that are not headers, and a header block without a valid
//!   `Content-Length`, are skipped (logged on standard error) until the next header block:
//!   the reader resynchronises on the next `Content-Length`;
//! - a body is read as it arrives, never allocated up front, and one larger than
//!   [`MAX_MESSAGE`] ends the server with a logged error (nothing after it can be trusted
//!   to be framed right).

use std::io::{self, BufRead, Read, Write};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crossbeam_channel::Sender;
use lsp_server::{Connection, Message};
use serde_json::{json, Value};

/// The largest message accepted: a 16 MiB source file JSON-escaped, with room.
pub const MAX_MESSAGE: usize = 64 * 1024 * 1024;
/// The longest header line accepted.
const MAX_HEADER_LINE: usize = 8 * 1024;

/// JSON-RPC's error codes for what the transport itself rejects.
const PARSE_ERROR: i32 = -32700;
const INVALID_REQUEST: i32 = -32600;

/// The transport's threads: the writer is joined so that every answer is written before
/// the process ends; the reader may be blocked on standard input and is left to end
/// with the process.
pub struct Transport {
    writer: JoinHandle<()>,
}

impl Transport {
    pub fn join(self) {
        let _ = self.writer.join();
    }
}

/// What one read from the input gave.
#[derive(Debug)]
enum Frame {
    Message(Message),
    /// A body to answer with an error (the request's id, or null).
    Reject {
        id: Value,
        code: i32,
        message: String,
    },
    /// Input skipped while resynchronising.
    Skipped(String),
    /// The input cannot go on: a logged error, then the end.
    Fatal(String),
    End,
}

/// The connection over standard input and output.
pub fn stdio() -> (Connection, Transport) {
    let output = Arc::new(Mutex::new(io::stdout()));
    let (to_client, outgoing) = crossbeam_channel::bounded::<Message>(0);
    let (incoming, from_client) = crossbeam_channel::bounded::<Message>(0);
    let writer_output = Arc::clone(&output);
    let writer = std::thread::Builder::new()
        .name("prodlint-lsp-writer".into())
        .spawn(move || {
            for message in outgoing {
                let mut out = writer_output.lock().unwrap_or_else(|e| e.into_inner());
                if message.write(&mut *out).is_err() {
                    return;
                }
            }
        })
        .expect("cannot start the LSP writer thread");
    std::thread::Builder::new()
        .name("prodlint-lsp-reader".into())
        .spawn(move || read_all(&mut io::stdin().lock(), &incoming, &output))
        .expect("cannot start the LSP reader thread");
    let connection = Connection {
        sender: to_client,
        receiver: from_client,
    };
    (connection, Transport { writer })
}

fn read_all(input: &mut impl BufRead, incoming: &Sender<Message>, output: &Mutex<io::Stdout>) {
    loop {
        match read_frame(input) {
            Frame::Message(message) => {
                if incoming.send(message).is_err() {
                    return;
                }
            }
            Frame::Reject { id, code, message } => {
                eprintln!("prodlint lsp: {message}");
                let body = json!({
                    "jsonrpc": "2.0",
                    "id": id,
                    "error": { "code": code, "message": message },
                })
                .to_string();
                let mut out = output.lock().unwrap_or_else(|e| e.into_inner());
                let written = write!(out, "Content-Length: {}\r\n\r\n{body}", body.len())
                    .and_then(|()| out.flush());
                if written.is_err() {
                    return;
                }
            }
            Frame::Skipped(what) => eprintln!("prodlint lsp: skipped {what}"),
            Frame::Fatal(why) => {
                eprintln!("prodlint lsp: {why}; stopping");
                return;
            }
            Frame::End => return,
        }
    }
}

/// Reads one line of at most [`MAX_HEADER_LINE`] bytes (a longer one is read to its end
/// and reported as `Err`); `None` at the end of the input.
fn read_header_line(input: &mut impl BufRead) -> io::Result<Option<Result<String, ()>>> {
    let mut line = Vec::new();
    let mut too_long = false;
    loop {
        let available = input.fill_buf()?;
        if available.is_empty() {
            return Ok(if line.is_empty() && !too_long {
                None
            } else {
                Some(Err(()))
            });
        }
        let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (&available[..=i], true),
            None => (available, false),
        };
        let used = chunk.len();
        if line.len() + used <= MAX_HEADER_LINE {
            line.extend_from_slice(chunk);
        } else {
            too_long = true;
        }
        input.consume(used);
        if done {
            return Ok(Some(if too_long {
                Err(())
            } else {
                String::from_utf8(line).map_err(|_| ())
            }));
        }
    }
}

fn read_frame(input: &mut impl BufRead) -> Frame {
    let mut length: Option<usize> = None;
    let mut bad_length = None;
    let mut in_header = false;
    loop {
        let line = match read_header_line(input) {
            Ok(Some(Ok(line))) => line,
            Ok(Some(Err(()))) => {
                return Frame::Skipped("a header line that is too long or not UTF-8".into())
            }
            Ok(None) => return Frame::End,
            Err(error) => return Frame::Fatal(format!("cannot read standard input: {error}")),
        };
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if in_header {
                break;
            }
            continue;
        }
        let header = line.split_once(':').filter(|(name, _)| {
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
        let Some((name, value)) = header else {
            return Frame::Skipped(format!("input that is not a header: {:.80}", line));
        };
        in_header = true;
        if name.eq_ignore_ascii_case("Content-Length") {
            match value.trim().parse::<usize>() {
                Ok(n) => length = Some(n),
                Err(_) => bad_length = Some(value.trim().to_string()),
            }
        }
    }
    let Some(length) = length else {
        return Frame::Skipped(match bad_length {
            Some(value) => format!("a message with an invalid Content-Length `{value:.40}`"),
            None => "a message without a Content-Length header".into(),
        });
    };
    if length > MAX_MESSAGE {
        return Frame::Fatal(format!(
            "a message of {length} bytes, over the limit of {MAX_MESSAGE}"
        ));
    }
    let mut body = Vec::new();
    match input.take(length as u64).read_to_end(&mut body) {
        Ok(n) if n == length => {}
        Ok(n) => {
            return Frame::Fatal(format!(
                "the input ended {n} bytes into a message of {length}"
            ))
        }
        Err(error) => return Frame::Fatal(format!("cannot read standard input: {error}")),
    }
    parse_body(&body)
}

fn parse_body(body: &[u8]) -> Frame {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(error) => {
            return Frame::Reject {
                id: Value::Null,
                code: PARSE_ERROR,
                message: format!("Parse error: the message is not JSON: {error}"),
            }
        }
    };
    let id = value
        .get("id")
        .filter(|id| id.is_string() || id.is_i64() || id.is_u64())
        .cloned()
        .unwrap_or(Value::Null);
    let invalid = |why: &str| Frame::Reject {
        id: id.clone(),
        code: INVALID_REQUEST,
        message: format!("Invalid Request: {why}"),
    };
    let Some(object) = value.as_object() else {
        return invalid("a JSON-RPC message is an object");
    };
    if object.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return invalid("`jsonrpc` must be \"2.0\"");
    }
    let is_call = object.get("method").is_some_and(Value::is_string);
    let is_response = object.contains_key("id")
        && (object.contains_key("result") || object.contains_key("error"));
    if !is_call && !is_response {
        return invalid("neither a request, a notification nor a response");
    }
    if object.get("id").is_some_and(|i| {
        !(i.is_string() || i.is_i64() || i.is_u64() || (is_response && i.is_null()))
    }) {
        return invalid("an `id` is a number or a string");
    }
    match serde_json::from_value::<Message>(value) {
        Ok(message) => Frame::Message(message),
        Err(error) => invalid(&error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<Frame> {
        let mut reader = io::BufReader::new(input);
        let mut out = Vec::new();
        loop {
            match read_frame(&mut reader) {
                Frame::End => return out,
                frame @ Frame::Fatal(_) => {
                    out.push(frame);
                    return out;
                }
                frame => out.push(frame),
            }
        }
    }

    fn framed(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    const EXIT: &str = r#"{"jsonrpc":"2.0","method":"exit"}"#;

    #[test]
    fn bad_bodies_are_rejected_with_their_codes_and_reading_goes_on() {
        let input = [
            framed("{not json"),
            framed("[1, 2]"),
            framed(r#"{"jsonrpc":"2.0","id":5}"#),
            framed(r#"{"id":6,"method":"x"}"#),
            framed(EXIT),
        ]
        .concat();
        let got = frames(input.as_bytes());
        let codes: Vec<_> = got
            .iter()
            .map(|f| match f {
                Frame::Reject { id, code, .. } => format!("{code} {id}"),
                Frame::Message(_) => "message".into(),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            codes,
            [
                "-32700 null",
                "-32600 null",
                "-32600 5",
                "-32600 6",
                "message"
            ]
        );
    }

    #[test]
    fn a_missing_or_invalid_length_is_skipped_up_to_the_next_message() {
        let input = format!(
            "Content-Type: x\r\n\r\n{EXIT}garbage\r\nContent-Length: many\r\n\r\n{}",
            framed(EXIT)
        );
        let got = frames(input.as_bytes());
        assert!(matches!(got.last(), Some(Frame::Message(_))), "{got:?}");
        assert_eq!(
            got.iter()
                .filter(|f| matches!(f, Frame::Message(_)))
                .count(),
            1
        );
    }

    #[test]
    fn a_huge_length_stops_without_allocating_it() {
        let input = format!("Content-Length: {}\r\n\r\n{{}}", usize::MAX);
        assert!(matches!(
            frames(input.as_bytes()).as_slice(),
            [Frame::Fatal(_)]
        ));
        let input = format!("Content-Length: {}\r\n\r\n{{}}", MAX_MESSAGE);
        // Within the limit but cut short: the input ended.
        assert!(matches!(
            frames(input.as_bytes()).as_slice(),
            [Frame::Fatal(_)]
        ));
    }
}
