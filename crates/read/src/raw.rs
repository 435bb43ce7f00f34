//! Dropping raw-text elements before parsing.
//!
//! About half the bytes of a typical page are `<script>`, `<style>` and `<svg>` bodies, which
//! the reader never shows; tokenizing them was a large part of the parse. They are cut out
//! of the source before html5ever sees it, ending each where the tokenizer would (the first
//! closing tag of the same name). Kept: JSON-LD scripts and scripts that mention a
//! publication date key (the metadata reads both).
//!
//! Most of what is left is attributes (`href`, `src`, `srcset`, `data-*`), which the parser
//! would tokenize and allocate for every element. [`drop_attributes`] removes every attribute
//! the reader does not read ([`KEPT_ATTRIBUTES`]), in one scan that treats tags, comments and
//! raw-text elements as the tokenizer does.

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

/// The attributes the reader reads. Reading another one needs it added here: a test checks
/// every `attr("…")` in the reader's source against this list.
pub const KEPT_ATTRIBUTES: [&str; 17] = [
    "aria-hidden",
    "aria-label",
    "charset",
    "class",
    "content",
    "datetime",
    "hidden",
    "http-equiv",
    "id",
    "itemprop",
    "lang",
    "name",
    "property",
    "rel",
    "role",
    "style",
    "type",
];

/// Elements whose content the tokenizer reads as text, not as tags: it is copied as it is.
const RAW_TEXT: [&str; 10] =
    ["script", "style", "title", "textarea", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext"];

fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// The page without the attributes the reader never reads (borrowed when there are none).
/// A tag left open at the end of the page ends the rewriting; the rest is copied as it is.
pub fn drop_attributes(input: &str) -> Cow<'_, str> {
    let bytes = input.as_bytes();
    let len = bytes.len();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut at = 0;
    // The spans of the current tag's attributes to drop, applied once the tag closes.
    let mut drops: Vec<(usize, usize)> = Vec::new();
    'tags: while let Some(i) = memchr::memchr(b'<', &bytes[at..]) {
        let lt = at + i;
        at = lt + 1;
        if bytes[at..].starts_with(b"!--") {
            match memchr::memmem::find(&bytes[at + 3..], b"-->") {
                Some(j) => {
                    at += 3 + j + 3;
                    continue;
                }
                None => break,
            }
        }
        if !bytes.get(at).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let name_start = at;
        let mut p = at;
        while p < len && !is_space(bytes[p]) && !matches!(bytes[p], b'/' | b'>') {
            p += 1;
        }
        let name_end = p;
        drops.clear();
        // Each attribute as the tokenizer reads it: a name up to a space, `/`, `>` or `=`,
        // then maybe `=` and a quoted or unquoted value.
        loop {
            while p < len && (is_space(bytes[p]) || bytes[p] == b'/') {
                p += 1;
            }
            if p >= len {
                break 'tags;
            }
            if bytes[p] == b'>' {
                p += 1;
                for &(start, end) in &drops {
                    let buf = out.get_or_insert_with(|| String::with_capacity(input.len()));
                    buf.push_str(&input[copied..start]);
                    copied = end;
                }
                break;
            }
            let attr_start = p;
            p += 1;
            while p < len && !is_space(bytes[p]) && !matches!(bytes[p], b'/' | b'>' | b'=') {
                p += 1;
            }
            let attr_name = &bytes[attr_start..p];
            let mut q = p;
            while q < len && is_space(bytes[q]) {
                q += 1;
            }
            if q < len && bytes[q] == b'=' {
                q += 1;
                while q < len && is_space(bytes[q]) {
                    q += 1;
                }
                match bytes.get(q) {
                    Some(&quote @ (b'"' | b'\'')) => match memchr::memchr(quote, &bytes[q + 1..]) {
                        Some(j) => p = q + 1 + j + 1,
                        None => break 'tags,
                    },
                    Some(_) => {
                        p = q;
                        while p < len && !is_space(bytes[p]) && bytes[p] != b'>' {
                            p += 1;
                        }
                    }
                    None => break 'tags,
                }
            }
            if !KEPT_ATTRIBUTES.iter().any(|k| k.as_bytes().eq_ignore_ascii_case(attr_name)) {
                drops.push((attr_start, p));
            }
        }
        at = p;
        let name = &bytes[name_start..name_end];
        if let Some(raw) = RAW_TEXT.iter().find(|r| r.as_bytes().eq_ignore_ascii_case(name)) {
            match find_closing(&bytes[at..], raw.as_bytes()) {
                Some(j) => at += j,
                None => break,
            }
        }
    }
    match out {
        None => Cow::Borrowed(input),
        Some(mut buf) => {
            buf.push_str(&input[copied..]);
            Cow::Owned(buf)
        }
    }
}

/// Where `</name` first appears in `bytes`, in any case.
fn find_closing(bytes: &[u8], name: &[u8]) -> Option<usize> {
    memchr::memmem::find_iter(bytes, b"</")
        .find(|&i| bytes.get(i + 2..i + 2 + name.len()).is_some_and(|n| n.eq_ignore_ascii_case(name)))
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
    fn drops_attributes_the_reader_never_reads() {
        let html = r#"<div class="post" data-x='{"a":1}'><a href="/x?a=1&b=2" rel=author>Ana</a><img src=a.png alt="a > b" hidden></div>"#;
        assert_eq!(drop_attributes(html), r#"<div class="post" ><a  rel=author>Ana</a><img   hidden></div>"#);
        assert!(matches!(drop_attributes("<p class=x>plain</p>"), Cow::Borrowed(_)));
    }

    #[test]
    fn leaves_comments_and_raw_text_alone() {
        let html = r#"<!-- <a href=x> --><title>a <b href=y> c</title><textarea><i src=z></textarea><p id=k data-q=1>"#;
        assert_eq!(
            drop_attributes(html),
            r#"<!-- <a href=x> --><title>a <b href=y> c</title><textarea><i src=z></textarea><p id=k >"#
        );
    }

    #[test]
    fn an_open_tag_at_the_end_stops_the_rewriting() {
        assert_eq!(drop_attributes(r#"<a href=x>y<b src="never closed"#), r#"<a >y<b src="never closed"#);
        assert_eq!(drop_attributes("<a href=x>y<b src"), "<a >y<b src");
        assert_eq!(drop_attributes("<p>x<"), "<p>x<");
    }

    /// Every attribute the reader's source asks for by name survives [`drop_attributes`].
    #[test]
    fn every_attribute_the_reader_reads_is_kept() {
        let sources = [
            include_str!("html.rs"),
            include_str!("meta.rs"),
            include_str!("byline.rs"),
            include_str!("date.rs"),
            include_str!("dom.rs"),
        ];
        let mut asked = Vec::new();
        for source in sources {
            for (i, _) in source.match_indices("attr(\"") {
                let rest = &source[i + 6..];
                asked.extend(rest.find('"').map(|end| &rest[..end]));
            }
            for (i, _) in source.match_indices("attrs()") {
                // The one pass over all attributes reads names in the match arms after it.
                let arms = &source[i..source.len().min(i + 600)];
                asked.extend(
                    arms.match_indices("\" =>")
                        .filter_map(|(j, _)| arms[..j].rfind('"').map(|start| &arms[start + 1..j])),
                );
            }
        }
        asked.retain(|name| !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'));
        asked.extend(crate::dom::HINT_ATTRIBUTES);
        assert!(asked.len() >= 10, "{asked:?}");
        for name in asked {
            assert!(KEPT_ATTRIBUTES.contains(&name), "the reader reads `{name}`: add it to KEPT_ATTRIBUTES");
        }
    }

    #[test]
    fn never_splits_a_character() {
        for html in ["é<script>ü</script>ö", "<svg>日本</svg>語", "<style>\u{1F600}", "<aé=ü b='日'>"]
        {
            let _ = strip(html);
            let _ = drop_attributes(html);
        }
    }
}
