//! Escaping for the XML reporters (checkstyle, JUnit).

/// Whether XML 1.0 allows the character at all, even as a character reference.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            // A parser turns a raw carriage return into a line feed, and any raw white
            // space in an attribute into a space: references keep them.
            '\r' => out.push_str("&#13;"),
            '\n' | '\t' if attribute => out.push_str(&format!("&#{};", c as u32)),
            // Control characters cannot appear in XML 1.0, not even as references: show
            // them the way Rust writes them.
            c if !is_xml_char(c) => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    out
}

/// Text for an attribute value (in double quotes).
pub fn attr(text: &str) -> String {
    escape(text, true)
}

/// Text for element content.
pub fn text(text: &str) -> String {
    escape(text, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_white_space_and_control_characters() {
        assert_eq!(
            attr(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;"
        );
        assert_eq!(attr("a\nb\tc\rd"), "a&#10;b&#9;c&#13;d");
        assert_eq!(text("a\nb\tc\rd"), "a\nb\tc&#13;d");
        assert_eq!(text(r#"<"it's">&"#), r#"&lt;"it's"&gt;&amp;"#);
        assert_eq!(
            text("bell\u{7} nul\u{0} esc\u{1b}"),
            r"bell\u{7} nul\u{0} esc\u{1b}"
        );
        assert_eq!(text("é 😀 \u{FFFE}"), "é 😀 \\u{fffe}");
    }
}
