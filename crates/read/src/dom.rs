//! Per-page facts about DOM elements, computed once and looked up many times.
//!
//! The content scorer asks the same questions about the same elements again and again (its
//! class hints, how much text and link text it holds, whether it is boilerplate). Each is
//! answered once per element per page: text counts in one pass over the document, the rest
//! on first use. The tables live in a thread-local [`Facts`] that `read_html` resets for
//! every page, since element ids are only meaningful within one tree; what a `class` value
//! says depends on the value alone, and is kept from page to page ([`CLASS_HINTS`]).

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

use domain::BoilerplateKind;
use ego_tree::NodeId;
use ego_tree::iter::Edge;
use scraper::{ElementRef, Html, Node};

/// A multiplicative hasher for node ids (small integers): SipHash costs more than the
/// lookups it guards.
#[derive(Default)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.0 = (self.0 ^ n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn finish(&self) -> u64 {
        self.0.rotate_left(26)
    }
}

pub type IdMap<V> = HashMap<NodeId, V, BuildHasherDefault<IdHasher>>;

/// What an element's `class` and `id` tokens say.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hints {
    /// A token that names article content ("content", "article-body", "post").
    pub positive: bool,
    /// The first token that names a boilerplate section, and its kind.
    pub section: Option<BoilerplateKind>,
    /// A token that names article furniture (byline, date, caption, tags).
    pub meta: bool,
    /// A token that names a byline or author.
    pub byline: bool,
    /// A token that contains a date hint ("date", "time", "published").
    pub date: bool,
    /// A whole class name `widget` or `widgets`.
    pub widget: bool,
    /// Class names that hide an element (`sr-only`, `visually-hidden`, `d-none`).
    pub hidden: bool,
    /// Hidden by any means: a hiding class, `hidden`, `aria-hidden="true"`, an inline style.
    pub invisible: bool,
}

/// Non-whitespace characters of visible text in an element, and how many of them are in links.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    pub text: u32,
    pub links: u32,
    /// Paragraphs of sentence length with few links in the element, itself included.
    pub long_paragraphs: u32,
}

/// Non-whitespace characters in a paragraph of about 80 characters.
pub const LONG_PARAGRAPH: u32 = 68;

/// The attributes an element's [`Hints`] are computed from (tests hold the reader to them:
/// the attribute filter must keep them).
#[cfg(test)]
pub const HINT_ATTRIBUTES: [&str; 6] = ["class", "id", "style", "hidden", "aria-hidden", "role"];

#[derive(Default)]
struct Facts {
    /// Per node, by [`index`]: counts, hints and boilerplate kind (the last two once known).
    counts: Vec<Counts>,
    hints: Vec<Option<Hints>>,
    kinds: Vec<Option<Option<BoilerplateKind>>>,
    /// Counts of the whole document.
    page: Counts,
}

thread_local! {
    static FACTS: RefCell<Facts> = RefCell::new(Facts::default());
    /// Hints by `class` value, kept from page to page: the items of a menu share one, and
    /// sites share their frameworks' names ("entry-content", "col-md-8"). A value's hints
    /// depend on the value alone.
    // SipHash: class values come from pages, and a weak hash could be flooded.
    static CLASS_HINTS: RefCell<HashMap<String, Hints>> = RefCell::new(HashMap::new());
}

/// The most class values [`CLASS_HINTS`] holds before it starts again (about 1 MB).
const MAX_CLASS_HINTS: usize = 16_384;

/// A node's place in its tree's node vector. `NodeId` keeps the index private, but hashes
/// as exactly that number (plus one): a hasher that keeps the number reads it back. The
/// tables are sized to the tree; should that ever change, a test fails, and a number past
/// a table's end is only not cached.
fn index(id: NodeId) -> usize {
    #[derive(Default)]
    struct Keep(usize);
    impl Hasher for Keep {
        fn write(&mut self, bytes: &[u8]) {
            for &b in bytes {
                self.0 = self.0.wrapping_mul(257).wrapping_add(usize::from(b));
            }
        }
        fn write_usize(&mut self, n: usize) {
            self.0 = n;
        }
        fn finish(&self) -> u64 {
            self.0 as u64
        }
    }
    let mut keep = Keep::default();
    id.hash(&mut keep);
    keep.0.wrapping_sub(1)
}

/// Starts a new page: forgets everything known about the last one and counts the text of
/// every element of `root` in one pass.
pub fn reset(root: ElementRef<'_>, skipped: impl Fn(&str) -> bool, block: impl Fn(&str) -> bool) {
    let counts = count_all(root, skipped, block);
    FACTS.with(|f| {
        let mut f = f.borrow_mut();
        f.page = counts.get(index(root.id())).copied().unwrap_or_default();
        f.hints.clear();
        f.hints.resize(counts.len(), None);
        f.kinds.clear();
        f.kinds.resize(counts.len(), None);
        f.counts = counts;
    });
}

/// Frees the tables after a page.
pub fn clear() {
    FACTS.with(|f| *f.borrow_mut() = Facts::default());
}

pub fn counts(el: ElementRef<'_>) -> Counts {
    FACTS.with(|f| f.borrow().counts.get(index(el.id())).copied()).unwrap_or_default()
}

/// Counts of the whole page (the element `reset` was given).
pub fn page() -> Counts {
    FACTS.with(|f| f.borrow().page)
}

/// The element's hints, computed by `compute` once per element.
pub fn hints(el: ElementRef<'_>, compute: impl FnOnce(ElementRef<'_>) -> Hints) -> Hints {
    once_per_element(el, |f| &mut f.hints, compute)
}

/// A per-node fact from its `table` in [`FACTS`], computed by `compute` on first use (and
/// recomputed for a node past the table's end, which is only not cached).
fn once_per_element<T: Copy>(
    el: ElementRef<'_>,
    table: fn(&mut Facts) -> &mut Vec<Option<T>>,
    compute: impl FnOnce(ElementRef<'_>) -> T,
) -> T {
    let i = index(el.id());
    if let Some(known) = FACTS.with(|f| table(&mut f.borrow_mut()).get(i).copied().flatten()) {
        return known;
    }
    // Not borrowed while computing: `compute` asks for other elements' facts.
    let fact = compute(el);
    FACTS.with(|f| {
        if let Some(slot) = table(&mut f.borrow_mut()).get_mut(i) {
            *slot = Some(fact);
        }
    });
    fact
}

/// What a `class` value says, computed by `compute` once per value (while it stays in
/// [`CLASS_HINTS`]).
pub fn class_hints(class: &str, compute: impl FnOnce(&str) -> Hints) -> Hints {
    if let Some(h) = CLASS_HINTS.with(|c| c.borrow().get(class).copied()) {
        return h;
    }
    let h = compute(class);
    CLASS_HINTS.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= MAX_CLASS_HINTS {
            c.clear();
        }
        c.insert(class.to_owned(), h);
    });
    h
}

pub fn kind(
    el: ElementRef<'_>,
    compute: impl FnOnce(ElementRef<'_>) -> Option<BoilerplateKind>,
) -> Option<BoilerplateKind> {
    once_per_element(el, |f| &mut f.kinds, compute)
}

/// Characters of `text` that are not white space: the measure of text the reader counts.
pub fn non_space_chars(text: &str) -> u32 {
    u32::try_from(text.chars().filter(|c| !c.is_whitespace()).count()).unwrap_or(u32::MAX)
}

/// The elements named `name` (lower case) anywhere in the document, `<template>` contents
/// included, in the order the parser created them: document order, but for what the standard
/// moves (misnested formatting, content fostered out of tables). One pass over the tree's
/// storage, cheaper than walking the tree.
pub fn elements_named<'a>(doc: &'a Html, name: &'a str) -> impl Iterator<Item = ElementRef<'a>> + 'a {
    doc.tree.nodes().filter_map(move |node| match node.value() {
        Node::Element(e) if &*e.name.local == name => ElementRef::wrap(node),
        _ => None,
    })
}

/// The non-empty runs of alphanumeric characters in a class name: byte by byte when it is
/// ASCII, as nearly all are (these are split for every element of every page).
pub fn alphanumeric_runs(name: &str) -> impl Iterator<Item = &str> {
    let ascii = name.is_ascii();
    let mut rest = name;
    std::iter::from_fn(move || {
        loop {
            if rest.is_empty() {
                return None;
            }
            let end = if ascii {
                rest.bytes().position(|b| !b.is_ascii_alphanumeric())
            } else {
                rest.char_indices().find(|(_, c)| !c.is_alphanumeric()).map(|(i, _)| i)
            };
            let end = end.unwrap_or(rest.len());
            let run = &rest[..end];
            // Skip the separator (one character).
            let next = rest[end..].chars().next().map_or(0, char::len_utf8);
            rest = &rest[end + next..];
            if !run.is_empty() {
                return Some(run);
            }
        }
    })
}

/// Text and link-text counts of every element under `root` (itself included), and its long
/// paragraphs (`<p>`, or a `<div>` without block children), in one iterative pass: no
/// recursion, so no depth limit is needed.
fn count_all(
    root: ElementRef<'_>,
    skipped: impl Fn(&str) -> bool,
    block: impl Fn(&str) -> bool,
) -> Vec<Counts> {
    let mut table = vec![Counts::default(); root.tree().nodes().len()];
    // Each open element's counts and whether it has a block child.
    let mut stack: Vec<(Counts, bool)> = Vec::new();
    let mut skip = 0usize;
    let mut link_depth = 0usize;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(e) => {
                    if skip > 0 || (node.id() != root.id() && skipped(e.name())) {
                        skip += 1;
                        continue;
                    }
                    if e.name() == "a" {
                        link_depth += 1;
                    }
                    if let Some(top) = stack.last_mut() {
                        top.1 |= block(e.name());
                    }
                    stack.push((Counts::default(), false));
                }
                Node::Text(t) if skip == 0 => {
                    let n = non_space_chars(t);
                    if let Some((top, _)) = stack.last_mut() {
                        top.text += n;
                        if link_depth > 0 {
                            top.links += n;
                        }
                    }
                }
                _ => {}
            },
            Edge::Close(node) => {
                let Node::Element(e) = node.value() else { continue };
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                if e.name() == "a" {
                    link_depth = link_depth.saturating_sub(1);
                }
                let Some((mut c, has_block_child)) = stack.pop() else { continue };
                let name = e.name();
                if (name == "p" || name == "div" && !has_block_child)
                    && c.text >= LONG_PARAGRAPH
                    && c.links * 2 < c.text
                {
                    c.long_paragraphs += 1;
                }
                if let Some(slot) = table.get_mut(index(node.id())) {
                    *slot = c;
                }
                if let Some((top, _)) = stack.last_mut() {
                    top.text += c.text;
                    top.links += c.links;
                    top.long_paragraphs += c.long_paragraphs;
                }
            }
        }
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Html;

    #[test]
    fn long_paragraphs_are_counted_for_every_element() {
        let long = "word ".repeat(20);
        let html = format!(
            "<html><body><div id=a><p>{long}</p><div>{long}</div><div><p>short</p></div>\
             <p><a href=x>{long}</a></p></div><script>{long}</script></body></html>"
        );
        let doc = Html::parse_document(&html);
        let block = |n: &str| matches!(n, "p" | "div");
        reset(doc.root_element(), |n| n == "script", block);
        let count = |id: &str| {
            doc.root_element()
                .descendent_elements()
                .find(|e| e.attr("id") == Some(id))
                .map(|e| counts(e).long_paragraphs)
        };
        // The long <p> and the text-only <div>; not the short one nor the link.
        assert_eq!(count("a"), Some(2));
        assert_eq!(counts(doc.root_element()).long_paragraphs, 2);
        clear();
    }

    #[test]
    fn class_names_split_into_runs_of_letters_and_digits() {
        for name in
            ["post-body", "a__b--c", "-x-", "", "--", "tab2 pane", "сайт-меню", "a\u{a0}b", "日本-語x"]
        {
            let expected: Vec<&str> =
                name.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()).collect();
            assert_eq!(alphanumeric_runs(name).collect::<Vec<_>>(), expected, "{name:?}");
        }
    }

    /// The per-node tables rest on `index` giving each node its place in the tree.
    #[test]
    fn node_ids_give_their_place_in_the_tree() {
        let doc = Html::parse_document("<!doctype html><p>a<b>b</b></p><!-- c --><ul><li>d</ul>");
        let places: Vec<usize> = doc.tree.nodes().map(|n| index(n.id())).collect();
        assert!(places.len() > 8, "{places:?}");
        assert_eq!(places, (0..places.len()).collect::<Vec<_>>());
    }

    #[test]
    fn elements_by_name_come_in_document_order_with_template_contents() {
        let doc = Html::parse_document(
            "<head><meta name=a><script>1</script></head><body><p>x<meta name=b></p><template><meta name=c></template><META name=d>",
        );
        let names: Vec<&str> = elements_named(&doc, "meta").filter_map(|m| m.value().attr("name")).collect();
        assert_eq!(names, ["a", "b", "c", "d"]);
        assert_eq!(elements_named(&doc, "script").count(), 1);
        assert_eq!(elements_named(&doc, "table").count(), 0);
    }

    /// `compute_hints` reads only [`HINT_ATTRIBUTES`], which the attribute filter keeps.
    #[test]
    fn hints_are_computed_from_the_keyed_attributes_alone() {
        let source = include_str!("html.rs");
        let start = source.find("fn compute_hints").expect("html.rs has compute_hints");
        let body = &source[start..];
        let body = &body[..body.find("\n}\n").unwrap_or(body.len())];
        let arms: Vec<&str> = body
            .match_indices("\" =>")
            .filter_map(|(j, _)| body[..j].rfind('"').map(|s| &body[s + 1..j]))
            .collect();
        assert!(arms.len() >= 3, "{arms:?}");
        for name in arms {
            assert!(
                HINT_ATTRIBUTES.contains(&name),
                "compute_hints reads `{name}`: add it to HINT_ATTRIBUTES"
            );
        }
        for call in ["attr(", ".attrs()"] {
            assert_eq!(body.matches(call).count(), usize::from(call == ".attrs()"), "{call}");
        }
    }
}
