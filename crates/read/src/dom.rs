//! Per-page facts about DOM elements, computed once and looked up many times.
//!
//! The content scorer asks the same questions about the same elements again and again (its
//! class hints, how much text and link text it holds, whether it is boilerplate). Each is
//! answered once per element per page: text counts in one pass over the document, the rest
//! on first use. The tables live in a thread-local [`Facts`] that `read_html` resets for
//! every page, since element ids are only meaningful within one tree.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use domain::BoilerplateKind;
use ego_tree::NodeId;
use ego_tree::iter::Edge;
use scraper::{ElementRef, Node};

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

/// The attributes an element's [`Hints`] are computed from.
pub const HINT_ATTRIBUTES: [&str; 6] = ["class", "id", "style", "hidden", "aria-hidden", "role"];

#[derive(Default)]
struct Facts {
    counts: IdMap<Counts>,
    hints: IdMap<Hints>,
    /// Hints by `class` value, for elements with no other of [`HINT_ATTRIBUTES`].
    // SipHash: class values come from the page, and a weak hash could be flooded.
    hints_by_class: HashMap<String, Hints>,
    kinds: IdMap<Option<BoilerplateKind>>,
    /// Counts of the whole document.
    page: Counts,
}

thread_local! {
    static FACTS: RefCell<Facts> = RefCell::new(Facts::default());
}

/// Starts a new page: forgets everything known about the last one and counts the text of
/// every element of `root` in one pass.
pub fn reset(root: ElementRef<'_>, skipped: impl Fn(&str) -> bool, block: impl Fn(&str) -> bool) {
    let counts = count_all(root, skipped, block);
    FACTS.with(|f| {
        let mut f = f.borrow_mut();
        f.page = counts.get(&root.id()).copied().unwrap_or_default();
        f.counts = counts;
        f.hints.clear();
        f.hints_by_class.clear();
        f.kinds.clear();
    });
}

/// Frees the tables after a page.
pub fn clear() {
    FACTS.with(|f| *f.borrow_mut() = Facts::default());
}

pub fn counts(el: ElementRef<'_>) -> Counts {
    FACTS.with(|f| f.borrow().counts.get(&el.id()).copied()).unwrap_or_default()
}

/// Counts of the whole page (the element `reset` was given).
pub fn page() -> Counts {
    FACTS.with(|f| f.borrow().page)
}

/// The element's hints, computed by `compute` (which must read only [`HINT_ATTRIBUTES`])
/// once per element, and once per `class` value for elements with no other of those
/// attributes (the items of a menu, the cards of a list).
pub fn hints(el: ElementRef<'_>, compute: impl FnOnce(ElementRef<'_>) -> Hints) -> Hints {
    if let Some(h) = FACTS.with(|f| f.borrow().hints.get(&el.id()).copied()) {
        return h;
    }
    let mut class = None;
    let mut others = false;
    for (name, value) in el.value().attrs() {
        if name == "class" {
            class = Some(value);
        } else {
            others |= HINT_ATTRIBUTES.contains(&name);
        }
    }
    let shared = class.filter(|_| !others);
    let known = shared.and_then(|c| FACTS.with(|f| f.borrow().hints_by_class.get(c).copied()));
    let h = known.unwrap_or_else(|| compute(el));
    FACTS.with(|f| {
        let mut f = f.borrow_mut();
        if let Some(c) = shared.filter(|_| known.is_none()) {
            f.hints_by_class.insert(c.to_owned(), h);
        }
        f.hints.insert(el.id(), h);
    });
    h
}

pub fn kind(
    el: ElementRef<'_>,
    compute: impl FnOnce(ElementRef<'_>) -> Option<BoilerplateKind>,
) -> Option<BoilerplateKind> {
    if let Some(k) = FACTS.with(|f| f.borrow().kinds.get(&el.id()).copied()) {
        return k;
    }
    let k = compute(el);
    FACTS.with(|f| f.borrow_mut().kinds.insert(el.id(), k));
    k
}

/// Text and link-text counts of every element under `root` (itself included), and its long
/// paragraphs (`<p>`, or a `<div>` without block children), in one iterative pass: no
/// recursion, so no depth limit is needed.
fn count_all(
    root: ElementRef<'_>,
    skipped: impl Fn(&str) -> bool,
    block: impl Fn(&str) -> bool,
) -> IdMap<Counts> {
    let mut map = IdMap::default();
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
                    let n = t.chars().filter(|c| !c.is_whitespace()).count() as u32;
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
                map.insert(node.id(), c);
                if let Some((top, _)) = stack.last_mut() {
                    top.text += c.text;
                    top.links += c.links;
                    top.long_paragraphs += c.long_paragraphs;
                }
            }
        }
    }
    map
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

    /// `compute_hints` reads only the attributes the hint cache is keyed by.
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
