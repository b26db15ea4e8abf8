//! Depth limits. The parsers (ra_ap_syntax, swc) and every walk over their trees recurse
//! once per level of nesting, so a file nested deeply enough (thousands of parentheses,
//! a `1 + 1 + …` chain of 100,000 terms) would overflow any thread's stack and abort the
//! whole process. Instead, a file beyond these limits is reported as not checked, and the
//! threads that parse and check files get stacks sized for the limits ([`STACK_SIZE`]).
//!
//! Two checks, because neither alone is enough:
//! - before parsing, [`scan`] reads the text as tokens and measures how deeply brackets,
//!   runs of prefix operators and right-nested chains (`a = b = …`, `a ? b : c ? …`,
//!   `else if …`) nest: what makes a recursive-descent parser recurse;
//! - after parsing, each front end measures its tree (with a walk that stops at
//!   [`MAX_TREE_DEPTH`]), which catches what is deep without being nested in the text
//!   (a left-nested `1 + 1 + …` chain that the parser reads in a loop).

use crate::Span;

/// How deeply brackets, prefix operators and right-nested chains may nest before parsing.
/// Real code stays far below (deeply nested generated data reaches a few hundred).
pub const MAX_NESTING: u32 = 1000;

/// How deep a syntax tree may be, in the nodes each front end counts (expressions,
/// statements, patterns and types for TS/JS; every node for Rust, where one level of
/// nesting in the text is up to four nodes).
pub const MAX_TREE_DEPTH: u32 = 4 * MAX_NESTING;

/// The stack of every thread that parses or checks files: enough for the parsers and
/// every rule's walk at the limits above (in a debug build too), with room for what the
/// limits cannot see (deeply nested JSX or generics).
/// Only the pages a thread touches are ever committed.
pub const STACK_SIZE: usize = 256 * 1024 * 1024;

/// A file nested beyond the limits: where the limit was crossed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooDeep {
    pub span: Span,
}

impl TooDeep {
    pub fn message(&self) -> String {
        format!(
            "nested more than {MAX_NESTING} levels deep; prodlint does not check a file this deep"
        )
    }
}

/// Which lexical rules [`scan`] follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Rust,
    /// JavaScript, JSX, TSX (and a Vue file's blanked script text).
    Js,
    /// TypeScript without JSX: JavaScript's lexical rules, where `<T>x` is a type
    /// assertion. swc reads each one by first trying a generic arrow function, which is
    /// quadratic in how many nest (`<a><a>…x`), so they count as a right-nested chain.
    Ts,
}

/// One bracket level: the chain counters of the text directly inside it.
#[derive(Default, Clone, Copy)]
struct Level {
    /// Consecutive prefix operators (`!!!!x`, `- - - x`, `typeof typeof x`).
    prefix_run: u32,
    /// Right-nested operators since the last `;` or `,` (`=`, `?`, `=>`, `**`, `else`).
    chain: u32,
    /// Unclosed type arguments since the last `;` or `,` (`Array<Array<…`, JS only): swc reads
    /// each by trying a type, then an expression, which is quadratic in their number.
    angle: u32,
    /// The level was opened by `${` in a template literal: its `}` resumes the template.
    template: bool,
}

/// The first place where `text` nests deeper than [`MAX_NESTING`], if any.
///
/// Comments and string literals are skipped, so brackets inside them do not count. What
/// the scan cannot tell apart lexically (a regular expression from a division, `<` of
/// JSX or generics from a comparison) is read as code: brackets in a regular expression
/// count (which can only overstate), angle brackets do not (the tree check and the
/// stack size cover them).
pub fn scan(text: &str, dialect: Dialect) -> Option<TooDeep> {
    let type_assertions = dialect == Dialect::Ts;
    let dialect = match dialect {
        Dialect::Ts => Dialect::Js,
        other => other,
    };
    let bytes = text.as_bytes();
    let mut levels: Vec<Level> = vec![Level::default()];
    let mut i = 0;
    let mut prev = Prev::Other;
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        let depth = levels.len() as u32;
        let level = levels
            .last_mut()
            .expect("the outermost level is never popped");
        match b {
            b'\n' | b'\r' => {
                if prev == Prev::Operand {
                    level.chain = 0;
                }
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\x0c' => {
                i += 1;
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = skip_line(bytes, i);
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = skip_block_comment(bytes, i, dialect == Dialect::Rust);
                continue;
            }
            b'"' if dialect == Dialect::Js => {
                i = skip_js_string(bytes, i + 1, b'"');
                operand(level, &mut prev);
                continue;
            }
            b'"' => {
                i = skip_quoted(bytes, i + 1, b'"');
                operand(level, &mut prev);
                continue;
            }
            b'\'' if dialect == Dialect::Js => {
                i = skip_js_string(bytes, i + 1, b'\'');
                operand(level, &mut prev);
                continue;
            }
            b'\'' => {
                // A char literal (`'('`, `'\''`) or a lifetime (`'a`).
                i = skip_rust_quote(bytes, i);
                operand(level, &mut prev);
                continue;
            }
            b'`' if dialect == Dialect::Js => {
                i = read_template(bytes, i + 1, &mut levels);
                if levels.len() as u32 > MAX_NESTING {
                    return Some(too_deep(start, i));
                }
                if let Some(level) = levels.last_mut() {
                    operand(level, &mut prev);
                }
                continue;
            }
            b'(' | b'[' | b'{' => {
                let depth_inside = depth + level.prefix_run + level.chain + level.angle;
                level.prefix_run = 0;
                levels.push(Level::default());
                i += 1;
                prev = Prev::Other;
                if depth_inside > MAX_NESTING {
                    return Some(too_deep(start, i));
                }
                continue;
            }
            b')' | b']' | b'}' => {
                let template = level.template;
                if levels.len() > 1 {
                    levels.pop();
                }
                i += 1;
                if template && b == b'}' {
                    i = read_template(bytes, i, &mut levels);
                }
                if let Some(level) = levels.last_mut() {
                    operand(level, &mut prev);
                }
                continue;
            }
            b';' | b',' => {
                level.chain = 0;
                level.prefix_run = 0;
                level.angle = 0;
                prev = Prev::Other;
                i += 1;
                continue;
            }
            _ => {}
        }
        if is_ident_start(b) {
            let end = ident_end(bytes, i);
            let word = &text[i..end];
            i = end;
            if dialect == Dialect::Rust && (word == "r" || word == "br" || word == "cr") {
                if let Some(end) = skip_raw_string(bytes, i) {
                    i = end;
                    operand(level, &mut prev);
                    continue;
                }
            }
            if dialect == Dialect::Rust
                && (word == "b" || word == "c")
                && matches!(bytes.get(i), Some(b'"' | b'\''))
            {
                // A byte or C string: its quote is read next, as a literal.
                continue;
            }
            if word == "else" {
                level.chain += 1;
                level.prefix_run = 0;
                prev = Prev::Else;
            } else if word == "if" && prev != Prev::Else {
                // A new `if` statement: an `else if` chain before it has ended.
                level.chain = 0;
            } else if is_prefix_keyword(word, dialect) {
                level.prefix_run += 1;
                prev = Prev::Other;
            } else {
                operand(level, &mut prev);
            }
        } else if b.is_ascii_digit() {
            i = ident_end(bytes, i);
            operand(level, &mut prev);
        } else if b >= 0x80 {
            // Non-ASCII: an identifier character in either language.
            i += text[i..].chars().next().map_or(1, char::len_utf8);
            operand(level, &mut prev);
        } else {
            let (len, kind) = operator(&bytes[i..], dialect);
            let after = bytes.get(i + 1).copied();
            if type_assertions
                && b == b'<'
                && prev != Prev::Operand
                && after.is_some_and(is_ident_start)
            {
                // `<T>x` where an operand is due: a type assertion (or a generic arrow
                // function, counted once until the next `;` or `,`).
                level.chain += 1;
            } else if dialect == Dialect::Js && len == 1 {
                // `Name<Name`: type arguments (a comparison is mostly written with
                // spaces, and its count ends at the next `;` or `,` anyway).
                let before = i.checked_sub(1).map(|j| bytes[j]);
                if b == b'<'
                    && before.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
                    && after.is_some_and(is_ident_start)
                {
                    level.angle += 1;
                } else if b == b'>' {
                    level.angle = level.angle.saturating_sub(1);
                }
            }
            i += len;
            prev = Prev::Other;
            match kind {
                Operator::Prefix(levels) => level.prefix_run += levels,
                Operator::RightNested => {
                    level.chain += 1;
                    level.prefix_run = 0;
                }
                Operator::Other => level.prefix_run = 0,
            }
        }
        let level = levels.last().expect("the outermost level is never popped");
        if levels.len() as u32 + level.prefix_run + level.chain + level.angle > MAX_NESTING {
            return Some(too_deep(start, i));
        }
    }
    None
}

fn too_deep(start: usize, end: usize) -> TooDeep {
    TooDeep {
        span: Span::new(start as u32, end as u32),
    }
}

/// What the previous token was, as far as chains care.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Prev {
    /// `else`: an `if` after it continues the chain instead of starting one.
    Else,
    /// The end of an operand: a line break after it ends a chain (JS without semicolons),
    /// while one after `=` or `?` does not.
    Operand,
    Other,
}

/// An operand ends a run of prefix operators.
fn operand(level: &mut Level, prev: &mut Prev) {
    level.prefix_run = 0;
    *prev = Prev::Operand;
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b'$'
}

fn ident_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len()
        && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'$')
    {
        i += 1;
    }
    i
}

fn is_prefix_keyword(word: &str, dialect: Dialect) -> bool {
    match dialect {
        Dialect::Js | Dialect::Ts => matches!(
            word,
            "typeof"
                | "void"
                | "delete"
                | "await"
                | "new"
                | "yield"
                | "return"
                | "throw"
                | "keyof"
                | "readonly"
                | "unique"
                | "infer"
                | "extends"
        ),
        Dialect::Rust => matches!(
            word,
            "return"
                | "break"
                | "box"
                | "move"
                | "mut"
                | "dyn"
                | "impl"
                | "async"
                | "const"
                | "ref"
                | "yield"
                | "do"
        ),
    }
}

enum Operator {
    /// May start an operand: `!`, `-`, `*` (Rust deref), `&`, `~`, `++`, `...`.
    Prefix(u32),
    /// Its right side nests: assignments, `?`, JS `=>`, `**`.
    RightNested,
    Other,
}

/// Operators whose right side nests, longest first (the one-byte `=` and `?` aside).
const RIGHT_NESTED_JS: &[&[u8]] = &[
    b">>>=", b"**=", b"<<=", b">>=", b"&&=", b"||=", b"??=", b"=>", b"+=", b"-=", b"*=", b"/=",
    b"%=", b"&=", b"|=", b"^=", b"**",
];
const RIGHT_NESTED_RUST: &[&[u8]] = &[
    b"<<=", b">>=", b"+=", b"-=", b"*=", b"/=", b"%=", b"&=", b"|=", b"^=",
];
/// The other operators of more than one byte, longest first.
const OTHER: &[&[u8]] = &[
    b"===", b"!==", b"==", b"!=", b"<=", b">=", b"&&", b"||", b"??", b"?.", b"::", b"->", b"..=",
    b"...", b"..", b"=>",
];

/// The operator at the start of `rest` (longest match) and what it does to nesting.
fn operator(rest: &[u8], dialect: Dialect) -> (usize, Operator) {
    // Every operator of two bytes or more has one of these second bytes: any other means a
    // one-byte operator, without trying each longer one (most punctuation is followed by a
    // space, a name or a bracket; this is the hot path of the scan).
    if !rest.get(1).is_some_and(|b| SECOND_BYTES.contains(b)) {
        return single_byte_operator(rest[0]);
    }
    let right_nested = match dialect {
        Dialect::Js | Dialect::Ts => RIGHT_NESTED_JS,
        Dialect::Rust => RIGHT_NESTED_RUST,
    };
    if let Some(op) = right_nested.iter().find(|op| rest.starts_with(op)) {
        return (op.len(), Operator::RightNested);
    }
    if dialect == Dialect::Js && (rest.starts_with(b"++") || rest.starts_with(b"--")) {
        return (2, Operator::Prefix(1));
    }
    if dialect == Dialect::Js && rest.starts_with(b"...") {
        return (3, Operator::Prefix(1));
    }
    if dialect == Dialect::Rust && rest.starts_with(b"&&") {
        // `&&x` is two borrows as well as a logical and.
        return (2, Operator::Prefix(2));
    }
    if let Some(op) = OTHER.iter().find(|op| rest.starts_with(op)) {
        return (op.len(), Operator::Other);
    }
    single_byte_operator(rest[0])
}

/// The second bytes of the operators longer than one byte that [`operator`] knows.
const SECOND_BYTES: &[u8] = b">*<&|?=.:+-";

fn single_byte_operator(first: u8) -> (usize, Operator) {
    match first {
        b'=' | b'?' => (1, Operator::RightNested),
        b'!' | b'-' | b'+' | b'~' | b'*' | b'&' => (1, Operator::Prefix(1)),
        // `..` ranges and `|x|` closures nest too in Rust, but each also follows an
        // operand in ordinary code; they are left to the tree check.
        _ => (1, Operator::Other),
    }
}

pub fn skip_line(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i] != b'\n' {
        i += 1;
    }
    i
}

/// Skips `/* … */` (nested ones too in Rust); an unclosed comment runs to the end.
pub fn skip_block_comment(bytes: &[u8], mut i: usize, nests: bool) -> usize {
    let mut depth = 0usize;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"/*") && (nests || depth == 0) {
            depth += 1;
            i += 2;
        } else if bytes[i..].starts_with(b"*/") {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    i
}

/// Skips to after the closing `quote` (backslash escapes honoured); unclosed: the end.
pub fn skip_quoted(bytes: &[u8], i: usize, quote: u8) -> usize {
    skip_quoted_until(bytes, i, quote, false)
}

/// Skips a JS string literal: as `skip_quoted`, but a line break ends an unclosed one,
/// as it ends it for the parser (which goes on reading code after it).
fn skip_js_string(bytes: &[u8], i: usize, quote: u8) -> usize {
    skip_quoted_until(bytes, i, quote, true)
}

fn skip_quoted_until(bytes: &[u8], mut i: usize, quote: u8, line_ends: bool) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == quote => return i + 1,
            b'\n' | b'\r' if line_ends => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// A Rust `'`: a char literal is skipped whole, a lifetime's quote alone.
pub fn skip_rust_quote(bytes: &[u8], i: usize) -> usize {
    match bytes.get(i + 1) {
        Some(b'\\') => skip_quoted(bytes, i + 1, b'\''),
        Some(_) => {
            // One character (of up to four bytes) and a closing quote is a char literal.
            let len = match bytes[i + 1] {
                b if b < 0x80 => 1,
                b if b >= 0xf0 => 4,
                b if b >= 0xe0 => 3,
                _ => 2,
            };
            if bytes.get(i + 1 + len) == Some(&b'\'') {
                i + 2 + len
            } else {
                i + 1
            }
        }
        None => i + 1,
    }
}

/// After `r` (or `br`, `cr`): a raw string `#*"…"#*`, skipped whole.
pub fn skip_raw_string(bytes: &[u8], mut i: usize) -> Option<usize> {
    let mut hashes = 0;
    while bytes.get(i) == Some(&b'#') {
        hashes += 1;
        i += 1;
    }
    if bytes.get(i) != Some(&b'"') {
        return None;
    }
    i += 1;
    while i < bytes.len() {
        if bytes[i] == b'"'
            && bytes[i + 1..]
                .iter()
                .take(hashes)
                .filter(|&&b| b == b'#')
                .count()
                == hashes
        {
            return Some(i + 1 + hashes);
        }
        i += 1;
    }
    Some(bytes.len())
}

/// Reads template literal text from `i`; a `${` in it opens a level. Returns where the
/// scan goes on.
fn read_template(bytes: &[u8], i: usize, levels: &mut Vec<Level>) -> usize {
    match skip_template(bytes, i) {
        Template::Closed(end) => end,
        Template::Substitution(end) => {
            levels.push(Level {
                template: true,
                ..Level::default()
            });
            end
        }
    }
}

enum Template {
    /// After the closing backtick.
    Closed(usize),
    /// After a `${`.
    Substitution(usize),
}

/// Reads template literal text from `i` to its end or its next substitution.
fn skip_template(bytes: &[u8], mut i: usize) -> Template {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'`' => return Template::Closed(i + 1),
            b'$' if bytes.get(i + 1) == Some(&b'{') => return Template::Substitution(i + 2),
            _ => i += 1,
        }
    }
    Template::Closed(bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operator_longer_than_a_byte_has_a_known_second_byte() {
        let prefix: &[&[u8]] = &[b"++", b"--", b"...", b"&&"];
        for op in [RIGHT_NESTED_JS, RIGHT_NESTED_RUST, OTHER, prefix].concat() {
            assert!(op.len() >= 2, "{op:?}");
            assert!(
                SECOND_BYTES.contains(&op[1]),
                "{}",
                String::from_utf8_lossy(op)
            );
        }
        // The short cut answers a one-byte operator where no longer one can start.
        assert!(matches!(
            operator(b"= x", Dialect::Js),
            (1, Operator::RightNested)
        ));
        assert!(matches!(
            operator(b"=>x", Dialect::Js),
            (2, Operator::RightNested)
        ));
        assert!(matches!(
            operator(b"!x", Dialect::Rust),
            (1, Operator::Prefix(1))
        ));
        assert!(matches!(
            operator(b"&&x", Dialect::Rust),
            (2, Operator::Prefix(2))
        ));
    }

    fn depth_ok(text: &str, dialect: Dialect) -> bool {
        scan(text, dialect).is_none()
    }

    #[test]
    fn nesting_at_the_limit_passes_and_beyond_it_is_found() {
        let n = MAX_NESTING as usize - 1;
        let within = format!("x = {}1{};", "(".repeat(n - 1), ")".repeat(n - 1));
        assert!(depth_ok(&within, Dialect::Js));
        for open in [
            "(", "[", "{", "!", "- ", "typeof ", "a = ", "a ? b : ", "Array<",
        ] {
            let deep = format!("x = {}1;", open.repeat(n + 2));
            let found = scan(&deep, Dialect::Js).unwrap_or_else(|| panic!("{open:?}"));
            assert!(found.span.start > 0, "{open:?}");
        }
        for open in ["(", "[", "{", "!", "&", "*", "return ", "a = ", "|| {"] {
            let deep = format!("fn f() {{ {}1 }}", open.repeat(n + 2));
            assert!(scan(&deep, Dialect::Rust).is_some(), "{open:?}");
        }
        let else_if = format!("fn f() {{ if a {{}} {} }}", "else if a {} ".repeat(n + 2));
        assert!(scan(&else_if, Dialect::Rust).is_some());
    }

    #[test]
    fn brackets_in_comments_and_strings_do_not_count() {
        let n = MAX_NESTING as usize * 2;
        let open = "(".repeat(n);
        for text in [
            format!("// {open}\nx;"),
            format!("/* {open} */ x;"),
            format!("x = \"{open}\";"),
            format!("x = '{open}';"),
            format!("x = `{open}${{ a }}{open}`;"),
        ] {
            assert!(depth_ok(&text, Dialect::Js), "{}", &text[..20]);
        }
        for text in [
            format!("/* /* {open} */ {open} */ fn f() {{}}"),
            format!("const S: &str = r#\"{open}\"#;"),
            format!("const S: &[u8] = b\"{open}\";"),
            "fn f<'a>(x: &'a str) -> char { '(' }".repeat(n),
        ] {
            assert!(depth_ok(&text, Dialect::Rust), "{}", &text[..20]);
        }
    }

    #[test]
    fn long_flat_code_is_not_deep() {
        let n = MAX_NESTING as usize * 3;
        let texts = [
            format!("x = {}1;", "1 + ".repeat(n)),
            format!("x = [{}];", "!a, ".repeat(n)),
            "if (a) { b = 1; } else { b = 2 }\n".repeat(n),
            "a = 1;\n".repeat(n),
            format!("x = {}1;", "!a && ".repeat(n)),
            format!("let x: {};", "Map<K, Array<V>> | ".repeat(n)),
            "for (let i=0; i<n; i++) {}\n".repeat(n),
        ];
        for text in &texts {
            assert!(depth_ok(text, Dialect::Js), "{}", &text[..20]);
            assert!(depth_ok(text, Dialect::Ts), "{}", &text[..20]);
        }
        let rust = [
            format!("fn f() {{ match x {{ {} }} }}", "A => { b() } ".repeat(n)),
            format!("fn f() {{ {} }}", "if a { b } else { c }\n".repeat(n)),
            format!("fn f() {{ x = {}1; }}", "1 + ".repeat(n)),
        ];
        for text in &rust {
            assert!(depth_ok(text, Dialect::Rust), "{}", &text[..20]);
        }
    }

    #[test]
    fn an_unclosed_string_ends_at_the_end_of_its_line() {
        // As for swc, which reads the brackets after it as code.
        let n = MAX_NESTING as usize + 2;
        assert!(scan(&format!("x = \"a\n{}1;", "(".repeat(n)), Dialect::Js).is_some());
        assert!(depth_ok(
            &format!("x = \"a\\\n{}\";", "(".repeat(n)),
            Dialect::Js
        ));
    }

    #[test]
    fn nested_type_assertions_are_deep_in_typescript_only() {
        let n = MAX_NESTING as usize + 2;
        let deep = format!("x = {}y;", "<a>".repeat(n));
        assert!(scan(&deep, Dialect::Ts).is_some());
        // JSX elements in `.tsx` or `.js` close, and the parser reads them in a loop.
        assert!(depth_ok(&deep, Dialect::Js));
        // Comparisons, generic calls and one generic arrow function per statement.
        let flat = [
            "if (a <b) { c = d <e; }\n".repeat(n),
            "x = f<T>(y) + g<U>(z);\n".repeat(n),
            "const f = <T,>(x: T) => x;\n".repeat(n),
            "let v = <number>w;\n".repeat(n),
            format!("x = [{}];", "<a>y, ".repeat(n)),
        ];
        for text in &flat {
            assert!(depth_ok(text, Dialect::Ts), "{}", &text[..20]);
        }
    }

    #[test]
    fn template_substitutions_nest() {
        let n = MAX_NESTING as usize + 1;
        let deep = format!("x = {}{};", "`${".repeat(n), "}`".repeat(n));
        assert!(scan(&deep, Dialect::Js).is_some());
        let flat = format!("x = {};", "`a${b}c`+".repeat(n * 2));
        assert!(depth_ok(&format!("{flat}1"), Dialect::Js));
    }
}
