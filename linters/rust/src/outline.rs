//! A dependency's source file as the readers of its interface need it: the bodies of its
//! functions blanked. What a locked crate exports, the signatures of its functions and
//! the fields of its types are all outside function bodies, while the bodies are most of
//! its text, and parsing them was most of the time spent on a dependency's files.
//!
//! The text keeps its length and its line breaks (a body's bytes become spaces), so every
//! offset and line number is the original's. Left as they are: bodies inside a macro
//! call or a `macro_rules!` definition (whatever the macro makes of them is read from the
//! words it is given), and a body with `macro_export` in it (a `#[macro_export]`
//! `macro_rules!` inside a function is still exported from the crate's root).

use std::borrow::Cow;

use prodlint_core::nesting::{
    skip_block_comment, skip_line, skip_quoted, skip_raw_string, skip_rust_quote,
};

/// `text` with the contents of its functions' bodies replaced by spaces (line breaks
/// kept); the text itself when there is no body to blank.
pub fn blank_fn_bodies(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut bodies: Vec<(usize, usize)> = Vec::new();
    // For each open bracket: whether it is (inside) a macro call's arguments.
    let mut open: Vec<bool> = Vec::new();
    // The bracket depth of a `fn name` whose body has not started yet.
    let mut pending_fn: Option<usize> = None;
    // The two tokens before (spaces aside): `m!(` and `macro_rules! m {` open macro input.
    let (mut prev, mut before_prev) = (Token::Other, Token::Other);
    let mut i = 0;
    while i < bytes.len() {
        let (end, token) = next_token(bytes, i);
        match token {
            Token::Space => {
                i = end;
                continue;
            }
            Token::Word if &bytes[i..end] == b"fn" => {
                let in_macro = open.last().copied().unwrap_or(false);
                let named = bytes[end..]
                    .iter()
                    .find(|b| !b.is_ascii_whitespace())
                    .is_some_and(|&b| is_ident_start(b));
                if named && !in_macro {
                    pending_fn = Some(open.len());
                }
            }
            Token::Open(b'{') if pending_fn == Some(open.len()) => {
                pending_fn = None;
                let close = matching_close(bytes, i);
                if !text[i..close].contains("macro_export") {
                    bodies.push((i + 1, close));
                }
                i = (close + 1).min(bytes.len());
                (prev, before_prev) = (Token::Other, prev);
                continue;
            }
            Token::Open(_) => {
                let in_macro = open.last().copied().unwrap_or(false);
                let macro_input =
                    prev == Token::Bang || (prev == Token::Word && before_prev == Token::Bang);
                open.push(in_macro || macro_input);
            }
            Token::Close => {
                open.pop();
                if pending_fn.is_some_and(|depth| depth > open.len()) {
                    pending_fn = None;
                }
            }
            Token::Semicolon if pending_fn == Some(open.len()) => pending_fn = None,
            _ => {}
        }
        (prev, before_prev) = (token, prev);
        i = end;
    }
    if bodies.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = bytes.to_vec();
    for (start, end) in bodies {
        for b in &mut out[start..end] {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
    }
    // Only whole characters inside the bodies were replaced, by ASCII spaces: a body
    // starts after a `{` and ends before a `}`.
    Cow::Owned(String::from_utf8(out).expect("blanking keeps the text UTF-8"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    /// Whitespace, a comment.
    Space,
    /// An identifier or keyword (a number too).
    Word,
    /// A string, char or raw string literal, a lifetime.
    Literal,
    Bang,
    Open(u8),
    Close,
    Semicolon,
    Other,
}

/// The token at `i` (not past the end of `bytes`) and where it ends.
fn next_token(bytes: &[u8], i: usize) -> (usize, Token) {
    let b = bytes[i];
    match b {
        b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' => (i + 1, Token::Space),
        b'/' if bytes.get(i + 1) == Some(&b'/') => (skip_line(bytes, i), Token::Space),
        b'/' if bytes.get(i + 1) == Some(&b'*') => {
            (skip_block_comment(bytes, i, true), Token::Space)
        }
        b'"' => (skip_quoted(bytes, i + 1, b'"'), Token::Literal),
        b'\'' => (skip_rust_quote(bytes, i), Token::Literal),
        b'!' => (i + 1, Token::Bang),
        b'(' | b'[' | b'{' => (i + 1, Token::Open(b)),
        b')' | b']' | b'}' => (i + 1, Token::Close),
        b';' => (i + 1, Token::Semicolon),
        _ if is_ident_start(b) || b.is_ascii_digit() => {
            let mut end = i;
            while end < bytes.len() && (is_ident_start(bytes[end]) || bytes[end].is_ascii_digit()) {
                end += 1;
            }
            let word = &bytes[i..end];
            if matches!(word, b"r" | b"br" | b"cr") {
                if let Some(after) = skip_raw_string(bytes, end) {
                    return (after, Token::Literal);
                }
            }
            if matches!(word, b"b" | b"c") {
                match bytes.get(end) {
                    Some(b'"') => return (skip_quoted(bytes, end + 1, b'"'), Token::Literal),
                    Some(b'\'') => return (skip_rust_quote(bytes, end), Token::Literal),
                    _ => {}
                }
            }
            (end, Token::Word)
        }
        _ => (i + 1, Token::Other),
    }
}

/// Where the bracket that closes the `{` at `open` is (the end of the text if none).
fn matching_close(bytes: &[u8], open: usize) -> usize {
    let mut depth = 0usize;
    let mut i = open;
    while i < bytes.len() {
        let (end, token) = next_token(bytes, i);
        match token {
            Token::Open(_) => depth += 1,
            Token::Close => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
        i = end;
    }
    bytes.len()
}

/// Identifier bytes: ASCII letters, `_`, and every byte of a non-ASCII character.
fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blanked(text: &str) -> String {
        let out = blank_fn_bodies(text).into_owned();
        assert_eq!(out.len(), text.len());
        assert_eq!(out.matches('\n').count(), text.matches('\n').count());
        out
    }

    #[test]
    fn function_bodies_are_blanked_and_signatures_kept() {
        let text = "pub fn get(&self) -> Option<&T> {\n    let x = \"}\"; '}'; r#\"}\"#; { y }\n}\npub struct S { a: u8 }\nimpl S {\n    pub async fn new() -> Self where Self: Sized { S { a: 1 } }\n    fn decl(&self);\n}\n";
        let out = blanked(text);
        assert!(out.starts_with("pub fn get(&self) -> Option<&T> {\n"));
        assert!(!out.contains("let x"));
        assert!(out.contains("pub struct S { a: u8 }"));
        assert!(out.contains("pub async fn new() -> Self where Self: Sized {"));
        assert!(!out.contains("a: 1"));
        assert!(out.contains("fn decl(&self);"));
        assert!(
            ra_ap_syntax::SourceFile::parse(&out, ra_ap_syntax::Edition::CURRENT)
                .errors()
                .is_empty()
        );
    }

    #[test]
    fn bodies_inside_macros_and_exported_macros_are_kept() {
        let text = "macro_rules! m { () => { fn made() { inner() } } }\nm! { fn given() { kept() } }\nfn outer() { #[macro_export] macro_rules! x { () => {} } }\n";
        let out = blanked(text);
        assert!(out.contains("inner()"));
        assert!(out.contains("kept()"));
        assert!(out.contains("macro_export"));
        assert!(matches!(blank_fn_bodies(text), Cow::Borrowed(_)));
    }

    #[test]
    fn non_ascii_text_and_unclosed_bodies_stay_valid() {
        let out = blanked("fn f() { let s = \"é\"; /* ü */ }\nfn g() { h(");
        assert!(!out.contains('é'));
        assert!(out.starts_with("fn f() {"));
        // Function pointer types and a `fn` without a body are not bodies.
        let kept = "struct A { f: fn(u8) -> u8 }\ntrait T { fn t(&self); }\n";
        assert_eq!(blanked(kept), kept);
    }
}
