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
//!
//! A page nested thousands deep (unclosed `<div>`s or `<font>`s) makes every parser check of
//! the open elements, and every walk of the reader up the tree, as long as the page is deep:
//! [`flatten_deep`] cuts the tags nested past a bound before such a page is parsed.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use html5ever::{LocalName, local_name};

use crate::parse::{Scope, is_formatting, is_grouping, is_heading, is_special};

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
    let mut cuts = Cuts::new(input);
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
        cuts.cut(start, end);
    }
    cuts.finish()
}

/// A copy of a page with spans cut out, made only once the first span is cut.
struct Cuts<'a> {
    input: &'a str,
    out: Option<String>,
    /// Where the input is copied up to.
    copied: usize,
}

impl<'a> Cuts<'a> {
    fn new(input: &'a str) -> Cuts<'a> {
        Cuts { input, out: None, copied: 0 }
    }

    /// Cuts out `start..end` (character boundaries, after the last span cut).
    fn cut(&mut self, start: usize, end: usize) {
        let out = self.out.get_or_insert_with(|| String::with_capacity(self.input.len()));
        out.push_str(&self.input[self.copied..start]);
        self.copied = end;
    }

    /// The page without the spans cut (borrowed when none was).
    fn finish(self) -> Cow<'a, str> {
        match self.out {
            None => Cow::Borrowed(self.input),
            Some(mut out) => {
                out.push_str(&self.input[self.copied..]);
                Cow::Owned(out)
            }
        }
    }
}

/// The attributes the reader reads. Reading another one needs it added here: a test checks
/// every `attr("…")` in the reader's source against this list.
pub const KEPT_ATTRIBUTES: [&str; 18] = [
    "aria-hidden",
    "aria-label",
    "charset",
    "class",
    "content",
    "data-wf-site",
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

/// Whether an attribute of this name is one the reader reads ([`KEPT_ATTRIBUTES`], in any case).
pub(crate) fn is_kept_attribute(name: &[u8]) -> bool {
    KEPT_ATTRIBUTES.iter().any(|k| k.as_bytes().eq_ignore_ascii_case(name))
}

/// The page without the attributes the reader never reads (borrowed when there are none).
/// A tag left open at the end of the page ends the rewriting; the rest is copied as it is.
pub fn drop_attributes(input: &str) -> Cow<'_, str> {
    let bytes = input.as_bytes();
    let mut cuts = Cuts::new(input);
    for tag in Tags::new(input).filter(|t| !t.closing) {
        let drop = |a: Attr| {
            if !is_kept_attribute(&bytes[a.name.clone()]) {
                cuts.cut(a.span.start, a.span.end);
            }
            Some(())
        };
        // Read again for its attributes: `Tags` has checked that the tag ends.
        tag_end(bytes, tag.name.start, drop);
    }
    cuts.finish()
}

/// A tag read by [`Tags`]: its place in the page (from its `<` to just past its `>`), where
/// its name is, and whether it is an end tag.
pub(crate) struct Tag {
    pub start: usize,
    pub end: usize,
    pub name: std::ops::Range<usize>,
    pub closing: bool,
}

/// The start and end tags of a page in order, read as the tokenizer reads them in HTML
/// content (foreign content's `<![CDATA[` sections are read as comments): comments, doctypes
/// and the text of raw-text elements are passed over. A tag left open at the end of the page
/// ends the scan; so does a raw-text element that is never closed, or a `<plaintext>`, after
/// its start tag.
pub(crate) struct Tags<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Tags<'a> {
    pub(crate) fn new(input: &'a str) -> Tags<'a> {
        Tags { bytes: input.as_bytes(), at: 0 }
    }
}

impl Iterator for Tags<'_> {
    type Item = Tag;

    fn next(&mut self) -> Option<Tag> {
        let bytes = self.bytes;
        loop {
            let start = self.at + memchr::memchr(b'<', bytes.get(self.at..)?)?;
            let at = start + 1;
            self.at = match bytes.get(at) {
                Some(b'!') if bytes[at..].starts_with(b"!--") => at + 3 + comment_end(&bytes[at + 3..])?,
                // `<!DOCTYPE`, `<![CDATA[`, `<?xml` and other bogus comments end at the first `>`.
                Some(b'!' | b'?') => at + memchr::memchr(b'>', &bytes[at..])? + 1,
                Some(b'/') => match bytes.get(at + 1)? {
                    // An end tag's attributes are read, quotes and all, and ignored.
                    b if b.is_ascii_alphabetic() => {
                        let (end, name_end) = tag_end(bytes, at + 1, |_| Some(()))?;
                        self.at = end;
                        return Some(Tag { start, end, name: at + 1..name_end, closing: true });
                    }
                    b'>' => at + 2,
                    _ => at + memchr::memchr(b'>', &bytes[at..])? + 1,
                },
                Some(b) if b.is_ascii_alphabetic() => {
                    let (end, name_end) = tag_end(bytes, at, |_| Some(()))?;
                    // The content of a raw-text element is text up to its end tag.
                    let raw =
                        RAW_TEXT.iter().find(|r| r.as_bytes().eq_ignore_ascii_case(&bytes[at..name_end]));
                    let text_end = match raw {
                        Some(&"script") => script_end(&bytes[end..]).map(|j| end + j),
                        // Nothing ends `<plaintext>`: the rest of the page is its text.
                        Some(&"plaintext") => None,
                        Some(raw) => find_closing(&bytes[end..], raw.as_bytes()).map(|j| end + j),
                        None => Some(end),
                    };
                    self.at = text_end.unwrap_or(bytes.len());
                    return Some(Tag { start, end, name: at..name_end, closing: false });
                }
                _ => at,
            };
        }
    }
}

/// Elements nested deeper than this (as [`flatten_deep`] counts them) lose their tags.
pub(crate) const MAX_NESTING: usize = 100;
/// Formatting elements left open beyond this many lose their tags: the parser copies every
/// open one into each new block ("reconstructs" them), which nests deep on its own.
pub(crate) const MAX_FORMATTING: usize = 20;
/// The same, for a page whose blocks are given many copies (as when a few formatting elements
/// are left open over a page of short paragraphs).
pub(crate) const FEW_FORMATTING: usize = 2;
/// Start tags beyond which [`flatten_deep`] cuts every tag but raw-text ones, so that the tree
/// of the largest page holds at most a few million nodes (each costs the reader about 200
/// bytes). Pages as written hold far fewer: a median of about 730 start tags outside scripts,
/// styles and SVG on the benchmark pages, 5,000 at most.
pub(crate) const MAX_TAGS: usize = 500_000;
/// How far down the stack of open elements an end tag or an implied end looks for its element.
const SEARCH: usize = 64;

/// Elements with no content and no end tag.
const VOID: [&str; 19] = [
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img", "input",
    "keygen", "link", "meta", "param", "source", "track", "wbr",
];
/// The page with the tags of elements nested too deep cut out, their text kept (borrowed when
/// none is). html5ever's tree builder checks the stack of open elements for most tags, so a
/// page of 100,000 unclosed `<div>`s takes it minutes; the reader's own walks over the tree
/// are bounded by its depth too.
///
/// Elements are counted by a tag balancer that closes no more than the parser would: an end
/// tag closes the nearest open element of its name within the standard's default scope, and
/// not past a "special" element unless it is one; `</form>` closes the form alone; `<p>`,
/// `<li>`, `<dd>`/`<dt>`, `<option>`, table rows and cells and headings end as the parser ends
/// them; a `<table>` counts for the row group and row the parser adds in it. `<html>`,
/// `<head>`, `<body>`, void and raw-text elements do not count. Deeper than `max_nesting`,
/// or with `max_formatting` formatting elements open, a start tag is cut out, and so is the
/// end tag that closes it. Past [`MAX_TAGS`] start tags every later tag but raw-text ones is
/// cut. Pages as written nest far less deep (at most 56 elements on the benchmark pages).
pub(crate) fn flatten_deep(input: &str, max_nesting: usize, max_formatting: usize) -> Cow<'_, str> {
    struct Open {
        name: LocalName,
        /// How many levels it counts for; 0 once its tags are cut.
        weight: usize,
    }
    let bytes = input.as_bytes();
    let mut cuts = Cuts::new(input);
    let mut open: Vec<Open> = Vec::new();
    let (mut depth, mut started) = (0usize, 0usize);
    // Open formatting elements of each kind (their end tag not seen).
    let mut formatting: HashMap<LocalName, usize> = HashMap::new();
    // Where the nearest open element that `is` picks stands, unless `stop` comes first.
    let find = |open: &[Open], is: &dyn Fn(&LocalName) -> bool, stop: &dyn Fn(&LocalName) -> bool| {
        let k = open.iter().rev().take(SEARCH).position(|o| is(&o.name) || stop(&o.name))?;
        let idx = open.len() - 1 - k;
        is(&open[idx].name).then_some(idx)
    };
    // Closes that element and what is open above it (only it, when its tags were cut: its
    // end tag is cut with it); whether its tags were kept.
    let close = |open: &mut Vec<Open>,
                 depth: &mut usize,
                 is: &dyn Fn(&LocalName) -> bool,
                 stop: &dyn Fn(&LocalName) -> bool| {
        let idx = find(open, is, stop)?;
        if open[idx].weight == 0 {
            open.remove(idx);
            return Some(false);
        }
        *depth -= open.drain(idx..).map(|o| o.weight).sum::<usize>();
        Some(true)
    };
    let default_scope = |n: &LocalName| Scope::Default.bounds(n);
    for tag in Tags::new(input) {
        // Tag names start with an ASCII letter and end before an ASCII byte.
        let Ok(name) = std::str::from_utf8(&bytes[tag.name.clone()]) else { continue };
        let name = LocalName::from(name.to_ascii_lowercase());
        // Raw text stays as it is, and so does foreign content's start (a `<![CDATA[` in it is
        // text; out of it, a comment).
        if RAW_TEXT.contains(&&*name) || matches!(name, local_name!("math") | local_name!("svg")) {
            continue;
        }
        // Past MAX_TAGS start tags the rest of the page is text.
        if started >= MAX_TAGS {
            cuts.cut(tag.start, tag.end);
            continue;
        }
        started += usize::from(!tag.closing);
        if matches!(name, local_name!("html") | local_name!("head") | local_name!("body"))
            || VOID.contains(&&*name)
        {
            continue;
        }
        let same = |n: &LocalName| *n == name;
        if tag.closing {
            let closed = match name {
                // Only the form is closed; what is open above it stays open.
                local_name!("form") => find(&open, &same, &default_scope).map(|idx| {
                    let form = open.remove(idx);
                    depth -= form.weight;
                    form.weight > 0
                }),
                local_name!("li") => close(&mut open, &mut depth, &same, &|n| Scope::List.bounds(n)),
                local_name!("p") => close(&mut open, &mut depth, &same, &|n| Scope::Button.bounds(n)),
                _ if is_heading(&name) => close(&mut open, &mut depth, &is_heading, &default_scope),
                _ if is_special(&name) => close(&mut open, &mut depth, &same, &default_scope),
                // Any other end tag (formatting ones included) stops at a special element.
                _ => close(&mut open, &mut depth, &same, &is_special),
            };
            if closed == Some(false) {
                cuts.cut(tag.start, tag.end);
            }
            if closed == Some(true)
                && let Some(count) = formatting.get_mut(&name)
            {
                *count = count.saturating_sub(1);
            }
            continue;
        }
        let closes_p = is_grouping(&name)
            || is_heading(&name)
            || matches!(
                name,
                local_name!("dd")
                    | local_name!("dt")
                    | local_name!("form")
                    | local_name!("li")
                    | local_name!("listing")
                    | local_name!("p")
                    | local_name!("pre")
            );
        if closes_p {
            close(&mut open, &mut depth, &|n| *n == local_name!("p"), &|n| Scope::Button.bounds(n));
        }
        // The end the parser implies for an open item, row, cell or heading.
        let item_stop = |n: &LocalName| {
            is_special(n) && !matches!(*n, local_name!("address") | local_name!("div") | local_name!("p"))
        };
        let in_table = |n: &LocalName| Scope::Table.bounds(n) || *n == local_name!("caption");
        match name {
            local_name!("li") => {
                close(&mut open, &mut depth, &|n| *n == local_name!("li"), &item_stop);
            }
            local_name!("dd") | local_name!("dt") => {
                let item = |n: &LocalName| matches!(*n, local_name!("dd") | local_name!("dt"));
                close(&mut open, &mut depth, &item, &item_stop);
            }
            // Only the current node: a stop at every element.
            local_name!("option") | local_name!("optgroup") => {
                close(&mut open, &mut depth, &|n| *n == local_name!("option"), &|_| true);
            }
            local_name!("tr") => {
                close(&mut open, &mut depth, &|n| *n == local_name!("tr"), &in_table);
            }
            local_name!("td") | local_name!("th") => {
                let cell = |n: &LocalName| matches!(*n, local_name!("td") | local_name!("th"));
                close(&mut open, &mut depth, &cell, &|n| in_table(n) || *n == local_name!("tr"));
            }
            _ if is_heading(&name) => {
                close(&mut open, &mut depth, &is_heading, &|_| true);
            }
            _ => {}
        }
        // A new `<a>` (or `<nobr>`) ends the one still open: the parser runs the adoption
        // agency for it first.
        if matches!(name, local_name!("a") | local_name!("nobr"))
            && let Some(count) = formatting.get_mut(&name)
        {
            *count = count.saturating_sub(1);
        }
        let weight = if name == local_name!("table") { 3 } else { 1 };
        let is_formatting = is_formatting(&name);
        let open_formatting: usize = formatting.values().sum();
        let keep = depth + weight <= max_nesting && !(is_formatting && open_formatting >= max_formatting);
        if keep {
            depth += weight;
            if is_formatting {
                *formatting.entry(name.clone()).or_default() += 1;
            }
        } else {
            cuts.cut(tag.start, tag.end);
        }
        open.push(Open { name, weight: if keep { weight } else { 0 } });
    }
    cuts.finish()
}

/// Reads the tag whose name starts at `at` as the tokenizer does: the name, then attributes
/// (a name up to a space, `/`, `>` or `=`, then maybe `=` and a quoted or unquoted value),
/// each given to `each` (which stops the reading by returning `None`). Returns where the tag
/// ends (just past its `>`) and where its name ends, or `None` when the page ends first.
pub(crate) fn tag_end(
    bytes: &[u8],
    at: usize,
    mut each: impl FnMut(Attr) -> Option<()>,
) -> Option<(usize, usize)> {
    let len = bytes.len();
    let mut p = at;
    while p < len && !is_space(bytes[p]) && !matches!(bytes[p], b'/' | b'>') {
        p += 1;
    }
    let name_end = p;
    loop {
        while p < len && (is_space(bytes[p]) || bytes[p] == b'/') {
            p += 1;
        }
        match bytes.get(p) {
            None => return None,
            Some(b'>') => return Some((p + 1, name_end)),
            Some(_) => {}
        }
        let attr_start = p;
        p += 1;
        while p < len && !is_space(bytes[p]) && !matches!(bytes[p], b'/' | b'>' | b'=') {
            p += 1;
        }
        let name = attr_start..p;
        let mut value = None;
        let mut q = p;
        while q < len && is_space(bytes[q]) {
            q += 1;
        }
        if bytes.get(q) == Some(&b'=') {
            q += 1;
            while q < len && is_space(bytes[q]) {
                q += 1;
            }
            match bytes.get(q) {
                Some(&quote @ (b'"' | b'\'')) => {
                    let close = q + 1 + memchr::memchr(quote, &bytes[q + 1..])?;
                    value = Some(q + 1..close);
                    p = close + 1;
                }
                Some(_) => {
                    p = q;
                    while p < len && !is_space(bytes[p]) && bytes[p] != b'>' {
                        p += 1;
                    }
                    value = Some(q..p);
                }
                None => return None,
            }
        }
        each(Attr { span: attr_start..p, name, value })?;
    }
}

/// One attribute of a tag read by [`tag_end`], as places in the page: the whole attribute, its
/// name, and its value without the quotes (`None` when it has no `=`).
pub(crate) struct Attr {
    pub span: std::ops::Range<usize>,
    pub name: std::ops::Range<usize>,
    pub value: Option<std::ops::Range<usize>>,
}

/// Where the end tag `</name` that closes a raw-text element first appears in `bytes`, in any
/// case, followed by a space, `/` or `>` as the tokenizer requires.
pub(crate) fn find_closing(bytes: &[u8], name: &[u8]) -> Option<usize> {
    memchr::memmem::find_iter(bytes, b"</").find(|&i| tag_name_at(bytes, i + 2, name).is_some())
}

/// Whether the tag name `name` (lower case) stands at `at` in any case, followed by a space,
/// `/` or `>` as the tokenizer requires: just past that character.
fn tag_name_at(bytes: &[u8], at: usize, name: &[u8]) -> Option<usize> {
    let end = at + name.len();
    let named = bytes.get(at..end).is_some_and(|n| n.eq_ignore_ascii_case(name));
    let delimited = bytes.get(end).is_some_and(|&b| is_space(b) || matches!(b, b'/' | b'>'));
    (named && delimited).then_some(end + 1)
}

/// Where the end tag that closes a script first appears in `bytes` (its text), following the
/// tokenizer's script data states: after `<!--` the text is "escaped", and there a `<script`
/// opens a "double-escaped" run in which `</script` only closes the run; `-->` goes back to
/// plain script data. `None` when the page ends first.
pub(crate) fn script_end(bytes: &[u8]) -> Option<usize> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Data,
        Escaped,
        DoubleEscaped,
    }
    // `script` at `at` and its delimiter (which the tokenizer consumes): just past it.
    let script_name = |at: usize| tag_name_at(bytes, at, b"script");
    let end_tag_at = |at: usize| bytes.get(at + 1) == Some(&b'/') && script_name(at + 2).is_some();
    let mut state = State::Data;
    // Dashes just read in an escaped state, up to two: `-->` goes back to script data.
    let mut dashes = 0;
    let mut i = 0;
    while i < bytes.len() {
        if state == State::Data {
            i += memchr::memchr(b'<', &bytes[i..])?;
            if end_tag_at(i) {
                return Some(i);
            }
            if bytes[i + 1..].starts_with(b"!--") {
                (state, dashes) = (State::Escaped, 2);
                i += 4;
            } else {
                i += 1;
            }
            continue;
        }
        let byte = bytes[i];
        i += 1;
        match byte {
            b'-' => {
                dashes = (dashes + 1).min(2);
                continue;
            }
            b'>' if dashes == 2 => state = State::Data,
            // In an escaped run, `</script` ends the script and `<script` starts a
            // double-escaped run; in that run, `</script` ends the run.
            b'<' if state == State::Escaped && end_tag_at(i - 1) => return Some(i - 1),
            b'<' if state == State::Escaped => {
                if let Some(after) = script_name(i) {
                    (state, i) = (State::DoubleEscaped, after);
                }
            }
            b'<' if bytes.get(i) == Some(&b'/') => {
                if let Some(after) = script_name(i + 1) {
                    (state, i) = (State::Escaped, after);
                }
            }
            _ => {}
        }
        dashes = 0;
    }
    None
}

/// Where a comment whose `<!--` came just before `bytes` ends (just past it): at `-->` or
/// `--!>`, or at once for the empty `<!-->` and `<!--->`.
fn comment_end(bytes: &[u8]) -> Option<usize> {
    if bytes.starts_with(b">") {
        return Some(1);
    }
    if bytes.starts_with(b"->") {
        return Some(2);
    }
    memchr::memchr_iter(b'>', bytes)
        .find(|&i| {
            let before = &bytes[..i];
            before.ends_with(b"--") || before.ends_with(b"--!")
        })
        .map(|i| i + 1)
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
    fn flatten_deep_cuts_only_the_deepest_tags() {
        // Pages as written, with the ends the parser implies, are borrowed.
        for page in [
            "<html><head><title>t</title></head><body><div><p>a<p>b<ul><li>x<li>y</ul><b>f</b></div>"
                .to_owned(),
            "<p>paragraph".repeat(1_000),
            format!("<ul>{}</ul>", "<li>item".repeat(1_000)),
            format!("<dl>{}</dl>", "<dt>term<dd>definition".repeat(1_000)),
            format!("<table>{}</table>", "<tr><td>a<td>b".repeat(1_000)),
            "<h2>heading<h3>subheading".repeat(1_000),
            "<div><br><img src=x><input><hr></div>".repeat(1_000),
        ] {
            assert!(
                matches!(flatten_deep(&page, MAX_NESTING, MAX_FORMATTING), Cow::Borrowed(_)),
                "{}",
                &page[..80.min(page.len())]
            );
        }
        // Elements deeper than MAX_NESTING lose their start and end tags; the text stays, and
        // the tags after them close what they closed.
        let n = MAX_NESTING + 5;
        let page = format!("{}x{}<p>after</p>", "<div>".repeat(n), "</div>".repeat(n));
        let kept = format!("{}x{}<p>after</p>", "<div>".repeat(MAX_NESTING), "</div>".repeat(MAX_NESTING));
        assert_eq!(flatten_deep(&page, MAX_NESTING, MAX_FORMATTING), kept);
        let page = format!("{}<span>deep</span> text", "<section>".repeat(n));
        assert_eq!(
            flatten_deep(&page, MAX_NESTING, MAX_FORMATTING),
            format!("{}deep text", "<section>".repeat(MAX_NESTING))
        );
        // At most MAX_FORMATTING formatting elements stay open.
        let page: String = (0..MAX_FORMATTING + 3).map(|i| format!("<b class=c{i}>")).collect();
        assert_eq!(flatten_deep(&page, MAX_NESTING, MAX_FORMATTING).matches("<b").count(), MAX_FORMATTING);
        let closed = "<b>x</b>".repeat(MAX_FORMATTING * 3);
        assert!(matches!(flatten_deep(&closed, MAX_NESTING, MAX_FORMATTING), Cow::Borrowed(_)));
        // Past MAX_TAGS start tags, the rest of the page is text.
        let page = "<p>x</p>".repeat(MAX_TAGS + 10);
        let flat = flatten_deep(&page, MAX_NESTING, MAX_FORMATTING);
        assert_eq!(flat.matches("<p>").count(), MAX_TAGS);
        assert_eq!(flat.matches("</p>").count(), MAX_TAGS - 1);
        assert!(flat.ends_with(&format!("</p><p>{}", "x".repeat(11))));
        // `<plaintext>` runs to the end of the page, `<math>` is never cut.
        let page = format!("{}<plaintext><b class=x>bold</b>", "<div>".repeat(n));
        assert!(flatten_deep(&page, MAX_NESTING, MAX_FORMATTING).ends_with("<plaintext><b class=x>bold</b>"));
        assert!(drop_attributes("<plaintext><b class=x>").ends_with("<b class=x>"));
        let page = format!("{}<math><![CDATA[alpha]]></math>", "<div>".repeat(n));
        assert!(flatten_deep(&page, MAX_NESTING, MAX_FORMATTING).ends_with("<math><![CDATA[alpha]]></math>"));
        // Raw text is text: its tags are never counted or cut, and the element is never cut.
        let page = format!("{}<textarea><div></div></textarea><script>'<p>'</script>", "<div>".repeat(n));
        assert!(
            flatten_deep(&page, MAX_NESTING, MAX_FORMATTING)
                .ends_with("<textarea><div></div></textarea><script>'<p>'</script>")
        );
    }

    #[test]
    fn a_script_ends_where_the_tokenizer_ends_it() {
        fn end(text: &str) -> Option<&str> {
            script_end(text.as_bytes()).map(|i| &text[..i])
        }
        assert_eq!(end("a < b </script>x"), Some("a < b "));
        assert_eq!(end("x</SCRIPT\n>"), Some("x"));
        assert_eq!(end("x</scripts></script>"), Some("x</scripts>"));
        // Escaped, but not double-escaped: the first end tag still closes.
        assert_eq!(end("<!-- a </script> b"), Some("<!-- a "));
        assert_eq!(end("<!-- <b> --> </script>"), Some("<!-- <b> --> "));
        // Double-escaped: `</script>` closes the run, and the next one the script.
        assert_eq!(end("<!--<script>a</script>b</script>c"), Some("<!--<script>a</script>b"));
        assert_eq!(end("<!--<script>--></script>"), Some("<!--<script>-->"));
        assert_eq!(end("<!--<script x>-- ></script>y</script>"), Some("<!--<script x>-- ></script>y"));
        // `-->` ends the escape, so a later `<script` is only text.
        assert_eq!(end("<!-- --><script></script>"), Some("<!-- --><script>"));
        assert_eq!(end("<!---->< script></script>"), Some("<!---->< script>"));
        assert_eq!(end("<!--<script>never closed"), None);
        assert_eq!(end("no end"), None);
    }

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

    /// The DOM html5ever builds from a page: every element with its kept attributes, and
    /// every text, in document order.
    fn outline(html: &str) -> Vec<String> {
        let doc = scraper::Html::parse_document(html);
        doc.tree
            .root()
            .descendants()
            .filter_map(|node| match node.value() {
                scraper::Node::Element(e) => {
                    let mut attrs: Vec<String> = e
                        .attrs()
                        .filter(|(name, _)| KEPT_ATTRIBUTES.contains(name))
                        .map(|(name, value)| format!("{name}={value}"))
                        .collect();
                    attrs.sort();
                    Some(format!("<{} {}>", e.name(), attrs.join(" ")))
                }
                scraper::Node::Text(t) => Some(t.to_string()),
                _ => None,
            })
            .collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, ..Default::default() })]
        /// The filter reads tags as the tokenizer does: the page parses to the same elements,
        /// kept attributes and text with or without it.
        #[test]
        fn dropping_attributes_changes_nothing_the_reader_sees(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just("<a href=\"x>y\" class=k>"),
                    proptest::strategy::Just("<p class='c' data-x=1 id=i>"),
                    proptest::strategy::Just("<div hidden src=q"),
                    proptest::strategy::Just("<img alt=a>"),
                    proptest::strategy::Just("<title>"),
                    proptest::strategy::Just("</title>"),
                    proptest::strategy::Just("<textarea>"),
                    proptest::strategy::Just("<noscript>"),
                    proptest::strategy::Just("</noscript>"),
                    proptest::strategy::Just("<!--"),
                    proptest::strategy::Just("-->"),
                    proptest::strategy::Just("-"),
                    proptest::strategy::Just("!"),
                    proptest::strategy::Just("?"),
                    proptest::strategy::Just("<script>"),
                    proptest::strategy::Just("</SCRIPT>"),
                    proptest::strategy::Just("<plaintext>"),
                    proptest::strategy::Just("<A HREF=x CLASS=y>"),
                    proptest::strategy::Just("\t"),
                    proptest::strategy::Just("</a x=\">\">"),
                    proptest::strategy::Just("</title x>"),
                    proptest::strategy::Just("</titlex>"),
                    proptest::strategy::Just("</p>"),
                    proptest::strategy::Just("<"),
                    proptest::strategy::Just(">"),
                    proptest::strategy::Just("/"),
                    proptest::strategy::Just("="),
                    proptest::strategy::Just("\""),
                    proptest::strategy::Just("'"),
                    proptest::strategy::Just(" "),
                    proptest::strategy::Just("rel=author"),
                    proptest::strategy::Just("href"),
                    proptest::strategy::Just("word"),
                    proptest::strategy::Just("é"),
                ],
                0..40,
            )
        ) {
            let html = parts.concat();
            proptest::prop_assert_eq!(outline(&drop_attributes(&html)), outline(&html), "{}", html);
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
