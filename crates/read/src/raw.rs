//! Dropping raw-text elements before parsing.
//!
//! About half the bytes of a typical page are `<script>`, `<style>` and `<svg>` bodies, which
//! the reader never shows; tokenizing them was a large part of the parse. They are cut out
//! of the source before html5ever sees it, ending each where the tokenizer would (the first
//! closing tag of the same name). Kept: JSON-LD scripts and scripts that mention a
//! publication date key (the metadata reads both).

use std::borrow::Cow;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

const OPENERS: [&str; 3] = ["<script", "<style", "<svg"];
const CLOSERS: [&str; 3] = ["</script", "</style", "</svg"];

static OPEN: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| automaton(&OPENERS));
static CLOSE: LazyLock<Vec<Option<AhoCorasick>>> =
    LazyLock::new(|| CLOSERS.iter().map(|c| automaton(&[c])).collect());

fn automaton(patterns: &[&str]) -> Option<AhoCorasick> {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostFirst)
        .build(patterns)
        .ok()
}

/// The page without the bodies of scripts, styles and inline SVG (borrowed when there are none).
pub fn strip(input: &str) -> Cow<'_, str> {
    let Some(open) = OPEN.as_ref() else { return Cow::Borrowed(input) };
    let bytes = input.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut at = 0;
    while let Some(m) = open.find(&input[at..]) {
        let start = at + m.start();
        let name_end = at + m.end();
        at = name_end;
        // `<scripts>` or `<svgfoo>` are other tags.
        if !bytes.get(name_end).is_some_and(|b| b.is_ascii_whitespace() || matches!(b, b'>' | b'/')) {
            continue;
        }
        let Some(tag_end) = input[name_end..].find('>').map(|i| name_end + i + 1) else { break };
        let which = m.pattern().as_usize();
        let Some(close) = CLOSE.get(which).and_then(Option::as_ref) else { break };
        let Some(c) = close.find(&input[tag_end..]) else { break };
        let body_end = tag_end + c.start();
        let Some(end) = input[body_end..].find('>').map(|i| body_end + i + 1) else { break };
        at = end;
        if which == 0 && keep_script(&input[start..tag_end], &input[tag_end..body_end]) {
            continue;
        }
        let buf = out.get_or_insert_with(|| String::with_capacity(input.len() / 2));
        buf.push_str(&input[copied..start]);
        copied = end;
    }
    match out {
        None => Cow::Borrowed(input),
        Some(mut buf) => {
            buf.push_str(&input[copied..]);
            Cow::Owned(buf)
        }
    }
}

/// JSON-LD, and scripts whose data may name the publication date ("publishedDate",
/// "datePublished", "first_publication_date": every key the metadata reads holds "ubli").
fn keep_script(tag: &str, body: &str) -> bool {
    tag.to_ascii_lowercase().contains("ld+json") || body.contains("ubli")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_scripts_styles_and_svg() {
        let html = "<p>a<script>var x = '<p>no</p>';</script>b</p><STYLE type=x>p{}</Style ><svg><path/></svg><p>c</p>";
        assert_eq!(strip(html), "<p>ab</p><p>c</p>");
    }

    #[test]
    fn keeps_json_ld_and_date_data() {
        let ld = r#"<script type="application/ld+json">{"@type":"Article"}</script>"#;
        assert_eq!(strip(ld), ld);
        let data = r#"<script>w = {"publishedDate":"2020-01-02"}</script>"#;
        assert_eq!(strip(data), data);
    }

    #[test]
    fn leaves_other_tags_and_unclosed_ones() {
        let html = "<scripts>x</scripts><p>y</p><script>never closed";
        assert_eq!(strip(html), html);
        assert!(matches!(strip("<p>plain</p>"), Cow::Borrowed(_)));
    }

    #[test]
    fn never_splits_a_character() {
        for html in ["é<script>ü</script>ö", "<svg>日本</svg>語", "<style>\u{1F600}"] {
            let _ = strip(html);
        }
    }
}
