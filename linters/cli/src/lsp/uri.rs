//! `file:` URIs and paths. lsp-types 0.97 carries URIs as fluent-uri values with no
//! conversion to paths, so the few lines that LSP needs are here: percent-encoding of the
//! path (RFC 3986) and back.
//!
//! Documents the client opened keep the URI it sent; these functions are for places the
//! server names by itself (labels and fix edits in other files, the config file).

use std::path::{Path, PathBuf};

use lsp_types::Uri;

/// The path of a `file:` URI (`file:///a/b` or `file://localhost/a/b`), or `None` for
/// other schemes (an untitled buffer, a diff view).
pub fn to_path(uri: &Uri) -> Option<PathBuf> {
    let text = uri.as_str();
    let scheme_len = text.find(':')?;
    if !text[..scheme_len].eq_ignore_ascii_case("file") {
        return None;
    }
    let rest = text[scheme_len + 1..].strip_prefix("//")?;
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    let path = rest.split(['?', '#']).next()?;
    if !path.starts_with('/') {
        return None;
    }
    let bytes = decode(path)?;
    let text = String::from_utf8(bytes).ok()?;
    // `file:///C:/x` names `C:/x` on Windows.
    if cfg!(windows) && text.as_bytes().get(2) == Some(&b':') {
        return Some(PathBuf::from(&text[1..]));
    }
    Some(PathBuf::from(text))
}

fn decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The `file:` URI of an absolute path.
pub fn from_path(path: &Path) -> Uri {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut uri = String::with_capacity(text.len() + 8);
    uri.push_str("file://");
    if !text.starts_with('/') {
        uri.push('/');
    }
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            uri.push(byte as char);
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri.parse().expect("a percent-encoded path is a valid URI")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip_through_uris() {
        let path = Path::new("/tmp/a dir/ü#1/x.ts");
        let uri = from_path(path);
        assert_eq!(uri.as_str(), "file:///tmp/a%20dir/%C3%BC%231/x.ts");
        assert_eq!(to_path(&uri).as_deref(), Some(path));
        let vscode: Uri = "file:///tmp/a%20dir/x.ts".parse().unwrap();
        assert_eq!(to_path(&vscode), Some(PathBuf::from("/tmp/a dir/x.ts")));
        let untitled: Uri = "untitled:Untitled-1".parse().unwrap();
        assert_eq!(to_path(&untitled), None);
    }
}
