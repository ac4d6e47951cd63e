//! What the binary writes to standard output: one line per request and one per delivery. Every
//! value in those lines that a client, an event or a receiver chose goes through [`escape`]
//! first, so that a `%0A` decoded into an organization name, an ESC in a receiver's error or a
//! newline in a hook's URL can neither forge a second log line nor drive the terminal.

use std::borrow::Cow;
use std::fmt::Write as _;

/// `text` with every character that could end a log line or reach the terminal as a command
/// written as a visible escape: `\n`, `\r`, `\t`, `\x1b` for the other ASCII controls,
/// `\u{85}` for the C1 controls and the Unicode line and paragraph separators. A backslash is
/// doubled, so that a literal `\n` in the input cannot pass for an escaped newline. Text with
/// nothing to escape is returned as it is, without a copy (the common case, on every request).
pub(crate) fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_ascii_control() => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c == '\\' || c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        assert!(matches!(
            escape("GET /orgs/octocat/hooks"),
            std::borrow::Cow::Borrowed("GET /orgs/octocat/hooks")
        ));
    }

    #[test]
    fn a_newline_cannot_start_a_second_line() {
        let escaped = escape("a\nGET /forged 200\r\n");
        assert_eq!(escaped, "a\\nGET /forged 200\\r\\n");
        assert!(!escaped.contains('\n') && !escaped.contains('\r'));
    }

    #[test]
    fn terminal_escapes_and_other_controls_are_shown_not_sent() {
        assert_eq!(escape("\u{1b}[31mred\u{7}"), "\\x1b[31mred\\x07");
        assert_eq!(escape("\u{7f}\u{0}\t"), "\\x7f\\x00\\t");
        assert_eq!(escape("c1\u{9b}31m"), "c1\\u{9b}31m");
        assert_eq!(escape("line\u{2028}sep"), "line\\u{2028}sep");
    }

    #[test]
    fn a_backslash_is_doubled_so_escapes_cannot_be_forged() {
        assert_eq!(escape("a\\nb"), "a\\\\nb");
    }

    #[test]
    fn non_ascii_text_is_kept() {
        assert_eq!(escape("café ☕"), "café ☕");
    }
}
