//! Parsing a page into scraper's DOM, with a fast path for the markup most pages are made of.
//!
//! html5ever follows the HTML standard to the letter, one character at a time, and was over a
//! third of the reader's time. [`fast`] builds the same tree for the common case: it finds
//! tags with `memchr` (reading them with `raw.rs`'s tag scanner), and runs the standard's
//! tree-construction rules as html5ever implements them: the document, head and body modes,
//! implied end tags, scopes, headings, forms, tables, `<select>`, templates, raw-text
//! elements, scripts' escaped text, character references, the list of active formatting
//! elements and the adoption agency for misnested formatting. Wherever the standard asks for
//! something it does not do (content fostered out of a table, foreign content, odd doctypes,
//! an unclosed tag at the end), it gives up and [`parse`] hands the page to html5ever.
//! A property test and a fuzz target compare both parsers on generated pages, and `refwatch
//! bench read --check-parse` compares them on every benchmark page.

use std::borrow::Cow;

use ego_tree::NodeId;
use html5ever::{Attribute, LocalName, QualName, local_name, ns};
use scraper::node::{Comment, Doctype, Element, Text};
use scraper::{Html, Node, StrTendril};

use crate::raw::{self, find_closing, tag_end};

thread_local! {
    /// Why the fast path last gave up, for `refwatch bench read --check-parse`.
    static DECLINED: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

fn decline<T>(why: &str) -> Option<T> {
    DECLINED.with_borrow_mut(|d| {
        d.clear();
        d.push_str(why);
    });
    None
}

fn decline_tag<T>(name: &LocalName) -> Option<T> {
    decline(&format!("<{name}>"))
}

/// Why the fast path last gave up on a page ("other" when no rule said).
pub(crate) fn declined() -> String {
    DECLINED.with_borrow_mut(std::mem::take)
}

/// Parses a page without the attributes the reader never reads: by the fast path, which
/// leaves them out as it reads each tag, where it applies; everywhere else by html5ever, on
/// the page with those attributes cut out ([`raw::drop_attributes`]). Both build the same
/// tree.
///
/// A page nested deeper than [`MAX_OPEN`] elements, with more than [`MAX_ACTIVE`] formatting
/// elements open, or with more than [`raw::MAX_TAGS`] `<`s, is first made shallow
/// ([`raw::flatten_deep`]): its text is all read, its deepest tags are not. So is every page
/// the fast path leaves to html5ever, whose time grows with the depth of the page times its
/// length. A page the fast path found too deep keeps half of [`raw::MAX_NESTING`] levels from
/// the first; where the tag balancer counted fewer levels than the parser then builds, the page
/// is made shallower again, down to [`MIN_NESTING`].
pub(crate) fn parse(html: &str) -> Html {
    // A reason left by another page says nothing of this one.
    let _ = declined();
    if let Some(doc) = fast_kept(html) {
        return doc;
    }
    let mut why = declined();
    let (mut nesting, mut formatting) = (raw::MAX_NESTING, raw::MAX_FORMATTING);
    loop {
        if why == COPIES || why == ACTIVE {
            formatting = raw::FEW_FORMATTING;
        }
        if why == DEEP {
            nesting = (nesting / 2).max(MIN_NESTING);
        }
        let shallow = raw::flatten_deep(html, nesting, formatting);
        // A page the balancer leaves as it is declines again for the same reason.
        if let Cow::Owned(page) = &shallow {
            if let Some(doc) = fast_kept(page) {
                return doc;
            }
            why = declined();
        }
        let can_cut_formatting = (why == COPIES || why == ACTIVE) && formatting > raw::FEW_FORMATTING;
        if can_cut_formatting || why == DEEP && nesting > MIN_NESTING {
            continue;
        }
        let doc = Html::parse_document(&raw::drop_attributes(&shallow));
        if nesting > MIN_NESTING && depth(&doc) > MAX_OPEN {
            why = DEEP.to_owned();
            continue;
        }
        return doc;
    }
}

/// How many elements deep a tree goes (its deepest node's ancestors), in one pass.
fn depth(doc: &Html) -> usize {
    use ego_tree::iter::Edge;
    let (mut depth, mut deepest) = (0usize, 0usize);
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(_) => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            Edge::Close(_) => depth -= 1,
        }
    }
    deepest
}

/// The fewest levels [`parse`] flattens a page to.
const MIN_NESTING: usize = 12;

/// Why the fast path declines a page nested deeper than [`MAX_OPEN`].
const DEEP: &str = "deep nesting";

/// Why the fast path declines a page with more than [`MAX_ACTIVE`] formatting entries.
const ACTIVE: &str = "many formatting elements";

/// Why the fast path declines a page whose blocks get too many copies of formatting elements.
const COPIES: &str = "formatting copies";

/// Copies of formatting elements the fast path makes on a page with `tags` tags before it
/// gives up: a page as written gets a few in some blocks, one with many formatting elements
/// open over many short paragraphs gets a tree many times its size.
fn copy_budget(tags: usize) -> usize {
    10_000 + 2 * tags
}

/// Open elements beyond which the fast path gives up: a page this deep is made shallow first.
/// [`raw::flatten_deep`] leaves [`raw::MAX_NESTING`] levels as its balancer counts them, and
/// the parser adds the formatting elements it copies; where it builds deeper still, [`parse`]
/// flattens further. The reader walks 200 deep.
const MAX_OPEN: usize = raw::MAX_NESTING + 2 * raw::MAX_FORMATTING;

/// Entries in the list of active formatting elements beyond which the fast path gives up.
const MAX_ACTIVE: usize = raw::MAX_FORMATTING + 10;

/// The tree html5ever would build for `html`, or `None` where the page needs a rule this
/// builder does not have.
#[cfg(test)]
pub(crate) fn fast(html: &str) -> Option<Html> {
    build(html, None)
}

/// [`fast`], leaving out the attributes [`raw::is_kept_attribute`] does not keep: the tree
/// html5ever builds for `raw::drop_attributes(html)`.
pub(crate) fn fast_kept(html: &str) -> Option<Html> {
    build(html, Some(raw::is_kept_attribute))
}

fn build(html: &str, keep: Option<fn(&[u8]) -> bool>) -> Option<Html> {
    let mut builder = Builder::new();
    // About one node per `<` (an element's start and end tags, and the text between), so
    // that the tree's vector is not copied as it grows.
    let tags = memchr::memchr_iter(b'<', html.as_bytes()).count();
    if tags > raw::MAX_TAGS {
        return decline("many tags");
    }
    builder.doc.tree = ego_tree::Tree::with_capacity(Node::Document, tags);
    builder.copies_left = copy_budget(tags);
    Tokenizer { bytes: html.as_bytes(), text: html, at: 0, keep }.run(&mut builder)?;
    builder.finish()
}

/// Whether two documents are the same tree: the same nodes, names, attributes and text.
pub(crate) fn same_tree(a: &Html, b: &Html) -> bool {
    use ego_tree::iter::Edge;
    fn edge(e: Edge<'_, Node>) -> (bool, ego_tree::NodeRef<'_, Node>) {
        match e {
            Edge::Open(n) => (true, n),
            Edge::Close(n) => (false, n),
        }
    }
    let (mut left, mut right) = (a.tree.root().traverse().map(edge), b.tree.root().traverse().map(edge));
    loop {
        match (left.next(), right.next()) {
            (None, None) => return a.quirks_mode == b.quirks_mode,
            (Some((open_x, x)), Some((open_y, y))) => {
                let same = match (x.value(), y.value()) {
                    (Node::Element(p), Node::Element(q)) => p.name == q.name && p.attrs == q.attrs,
                    (p, q) => p == q,
                };
                if open_x != open_y || !same {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

/// One token of the page, as the tokenizer's data state emits it.
enum Token<'a> {
    Text(Cow<'a, str>),
    Start {
        name: LocalName,
        attrs: Vec<Attribute>,
    },
    End(LocalName),
    Comment(&'a str),
    /// The content of a raw-text element (`<title>`, `<style>`, …), then its end tag.
    RawText(Cow<'a, str>),
    RawEnd,
    /// An `html` doctype, with its identifiers.
    Doctype {
        public: Option<String>,
        system: Option<String>,
    },
    Eof,
}

struct Tokenizer<'a> {
    bytes: &'a [u8],
    text: &'a str,
    at: usize,
    /// Which attributes to keep, by name (all when `None`).
    keep: Option<fn(&[u8]) -> bool>,
}

impl<'a> Tokenizer<'a> {
    fn run(&mut self, builder: &mut Builder) -> Option<()> {
        while self.at < self.bytes.len() {
            let rest = &self.bytes[self.at..];
            let Some(lt) = memchr::memchr(b'<', rest) else {
                builder.token(Token::Text(decode_refs(&self.text[self.at..], false)?))?;
                self.at = self.bytes.len();
                break;
            };
            if lt > 0 {
                builder.token(Token::Text(decode_refs(&self.text[self.at..self.at + lt], false)?))?;
            }
            self.at += lt;
            self.tag(builder)?;
        }
        builder.token(Token::Eof)
    }

    /// The markup at `self.at`, which is a `<`.
    fn tag(&mut self, builder: &mut Builder) -> Option<()> {
        let bytes = self.bytes;
        let at = self.at + 1;
        match bytes.get(at) {
            Some(b) if b.is_ascii_alphabetic() => {
                let (end, name, attrs) = self.start_tag(at)?;
                self.at = end;
                let raw = raw_text_kind(&name);
                builder.token(Token::Start { name: name.clone(), attrs })?;
                if let Some(kind) = raw {
                    // The element is open: the tree builder's rules for these names insert it.
                    if !builder.current_is(&name) {
                        return decline("raw-text element not opened");
                    }
                    self.raw_text(builder, &name, kind)?;
                }
            }
            Some(b'/') => match bytes.get(at + 1) {
                Some(b) if b.is_ascii_alphabetic() => {
                    let (end, name_end) = tag_end(bytes, at + 1, |_| Some(()))?;
                    self.at = end;
                    builder.token(Token::End(local(&self.text[at + 1..name_end])))?;
                }
                // `</>` is dropped; anything else after `</` is a bogus comment.
                Some(b'>') => self.at = at + 2,
                Some(_) => self.bogus_comment(builder, at + 1)?,
                None => return decline("page ends in a tag"),
            },
            Some(b'!') if bytes[at..].starts_with(b"!--") => {
                let body = at + 3;
                // `<!-->`, `<!--->` and comments closed by `--!>` are left to html5ever.
                if bytes[body..].starts_with(b">") || bytes[body..].starts_with(b"->") {
                    return decline("odd comment");
                }
                let close = body + memchr::memmem::find(&bytes[body..], b"-->")?;
                let comment = &self.text[body..close];
                if comment.contains("--!>") {
                    return decline("odd comment");
                }
                self.at = close + 3;
                builder.token(Token::Comment(comment))?;
            }
            Some(b'!') if bytes.get(at + 1..at + 8).is_some_and(|d| d.eq_ignore_ascii_case(b"doctype")) => {
                let end = at + memchr::memchr(b'>', &bytes[at..])?;
                let Some(token) = doctype(&self.text[at + 8..end]) else { return decline("doctype") };
                self.at = end + 1;
                builder.token(token)?;
            }
            // `<!…>` and `<?…>` are comments up to the first `>` (with the `?`).
            Some(b'!') => self.bogus_comment(builder, at + 1)?,
            Some(b'?') => self.bogus_comment(builder, at)?,
            // A `<` that opens no tag is text; at the very end it is text too.
            _ => {
                self.at = at;
                builder.token(Token::Text(Cow::Borrowed("<")))?;
            }
        }
        Some(())
    }

    fn bogus_comment(&mut self, builder: &mut Builder, from: usize) -> Option<()> {
        let Some(end) = memchr::memchr(b'>', &self.bytes[from..]).map(|i| from + i) else {
            return decline("page ends in a comment");
        };
        self.at = end + 1;
        builder.token(Token::Comment(&self.text[from..end]))
    }

    /// A start tag whose name starts at `at`: where it ends, its name and its attributes
    /// (the first of a name wins, as in the tokenizer).
    fn start_tag(&self, at: usize) -> Option<(usize, LocalName, Vec<Attribute>)> {
        let mut attrs: Vec<Attribute> = Vec::new();
        let (end, name_end) = tag_end(self.bytes, at, |a| {
            if self.keep.is_some_and(|keep| !keep(&self.bytes[a.name.clone()])) {
                return Some(());
            }
            if self.bytes[a.name.start] == b'=' {
                return decline("odd attribute");
            }
            let value = match a.value {
                Some(value) => decode_refs(&self.text[value], true)?,
                None => Cow::Borrowed(""),
            };
            let name = local(&self.text[a.name]);
            if !attrs.iter().any(|a| a.name.local == name) {
                attrs.push(Attribute {
                    name: QualName::new(None, ns!(), name),
                    value: html5ever::tendril::StrTendril::from_slice(&value),
                });
            }
            Some(())
        })?;
        Some((end, local(&self.text[at..name_end]), attrs))
    }

    /// The content of a raw-text element, up to its end tag.
    fn raw_text(&mut self, builder: &mut Builder, name: &LocalName, kind: RawText) -> Option<()> {
        let rest = &self.bytes[self.at..];
        let close = match kind {
            RawText::Script => raw::script_end(rest),
            _ => find_closing(rest, name.as_bytes()),
        };
        let Some(close) = close else { return decline("unclosed raw text") };
        let content = &self.text[self.at..self.at + close];
        let (end, _) = tag_end(self.bytes, self.at + close + 2, |_| Some(()))?;
        let text = match kind {
            RawText::Rcdata => decode_refs(content, false)?,
            _ => Cow::Borrowed(content),
        };
        builder.token(Token::RawText(text))?;
        self.at = end;
        builder.token(Token::RawEnd)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum RawText {
    /// Text with character references: `<title>`, `<textarea>`.
    Rcdata,
    /// Text as it is: `<style>`, `<noscript>`, `<iframe>`, …
    Raw,
    /// A script's text, which has escaped states of its own.
    Script,
}

fn raw_text_kind(name: &LocalName) -> Option<RawText> {
    match *name {
        local_name!("title") | local_name!("textarea") => Some(RawText::Rcdata),
        local_name!("style")
        | local_name!("noscript")
        | local_name!("iframe")
        | local_name!("noembed")
        | local_name!("noframes") => Some(RawText::Raw),
        local_name!("script") => Some(RawText::Script),
        _ => None,
    }
}

/// A tag or attribute name, lower-cased as the tokenizer does.
fn local(name: &str) -> LocalName {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        LocalName::from(name.to_ascii_lowercase())
    } else {
        LocalName::from(name)
    }
}

/// `<!DOCTYPE html>` and the public identifiers of HTML 4.01 and XHTML 1.0, whose quirks
/// modes are known here; other doctypes are left to html5ever.
fn doctype(inner: &str) -> Option<Token<'static>> {
    let inner = inner.trim_matches(|c: char| c.is_ascii_whitespace());
    let (name, rest) = inner.split_once(|c: char| c.is_ascii_whitespace()).unwrap_or((inner, ""));
    if !name.eq_ignore_ascii_case("html") {
        return None;
    }
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace());
    if rest.is_empty() {
        return Some(Token::Doctype { public: None, system: None });
    }
    let keyword = rest.get(..6)?;
    let rest = rest[6..].trim_start_matches(|c: char| c.is_ascii_whitespace());
    let (first, rest) = quoted(rest)?;
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace());
    if keyword.eq_ignore_ascii_case("system") {
        return rest.is_empty().then(|| Token::Doctype { public: None, system: Some(first.into()) });
    }
    if !keyword.eq_ignore_ascii_case("public") {
        return None;
    }
    let system = if rest.is_empty() {
        None
    } else {
        let (system, rest) = quoted(rest)?;
        if !rest.trim_start_matches(|c: char| c.is_ascii_whitespace()).is_empty() {
            return None;
        }
        Some(system.to_string())
    };
    Some(Token::Doctype { public: Some(first.into()), system })
}

/// A quoted identifier at the start of `s` and what follows it.
fn quoted(s: &str) -> Option<(&str, &str)> {
    let quote = s.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let close = s[1..].find(quote)? + 1;
    Some((&s[1..close], &s[close + 1..]))
}

/// The quirks mode a doctype sets, for the doctypes [`doctype`] accepts; `None` for those
/// whose rules are not written here.
fn quirks_mode(public: Option<&str>, system: Option<&str>) -> Option<html5ever::tree_builder::QuirksMode> {
    use html5ever::tree_builder::QuirksMode::{LimitedQuirks, NoQuirks, Quirks};
    let Some(public) = public else {
        return match system {
            None => Some(NoQuirks),
            Some(s) if s.eq_ignore_ascii_case("about:legacy-compat") => Some(NoQuirks),
            Some(_) => None,
        };
    };
    let lower = public.to_ascii_lowercase();
    let transitional = ["-//w3c//dtd html 4.01 transitional//", "-//w3c//dtd html 4.01 frameset//"];
    let xhtml = ["-//w3c//dtd xhtml 1.0 transitional//", "-//w3c//dtd xhtml 1.0 frameset//"];
    if xhtml.iter().any(|p| lower.starts_with(p)) {
        Some(LimitedQuirks)
    } else if transitional.iter().any(|p| lower.starts_with(p)) {
        Some(if system.is_some() { LimitedQuirks } else { Quirks })
    } else if ["-//w3c//dtd xhtml 1.0 strict//en", "-//w3c//dtd html 4.01//en", "-//w3c//dtd xhtml 1.1//en"]
        .contains(&lower.as_str())
    {
        Some(NoQuirks)
    } else {
        None
    }
}

/// `text` with its character references decoded as the tokenizer decodes them, in text or in
/// an attribute value (borrowed when it has none). `None` for a name of 40 or more letters
/// and digits, which is left to html5ever.
fn decode_refs(text: &str, in_attribute: bool) -> Option<Cow<'_, str>> {
    let bytes = text.as_bytes();
    let Some(first) = memchr::memchr(b'&', bytes) else { return Some(Cow::Borrowed(text)) };
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut at = first;
    loop {
        out.push_str(&text[copied..at]);
        let Some((decoded, used)) = char_ref(&text[at + 1..], in_attribute) else {
            return decline("character reference");
        };
        match decoded {
            Some((a, b)) => {
                out.push(a);
                out.extend(b);
                copied = at + 1 + used;
            }
            None => copied = at,
        }
        match memchr::memchr(b'&', &bytes[at + 1..]) {
            Some(next) => at = at + 1 + next,
            None => break,
        }
    }
    out.push_str(&text[copied..]);
    Some(Cow::Owned(out))
}

/// The character reference after a `&`: the characters it stands for (none when it is no
/// reference) and how many bytes it takes.
#[allow(clippy::type_complexity)]
fn char_ref(rest: &str, in_attribute: bool) -> Option<(Option<(char, Option<char>)>, usize)> {
    let bytes = rest.as_bytes();
    if bytes.first() == Some(&b'#') {
        let hex = matches!(bytes.get(1), Some(b'x' | b'X'));
        let start = if hex { 2 } else { 1 };
        let digits = bytes[start..]
            .iter()
            .take_while(|b| if hex { b.is_ascii_hexdigit() } else { b.is_ascii_digit() })
            .count();
        if digits == 0 {
            // `&#` and `&#x` with no digits stay as they are.
            return Some((None, 0));
        }
        // As the tokenizer reads the digits: past U+10FFFF the value no longer matters.
        let base = if hex { 16 } else { 10 };
        let (mut value, mut too_big) = (0u32, false);
        for &digit in &bytes[start..start + digits] {
            value = value.wrapping_mul(base);
            too_big |= value > 0x10ffff;
            value = value.wrapping_add(char::from(digit).to_digit(base)?);
        }
        let c = match value {
            _ if too_big || value > 0x10ffff => '\u{fffd}',
            0 | 0xd800..=0xdfff => '\u{fffd}',
            // Windows-1252's characters where Unicode has C1 controls.
            0x80..=0x9f => match html5ever::data::C1_REPLACEMENTS[(value - 0x80) as usize] {
                Some(c) => c,
                None => char::from_u32(value)?,
            },
            _ => char::from_u32(value)?,
        };
        let mut used = start + digits;
        if bytes.get(used) == Some(&b';') {
            used += 1;
        }
        return Some((Some((c, None)), used));
    }
    let name_len = bytes.iter().take(40).take_while(|b| b.is_ascii_alphanumeric()).count();
    if name_len == 0 {
        return Some((None, 0));
    }
    if name_len == 40 {
        return None;
    }
    if bytes.get(name_len) == Some(&b';')
        && let Some(&(a, b)) = html5ever::data::NAMED_ENTITIES.get(&rest[..=name_len])
        && a != 0
    {
        return Some((Some(entity_chars(a, b)?), name_len + 1));
    }
    // A legacy name without its `;` ("&copy 2024", "&notit;"): the longest one the name
    // starts with stands for its character, but in an attribute value not when a letter, a
    // digit or `=` follows it (`?a=1&copy=2` is a query string).
    let Some((n, a, b)) =
        (1..=name_len).rev().find_map(|n| match html5ever::data::NAMED_ENTITIES.get(&rest[..n]) {
            Some(&(a, b)) if a != 0 => Some((n, a, b)),
            _ => None,
        })
    else {
        return Some((None, 0));
    };
    if in_attribute && bytes.get(n).is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'=') {
        return Some((None, 0));
    }
    Some((Some(entity_chars(a, b)?), n))
}

/// The one or two characters of a `NAMED_ENTITIES` entry (a second code point of 0 is none).
fn entity_chars(a: u32, b: u32) -> Option<(char, Option<char>)> {
    let b = if b == 0 { None } else { Some(char::from_u32(b)?) };
    Some((char::from_u32(a)?, b))
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Initial,
    BeforeHtml,
    BeforeHead,
    InHead,
    AfterHead,
    InBody,
    InTable,
    InCaption,
    InColumnGroup,
    InTableBody,
    InRow,
    InCell,
    InTemplate,
    AfterBody,
    AfterAfterBody,
}

struct Builder {
    doc: Html,
    /// The stack of open elements.
    open: Vec<(NodeId, LocalName)>,
    mode: Mode,
    head: Option<NodeId>,
    form: Option<NodeId>,
    /// The list of active formatting elements.
    active: Vec<Format>,
    /// The modes of the open `<template>`s.
    template_modes: Vec<Mode>,
    /// A `<pre>`, `<listing>` or `<textarea>` start tag drops a newline right after it.
    skip_newline: bool,
    quirks: Option<html5ever::tree_builder::QuirksMode>,
    /// Copies of formatting elements the builder may still make ([`copy_budget`]).
    copies_left: usize,
}

/// An entry of the list of active formatting elements: an element with the attributes its
/// copies get, or a marker (a cell, caption or template opened after it).
enum Format {
    Marker,
    Element { id: NodeId, name: LocalName, attrs: Vec<Attribute> },
}

/// Whether two start tags' attributes are the same, in any order.
fn same_attributes(a: &[Attribute], b: &[Attribute]) -> bool {
    a.len() == b.len() && a.iter().all(|x| b.iter().any(|y| x.name == y.name && x.value == y.value))
}

/// What a rule asks of the tree builder after it ran.
enum Step {
    Done,
    /// Process the same token again (in the mode the rule switched to).
    Again,
}

use Step::{Again, Done};

/// A token goes through at most this many modes (a start tag before `<html>` goes through
/// five); more would be a bug, and is left to html5ever.
const MAX_STEPS: usize = 10;

impl Builder {
    fn new() -> Builder {
        Builder {
            doc: Html::new_document(),
            open: Vec::with_capacity(64),
            mode: Mode::Initial,
            head: None,
            form: None,
            active: Vec::new(),
            template_modes: Vec::new(),
            skip_newline: false,
            quirks: None,
            copies_left: 0,
        }
    }

    fn finish(mut self) -> Option<Html> {
        self.doc.quirks_mode = self.quirks?;
        Some(self.doc)
    }

    fn token(&mut self, token: Token<'_>) -> Option<()> {
        let skip_newline = std::mem::take(&mut self.skip_newline);
        match token {
            Token::Text(text) => {
                let text = if skip_newline { text.strip_prefix('\n').unwrap_or(&text) } else { &text };
                // The line feed after `<pre>` was the whole token: it is dropped before any
                // rule runs (no formatting element is reconstructed for it).
                if text.is_empty() {
                    return Some(());
                }
                self.text(text)
            }
            Token::RawText(text) => {
                let text = if skip_newline { text.strip_prefix('\n').unwrap_or(&text) } else { &text };
                self.insert_text(text)
            }
            Token::RawEnd => {
                self.open.pop();
                Some(())
            }
            Token::Comment(comment) => {
                let parent = match self.mode {
                    Mode::Initial | Mode::BeforeHtml | Mode::AfterAfterBody => self.doc.tree.root().id(),
                    Mode::AfterBody => self.open.first()?.0,
                    _ => self.current()?,
                };
                self.append(parent, Node::Comment(Comment { comment: StrTendril::from_slice(comment) }));
                Some(())
            }
            Token::Doctype { public, system } => {
                // A doctype anywhere else is ignored.
                if self.mode != Mode::Initial {
                    return Some(());
                }
                let Some(quirks) = quirks_mode(public.as_deref(), system.as_deref()) else {
                    return decline("doctype");
                };
                self.quirks = Some(quirks);
                let root = self.doc.tree.root().id();
                self.append(
                    root,
                    Node::Doctype(Doctype {
                        name: StrTendril::from_slice("html"),
                        public_id: StrTendril::from_slice(public.as_deref().unwrap_or("")),
                        system_id: StrTendril::from_slice(system.as_deref().unwrap_or("")),
                    }),
                );
                self.mode = Mode::BeforeHtml;
                Some(())
            }
            Token::Start { name, attrs } => {
                let mut attrs = Some(attrs);
                for _ in 0..MAX_STEPS {
                    if let Done = self.start(&name, &mut attrs)? {
                        return Some(());
                    }
                }
                decline("too many steps")
            }
            Token::End(name) => {
                for _ in 0..MAX_STEPS {
                    if let Done = self.end(&name)? {
                        return Some(());
                    }
                }
                decline("too many steps")
            }
            Token::Eof => self.eof(),
        }
    }

    fn current(&self) -> Option<NodeId> {
        self.open.last().map(|(id, _)| *id)
    }

    fn current_is(&self, name: &LocalName) -> bool {
        self.open.last().is_some_and(|(_, n)| n == name)
    }

    fn append(&mut self, parent: NodeId, node: Node) -> Option<NodeId> {
        Some(self.doc.tree.get_mut(parent)?.append(node).id())
    }

    fn insert_text(&mut self, text: &str) -> Option<()> {
        if text.is_empty() {
            return Some(());
        }
        let parent = self.current()?;
        let mut parent = self.doc.tree.get_mut(parent)?;
        if let Some(mut last) = parent.last_child()
            && let Node::Text(t) = last.value()
        {
            t.text.push_slice(text);
            return Some(());
        }
        parent.append(Node::Text(Text { text: StrTendril::from_slice(text) }));
        Some(())
    }

    /// Inserts an element at the current node and opens it. A `<template>`'s content goes
    /// in a fragment under it (as scraper's tree sink builds it): the fragment is what the
    /// stack holds.
    fn insert(&mut self, name: &LocalName, attrs: &mut Option<Vec<Attribute>>) -> Option<NodeId> {
        if self.open.len() >= MAX_OPEN {
            return decline(DEEP);
        }
        let parent = self.current()?;
        let element = Element::new(QualName::new(None, ns!(html), name.clone()), attrs.take()?);
        let mut id = self.append(parent, Node::Element(element))?;
        if *name == local_name!("template") {
            id = self.append(id, Node::Fragment)?;
        }
        self.open.push((id, name.clone()));
        Some(id)
    }

    fn template_open(&self) -> bool {
        !self.template_modes.is_empty()
    }

    fn open_template(&mut self, name: &LocalName, attrs: &mut Option<Vec<Attribute>>) -> Option<Step> {
        // A declarative shadow root is attached elsewhere.
        if attrs.as_ref().is_some_and(|a| a.iter().any(|at| at.name.local.starts_with("shadowroot"))) {
            return decline("shadow root");
        }
        self.insert(name, attrs)?;
        self.active.push(Format::Marker);
        self.mode = Mode::InTemplate;
        self.template_modes.push(Mode::InTemplate);
        Some(Done)
    }

    fn close_template(&mut self) -> Option<Step> {
        if !self.template_open() || !self.open.iter().any(|(_, n)| *n == local_name!("template")) {
            return Some(Done);
        }
        while self.open.last().is_some_and(|(_, n)| is_implied_end(n) || is_table_part(n)) {
            self.open.pop();
        }
        self.pop_until(&local_name!("template"))?;
        self.clear_to_marker();
        self.template_modes.pop();
        self.reset_mode()?;
        Some(Done)
    }

    /// Inserts an element the markup implies (`<tbody>`, `<tr>`, `<colgroup>`, `<p>`).
    fn insert_phantom(&mut self, name: LocalName) -> Option<NodeId> {
        self.insert(&name, &mut Some(Vec::new()))
    }

    /// Adds to an open element the attributes it does not have (a second `<html>` or `<body>`).
    fn add_missing_attributes(&mut self, at: usize, attrs: &mut Option<Vec<Attribute>>) -> Option<()> {
        let id = self.open.get(at)?.0;
        let mut node = self.doc.tree.get_mut(id)?;
        let Node::Element(element) = node.value() else { return None };
        for attr in attrs.take()? {
            if let Err(i) = element.attrs.binary_search_by(|(name, _)| name.cmp(&attr.name)) {
                element.attrs.insert(i, (attr.name, StrTendril::from_slice(&attr.value)));
            }
        }
        Some(())
    }

    /// Pops the current node. A formatting element (`<b>`, `<a>`, …) popped by anything but
    /// its own end tag stays in the list of active formatting elements, and is reopened at
    /// the next text or inline element ([`Builder::reconstruct`]).
    fn pop(&mut self) -> Option<LocalName> {
        Some(self.open.pop()?.1)
    }

    /// Pops elements up to and including the first one named `name`.
    fn pop_until(&mut self, name: &LocalName) -> Option<()> {
        while self.pop()? != *name {}
        Some(())
    }

    fn is_open(&self, id: NodeId) -> bool {
        self.open.iter().any(|(open, _)| *open == id)
    }

    /// Forgets the formatting elements opened since the last marker (a cell, a caption or a
    /// template closes), and the marker.
    fn clear_to_marker(&mut self) {
        while let Some(entry) = self.active.pop() {
            if matches!(entry, Format::Marker) {
                break;
            }
        }
    }

    /// The standard's "reconstruct the active formatting elements": formatting elements
    /// closed implicitly (`<p><b>x<p>y`) open again, as copies, where text or an inline
    /// element follows.
    fn reconstruct(&mut self) -> Option<()> {
        let open = |b: &Builder, entry: &Format| match entry {
            Format::Marker => true,
            Format::Element { id, .. } => b.is_open(*id),
        };
        let Some(last) = self.active.last() else { return Some(()) };
        if open(self, last) {
            return Some(());
        }
        let mut i = self.active.len() - 1;
        while i > 0 && !open(self, &self.active[i - 1]) {
            i -= 1;
        }
        let copies = self.active.len() - i;
        let Some(left) = self.copies_left.checked_sub(copies) else { return decline(COPIES) };
        self.copies_left = left;
        for entry in i..self.active.len() {
            let Format::Element { name, attrs, .. } = &self.active[entry] else { return None };
            let (name, attrs) = (name.clone(), attrs.clone());
            let id = self.insert(&name, &mut Some(attrs))?;
            if let Format::Element { id: old, .. } = &mut self.active[entry] {
                *old = id;
            }
        }
        Some(())
    }

    /// The entries after the last marker.
    fn since_marker(&self) -> usize {
        self.active.iter().rposition(|e| matches!(e, Format::Marker)).map_or(0, |i| i + 1)
    }

    /// Opens a formatting element and lists it (at most three alike since the last marker:
    /// the standard's "Noah's Ark" clause).
    fn open_formatting(&mut self, name: &LocalName, attrs: &mut Option<Vec<Attribute>>) -> Option<()> {
        let token_attrs = attrs.clone()?;
        let from = self.since_marker();
        let alike: Vec<usize> = (from..self.active.len())
            .filter(|&i| match &self.active[i] {
                Format::Element { name: n, attrs: a, .. } => n == name && same_attributes(a, &token_attrs),
                Format::Marker => false,
            })
            .collect();
        if alike.len() >= 3 {
            self.active.remove(alike[0]);
        }
        // Every open one is copied into each new block: many make a tree of many copies.
        if self.active.len() >= MAX_ACTIVE {
            return decline(ACTIVE);
        }
        let id = self.insert(name, attrs)?;
        self.active.push(Format::Element { id, name: name.clone(), attrs: token_attrs });
        Some(())
    }

    /// The adoption agency for an end tag of a formatting element, step by step as html5ever
    /// runs it (up to eight rounds). `None` when the tag is no formatting element's: it is an
    /// ordinary end tag.
    fn adoption_agency(&mut self, name: &LocalName) -> Option<Option<Step>> {
        if let Some((current, n)) = self.open.last()
            && n == name
            && !self.active.iter().any(|e| matches!(e, Format::Element { id, .. } if id == current))
        {
            self.open.pop();
            return Some(Some(Done));
        }
        for _ in 0..8 {
            let from = self.since_marker();
            let Some(entry) = (from..self.active.len())
                .rev()
                .find(|&i| matches!(&self.active[i], Format::Element { name: n, .. } if n == name))
            else {
                return Some(None);
            };
            let Format::Element { id, attrs, .. } = &self.active[entry] else { return None };
            let (formatting, attrs) = (*id, attrs.clone());
            let Some(at) = self.open.iter().rposition(|(open, _)| *open == formatting) else {
                self.active.remove(entry);
                return Some(Some(Done));
            };
            if self.open[at + 1..].iter().any(|(_, n)| is_scope_boundary(n)) {
                return Some(Some(Done));
            }
            // The furthest block: the first special element opened inside it.
            let Some(furthest) = (at + 1..self.open.len()).find(|&i| is_special(&self.open[i].1)) else {
                self.open.truncate(at);
                self.active.remove(entry);
                return Some(Some(Done));
            };
            self.adopt(formatting, name, attrs, at, furthest)?;
        }
        Some(Some(Done))
    }

    /// The adoption agency's steps once it found a furthest block (the element at `furthest`
    /// in the stack) inside the formatting element at `at`: the formatting elements between
    /// them are copied, the furthest block moves under the element above the formatting
    /// element, and a copy of the formatting element takes over the furthest block's children.
    fn adopt(
        &mut self,
        formatting: NodeId,
        name: &LocalName,
        attrs: Vec<Attribute>,
        at: usize,
        furthest: usize,
    ) -> Option<()> {
        let common = self.open.get(at.checked_sub(1)?)?.clone();
        if matches!(
            common.1,
            local_name!("table")
                | local_name!("tbody")
                | local_name!("tfoot")
                | local_name!("thead")
                | local_name!("tr")
        ) {
            return decline("misnested formatting in a table");
        }
        let furthest_block = self.open[furthest].0;
        let position = |active: &[Format], node: NodeId| {
            active.iter().position(|e| matches!(e, Format::Element { id, .. } if *id == node))
        };
        // Where the copy of the formatting element goes in the list: in its place, or after
        // the copy of the element just above the furthest block.
        let mut after = None;
        let mut index = furthest;
        let mut last = furthest_block;
        let mut steps = 0;
        loop {
            steps += 1;
            index -= 1;
            let node = self.open[index].0;
            if node == formatting {
                break;
            }
            let listed = position(&self.active, node);
            if steps > 3 {
                if let Some(i) = listed {
                    self.active.remove(i);
                }
                self.open.remove(index);
                continue;
            }
            let Some(listed) = listed else {
                self.open.remove(index);
                continue;
            };
            let Format::Element { name: n, attrs: a, .. } = &self.active[listed] else { return None };
            let (n, a) = (n.clone(), a.clone());
            let copy = self.orphan(&n, a);
            self.open[index] = (copy, n);
            if let Format::Element { id, .. } = &mut self.active[listed] {
                *id = copy;
            }
            if last == furthest_block {
                after = Some(copy);
            }
            self.doc.tree.get_mut(last)?.detach();
            self.doc.tree.get_mut(copy)?.append_id(last);
            last = copy;
        }
        self.doc.tree.get_mut(last)?.detach();
        self.doc.tree.get_mut(common.0)?.append_id(last);
        let copy = self.orphan(name, attrs.clone());
        self.doc.tree.get_mut(copy)?.reparent_from_id_append(furthest_block);
        self.doc.tree.get_mut(furthest_block)?.append_id(copy);
        let entry = Format::Element { id: copy, name: name.clone(), attrs };
        match after {
            None => {
                let i = position(&self.active, formatting)?;
                self.active[i] = entry;
            }
            Some(previous) => {
                let i = position(&self.active, previous)? + 1;
                self.active.insert(i, entry);
                let old = position(&self.active, formatting)?;
                self.active.remove(old);
            }
        }
        let old = self.open.iter().position(|(open, _)| *open == formatting)?;
        self.open.remove(old);
        let block = self.open.iter().position(|(open, _)| *open == furthest_block)?;
        self.open.insert(block + 1, (copy, name.clone()));
        Some(())
    }

    /// A new element outside the tree, for the adoption agency to place.
    fn orphan(&mut self, name: &LocalName, attrs: Vec<Attribute>) -> NodeId {
        let element = Element::new(QualName::new(None, ns!(html), name.clone()), attrs);
        self.doc.tree.orphan(Node::Element(element)).id()
    }

    /// Pops elements until the current node is one of `names` (or `<html>`).
    fn pop_until_current(&mut self, names: &[LocalName]) -> Option<()> {
        while let Some((_, open)) = self.open.last() {
            if names.contains(open) || matches!(*open, local_name!("html") | local_name!("template")) {
                return Some(());
            }
            self.pop()?;
        }
        Some(())
    }

    fn generate_implied_end_tags(&mut self, except: Option<&LocalName>) -> Option<()> {
        while let Some((_, name)) = self.open.last() {
            if !is_implied_end(name) || Some(name) == except {
                break;
            }
            self.pop()?;
        }
        Some(())
    }

    /// Whether an element that `is` picks is open with no boundary of `scope` above it.
    fn in_scope_where(&self, is: impl Fn(&LocalName) -> bool, scope: Scope) -> bool {
        for (_, open) in self.open.iter().rev() {
            if is(open) {
                return true;
            }
            if scope.bounds(open) {
                return false;
            }
        }
        false
    }

    fn in_scope(&self, name: &LocalName, scope: Scope) -> bool {
        self.in_scope_where(|open| open == name, scope)
    }

    fn close_p_in_button_scope(&mut self) -> Option<()> {
        if self.in_scope(&local_name!("p"), Scope::Button) {
            self.close_p()?;
        }
        Some(())
    }

    fn close_p(&mut self) -> Option<()> {
        self.generate_implied_end_tags(Some(&local_name!("p")))?;
        self.pop_until(&local_name!("p"))
    }

    fn close_cell(&mut self) -> Option<()> {
        self.generate_implied_end_tags(None)?;
        while !matches!(self.pop()?, local_name!("td") | local_name!("th")) {}
        self.clear_to_marker();
        self.mode = Mode::InRow;
        Some(())
    }

    /// The standard's "reset the insertion mode appropriately", after a table closes.
    fn reset_mode(&mut self) -> Option<()> {
        for (i, (_, name)) in self.open.iter().enumerate().rev() {
            let mode = match *name {
                local_name!("td") | local_name!("th") if i != 0 => Mode::InCell,
                local_name!("tr") => Mode::InRow,
                local_name!("tbody") | local_name!("thead") | local_name!("tfoot") => Mode::InTableBody,
                local_name!("caption") => Mode::InCaption,
                local_name!("colgroup") => Mode::InColumnGroup,
                local_name!("table") => Mode::InTable,
                local_name!("template") => *self.template_modes.last()?,
                local_name!("frameset") => return decline("frameset"),
                local_name!("head") if i != 0 => Mode::InHead,
                local_name!("body") => Mode::InBody,
                local_name!("html") if self.head.is_none() => Mode::BeforeHead,
                local_name!("html") => Mode::AfterHead,
                _ => continue,
            };
            self.mode = mode;
            return Some(());
        }
        self.mode = Mode::InBody;
        Some(())
    }

    fn text(&mut self, text: &str) -> Option<()> {
        let mut text = text;
        loop {
            match self.mode {
                Mode::Initial | Mode::BeforeHtml | Mode::BeforeHead => {
                    text = text.trim_start_matches(is_space_char);
                    if text.is_empty() {
                        return Some(());
                    }
                    self.anything_else()?;
                }
                Mode::InHead | Mode::AfterHead => {
                    let rest = text.trim_start_matches(is_space_char);
                    self.insert_text(&text[..text.len() - rest.len()])?;
                    text = rest;
                    if text.is_empty() {
                        return Some(());
                    }
                    self.anything_else()?;
                }
                Mode::InBody | Mode::InCaption | Mode::InCell | Mode::InTemplate => {
                    self.reconstruct()?;
                    return self.insert_text(text);
                }
                Mode::InTable | Mode::InTableBody | Mode::InRow => {
                    let table_part = self.open.last().is_some_and(|(_, n)| {
                        matches!(
                            *n,
                            local_name!("table")
                                | local_name!("tbody")
                                | local_name!("tfoot")
                                | local_name!("thead")
                                | local_name!("tr")
                        )
                    });
                    // Text in a table that is not white space moves out in front of it.
                    if !table_part || !text.trim_start_matches(is_space_char).is_empty() {
                        return decline("text in a table");
                    }
                    return self.insert_text(text);
                }
                Mode::InColumnGroup => {
                    if !text.trim_start_matches(is_space_char).is_empty() {
                        return decline("text in a column group");
                    }
                    return self.insert_text(text);
                }
                Mode::AfterBody | Mode::AfterAfterBody => {
                    if !text.trim_start_matches(is_space_char).is_empty() {
                        self.mode = Mode::InBody;
                    }
                    self.reconstruct()?;
                    return self.insert_text(text);
                }
            }
        }
    }

    /// What a mode before the body does with a token it has no rule for: the implied
    /// `<html>`, `<head>` and `<body>`.
    fn anything_else(&mut self) -> Option<()> {
        match self.mode {
            Mode::Initial => {
                self.quirks = Some(html5ever::tree_builder::QuirksMode::Quirks);
                self.mode = Mode::BeforeHtml;
            }
            Mode::BeforeHtml => self.create_root(Vec::new())?,
            Mode::BeforeHead => {
                self.head = Some(self.insert_phantom(local_name!("head"))?);
                self.mode = Mode::InHead;
            }
            Mode::InHead => {
                if !self.current_is(&local_name!("head")) {
                    return decline("head not current");
                }
                self.open.pop();
                self.mode = Mode::AfterHead;
            }
            Mode::AfterHead => {
                self.insert_phantom(local_name!("body"))?;
                self.mode = Mode::InBody;
            }
            Mode::AfterBody | Mode::AfterAfterBody => self.mode = Mode::InBody,
            _ => {}
        }
        Some(())
    }

    fn create_root(&mut self, attrs: Vec<Attribute>) -> Option<()> {
        let root = self.doc.tree.root().id();
        let html = Element::new(QualName::new(None, ns!(html), local_name!("html")), attrs);
        let id = self.append(root, Node::Element(html))?;
        self.open.push((id, local_name!("html")));
        self.mode = Mode::BeforeHead;
        Some(())
    }

    fn eof(&mut self) -> Option<()> {
        for _ in 0..MAX_STEPS + self.template_modes.len() {
            if self.template_open() {
                // An unclosed template closes, without implied end tags.
                self.pop_until(&local_name!("template"))?;
                self.clear_to_marker();
                self.template_modes.pop();
                self.reset_mode()?;
            } else if matches!(
                self.mode,
                Mode::Initial | Mode::BeforeHtml | Mode::BeforeHead | Mode::InHead | Mode::AfterHead
            ) {
                self.anything_else()?;
            } else {
                return Some(());
            }
        }
        decline("too many steps")
    }

    fn start(&mut self, name: &LocalName, attrs: &mut Option<Vec<Attribute>>) -> Option<Step> {
        if *name == local_name!("template")
            && !matches!(
                self.mode,
                Mode::Initial
                    | Mode::BeforeHtml
                    | Mode::BeforeHead
                    | Mode::AfterHead
                    | Mode::AfterBody
                    | Mode::AfterAfterBody
            )
        {
            return self.open_template(name, attrs);
        }
        match self.mode {
            Mode::Initial => self.anything_else()?,
            Mode::BeforeHtml => {
                if *name == local_name!("html") {
                    self.create_root(attrs.take()?)?;
                    return Some(Done);
                }
                self.anything_else()?;
            }
            Mode::BeforeHead => match *name {
                local_name!("html") => return self.start_in_body(name, attrs),
                local_name!("head") => {
                    self.head = Some(self.insert(name, attrs)?);
                    self.mode = Mode::InHead;
                    return Some(Done);
                }
                _ => self.anything_else()?,
            },
            Mode::InHead => match *name {
                local_name!("html") => return self.start_in_body(name, attrs),
                local_name!("head") => return Some(Done),
                local_name!("base")
                | local_name!("basefont")
                | local_name!("bgsound")
                | local_name!("link")
                | local_name!("meta") => {
                    self.insert(name, attrs)?;
                    self.open.pop();
                    return Some(Done);
                }
                local_name!("title")
                | local_name!("noscript")
                | local_name!("noframes")
                | local_name!("style")
                | local_name!("script") => {
                    self.insert(name, attrs)?;
                    return Some(Done);
                }
                _ => self.anything_else()?,
            },
            Mode::AfterHead => match *name {
                local_name!("html") => return self.start_in_body(name, attrs),
                local_name!("body") => {
                    self.insert(name, attrs)?;
                    self.mode = Mode::InBody;
                    return Some(Done);
                }
                local_name!("head") => return Some(Done),
                local_name!("base")
                | local_name!("basefont")
                | local_name!("bgsound")
                | local_name!("link")
                | local_name!("meta")
                | local_name!("noframes")
                | local_name!("script")
                | local_name!("style")
                | local_name!("template")
                | local_name!("title") => {
                    // Put in the head after all.
                    let head = self.head?;
                    self.open.push((head, local_name!("head")));
                    self.mode = Mode::InHead;
                    let step = self.start(name, attrs)?;
                    if self.mode == Mode::InHead {
                        self.mode = Mode::AfterHead;
                    }
                    self.open.retain(|(id, _)| *id != head);
                    return Some(step);
                }
                local_name!("frameset") => return decline_tag(name),
                _ => self.anything_else()?,
            },
            Mode::InBody => return self.start_in_body(name, attrs),
            Mode::InTable => return self.start_in_table(name, attrs),
            Mode::InCaption => match *name {
                local_name!("caption")
                | local_name!("col")
                | local_name!("colgroup")
                | local_name!("tbody")
                | local_name!("td")
                | local_name!("tfoot")
                | local_name!("th")
                | local_name!("thead")
                | local_name!("tr") => return self.close_caption(true),
                _ => return self.start_in_body(name, attrs),
            },
            Mode::InColumnGroup => match *name {
                local_name!("html") => return self.start_in_body(name, attrs),
                local_name!("col") => {
                    self.insert(name, attrs)?;
                    self.open.pop();
                }
                _ => return self.leave_column_group(),
            },
            Mode::InTableBody => match *name {
                local_name!("tr") => {
                    self.pop_until_current(&TABLE_BODY_CONTEXT)?;
                    self.insert(name, attrs)?;
                    self.mode = Mode::InRow;
                }
                local_name!("th") | local_name!("td") => {
                    self.pop_until_current(&TABLE_BODY_CONTEXT)?;
                    self.insert_phantom(local_name!("tr"))?;
                    self.mode = Mode::InRow;
                    return Some(Again);
                }
                local_name!("caption")
                | local_name!("col")
                | local_name!("colgroup")
                | local_name!("tbody")
                | local_name!("tfoot")
                | local_name!("thead") => return self.leave_table_body(),
                _ => return self.start_in_table(name, attrs),
            },
            Mode::InRow => match *name {
                local_name!("th") | local_name!("td") => {
                    self.pop_until_current(&[local_name!("tr")])?;
                    self.insert(name, attrs)?;
                    self.active.push(Format::Marker);
                    self.mode = Mode::InCell;
                }
                local_name!("caption")
                | local_name!("col")
                | local_name!("colgroup")
                | local_name!("tbody")
                | local_name!("tfoot")
                | local_name!("thead")
                | local_name!("tr") => return self.leave_row(),
                _ => return self.start_in_table(name, attrs),
            },
            Mode::InCell => match *name {
                local_name!("caption")
                | local_name!("col")
                | local_name!("colgroup")
                | local_name!("tbody")
                | local_name!("td")
                | local_name!("tfoot")
                | local_name!("th")
                | local_name!("thead")
                | local_name!("tr") => {
                    if !self
                        .in_scope_where(|n| matches!(*n, local_name!("td") | local_name!("th")), Scope::Table)
                    {
                        return Some(Done);
                    }
                    self.close_cell()?;
                    return Some(Again);
                }
                _ => return self.start_in_body(name, attrs),
            },
            Mode::InTemplate => {
                let mode = match *name {
                    local_name!("base")
                    | local_name!("basefont")
                    | local_name!("bgsound")
                    | local_name!("link")
                    | local_name!("meta")
                    | local_name!("noframes")
                    | local_name!("script")
                    | local_name!("style")
                    | local_name!("title") => {
                        self.mode = Mode::InHead;
                        let step = self.start(name, attrs)?;
                        self.mode = Mode::InTemplate;
                        return Some(step);
                    }
                    local_name!("caption")
                    | local_name!("colgroup")
                    | local_name!("tbody")
                    | local_name!("tfoot")
                    | local_name!("thead") => Mode::InTable,
                    local_name!("col") => Mode::InColumnGroup,
                    local_name!("tr") => Mode::InTableBody,
                    local_name!("td") | local_name!("th") => Mode::InRow,
                    _ => Mode::InBody,
                };
                *self.template_modes.last_mut()? = mode;
                self.mode = mode;
                return Some(Again);
            }
            Mode::AfterBody | Mode::AfterAfterBody => {
                if *name == local_name!("html") {
                    return self.start_in_body(name, attrs);
                }
                self.anything_else()?;
            }
        }
        Some(if attrs.is_some() { Again } else { Done })
    }

    /// Closes the caption (`reprocess`: for a token that also does something in the table).
    fn close_caption(&mut self, reprocess: bool) -> Option<Step> {
        if !self.in_scope(&local_name!("caption"), Scope::Table) {
            return Some(Done);
        }
        self.generate_implied_end_tags(None)?;
        self.pop_until(&local_name!("caption"))?;
        self.clear_to_marker();
        self.mode = Mode::InTable;
        Some(if reprocess { Again } else { Done })
    }

    fn leave_column_group(&mut self) -> Option<Step> {
        if !self.current_is(&local_name!("colgroup")) {
            return Some(Done);
        }
        self.open.pop();
        self.mode = Mode::InTable;
        Some(Again)
    }

    /// The table body closes, and the token is processed again in the table (html5ever
    /// checks for `<table>`, `<tbody>` or `<tfoot>` in table scope here).
    fn leave_table_body(&mut self) -> Option<Step> {
        let outer =
            |n: &LocalName| matches!(*n, local_name!("table") | local_name!("tbody") | local_name!("tfoot"));
        if !self.in_scope_where(outer, Scope::Table) {
            return Some(Done);
        }
        self.pop_until_current(&TABLE_BODY_CONTEXT)?;
        self.pop()?;
        self.mode = Mode::InTable;
        Some(Again)
    }

    fn leave_row(&mut self) -> Option<Step> {
        if !self.in_scope(&local_name!("tr"), Scope::Table) {
            return Some(Done);
        }
        self.pop_until_current(&[local_name!("tr")])?;
        self.pop()?;
        self.mode = Mode::InTableBody;
        Some(Again)
    }

    fn start_in_table(&mut self, name: &LocalName, attrs: &mut Option<Vec<Attribute>>) -> Option<Step> {
        match *name {
            local_name!("caption") => {
                self.pop_until_current(&[local_name!("table")])?;
                self.insert(name, attrs)?;
                self.active.push(Format::Marker);
                self.mode = Mode::InCaption;
            }
            local_name!("colgroup") => {
                self.pop_until_current(&[local_name!("table")])?;
                self.insert(name, attrs)?;
                self.mode = Mode::InColumnGroup;
            }
            local_name!("col") => {
                self.pop_until_current(&[local_name!("table")])?;
                self.insert_phantom(local_name!("colgroup"))?;
                self.mode = Mode::InColumnGroup;
                return Some(Again);
            }
            local_name!("tbody") | local_name!("tfoot") | local_name!("thead") => {
                self.pop_until_current(&[local_name!("table")])?;
                self.insert(name, attrs)?;
                self.mode = Mode::InTableBody;
            }
            local_name!("td") | local_name!("th") | local_name!("tr") => {
                self.pop_until_current(&[local_name!("table")])?;
                self.insert_phantom(local_name!("tbody"))?;
                self.mode = Mode::InTableBody;
                return Some(Again);
            }
            local_name!("style") | local_name!("script") => {
                self.insert(name, attrs)?;
            }
            local_name!("input")
                if attrs.as_ref().is_some_and(|a| {
                    a.iter().any(|at| {
                        at.name.local == local_name!("type") && at.value.eq_ignore_ascii_case("hidden")
                    })
                }) =>
            {
                self.insert(name, attrs)?;
                self.open.pop();
            }
            local_name!("form") => {
                if self.form.is_none() && !self.template_open() {
                    self.form = Some(self.insert(name, attrs)?);
                    self.open.pop();
                }
            }
            // Everything else moves out in front of the table ("foster parenting").
            _ => return decline("element in a table"),
        }
        Some(Done)
    }

    fn start_in_body(&mut self, name: &LocalName, attrs: &mut Option<Vec<Attribute>>) -> Option<Step> {
        match *name {
            local_name!("html") => {
                if !self.template_open() {
                    self.add_missing_attributes(0, attrs)?;
                }
            }
            local_name!("body") => {
                if self.open.len() > 1 && self.open[1].1 == local_name!("body") && !self.template_open() {
                    self.add_missing_attributes(1, attrs)?;
                }
            }
            local_name!("base")
            | local_name!("basefont")
            | local_name!("bgsound")
            | local_name!("link")
            | local_name!("meta") => {
                self.insert(name, attrs)?;
                self.open.pop();
            }
            local_name!("title")
            | local_name!("noscript")
            | local_name!("noframes")
            | local_name!("style")
            | local_name!("script")
            | local_name!("iframe")
            | local_name!("noembed") => {
                self.insert(name, attrs)?;
            }
            local_name!("textarea") => {
                self.insert(name, attrs)?;
                self.skip_newline = true;
            }
            _ if is_grouping(name) || *name == local_name!("p") => {
                self.close_p_in_button_scope()?;
                self.insert(name, attrs)?;
            }
            _ if is_heading(name) => {
                self.close_p_in_button_scope()?;
                if self.open.last().is_some_and(|(_, n)| is_heading(n)) {
                    self.pop()?;
                }
                self.insert(name, attrs)?;
            }
            local_name!("pre") | local_name!("listing") => {
                self.close_p_in_button_scope()?;
                self.insert(name, attrs)?;
                self.skip_newline = true;
            }
            local_name!("form") => {
                if self.template_open() {
                    self.close_p_in_button_scope()?;
                    self.insert(name, attrs)?;
                } else if self.form.is_none() {
                    self.close_p_in_button_scope()?;
                    self.form = Some(self.insert(name, attrs)?);
                }
            }
            local_name!("li") | local_name!("dd") | local_name!("dt") => {
                let closes: &[LocalName] = if *name == local_name!("li") {
                    &[local_name!("li")]
                } else {
                    &[local_name!("dd"), local_name!("dt")]
                };
                for i in (0..self.open.len()).rev() {
                    let open = &self.open[i].1;
                    if closes.contains(open) {
                        let open = open.clone();
                        self.generate_implied_end_tags(Some(&open))?;
                        self.pop_until(&open)?;
                        break;
                    }
                    if is_special(open)
                        && !matches!(*open, local_name!("address") | local_name!("div") | local_name!("p"))
                    {
                        break;
                    }
                }
                self.close_p_in_button_scope()?;
                self.insert(name, attrs)?;
            }
            // Their content starts afresh: formatting elements opened before them are not
            // reconstructed inside, up to the marker.
            local_name!("applet") | local_name!("marquee") | local_name!("object") => {
                self.reconstruct()?;
                self.insert(name, attrs)?;
                self.active.push(Format::Marker);
            }
            local_name!("button") => {
                if self.in_scope(name, Scope::Default) {
                    return decline("nested button");
                }
                self.reconstruct()?;
                self.insert(name, attrs)?;
            }
            local_name!("a") => {
                // An `<a>` still listed is closed first (the adoption agency).
                let from = self.since_marker();
                let listed = (from..self.active.len()).rev().find_map(|i| match &self.active[i] {
                    Format::Element { id, name: n, .. } if *n == local_name!("a") => Some(*id),
                    _ => None,
                });
                if let Some(a) = listed {
                    self.adoption_agency(name)?;
                    self.active.retain(|e| !matches!(e, Format::Element { id, .. } if *id == a));
                    self.open.retain(|(id, _)| *id != a);
                }
                self.reconstruct()?;
                self.open_formatting(name, attrs)?;
            }
            _ if is_formatting(name) && *name != local_name!("nobr") => {
                self.reconstruct()?;
                self.open_formatting(name, attrs)?;
            }
            local_name!("area")
            | local_name!("br")
            | local_name!("embed")
            | local_name!("img")
            | local_name!("keygen")
            | local_name!("wbr") => {
                self.reconstruct()?;
                self.insert(name, attrs)?;
                self.open.pop();
            }
            local_name!("param") | local_name!("source") | local_name!("track") => {
                self.insert(name, attrs)?;
                self.open.pop();
            }
            local_name!("image") => return self.start_in_body(&local_name!("img"), attrs),
            local_name!("input") => {
                if self.in_scope(&local_name!("select"), Scope::Default) {
                    self.pop_until(&local_name!("select"))?;
                }
                self.reconstruct()?;
                self.insert(name, attrs)?;
                self.open.pop();
            }
            local_name!("hr") => {
                self.close_p_in_button_scope()?;
                if self.in_scope(&local_name!("select"), Scope::Default) {
                    self.generate_implied_end_tags(None)?;
                }
                self.insert(name, attrs)?;
                self.open.pop();
            }
            local_name!("select") => {
                if self.in_scope(name, Scope::Default) {
                    self.pop_until(name)?;
                } else {
                    self.reconstruct()?;
                    self.insert(name, attrs)?;
                }
            }
            local_name!("option") | local_name!("optgroup") => {
                if self.in_scope(&local_name!("select"), Scope::Default) {
                    let except = (*name == local_name!("option")).then_some(local_name!("optgroup"));
                    self.generate_implied_end_tags(except.as_ref())?;
                } else if self.current_is(&local_name!("option")) {
                    self.open.pop();
                }
                self.reconstruct()?;
                self.insert(name, attrs)?;
            }
            local_name!("table") => {
                if self.quirks != Some(html5ever::tree_builder::QuirksMode::Quirks) {
                    self.close_p_in_button_scope()?;
                }
                self.insert(name, attrs)?;
                self.mode = Mode::InTable;
            }
            local_name!("caption")
            | local_name!("col")
            | local_name!("colgroup")
            | local_name!("frame")
            | local_name!("head")
            | local_name!("tbody")
            | local_name!("td")
            | local_name!("tfoot")
            | local_name!("th")
            | local_name!("thead")
            | local_name!("tr") => {}
            // Foreign content, ruby and the rarer elements with rules of their own are left
            // to html5ever.
            local_name!("svg")
            | local_name!("math")
            | local_name!("frameset")
            | local_name!("nobr")
            | local_name!("xmp")
            | local_name!("plaintext")
            | local_name!("rb")
            | local_name!("rp")
            | local_name!("rt")
            | local_name!("rtc")
            | local_name!("selectedcontent") => return decline_tag(name),
            _ => {
                self.reconstruct()?;
                self.insert(name, attrs)?;
            }
        }
        Some(Done)
    }

    fn end(&mut self, name: &LocalName) -> Option<Step> {
        if *name == local_name!("template") {
            return match self.mode {
                Mode::Initial => {
                    self.anything_else()?;
                    Some(Again)
                }
                Mode::BeforeHtml | Mode::BeforeHead => Some(Done),
                Mode::AfterBody | Mode::AfterAfterBody => {
                    self.mode = Mode::InBody;
                    Some(Again)
                }
                _ => self.close_template(),
            };
        }
        let ignored_in_tables = matches!(
            *name,
            local_name!("body")
                | local_name!("caption")
                | local_name!("col")
                | local_name!("colgroup")
                | local_name!("html")
                | local_name!("tbody")
                | local_name!("td")
                | local_name!("tfoot")
                | local_name!("th")
                | local_name!("thead")
                | local_name!("tr")
        );
        match self.mode {
            Mode::Initial | Mode::BeforeHtml | Mode::BeforeHead | Mode::AfterHead => match *name {
                local_name!("head") if self.mode == Mode::BeforeHead => {
                    self.anything_else()?;
                    Some(Again)
                }
                local_name!("head") if self.mode != Mode::AfterHead => {
                    self.anything_else()?;
                    Some(Again)
                }
                local_name!("body") | local_name!("html") | local_name!("br") => {
                    self.anything_else()?;
                    Some(Again)
                }
                _ if self.mode == Mode::Initial => {
                    self.anything_else()?;
                    Some(Again)
                }
                _ => Some(Done),
            },
            Mode::InHead => match *name {
                local_name!("head") => {
                    self.anything_else()?;
                    Some(Done)
                }
                local_name!("body") | local_name!("html") | local_name!("br") => {
                    self.anything_else()?;
                    Some(Again)
                }
                _ => Some(Done),
            },
            Mode::InBody => self.end_in_body(name),
            Mode::InTable => match *name {
                local_name!("table") => {
                    if self.in_scope(name, Scope::Table) {
                        self.pop_until(name)?;
                        self.reset_mode()?;
                    }
                    Some(Done)
                }
                _ if ignored_in_tables || ignored_beside_a_table(name) => Some(Done),
                _ => decline("end tag in a table"),
            },
            Mode::InCaption => match *name {
                local_name!("caption") => self.close_caption(false),
                local_name!("table") => self.close_caption(true),
                _ if ignored_in_tables => Some(Done),
                _ => self.end_in_body(name),
            },
            Mode::InColumnGroup => match *name {
                local_name!("colgroup") => {
                    if self.current_is(name) {
                        self.open.pop();
                        self.mode = Mode::InTable;
                    }
                    Some(Done)
                }
                local_name!("col") => Some(Done),
                _ => self.leave_column_group(),
            },
            Mode::InTableBody => match *name {
                local_name!("tbody") | local_name!("tfoot") | local_name!("thead") => {
                    if self.in_scope(name, Scope::Table) {
                        self.pop_until_current(&TABLE_BODY_CONTEXT)?;
                        self.pop()?;
                        self.mode = Mode::InTable;
                    }
                    Some(Done)
                }
                local_name!("table") => self.leave_table_body(),
                _ if ignored_in_tables || ignored_beside_a_table(name) => Some(Done),
                _ => decline("end tag in a table"),
            },
            Mode::InRow => match *name {
                local_name!("tr") => {
                    if self.in_scope(name, Scope::Table) {
                        self.pop_until_current(&[local_name!("tr")])?;
                        self.pop()?;
                        self.mode = Mode::InTableBody;
                    }
                    Some(Done)
                }
                local_name!("table") => self.leave_row(),
                local_name!("tbody") | local_name!("tfoot") | local_name!("thead") => {
                    if !self.in_scope(name, Scope::Table) {
                        return Some(Done);
                    }
                    self.leave_row()
                }
                _ if ignored_in_tables || ignored_beside_a_table(name) => Some(Done),
                _ => decline("end tag in a table"),
            },
            Mode::InCell => match *name {
                local_name!("td") | local_name!("th") => {
                    if self.in_scope(name, Scope::Table) {
                        self.generate_implied_end_tags(None)?;
                        self.pop_until(name)?;
                        self.clear_to_marker();
                        self.mode = Mode::InRow;
                    }
                    Some(Done)
                }
                local_name!("body")
                | local_name!("caption")
                | local_name!("col")
                | local_name!("colgroup")
                | local_name!("html") => Some(Done),
                local_name!("table")
                | local_name!("tbody")
                | local_name!("tfoot")
                | local_name!("thead")
                | local_name!("tr") => {
                    if !self.in_scope(name, Scope::Table) {
                        return Some(Done);
                    }
                    self.close_cell()?;
                    Some(Again)
                }
                _ => self.end_in_body(name),
            },
            Mode::InTemplate => Some(Done),
            Mode::AfterBody => match *name {
                local_name!("html") => {
                    self.mode = Mode::AfterAfterBody;
                    Some(Done)
                }
                _ => {
                    self.mode = Mode::InBody;
                    Some(Again)
                }
            },
            Mode::AfterAfterBody => {
                self.mode = Mode::InBody;
                Some(Again)
            }
        }
    }

    fn end_in_body(&mut self, name: &LocalName) -> Option<Step> {
        match *name {
            local_name!("body") | local_name!("html") => {
                if !self.in_scope(&local_name!("body"), Scope::Default) {
                    return Some(Done);
                }
                if *name == local_name!("html") {
                    self.mode = Mode::AfterBody;
                    return Some(Again);
                }
                self.mode = Mode::AfterBody;
            }
            _ if is_grouping(name)
                || matches!(
                    *name,
                    local_name!("button")
                        | local_name!("listing")
                        | local_name!("pre")
                        | local_name!("select")
                ) =>
            {
                if self.in_scope(name, Scope::Default) {
                    self.generate_implied_end_tags(None)?;
                    self.pop_until(name)?;
                }
            }
            local_name!("form") if self.template_open() => {
                if self.in_scope(name, Scope::Default) {
                    self.generate_implied_end_tags(None)?;
                    self.pop_until(name)?;
                }
            }
            local_name!("form") => {
                let Some(form) = self.form.take() else { return Some(Done) };
                let in_scope = self.open.iter().rev().position(|(id, _)| *id == form).is_some_and(|depth| {
                    !self.open.iter().rev().take(depth).any(|(_, n)| is_scope_boundary(n))
                });
                if !in_scope {
                    return Some(Done);
                }
                self.generate_implied_end_tags(None)?;
                if self.current() != Some(form) {
                    return decline("form not current");
                }
                self.open.pop();
            }
            local_name!("p") => {
                if !self.in_scope(name, Scope::Button) {
                    self.insert_phantom(local_name!("p"))?;
                }
                self.close_p()?;
            }
            local_name!("li") | local_name!("dd") | local_name!("dt") => {
                let scope = if *name == local_name!("li") { Scope::List } else { Scope::Default };
                if self.in_scope(name, scope) {
                    self.generate_implied_end_tags(Some(name))?;
                    self.pop_until(name)?;
                }
            }
            _ if is_heading(name) => {
                if self.in_scope_where(is_heading, Scope::Default) {
                    self.generate_implied_end_tags(None)?;
                    while !is_heading(&self.pop()?) {}
                }
            }
            local_name!("br") => return self.start_in_body(name, &mut Some(Vec::new())),
            local_name!("nobr") => return decline_tag(name),
            local_name!("applet") | local_name!("marquee") | local_name!("object") => {
                if self.in_scope(name, Scope::Default) {
                    self.generate_implied_end_tags(None)?;
                    self.pop_until(name)?;
                    self.clear_to_marker();
                }
            }
            _ if is_formatting(name) => {
                if let Some(step) = self.adoption_agency(name)? {
                    return Some(step);
                }
                return self.any_other_end_tag(name);
            }
            _ => return self.any_other_end_tag(name),
        }
        Some(Done)
    }

    fn any_other_end_tag(&mut self, name: &LocalName) -> Option<Step> {
        for i in (0..self.open.len()).rev() {
            let open = &self.open[i].1;
            if open == name {
                self.generate_implied_end_tags(Some(name))?;
                self.pop_until(name)?;
                return Some(Done);
            }
            if is_special(open) {
                return Some(Done);
            }
        }
        Some(Done)
    }
}

/// An end tag that the in-body rules ignore when the current node is a table, a table
/// section or a row (all "special", and bounding no scope the tag looks in): anything but
/// `</p>`, `</br>`, `</form>` and formatting elements, which act even there. (`</template>`
/// is handled before the modes.)
fn ignored_beside_a_table(name: &LocalName) -> bool {
    !is_formatting(name) && !matches!(*name, local_name!("p") | local_name!("br") | local_name!("form"))
}

fn is_table_part(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("caption")
            | local_name!("colgroup")
            | local_name!("tbody")
            | local_name!("td")
            | local_name!("tfoot")
            | local_name!("th")
            | local_name!("thead")
            | local_name!("tr")
    )
}

const TABLE_BODY_CONTEXT: [LocalName; 3] = [local_name!("tbody"), local_name!("tfoot"), local_name!("thead")];

/// The elements that bound the default scope (of those this builder opens).
fn is_scope_boundary(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("html")
            | local_name!("table")
            | local_name!("td")
            | local_name!("th")
            | local_name!("caption")
            | local_name!("select")
            | local_name!("template")
            | local_name!("applet")
            | local_name!("marquee")
            | local_name!("object")
    )
}

fn is_space_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\x0c' | '\r' | ' ')
}

/// The standard's kinds of scope: where a look down the stack of open elements stops.
#[derive(Clone, Copy)]
pub(crate) enum Scope {
    Default,
    List,
    Button,
    Table,
}

impl Scope {
    /// Whether an open element of this name ends the scope.
    pub(crate) fn bounds(self, name: &LocalName) -> bool {
        match self {
            Scope::Table => {
                matches!(*name, local_name!("html") | local_name!("table") | local_name!("template"))
            }
            Scope::Default => is_scope_boundary(name),
            Scope::List => is_scope_boundary(name) || matches!(*name, local_name!("ol") | local_name!("ul")),
            Scope::Button => is_scope_boundary(name) || *name == local_name!("button"),
        }
    }
}

/// The grouping elements whose start tag closes an open `<p>` and whose end tag closes them
/// if in scope (the standard lists `<p>` with the first and `<pre>`, `<button>`, … with the
/// second).
pub(crate) fn is_grouping(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("address")
            | local_name!("article")
            | local_name!("aside")
            | local_name!("blockquote")
            | local_name!("center")
            | local_name!("details")
            | local_name!("dialog")
            | local_name!("dir")
            | local_name!("div")
            | local_name!("dl")
            | local_name!("fieldset")
            | local_name!("figcaption")
            | local_name!("figure")
            | local_name!("footer")
            | local_name!("header")
            | local_name!("hgroup")
            | local_name!("main")
            | local_name!("menu")
            | local_name!("nav")
            | local_name!("ol")
            | local_name!("search")
            | local_name!("section")
            | local_name!("summary")
            | local_name!("ul")
    )
}

pub(crate) fn is_heading(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("h1")
            | local_name!("h2")
            | local_name!("h3")
            | local_name!("h4")
            | local_name!("h5")
            | local_name!("h6")
    )
}

fn is_implied_end(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("dd")
            | local_name!("dt")
            | local_name!("li")
            | local_name!("optgroup")
            | local_name!("option")
            | local_name!("p")
            | local_name!("rb")
            | local_name!("rp")
            | local_name!("rt")
            | local_name!("rtc")
    )
}

pub(crate) fn is_formatting(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("a")
            | local_name!("b")
            | local_name!("big")
            | local_name!("code")
            | local_name!("em")
            | local_name!("font")
            | local_name!("i")
            | local_name!("nobr")
            | local_name!("s")
            | local_name!("small")
            | local_name!("strike")
            | local_name!("strong")
            | local_name!("tt")
            | local_name!("u")
    )
}

/// The standard's "special" category.
pub(crate) fn is_special(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("address")
            | local_name!("applet")
            | local_name!("area")
            | local_name!("article")
            | local_name!("aside")
            | local_name!("base")
            | local_name!("basefont")
            | local_name!("bgsound")
            | local_name!("blockquote")
            | local_name!("body")
            | local_name!("br")
            | local_name!("button")
            | local_name!("caption")
            | local_name!("center")
            | local_name!("col")
            | local_name!("colgroup")
            | local_name!("dd")
            | local_name!("details")
            | local_name!("dir")
            | local_name!("div")
            | local_name!("dl")
            | local_name!("dt")
            | local_name!("embed")
            | local_name!("fieldset")
            | local_name!("figcaption")
            | local_name!("figure")
            | local_name!("footer")
            | local_name!("form")
            | local_name!("frame")
            | local_name!("frameset")
            | local_name!("h1")
            | local_name!("h2")
            | local_name!("h3")
            | local_name!("h4")
            | local_name!("h5")
            | local_name!("h6")
            | local_name!("head")
            | local_name!("header")
            | local_name!("hgroup")
            | local_name!("hr")
            | local_name!("html")
            | local_name!("iframe")
            | local_name!("img")
            | local_name!("input")
            | local_name!("keygen")
            | local_name!("li")
            | local_name!("link")
            | local_name!("listing")
            | local_name!("main")
            | local_name!("marquee")
            | local_name!("menu")
            | local_name!("meta")
            | local_name!("nav")
            | local_name!("noembed")
            | local_name!("noframes")
            | local_name!("noscript")
            | local_name!("object")
            | local_name!("ol")
            | local_name!("p")
            | local_name!("param")
            | local_name!("plaintext")
            | local_name!("pre")
            | local_name!("script")
            | local_name!("section")
            | local_name!("select")
            | local_name!("source")
            | local_name!("style")
            | local_name!("summary")
            | local_name!("table")
            | local_name!("tbody")
            | local_name!("td")
            | local_name!("template")
            | local_name!("textarea")
            | local_name!("tfoot")
            | local_name!("th")
            | local_name!("thead")
            | local_name!("title")
            | local_name!("tr")
            | local_name!("track")
            | local_name!("ul")
            | local_name!("wbr")
            | local_name!("xmp")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path takes the page and builds html5ever's tree.
    fn agrees(html: &str) {
        let fast = fast(html).unwrap_or_else(|| panic!("declined ({}): {html}", declined()));
        assert!(same_tree(&fast, &Html::parse_document(html)), "another tree than html5ever: {html}");
    }

    /// The fast path declines the page or builds html5ever's tree.
    fn declined_or_agrees(html: &str) -> bool {
        fast(html).is_none_or(|fast| same_tree(&fast, &Html::parse_document(html)))
    }

    #[test]
    fn builds_html5evers_tree_for_common_markup() {
        for html in [
            "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>A &amp; B</title></head><body><p>x</body></html>",
            "<p>one<p>two<div>three</div><ul><li>a<li>b</ul>",
            "<dl><dt>k<dd>v<dt>k2</dl><h1>h<h2>i</h2></h1>",
            "<p>x</span>y</p></p><p>z<br></br>",
            "<table><tr><td>a<td>b<tr><th>c</table><p>after",
            "<table> <caption>t</caption><colgroup><col></colgroup><thead><tr><th>h</thead><tbody><tr><td><p>x<td><b>y</b></table>",
            "<table><td><table><tr><td>nested</table></td></table>",
            "<select><option>a<option>b<optgroup><option>c</select><p>x",
            "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\"><p>x",
            "<head><title>t</title></head> <link rel=x> <body class=a><body id=b class=c>x",
            "<?xml version=\"1.0\"?><!DOCTYPE html><![CDATA[x]]><!doctype html></ x><!-- first --><html><!-- in html --><body>x</body><!-- after body --></html><!-- after html -->",
            "<pre>\nline</pre><textarea>\ntext &lt;b&gt;</textarea><p>&eacute;&#233;&#xe9; &copy; AT&T &zzz; &",
            "<b>bold</b><i><em>x</em></i><a class=k>link</a> <span>s<div>d</div></span>",
            "<p><b>bold<p>reopened in the next paragraph<li><a class=x>link<li>next</b><a>one<a>two",
            "<b><i>misnested</b></i><b><b><b><b>ark</b></b></b></b><table><td><i>in a cell</table>x",
            "<form><input type=text><button>b</button></form><hr><img alt=x><p>a<hr>b",
            "<noscript><p>raw</p></noscript><script type=application/ld+json>{\"a\":\"</p>\"}</script><style>p{}</style>",
            "<div><p>unclosed<li>item</div>a < b <3",
            "<script>var a = '<!--<script>x</script>';</script><p>after</p><script><!-- y --></script>z",
            "<p>&copy 2024 &copy2024 &notit; &amp &ampx &hellip &lt;&gt &notanentity; &#128;&#x81;&#0;&#xD800;&#x110000;&#99999999999;&#000000065;&#xg&#x;&#;&#1<a class='?a=1&copy=2&amp;b&notx&not'>x</a><title>&copy1</title>",
            "<b><p>a block in the bold</b>after<p>x<a class=k><div>d<i>i<b>b</a>z",
            "<b><i><u><s><em><div>deep</b>x</div>y",
            "<div><b class=c>a<i>b<p>c<div>d</i>e</b>f</div>",
            "<a><p><b><i>x</a>y</b>z",
            "<b><i><p>x</b>y</p>z",
            "<b>x<object data=y><p>in<i>z</object>w</b><marquee><b>m</marquee><p>q</p><applet></b></applet><p></object>",
            "<script>if (a<!--b) {}</script><p>x<script>/*<!--*/ s = '</scr' + 'ipt>'</script>",
            "<head><template><meta name=a></template></head><body><template><tr><td>x</template><p>y<template><b>z",
            "",
        ] {
            agrees(html);
        }
    }

    #[test]
    fn leaves_hard_markup_to_html5ever() {
        for html in [
            "<table>text moves in front</table>",
            "<table><div>also</div></table>",
            "<svg><circle/></svg>",
            "<!DOCTYPE html SYSTEM \"odd\"><p>x",
            "<template shadowrootmode=open><p>x</template>",
            "<p>x<!-- never closed",
            "<script><!--<script></script>never closed",
        ] {
            assert!(fast(html).is_none(), "{html}");
            // And the page still parses.
            assert!(parse(html).root_element().value().name() == "html");
        }
    }

    #[test]
    fn deep_pages_are_made_shallow_and_keep_their_text() {
        let depth = |doc: &Html| doc.tree.nodes().map(|n| n.ancestors().count()).max().unwrap_or(0);
        let text = |doc: &Html| {
            doc.tree.nodes().filter_map(|n| n.value().as_text()).map(|t| t.to_string()).collect::<String>()
        };
        let many_formats: String = (0..200).map(|i| format!("<b class=c{i}>")).collect();
        for (page, word, count) in [
            ("<div>word ".repeat(5_000), "word", 5_000),
            ("<div><span><b>".repeat(2_000) + "end", "end", 1),
            ("<section><h2>Part</h2><p>Prose, with commas.".repeat(2_000), "Prose", 2_000),
            ("<ul><li>item ".repeat(3_000), "item", 3_000),
            ("<table><tr><td>cell ".repeat(1_000), "cell", 1_000),
            ("<font>row ".repeat(3_000), "row", 3_000),
            (many_formats + &"<p>para".repeat(200), "para", 200),
            // End tags and implied ends the parser does not honour as a plain balancer would.
            ("<span><div>word</span>".repeat(2_000), "word", 2_000),
            ("<li><section>word ".repeat(2_000), "word", 2_000),
            ("<li><ul>word</li>".repeat(2_000), "word", 2_000),
            ("<form><div>word</form>".repeat(2_000), "word", 2_000),
            ("<h2><div><h1>word</h2>".repeat(2_000), "word", 2_000),
            ("<b><div>word</b>".repeat(2_000), "word", 2_000),
            ("<option><span>word ".repeat(2_000), "word", 2_000),
            ("<table><td>word ".repeat(2_000), "word", 2_000),
            ("<b>".repeat(20) + &"<b><div>word</b>".repeat(2_000), "word", 2_000),
        ] {
            let doc = parse(&page);
            assert!(depth(&doc) <= MAX_OPEN + 2, "{} deep: {}", depth(&doc), &page[..40]);
            assert_eq!(text(&doc).matches(word).count(), count, "{}", &page[..40]);
            assert!(fast(&page).is_none(), "the fast path takes it as it is: {}", &page[..40]);
        }
    }

    #[test]
    fn a_reason_left_by_another_page_changes_nothing() {
        // A page the fast path leaves to html5ever without a reason of its own (it ends in a
        // tag), with three `<b>`s open.
        let page = format!("<b><b><b>{}<p class='never closed", "<p>word".repeat(50));
        let fresh = parse(&page);
        let _ = decline::<()>(COPIES);
        assert!(same_tree(&parse(&page), &fresh));
    }

    #[test]
    fn formatting_left_open_is_copied_into_a_bounded_number_of_blocks() {
        // html5ever copies the three `<b>`s into every paragraph: 80,000 elements.
        let page = "<p><b><b><b>x".to_owned() + &"<p>x".repeat(20_000);
        let doc = parse(&page);
        let elements = doc.tree.nodes().filter(|n| n.value().is_element()).count();
        assert!(elements <= 3 * 20_000 + 10, "{elements} elements");
        let text: String =
            doc.tree.nodes().filter_map(|n| n.value().as_text()).map(|t| t.to_string()).collect();
        assert_eq!(text.matches('x').count(), 20_001);
        // A few copies, as pages have them, are made as html5ever makes them.
        agrees(&("<p><b><b><b>x".to_owned() + &"<p>x".repeat(100)));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 3000, ..Default::default() })]
        /// Wherever the fast path takes a page, it builds html5ever's tree.
        #[test]
        fn the_fast_path_builds_html5evers_tree(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just("<p>"), proptest::strategy::Just("</p>"),
                    proptest::strategy::Just("<div class=a>"), proptest::strategy::Just("</div>"),
                    proptest::strategy::Just("<li>"), proptest::strategy::Just("</li>"),
                    proptest::strategy::Just("<ul>"), proptest::strategy::Just("</ul>"),
                    proptest::strategy::Just("<dd>"), proptest::strategy::Just("<dt>"),
                    proptest::strategy::Just("<h2>"), proptest::strategy::Just("</h3>"),
                    proptest::strategy::Just("<b>"), proptest::strategy::Just("</b>"),
                    proptest::strategy::Just("<a>"), proptest::strategy::Just("</a>"),
                    proptest::strategy::Just("<i>"), proptest::strategy::Just("</i>"),
                    proptest::strategy::Just("<span>"), proptest::strategy::Just("</span>"),
                    proptest::strategy::Just("<table>"), proptest::strategy::Just("</table>"),
                    proptest::strategy::Just("<tr>"), proptest::strategy::Just("</tr>"),
                    proptest::strategy::Just("<td>"), proptest::strategy::Just("</td>"),
                    proptest::strategy::Just("<th>"), proptest::strategy::Just("<tbody>"),
                    proptest::strategy::Just("<caption>"), proptest::strategy::Just("</caption>"),
                    proptest::strategy::Just("<col>"), proptest::strategy::Just("<colgroup>"),
                    proptest::strategy::Just("<select>"), proptest::strategy::Just("</select>"),
                    proptest::strategy::Just("<option>"), proptest::strategy::Just("<optgroup>"),
                    proptest::strategy::Just("<input type=hidden>"), proptest::strategy::Just("<hr>"),
                    proptest::strategy::Just("<form>"), proptest::strategy::Just("</form>"),
                    proptest::strategy::Just("<button>"), proptest::strategy::Just("</button>"),
                    proptest::strategy::Just("<pre>"), proptest::strategy::Just("<br>"),
                    proptest::strategy::Just("</br>"), proptest::strategy::Just("<title>t</title>"),
                    proptest::strategy::Just("<head>"), proptest::strategy::Just("</head>"),
                    proptest::strategy::Just("<body id=x>"), proptest::strategy::Just("</body>"),
                    proptest::strategy::Just("<html lang=y>"), proptest::strategy::Just("</html>"),
                    proptest::strategy::Just("<meta name=m>"), proptest::strategy::Just("<!-- c -->"),
                    proptest::strategy::Just("<!DOCTYPE html>"), proptest::strategy::Just("<noscript>n</noscript>"),
                    proptest::strategy::Just("&amp;"), proptest::strategy::Just("&"),
                    proptest::strategy::Just("&copy"), proptest::strategy::Just("&noti"),
                    proptest::strategy::Just("&#x"), proptest::strategy::Just("&#"),
                    proptest::strategy::Just("&#128"), proptest::strategy::Just("&#0;"),
                    proptest::strategy::Just("&#x110000;"), proptest::strategy::Just("&#xd800"),
                    proptest::strategy::Just("&#00000000065;"), proptest::strategy::Just("9"),
                    proptest::strategy::Just("<p class='a&amp=b&copy x&lt&notin'>"),
                    proptest::strategy::Just("<?x>"), proptest::strategy::Just("<!x>"),
                    proptest::strategy::Just("<object>"), proptest::strategy::Just("</object>"),
                    proptest::strategy::Just("<marquee>"), proptest::strategy::Just("</applet>"),
                    proptest::strategy::Just("</ y>"), proptest::strategy::Just("<template>"), proptest::strategy::Just("</template>"),
                    proptest::strategy::Just("<"), proptest::strategy::Just(" "),
                    proptest::strategy::Just("\n"), proptest::strategy::Just("word"),
                ],
                0..30,
            )
        ) {
            let html = parts.concat();
            proptest::prop_assert!(declined_or_agrees(&html), "{}", html);
        }

        /// A script ends where the tokenizer's escaped and double-escaped states end it.
        #[test]
        fn the_fast_path_ends_scripts_as_the_tokenizer_does(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just("<!--"), proptest::strategy::Just("-->"),
                    proptest::strategy::Just("<script>"), proptest::strategy::Just("<SCRIPT "),
                    proptest::strategy::Just("</script>"), proptest::strategy::Just("</script/"),
                    proptest::strategy::Just("</scripts>"), proptest::strategy::Just("<scriptx"),
                    proptest::strategy::Just("-"), proptest::strategy::Just("<"),
                    proptest::strategy::Just(">"), proptest::strategy::Just("/"),
                    proptest::strategy::Just("!"), proptest::strategy::Just("x"),
                    proptest::strategy::Just(" "), proptest::strategy::Just("<p>"),
                ],
                0..24,
            )
        ) {
            let html = format!("<p>a<script>{}</script><p>b</script><p>c", parts.concat());
            proptest::prop_assert!(declined_or_agrees(&html), "{}", html);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]
        /// A page made shallow keeps every character of text html5ever finds in the page as
        /// it is, and nests no deeper than the bound.
        #[test]
        fn deep_pages_keep_their_text(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just("<div>"), proptest::strategy::Just("<span>"),
                    proptest::strategy::Just("<b>"), proptest::strategy::Just("<i class=x>"),
                    proptest::strategy::Just("<p>"), proptest::strategy::Just("</p>"),
                    proptest::strategy::Just("<ul><li>"), proptest::strategy::Just("<li>"),
                    proptest::strategy::Just("<table><tr><td>"), proptest::strategy::Just("<td>"),
                    proptest::strategy::Just("</div>"), proptest::strategy::Just("</b>"),
                    proptest::strategy::Just("<section><h2>"), proptest::strategy::Just("</h2>"),
                    proptest::strategy::Just("<pre>\nx"), proptest::strategy::Just("<select><option>o"),
                    proptest::strategy::Just("<textarea><b>t</textarea>"), proptest::strategy::Just("<br>"),
                    proptest::strategy::Just("<template>q"), proptest::strategy::Just("</template>"),
                    proptest::strategy::Just("word "), proptest::strategy::Just("z"),
                    proptest::strategy::Just("</span>"), proptest::strategy::Just("<li><section>"),
                    proptest::strategy::Just("</li>"), proptest::strategy::Just("<form>"),
                    proptest::strategy::Just("</form>"), proptest::strategy::Just("<h1>"),
                    proptest::strategy::Just("<option>"), proptest::strategy::Just("<table><td>"),
                    proptest::strategy::Just("<a name=n>"), proptest::strategy::Just("</i>"),
                    proptest::strategy::Just("<dl><dd>"), proptest::strategy::Just("<nobr>"),
                ],
                150..400,
            )
        ) {
            let page = parts.concat();
            let chars = |doc: &Html| {
                let mut counts = std::collections::HashMap::<char, usize>::new();
                for node in doc.tree.nodes() {
                    if let Some(text) = node.value().as_text() {
                        for c in text.chars().filter(|c| !c.is_whitespace()) {
                            *counts.entry(c).or_default() += 1;
                        }
                    }
                }
                counts
            };
            let shallow = parse(&page);
            // A template's content hangs in a fragment under it: one open element, two nodes.
            let elements = |n: ego_tree::NodeRef<'_, Node>| n.ancestors().filter(|a| !a.value().is_fragment()).count();
            let depth = shallow.tree.nodes().map(elements).max().unwrap_or(0);
            proptest::prop_assert!(depth <= MAX_OPEN + 2, "{} deep: {}", depth, page);
            let kept = chars(&shallow);
            for (c, n) in chars(&Html::parse_document(&page)) {
                proptest::prop_assert!(kept.get(&c).copied().unwrap_or(0) >= n, "{:?} lost: {}", c, page);
            }
        }
    }
}
