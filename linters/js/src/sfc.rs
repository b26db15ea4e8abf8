//! Script in single-file components: the top-level `<script>` blocks of `.vue` and
//! `.svelte` files (Svelte's `<script context="module">` and `<script module>` included) and
//! the frontmatter of `.astro` files.
//!
//! The markup is read with html5gum, a WHATWG tokenizer: a `<script>` inside `<template>`,
//! in a comment or in an attribute value is not a block, and the contents of `<style>` and
//! `<script>` are raw text as a browser reads them. A block is script when it is at the top
//! level of the file and its `lang` (or `type`) names JavaScript or TypeScript; one in any
//! other language is skipped with a note.

use html5gum::{DefaultEmitter, Token, Tokenizer};
use prodlint_core::Span;

/// The extensions whose files hold script in blocks.
pub const COMPONENT_EXTENSIONS: &[&str] = &["vue", "svelte", "astro"];

/// The language of a block, or of a whole component (the widest of its blocks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ScriptLang {
    Js,
    Jsx,
    Ts,
    Tsx,
}

impl ScriptLang {
    pub fn is_typescript(self) -> bool {
        matches!(self, ScriptLang::Ts | ScriptLang::Tsx)
    }

    /// The language that parses both: TSX for TypeScript and JSX together.
    fn widest(self, other: ScriptLang) -> ScriptLang {
        match (self.max(other), self.min(other)) {
            (ScriptLang::Ts, ScriptLang::Jsx) => ScriptLang::Tsx,
            (wide, _) => wide,
        }
    }
}

/// One block of script: the byte range of its contents in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptBlock {
    pub span: Span,
    pub lang: ScriptLang,
}

/// The script blocks of a component, and the blocks that were not read, with why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracted {
    pub blocks: Vec<ScriptBlock>,
    pub skipped: Vec<(Span, String)>,
}

impl Extracted {
    /// The language to parse all blocks as: `Js` when there are none.
    pub fn lang(&self) -> ScriptLang {
        self.blocks
            .iter()
            .map(|block| block.lang)
            .fold(ScriptLang::Js, ScriptLang::widest)
    }

    /// `text` with everything outside the blocks replaced by spaces (line breaks kept), so
    /// that every offset, line and column of the script is that of the file.
    pub fn blank_outside(&self, text: &str) -> String {
        let mut out: Vec<u8> = text
            .bytes()
            .map(|b| if b == b'\n' || b == b'\r' { b } else { b' ' })
            .collect();
        for block in &self.blocks {
            let (start, end) = (block.span.start as usize, block.span.end as usize);
            out[start..end].copy_from_slice(&text.as_bytes()[start..end]);
        }
        // Only ASCII bytes were replaced and whole blocks copied back (their bounds are at
        // ASCII `>` and `<`), so the result is still UTF-8.
        String::from_utf8(out).expect("blanking keeps UTF-8")
    }
}

/// Whether `path` is a component whose script lives in blocks.
pub fn is_component(path: &str) -> bool {
    let extension = path.rsplit('.').next().unwrap_or("");
    path.contains('.') && COMPONENT_EXTENSIONS.contains(&extension)
}

/// The script of the component at `path` (by its extension).
pub fn extract(path: &str, text: &str) -> Extracted {
    if path.ends_with(".astro") {
        astro_frontmatter(text)
    } else {
        top_level_scripts(text)
    }
}

/// Elements that never have contents, so never an end tag.
const VOID_ELEMENTS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_ascii_lowercase()
}

/// The language a `<script>` tag's `lang` or `type` names, or the value it does not know.
fn script_lang(tag: &html5gum::StartTag<usize>) -> Result<ScriptLang, String> {
    let attribute = |name: &str| {
        tag.attributes
            .get(name.as_bytes())
            .map(|value| lossy(&value.value).trim().to_string())
    };
    if let Some(lang) = attribute("lang") {
        return match lang.as_str() {
            "" | "js" | "javascript" | "mjs" => Ok(ScriptLang::Js),
            "jsx" => Ok(ScriptLang::Jsx),
            "ts" | "typescript" | "mts" => Ok(ScriptLang::Ts),
            "tsx" => Ok(ScriptLang::Tsx),
            _ => Err(format!("lang=\"{lang}\"")),
        };
    }
    match attribute("type").as_deref() {
        None | Some("" | "module" | "text/javascript" | "application/javascript") => {
            Ok(ScriptLang::Js)
        }
        Some("ts" | "text/typescript" | "application/typescript") => Ok(ScriptLang::Ts),
        Some(other) => Err(format!("type=\"{other}\"")),
    }
}

/// The `<script>` blocks at the top level of a Vue or Svelte file.
fn top_level_scripts(text: &str) -> Extracted {
    let mut emitter = DefaultEmitter::<usize>::new_with_span();
    // Script, style and other raw-text elements are read as a browser reads them.
    emitter.naively_switch_states(true);
    let mut extracted = Extracted::default();
    // The top-level element being read, and how deep in elements of its name.
    let mut open: Option<(String, usize)> = None;
    // The top-level script block being read: where its contents start, and its language.
    let mut script: Option<(usize, Result<ScriptLang, String>)> = None;
    for token in Tokenizer::new_with_emitter(text, emitter).flatten() {
        match token {
            Token::StartTag(tag) => {
                let name = lossy(&tag.name);
                match &mut open {
                    None if name == "script" && !tag.self_closing => {
                        script = Some((tag.span.end, script_lang(&tag)));
                        open = Some((name, 1));
                    }
                    None if tag.self_closing || VOID_ELEMENTS.contains(&name.as_str()) => {}
                    None => open = Some((name, 1)),
                    Some((open_name, depth)) if *open_name == name && !tag.self_closing => {
                        *depth += 1;
                    }
                    Some(_) => {}
                }
            }
            Token::EndTag(tag) => {
                let name = lossy(&tag.name);
                let Some((open_name, depth)) = &mut open else {
                    continue;
                };
                if *open_name != name {
                    continue;
                }
                *depth -= 1;
                if *depth > 0 {
                    continue;
                }
                open = None;
                if let Some((start, lang)) = script.take() {
                    let span = Span::new(start as u32, tag.span.start as u32);
                    match lang {
                        Ok(lang) => extracted.blocks.push(ScriptBlock { span, lang }),
                        Err(what) => extracted.skipped.push((
                            span,
                            format!("a <script {what}> block is not checked: only JavaScript and TypeScript are read"),
                        )),
                    }
                }
            }
            _ => {}
        }
    }
    // A block left open at the end of the file runs to the end, as in a browser.
    if let Some((start, Ok(lang))) = script {
        extracted.blocks.push(ScriptBlock {
            span: Span::new(start as u32, text.len() as u32),
            lang,
        });
    }
    extracted
}

/// The frontmatter of an Astro component: TypeScript between a leading `---` line and the
/// next `---` line.
fn astro_frontmatter(text: &str) -> Extracted {
    let mut extracted = Extracted::default();
    let start = text.len()
        - text
            .trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n'])
            .len();
    let Some(after_fence) = text[start..].strip_prefix("---") else {
        return extracted;
    };
    let body_start = text.len() - after_fence.len();
    // The closing fence: `---` at the start of a later line.
    let mut offset = body_start;
    let mut end = None;
    for line in text[body_start..].split_inclusive('\n') {
        if offset > body_start && line.trim_end() == "---" {
            end = Some(offset);
            break;
        }
        offset += line.len();
    }
    if let Some(end) = end {
        extracted.blocks.push(ScriptBlock {
            span: Span::new(body_start as u32, end as u32),
            lang: ScriptLang::Ts,
        });
    }
    extracted
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(path: &str, text: &str) -> Vec<(String, ScriptLang)> {
        extract(path, text)
            .blocks
            .iter()
            .map(|b| {
                (
                    text[b.span.start as usize..b.span.end as usize].to_string(),
                    b.lang,
                )
            })
            .collect()
    }

    #[test]
    fn vue_top_level_blocks_only() {
        let text = r#"<template>
  <div :data-x="'<script>bad()</script>'">
    <script>inTemplate()</script>
    <template v-if="a"><script>nested()</script></template>
  </div>
</template>
<!-- <script>commented()</script> -->
<script lang="ts">export default {}</script>
<script setup lang="ts">
const a: string = "</div>";
</script>
<style>.a::before { content: "<script>"; }</style>
"#;
        assert_eq!(
            blocks("a.vue", text),
            [
                ("export default {}".to_string(), ScriptLang::Ts),
                (
                    "\nconst a: string = \"</div>\";\n".to_string(),
                    ScriptLang::Ts
                ),
            ]
        );
    }

    #[test]
    fn languages() {
        let text = "<script lang=\"tsx\">const a = <b/>;</script>";
        assert_eq!(extract("a.vue", text).lang(), ScriptLang::Tsx);
        let text = "<script lang=\"jsx\">const a = <b/>;</script>";
        assert_eq!(extract("a.vue", text).lang(), ScriptLang::Jsx);
        let text = "<script lang=\"ts\">1</script><script lang=\"jsx\">2</script>";
        assert_eq!(extract("a.vue", text).lang(), ScriptLang::Tsx);
        let text = "<script lang=\"coffee\">a = -> 1</script>\n<script>const b = 1;</script>";
        let extracted = extract("a.vue", text);
        assert_eq!(extracted.blocks.len(), 1);
        assert_eq!(extracted.skipped.len(), 1);
        assert!(
            extracted.skipped[0].1.contains("lang=\"coffee\""),
            "{:?}",
            extracted.skipped
        );
        let text = "<script type=\"application/ld+json\">{}</script>";
        assert_eq!(extract("a.svelte", text).blocks, []);
    }

    #[test]
    fn svelte_module_and_instance_scripts() {
        let text = r#"<script context="module" lang="ts">export const prerender = true;</script>
<script lang="ts">
  let { url = "http://localhost:3000" } = $props();
</script>
<svelte:head><script src="/analytics.js"></script></svelte:head>
<img src={url}>
{#if a < b}<p>x</p>{/if}
"#;
        let found = blocks("a.svelte", text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, "export const prerender = true;");
        assert!(found[1].0.contains("$props()"));
    }

    #[test]
    fn astro_frontmatter_is_typescript() {
        let text = "---\nconst api = import.meta.env.API ?? 'http://localhost:3000';\n---\n<h1>{api}</h1>\n<script>console.log(1)</script>\n";
        let found = blocks("a.astro", text);
        assert_eq!(
            found,
            [(
                "\nconst api = import.meta.env.API ?? 'http://localhost:3000';\n".to_string(),
                ScriptLang::Ts
            )]
        );
        assert_eq!(blocks("b.astro", "<h1>no frontmatter</h1>\n"), []);
        assert_eq!(blocks("c.astro", "---\nunclosed\n"), []);
    }

    #[test]
    fn blanking_keeps_offsets() {
        let text = "<template><p>é</p></template>\n<script>const a = 'ü';</script>\n";
        let extracted = extract("a.vue", text);
        let blanked = extracted.blank_outside(text);
        assert_eq!(blanked.len(), text.len());
        let at = text.find("const").unwrap();
        assert_eq!(&blanked[at..at + 5], "const");
        assert!(!blanked.contains("template"));
    }
}
