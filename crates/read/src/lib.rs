//! `read`: a raw page in, the article out (title, author, publication date, main text), with
//! boilerplate blocks removed and labelled.
//!
//! [`read`] decodes the bytes (BOM, declared charset, else a statistical guess), decides
//! between HTML and plain text by content, and hands the text to the matching reader:
//!
//! - `html`: a DOM (html5ever via scraper), metadata from JSON-LD, meta tags, `<time>`, the
//!   URL and visible bylines, and the main content chosen by scoring blocks.
//! - `text`: a scraped page as plain lines, cut into blocks at blank lines, with classifiers
//!   for boilerplate (menus, author boxes, related posts, cookie notices, credits).
//!
//! Pure: no IO, deterministic, never panics, never fails. Odd input yields diagnostics.

mod boilerplate;
mod byline;
mod date;
mod decode;
mod dom;
mod html;
mod lang;
mod meta;
mod parse;
mod raw;
mod text;

use domain::{Article, Diagnostic, RawPage};

pub use decode::MAX_BYTES;

/// One of the reader's fixed patterns (boilerplate cues, dates, bylines). Word boundaries are
/// ASCII ones: a Unicode `\b` keeps the regex crate's fast engines off any text with a curly
/// quote or an accent, and made the boilerplate patterns half the cost of judging a block.
/// Every `\b` in these patterns stands next to ASCII letters or digits.
fn re(pattern: &str) -> regex::Regex {
    regex::Regex::new(&pattern.replace(r"\b", r"(?-u:\b)")).expect("the reader's patterns are valid")
}

/// Reads one page, detecting HTML or plain text by content.
pub fn read(page: &RawPage) -> (Article, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let decoded = decode::decode(&page.bytes, &mut diagnostics);
    let url = page.url.as_deref();
    let mut article = if looks_like_html(&decoded) {
        html::read_html(&decoded, url, &mut diagnostics)
    } else {
        text::read_text(&decoded, url, &mut diagnostics)
    };
    article.language = lang::detect(&article.text);
    if article.text.trim().is_empty() {
        diagnostics.push(Diagnostic::warning("no article text found"));
    }
    (article, diagnostics)
}

/// How the reader's fast parser did on a page, against html5ever (for benchmarks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseCheck {
    NotHtml,
    /// The fast path left the page to html5ever, for this reason.
    Declined(String),
    /// Both parsers built the same tree.
    Same,
    /// The fast path built another tree than html5ever: a bug.
    Differs,
}

/// Parses a page with the fast path and with html5ever, and compares the trees.
pub fn check_parse(page: &RawPage) -> ParseCheck {
    let decoded = decode::decode(&page.bytes, &mut Vec::new());
    if !looks_like_html(&decoded) {
        return ParseCheck::NotHtml;
    }
    let stripped = raw::strip(&decoded);
    let _ = parse::declined();
    match parse::fast_kept(&stripped) {
        None => {
            ParseCheck::Declined(Some(parse::declined()).filter(|d| !d.is_empty()).unwrap_or("other".into()))
        }
        Some(fast)
            if parse::same_tree(&fast, &scraper::Html::parse_document(&raw::drop_attributes(&stripped))) =>
        {
            ParseCheck::Same
        }
        Some(_) => ParseCheck::Differs,
    }
}

/// HTML is recognised by its opening tags, not by the URL or a file name.
fn looks_like_html(text: &str) -> bool {
    let start = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    let mut end = start.len().min(4096);
    while !start.is_char_boundary(end) {
        end -= 1;
    }
    let head = start[..end].to_ascii_lowercase();
    if head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || head.starts_with("<?xml") && head.contains("<html")
    {
        return true;
    }
    let tags = ["<html", "<head", "<body", "<meta ", "<title>", "<div", "<p>", "<article"];
    head.starts_with('<') && tags.iter().filter(|t| head.contains(*t)).count() >= 2
        || ["<html", "<head>", "<body"].iter().filter(|t| head.contains(*t)).count() >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_html_by_content() {
        assert!(looks_like_html("<!DOCTYPE html><html><body><p>x</p></body></html>"));
        assert!(looks_like_html("  <html><head><title>x</title></head></html>"));
        assert!(looks_like_html("<div class=\"a\"><p>one</p></div>"));
        assert!(!looks_like_html("A headline\n\nSome text about <html> tags in prose."));
    }

    #[test]
    fn never_panics_on_odd_bytes() {
        for bytes in [&b""[..], b"\xFF\xFE", b"<", b"<html", b"\0\0\0", b"<html><body>\xC3</body>"] {
            let (_, _) = read(&RawPage::new(bytes.to_vec(), None));
        }
    }
}
