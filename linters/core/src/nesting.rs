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

/// How deeply TypeScript's trial readings may nest in one another: what swc reads first
/// as an arrow function and, when that fails, reads again as something else. These are
/// the parameter lists of generic arrow functions and the type assertions that look like
/// them (`<T>(v = <U>(…) => …)`, `<any>(<any>(x))`, `async <T>(…)`), chains of type
/// assertions (`<T> a = <T> b = …`, `<T> a ? b : …`) and the bodies of arrow functions
/// with a return type (`(x): T => …`, `c ? (x): T => … : …`, in `.tsx` too). Where the
/// first reading fails (a type assertion, a conditional, or a list left unclosed while
/// typing) the time doubles with every level: 16 levels take a tenth of a second, 20 two
/// seconds, 36 more than half a minute. Written code nests two or three.
pub const MAX_TRIAL_NESTING: u32 = 12;

/// A file nested beyond the limits: where the limit was crossed, and which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooDeep {
    pub span: Span,
    pub limit: Limit,
}

/// The limit a [`TooDeep`] file crossed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// [`MAX_NESTING`] in the text, or [`MAX_TREE_DEPTH`] in the tree.
    Nesting,
    /// [`MAX_TRIAL_NESTING`].
    Trials,
}

impl TooDeep {
    pub fn message(&self) -> String {
        match self.limit {
            Limit::Nesting => format!(
                "nested more than {MAX_NESTING} levels deep; prodlint does not check a file this deep"
            ),
            Limit::Trials => format!(
                "type assertions or arrow functions with type parameters or a return type \
                 (`<T>(…)`, `(x): T => …`) nested more than {MAX_TRIAL_NESTING} levels deep \
                 in one another; prodlint does not check a file like this, whose parse time \
                 doubles with each level"
            ),
        }
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
    /// TypeScript with JSX: JavaScript's lexical rules (`<T>` opens an element), and the
    /// trial readings of arrow functions with a return type (see [`MAX_TRIAL_NESTING`]).
    Tsx,
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
    /// TypeScript only: the trial readings around this level.
    trials: Trials,
    /// The level was opened by `${` in a template literal: its `}` resumes the template.
    template: bool,
}

/// TypeScript only: the trial readings (see [`MAX_TRIAL_NESTING`]) that a level is inside.
/// Only what the parser may read twice counts: the parameters of `<T>(…)`, and the body
/// of an arrow function after a return type. A function's body otherwise is not read twice
/// (curried `<T>(x) => <U>(y) => …` reads in linear time).
#[derive(Default, Clone, Copy)]
struct Trials {
    /// Those around this level: the levels outside it, and the `(` that opened it.
    outside: u32,
    /// Bodies of arrow functions with a return type begun in this level since its last
    /// `;` or `,` (or line break after an operand).
    bodies: u32,
    /// Type assertions and generic arrow functions (`<T>` where an operand is due) begun
    /// in this level since its last `;` or `,`: swc reads what follows one on trial up
    /// to the end of its expression, so a chain of them (`<T> a = <T> b = …`, `<T> a ? b
    /// : <T> c ? …`) doubles the time with each. Not carried into the levels inside.
    assertions: u32,
    /// Unclosed `<` of a type parameter list that began where an operand was due.
    list: u32,
    /// Where that list began.
    list_start: usize,
    /// The list has just closed: a `(` next opens the function's parameters.
    list_closed: bool,
    /// A bracket has just closed: a `:` next may begin a return type.
    closed: bool,
    /// This level was opened by the `(` of `<T>(`.
    parameters: bool,
    /// Such a level has just closed: `=>` next settles the reading as an arrow function,
    /// whose body is read once.
    after_parameters: bool,
    /// Where a return type began (a `)` followed by `:`), until the next `=>` begins the
    /// body.
    return_type: Option<usize>,
}

impl Trials {
    fn count(&self) -> u32 {
        self.outside + self.bodies + self.assertions
    }

    /// What the first byte of a token (`rest`, at `at`) tells about this level's trials.
    fn next_token(&mut self, rest: &[u8], at: usize) {
        if self.after_parameters {
            self.after_parameters = false;
            if rest.starts_with(b"=>") {
                self.assertions = self.assertions.saturating_sub(1);
            }
        }
        if self.list_closed && rest[0] != b'(' {
            self.list_closed = false;
        }
        if self.closed {
            self.closed = false;
            if rest[0] == b':' && rest.get(1) != Some(&b':') {
                self.return_type = Some(at);
            }
        }
    }

    /// Whether [`Trials::operator`] has anything to do.
    fn reads_operators(&self) -> bool {
        self.return_type.is_some() || self.list > 0
    }

    /// The trials of a level opened by `(`, `[` or `{` inside this one.
    fn open(&mut self, bracket: u8) -> Trials {
        let parameters = bracket == b'(' && self.list_closed;
        self.list_closed = false;
        Trials {
            outside: self.outside + self.bodies + u32::from(parameters),
            parameters,
            ..Trials::default()
        }
    }

    /// An operator token: `=>` after a return type begins a body read on trial; inside a
    /// type parameter list, `<` of type arguments (`<T extends Array<U>>`) opens, `>`,
    /// `>>` close.
    fn operator(&mut self, token: &[u8]) -> Option<usize> {
        if token == b"=>" {
            let start = self.return_type.take()?;
            self.bodies += 1;
            return Some(start);
        }
        if self.list > 0 && token == b"<" {
            self.list += 1;
        } else if self.list > 0 && token[0] == b'>' {
            let closing = token.iter().take_while(|&&b| b == b'>').count() as u32;
            self.list = self.list.saturating_sub(closing);
            self.list_closed = self.list == 0;
        }
        None
    }

    /// A `;`, a `,` outside a type parameter list, or a line break after an operand.
    fn end_of_item(&mut self, statement: bool) {
        self.bodies = 0;
        self.assertions = 0;
        self.return_type = None;
        if statement || self.list == 0 {
            self.list = 0;
            self.list_closed = false;
        }
    }
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
    let trials = matches!(dialect, Dialect::Ts | Dialect::Tsx);
    let dialect = match dialect {
        Dialect::Ts | Dialect::Tsx => Dialect::Js,
        other => other,
    };
    let bytes = text.as_bytes();
    let mut levels: Vec<Level> = vec![Level::default()];
    let mut i = 0;
    let mut prev = Prev::Other;
    while i < bytes.len() {
        let b = bytes[i];
        // Blank space and comments first, in loops of their own: most of a text's bytes.
        match b {
            b' ' | b'\t' | b'\x0c' => {
                i = skip_blanks(bytes, i + 1);
                continue;
            }
            b'\n' | b'\r' => {
                if prev == Prev::Operand {
                    let level = levels
                        .last_mut()
                        .expect("the outermost level is never popped");
                    level.chain = 0;
                    level.trials.end_of_item(false);
                }
                i = skip_blanks(bytes, i + 1);
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
            _ => {}
        }
        let start = i;
        let depth = levels.len() as u32;
        let level = levels
            .last_mut()
            .expect("the outermost level is never popped");
        if trials {
            level.trials.next_token(&bytes[i..], i);
        }
        match b {
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
                    return Some(too_deep(start, i, Limit::Nesting));
                }
                if let Some(level) = levels.last_mut() {
                    operand(level, &mut prev);
                }
                continue;
            }
            b'(' | b'[' | b'{' => {
                let depth_inside = depth + level.prefix_run + level.chain + level.angle;
                level.prefix_run = 0;
                let trials = level.trials.open(b);
                let list_start = level.trials.list_start;
                levels.push(Level {
                    trials,
                    ..Level::default()
                });
                i += 1;
                prev = Prev::Other;
                if depth_inside > MAX_NESTING {
                    return Some(too_deep(start, i, Limit::Nesting));
                }
                if trials.count() > MAX_TRIAL_NESTING {
                    return Some(too_deep(list_start, i, Limit::Trials));
                }
                continue;
            }
            b')' | b']' | b'}' => {
                let template = level.template;
                let parameters = level.trials.parameters;
                if levels.len() > 1 {
                    levels.pop();
                }
                i += 1;
                if let Some(outer) = levels.last_mut() {
                    outer.trials.closed = true;
                    outer.trials.after_parameters = parameters;
                }
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
                level.trials.end_of_item(b == b';');
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
            } else if type_assertions && word == "async" {
                // `async <T>(…) => …`: a `<` after it opens type parameters.
                level.prefix_run = 0;
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
                if level.trials.list == 0 {
                    level.trials.list_start = i;
                    // Read on trial up to the end of the item: `<T> a = <T> b = …`.
                    level.trials.assertions += 1;
                    if level.trials.count() > MAX_TRIAL_NESTING {
                        return Some(too_deep(i, i + 1, Limit::Trials));
                    }
                }
                level.trials.list += 1;
            } else if dialect == Dialect::Js {
                if let Some(return_type) = (trials && level.trials.reads_operators())
                    .then(|| level.trials.operator(&bytes[i..i + len]))
                    .flatten()
                {
                    if level.trials.count() > MAX_TRIAL_NESTING {
                        return Some(too_deep(return_type, i + len, Limit::Trials));
                    }
                }
                // `Name<Name`: type arguments (a comparison is mostly written with
                // spaces, and its count ends at the next `;` or `,` anyway).
                let before = i.checked_sub(1).map(|j| bytes[j]);
                if len == 1
                    && b == b'<'
                    && before.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
                    && after.is_some_and(is_ident_start)
                {
                    level.angle += 1;
                } else if len == 1 && b == b'>' {
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
            return Some(too_deep(start, i, Limit::Nesting));
        }
    }
    None
}

fn too_deep(start: usize, end: usize, limit: Limit) -> TooDeep {
    TooDeep {
        span: Span::new(start as u32, end as u32),
        limit,
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

/// Skips spaces and tabs: indentation eight spaces at a time.
fn skip_blanks(bytes: &[u8], mut i: usize) -> usize {
    const EIGHT_SPACES: u64 = u64::from_ne_bytes(*b"        ");
    while let Some(chunk) = bytes.get(i..i + 8) {
        if u64::from_ne_bytes(chunk.try_into().expect("eight bytes")) != EIGHT_SPACES {
            break;
        }
        i += 8;
    }
    while i < bytes.len() && matches!(bytes[i], b' ' | b'\t') {
        i += 1;
    }
    i
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b'$'
}

/// The ASCII bytes that continue an identifier (or a number): letters, digits, `_`, `$`.
const IDENT_CONTINUE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        let byte = b as u8;
        table[b] = byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$';
        b += 1;
    }
    table
};

fn ident_end(bytes: &[u8], i: usize) -> usize {
    i + bytes[i..]
        .iter()
        .position(|&b| !IDENT_CONTINUE[b as usize])
        .unwrap_or(bytes.len() - i)
}

fn is_prefix_keyword(word: &str, dialect: Dialect) -> bool {
    match dialect {
        Dialect::Js | Dialect::Ts | Dialect::Tsx => matches!(
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

/// The operator at the start of `rest` (longest match) and what it does to nesting.
///
/// Right-nested: assignments (`=`, `+=`, `<<=`, JS `>>>=`, `&&=`, `||=`, `??=`, `**=`), `?`,
/// JS `=>` and `**`. Prefix: JS `++`, `--`, `...`; Rust `&&` (two borrows as well as a
/// logical and). Others of more than one byte: `===`, `!==`, `==`, `!=`, `<=`, `>=`, `&&`,
/// `||`, `??`, `?.`, `::`, `->`, `..=`, `...`, `..` and Rust `=>`. The rest are one byte.
fn operator(rest: &[u8], dialect: Dialect) -> (usize, Operator) {
    use Operator::{Other, Prefix, RightNested};
    let at = |k: usize| rest.get(k).copied().unwrap_or(0);
    let js = dialect != Dialect::Rust;
    let (first, second, third) = (rest[0], at(1), at(2));
    // The hot path of the scan: one match on the first two bytes (most punctuation is
    // followed by a space, a name or a bracket, and falls through to one byte).
    match (first, second) {
        (b'>', b'>') if js && third == b'>' && at(3) == b'=' => (4, RightNested),
        (b'>', b'>') | (b'<', b'<') if third == b'=' => (3, RightNested),
        (b'*', b'*') | (b'&', b'&') | (b'|', b'|') | (b'?', b'?') if js && third == b'=' => {
            (3, RightNested)
        }
        (b'*', b'*') if js => (2, RightNested),
        (b'=', b'>') if js => (2, RightNested),
        (b'+' | b'-' | b'*' | b'/' | b'%' | b'&' | b'|' | b'^', b'=') => (2, RightNested),
        (b'+', b'+') | (b'-', b'-') if js => (2, Prefix(1)),
        (b'.', b'.') if js && third == b'.' => (3, Prefix(1)),
        (b'&', b'&') if !js => (2, Prefix(2)),
        (b'=' | b'!', b'=') if third == b'=' => (3, Other),
        (b'.', b'.') if third == b'=' || third == b'.' => (3, Other),
        (b'=' | b'!' | b'<' | b'>', b'=')
        | (b'&', b'&')
        | (b'|', b'|')
        | (b'?', b'?' | b'.')
        | (b':', b':')
        | (b'-', b'>')
        | (b'.', b'.')
        | (b'=', b'>') => (2, Other),
        _ => single_byte_operator(first),
    }
}

fn single_byte_operator(first: u8) -> (usize, Operator) {
    match first {
        b'=' | b'?' => (1, Operator::RightNested),
        b'!' | b'-' | b'+' | b'~' | b'*' | b'&' => (1, Operator::Prefix(1)),
        // `..` ranges and `|x|` closures nest too in Rust, but each also follows an
        // operand in ordinary code; they are left to the tree check.
        _ => (1, Operator::Other),
    }
}

pub fn skip_line(bytes: &[u8], i: usize) -> usize {
    memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |at| i + at)
}

/// Skips `/* … */` (nested ones too in Rust); an unclosed comment runs to the end.
pub fn skip_block_comment(bytes: &[u8], mut i: usize, nests: bool) -> usize {
    if !nests {
        return memchr::memmem::find(&bytes[i + 2..], b"*/").map_or(bytes.len(), |at| i + at + 4);
    }
    let mut depth = 0usize;
    while i < bytes.len() {
        // Only a `/` or a `*` can open or close one.
        match memchr::memchr2(b'/', b'*', &bytes[i..]) {
            Some(at) => i += at,
            None => return bytes.len(),
        }
        if bytes[i..].starts_with(b"/*") {
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
        // The next byte that can end the literal or escape one that would.
        let next = match line_ends {
            true => memchr::memchr3(b'\\', quote, b'\n', &bytes[i..]),
            false => memchr::memchr2(b'\\', quote, &bytes[i..]),
        };
        let end = next.map_or(bytes.len(), |at| i + at);
        // A lone carriage return ends a line too (rare enough to look for only here).
        if line_ends {
            if let Some(at) = memchr::memchr(b'\r', &bytes[i..end]) {
                return i + at;
            }
        }
        i = end;
        match bytes.get(i) {
            None => break,
            Some(b'\\') => i += 2,
            Some(b) if *b == quote => return i + 1,
            Some(_) => return i,
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
        match memchr::memchr3(b'\\', b'`', b'$', &bytes[i..]) {
            Some(at) => i += at,
            None => break,
        }
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
        for op in [
            listed::RIGHT_NESTED_JS,
            listed::RIGHT_NESTED_RUST,
            listed::OTHER,
            prefix,
        ]
        .concat()
        {
            assert!(op.len() >= 2, "{op:?}");
            assert!(
                listed::SECOND_BYTES.contains(&op[1]),
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

    /// `<T>(v = <T>(v = … <T>(value: T) => value;`, unclosed, with `levels` openings.
    fn nested_generic_arrows(levels: usize) -> String {
        format!(
            "export const f = {}<T>(value: T) => value;",
            "<T>(v = ".repeat(levels - 1)
        )
    }

    #[test]
    fn trial_readings_nested_in_one_another_have_a_low_limit() {
        let n = MAX_TRIAL_NESTING as usize;
        assert!(depth_ok(&nested_generic_arrows(n), Dialect::Ts));
        let deep = nested_generic_arrows(n + 1);
        let found = scan(&deep, Dialect::Ts).expect("one level past the limit");
        assert_eq!(found.limit, Limit::Trials);
        assert_eq!(found.span.start as usize, deep.rfind("<T>").unwrap());
        assert!(found.message().contains("levels deep"));
        let deep = [
            // Type assertions of parenthesized expressions, closed, past brackets and
            // separators.
            format!(
                "x = {}y{};",
                "<any>(a, [b, () => { c; <T>(".repeat(n / 2 + 1),
                ")}])".repeat(n / 2 + 1)
            ),
            format!("x = {}y;", "async <T>(a = ".repeat(n + 1)),
            // Bodies of arrow functions with a return type, nested or in a chain.
            format!("x = {}y;", "<T>(a): T => <T>(".repeat(n / 2 + 1)),
            format!("x = {}y;", "a ? (b): c => (".repeat(n + 1)),
            format!("x = {}y;", "a ? (b): c => ".repeat(n + 1)),
            format!(
                "x = {}y;",
                "(a): Promise<Array<T>> => async (b): T => ".repeat(n / 2 + 1)
            ),
            // Chains of type assertions, each read on trial to the chain's end.
            format!("x = {}y;", "<T> a = ".repeat(n + 1)),
            format!("x = {}y;", "<T> a ? b : ".repeat(n + 1)),
            format!("x = {}y;", "<T> a.b = ".repeat(n + 1)),
        ];
        for text in &deep {
            let found = scan(text, Dialect::Ts).map(|d| d.limit);
            assert_eq!(found, Some(Limit::Trials), "{}", &text[..30]);
        }
        // Side by side, in functions' bodies, in curried functions, casting names.
        let side_by_side = [
            format!(
                "const f = <T>() => {{ {} }};",
                "let g = <U>(x: U) => <V>x;\n".repeat(n * 4)
            ),
            format!("call({});", "<T>(x: T) => <U>x, ".repeat(n * 4)),
            format!("x = {};", "<A>(<B>(<C>y)) + ".repeat(n / 3)) + "1;",
            format!("x = [{}];", "<A>(<B>(<C>y)), ".repeat(n * 4)),
            "export const a = <T, U extends Array<T>>(x: T): U => { return x }\n".repeat(n * 4),
            format!("x = {}y{};", "f(<any>".repeat(n * 4), ")".repeat(n * 4)),
            format!("f = {}x;", "<T>(x: T) => ".repeat(n * 4)),
            format!(
                "f = {}x{};",
                "<T>() => { return ".repeat(n * 4),
                "}".repeat(n * 4)
            ),
            format!(
                "class A {{ {} }}",
                "m(a: T): Promise<T> { return a }\n".repeat(n * 4)
            ),
            format!("x = {}y;", "a ? (b) : c ? (d) : ".repeat(n * 4)),
            format!("x = xs{};", ".map((a): B => a.b)".repeat(n * 4)),
            format!(
                "const f = (a): T => {{ {} }};",
                "const g = (b): U => b;\n".repeat(n * 4)
            ),
            format!("interface I {{ {} }}", "m(a: T): U;\n".repeat(n * 4)),
        ];
        for text in &side_by_side {
            assert!(depth_ok(text, Dialect::Ts), "{}", &text[..30]);
        }
        // JSX elements, which `.tsx` and `.js` files nest freely, are not type assertions...
        assert!(depth_ok(&nested_generic_arrows(n + 1), Dialect::Js));
        assert!(depth_ok(&nested_generic_arrows(n + 1), Dialect::Tsx));
        // ...but TSX has return types.
        let chain = format!("x = {}y;", "a ? (b): c => ".repeat(n + 1));
        assert_eq!(
            scan(&chain, Dialect::Tsx).map(|d| d.limit),
            Some(Limit::Trials)
        );
        assert!(depth_ok(&chain, Dialect::Js));
    }

    /// The operators as first written: a list of each, tried in turn.
    mod listed {
        use super::super::{Dialect, Operator};
        /// Operators whose right side nests, longest first (the one-byte `=` and `?` aside).
        pub const RIGHT_NESTED_JS: &[&[u8]] = &[
            b">>>=", b"**=", b"<<=", b">>=", b"&&=", b"||=", b"??=", b"=>", b"+=", b"-=", b"*=",
            b"/=", b"%=", b"&=", b"|=", b"^=", b"**",
        ];
        pub const RIGHT_NESTED_RUST: &[&[u8]] = &[
            b"<<=", b">>=", b"+=", b"-=", b"*=", b"/=", b"%=", b"&=", b"|=", b"^=",
        ];
        /// The other operators of more than one byte, longest first.
        pub const OTHER: &[&[u8]] = &[
            b"===", b"!==", b"==", b"!=", b"<=", b">=", b"&&", b"||", b"??", b"?.", b"::", b"->",
            b"..=", b"...", b"..", b"=>",
        ];

        /// The operator at the start of `rest` (longest match) and what it does to nesting.
        pub fn operator(rest: &[u8], dialect: Dialect) -> (usize, Operator) {
            // Every operator of two bytes or more has one of these second bytes: any other means a
            // one-byte operator, without trying each longer one (most punctuation is followed by a
            // space, a name or a bracket; this is the hot path of the scan).
            if !rest.get(1).is_some_and(|b| SECOND_BYTES.contains(b)) {
                return super::super::single_byte_operator(rest[0]);
            }
            let right_nested = match dialect {
                Dialect::Js | Dialect::Ts | Dialect::Tsx => RIGHT_NESTED_JS,
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
            super::super::single_byte_operator(rest[0])
        }

        /// The second bytes of the operators longer than one byte that [`operator`] knows.
        pub const SECOND_BYTES: &[u8] = b">*<&|?=.:+-";
    }

    #[test]
    fn operators_match_their_lists() {
        let bytes = b"<>=*&|?!.:+-/%^~a ";
        for dialect in [Dialect::Js, Dialect::Rust] {
            for &a in bytes {
                for &b in bytes {
                    for &c in bytes {
                        for &d in bytes {
                            let rest = [a, b, c, d];
                            for len in 1..=4 {
                                let (got, want) = (
                                    operator(&rest[..len], dialect),
                                    listed::operator(&rest[..len], dialect),
                                );
                                assert_eq!(
                                    got.0,
                                    want.0,
                                    "{:?} {dialect:?}",
                                    String::from_utf8_lossy(&rest[..len])
                                );
                                assert_eq!(
                                    std::mem::discriminant(&got.1),
                                    std::mem::discriminant(&want.1),
                                    "{:?} {dialect:?}",
                                    String::from_utf8_lossy(&rest[..len])
                                );
                                if let (Operator::Prefix(x), Operator::Prefix(y)) = (got.1, want.1)
                                {
                                    assert_eq!(x, y);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The skips read byte by byte, as the vectorised ones must agree with.
    mod byte_by_byte {
        pub fn skip_line(bytes: &[u8], mut i: usize) -> usize {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
            i
        }

        pub fn skip_block_comment(bytes: &[u8], start: usize, nests: bool) -> usize {
            let mut depth = 0usize;
            let mut at = start;
            while let Some(pair) = bytes.get(at..at + 2) {
                at += match pair {
                    b"/*" if nests || depth == 0 => {
                        depth += 1;
                        2
                    }
                    b"*/" => {
                        depth -= 1;
                        if depth == 0 {
                            return at + 2;
                        }
                        2
                    }
                    _ => 1,
                };
            }
            bytes.len()
        }

        pub fn skip_quoted_until(bytes: &[u8], mut i: usize, quote: u8, line_ends: bool) -> usize {
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

        /// After the closing backtick, or after a `${` (then `true`).
        pub fn skip_template(bytes: &[u8], mut i: usize) -> (usize, bool) {
            while i < bytes.len() {
                match bytes[i] {
                    b'\\' => i += 2,
                    b'`' => return (i + 1, false),
                    b'$' if bytes.get(i + 1) == Some(&b'{') => return (i + 2, true),
                    _ => i += 1,
                }
            }
            (bytes.len(), false)
        }
    }

    #[test]
    fn vectorised_skips_agree_with_reading_byte_by_byte() {
        // Texts of the bytes that matter to the skips, from a fixed seed.
        let alphabet = b"ab/*\\\n\r\"'`${}";
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let len = (state >> 59) as usize + 2;
            let text: Vec<u8> = (0..len)
                .map(|k| {
                    let r = state.rotate_left(7 * k as u32 + 3);
                    alphabet[(r % alphabet.len() as u64) as usize]
                })
                .collect();
            let mut comment = b"/*".to_vec();
            comment.extend_from_slice(&text);
            for nests in [false, true] {
                assert_eq!(
                    skip_block_comment(&comment, 0, nests),
                    byte_by_byte::skip_block_comment(&comment, 0, nests),
                    "{:?}",
                    String::from_utf8_lossy(&comment)
                );
            }
            assert_eq!(skip_line(&text, 0), byte_by_byte::skip_line(&text, 0));
            for quote in [b'"', b'\''] {
                for line_ends in [false, true] {
                    assert_eq!(
                        skip_quoted_until(&text, 0, quote, line_ends),
                        byte_by_byte::skip_quoted_until(&text, 0, quote, line_ends),
                        "{:?}",
                        String::from_utf8_lossy(&text)
                    );
                }
            }
            let template = match skip_template(&text, 0) {
                Template::Closed(end) => (end, false),
                Template::Substitution(end) => (end, true),
            };
            assert_eq!(template, byte_by_byte::skip_template(&text, 0));
            let ident = b"ab_$9 x";
            assert_eq!(ident_end(ident, 0), 5);
            assert_eq!(ident_end(ident, 6), 7);
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
