//! Page metadata: title, author and publication date from `<meta>` tags, JSON-LD, the
//! headline, bylines, `<time>` elements, the URL and datelines.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::DateSource;
use scraper::{ElementRef, Html, Node};

use std::sync::LazyLock;

use domain::Diagnostic;

use crate::boilerplate;
use crate::dom;
use crate::html::{
    Content, NodeR, clean_space, decode_entities, element_text, element_text_blocks, hints, is_invisible,
    is_skipped_tag,
};
use crate::{byline, date};
// ---------------------------------------------------------------------------------------
// Metadata

/// `<meta>` values by lower-cased `property`, `name` or `itemprop`, in document order.
pub(crate) struct MetaTags(pub(crate) HashMap<String, Vec<String>>);

impl MetaTags {
    pub(crate) fn collect(doc: &Html) -> MetaTags {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for el in dom::elements_named(doc, "meta") {
            let Some(content) = el.attr("content") else { continue };
            for key in ["property", "name", "itemprop"] {
                if let Some(k) = el.attr(key) {
                    map.entry(k.trim().to_ascii_lowercase()).or_default().push(content.trim().to_owned());
                }
            }
        }
        MetaTags(map)
    }

    /// The first non-empty value of the first key present.
    pub(crate) fn first(&self, keys: &[&str]) -> Option<&str> {
        keys.iter()
            .find_map(|k| self.0.get(*k).and_then(|v| v.first()))
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// Every non-empty value of one key.
    pub(crate) fn all(&self, key: &str) -> impl Iterator<Item = &str> {
        self.0.get(key).into_iter().flatten().map(String::as_str).filter(|v| !v.is_empty())
    }
}

/// What the JSON-LD describing the article says.
#[derive(Default)]
pub(crate) struct JsonLd {
    pub(crate) headline: Option<String>,
    /// The `headline` of the first article or web page in document order (no `name`, no
    /// ranking): the one that picks the article's `<h1>` among several.
    pub(crate) first_headline: Option<String>,
    pub(crate) authors: Option<Vec<String>>,
    /// The authors are organisations (no person was named).
    pub(crate) authors_are_organisations: bool,
    pub(crate) published: Option<NaiveDate>,
    /// `dateModified`: a last resort when nothing says when the page was published.
    pub(crate) modified: Option<NaiveDate>,
}

const ARTICLE_TYPES: &[&str] = &[
    "article",
    "newsarticle",
    "blogposting",
    "report",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "livebloggposting",
    "liveblogposting",
    "scholarlyarticle",
    "techarticle",
    "socialmediaposting",
    "advertisercontentarticle",
    "satiricalarticle",
    "posting",
    "webpage",
    "itempage",
];

impl JsonLd {
    pub(crate) fn collect(doc: &Html, diagnostics: &mut Vec<Diagnostic>) -> JsonLd {
        let mut objects: Vec<serde_json::Value> = Vec::new();
        // In the order the parser created them (see `dom::elements_named`).
        for el in doc.tree.nodes().filter_map(ElementRef::wrap) {
            let raw: String = match el.value().name() {
                "script" => {
                    let is_ld = el.attr("type").is_some_and(|t| t.to_ascii_lowercase().contains("ld+json"));
                    if !is_ld {
                        continue;
                    }
                    el.text().collect()
                }
                // Some head managers write the block as a tag's value:
                // `<meta name="script:ld+json" content="{...}">`.
                "meta" => match attrs(el, ["name", "content"]) {
                    [Some(name), Some(content)] if name.eq_ignore_ascii_case("script:ld+json") => {
                        content.to_owned()
                    }
                    _ => continue,
                },
                _ => continue,
            };
            let raw = raw.trim().trim_start_matches("<![CDATA[").trim_end_matches("]]>").trim();
            match serde_json::from_str::<serde_json::Value>(raw) {
                Ok(value) => flatten_ld(value, &mut objects, 0),
                Err(_) => diagnostics.push(Diagnostic::info("unreadable JSON-LD block skipped")),
            }
        }
        // Article types first, web pages after them; other objects (videos, images,
        // organisations) never give the article's date.
        let rank = |obj: &serde_json::Value| -> Option<usize> {
            let types = ld_types(obj);
            if types.iter().any(|t| t == "webpage" || t == "itempage") {
                Some(1)
            } else if types.iter().any(|t| ARTICLE_TYPES.contains(&t.as_str())) {
                Some(0)
            } else {
                None
            }
        };
        // Graphs (Yoast and others) name the author once, as a Person with an `@id`, and
        // refer to it from the article by that id alone.
        let by_id: HashMap<&str, &serde_json::Value> =
            objects.iter().filter_map(|o| Some((o.get("@id")?.as_str()?, o))).collect();
        let mut articles: Vec<(usize, &serde_json::Value)> =
            objects.iter().filter_map(|o| rank(o).map(|r| (r, o))).collect();
        articles.sort_by_key(|(r, _)| *r);
        let mut out = JsonLd {
            first_headline: objects
                .iter()
                .filter(|o| ld_types(o).iter().any(|t| ARTICLE_TYPES.contains(&t.as_str())))
                .find_map(|o| o.get("headline").and_then(|v| v.as_str()))
                .map(|s| clean_space(&decode_entities(s)))
                .filter(|s| !s.is_empty() && s.len() < 400),
            ..JsonLd::default()
        };
        for (_, obj) in articles {
            if out.headline.is_none() {
                out.headline = obj
                    .get("headline")
                    .or_else(|| obj.get("name"))
                    .and_then(|v| v.as_str())
                    .map(|s| clean_space(&decode_entities(s)))
                    .filter(|s| !s.is_empty() && s.len() < 400);
            }
            if out.authors.is_none()
                && let Some((names, people)) =
                    obj.get("author").or_else(|| obj.get("creator")).map(|a| ld_names(a, &by_id))
                && !names.is_empty()
            {
                out.authors = Some(names);
                out.authors_are_organisations = !people;
            }
            if out.published.is_none() {
                out.published = obj
                    .get("datePublished")
                    .or_else(|| obj.get("dateCreated"))
                    .and_then(|v| v.as_str())
                    .and_then(date::find_date);
            }
            if out.modified.is_none() {
                out.modified = obj.get("dateModified").and_then(|v| v.as_str()).and_then(date::find_date);
            }
        }
        out
    }
}

fn flatten_ld(value: serde_json::Value, out: &mut Vec<serde_json::Value>, depth: usize) {
    if depth > 8 {
        return;
    }
    match value {
        serde_json::Value::Array(items) => {
            for item in items {
                flatten_ld(item, out, depth + 1);
            }
        }
        serde_json::Value::Object(mut map) => {
            if let Some(graph) = map.remove("@graph") {
                flatten_ld(graph, out, depth + 1);
            }
            if let Some(main) = map.get("mainEntity").cloned()
                && main.is_object()
            {
                flatten_ld(main, out, depth + 1);
            }
            out.push(serde_json::Value::Object(map));
        }
        _ => {}
    }
}

fn ld_types(obj: &serde_json::Value) -> Vec<String> {
    match obj.get("@type") {
        Some(serde_json::Value::String(t)) => vec![t.to_ascii_lowercase()],
        Some(serde_json::Value::Array(ts)) => {
            ts.iter().filter_map(|t| t.as_str()).map(str::to_ascii_lowercase).collect()
        }
        _ => Vec::new(),
    }
}

/// Person names first; organisation names only when no person is named.
/// The names, and whether they are people's.
fn ld_names(value: &serde_json::Value, by_id: &HashMap<&str, &serde_json::Value>) -> (Vec<String>, bool) {
    let mut people = Vec::new();
    let mut others = Vec::new();
    let items: Vec<&serde_json::Value> = match value {
        serde_json::Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    for item in items {
        // A bare reference: the object it names elsewhere in the graph.
        let item = match item.get("name") {
            None => item
                .get("@id")
                .and_then(|id| id.as_str())
                .and_then(|id| by_id.get(id).copied())
                .unwrap_or(item),
            Some(_) => item,
        };
        let (name, is_person) = match item {
            serde_json::Value::String(s) => (Some(s.as_str()), true),
            serde_json::Value::Object(_) => {
                let person = ld_types(item).iter().any(|t| t == "person") || item.get("@type").is_none();
                (item.get("name").and_then(|n| n.as_str()), person)
            }
            _ => (None, false),
        };
        let Some(name) = name.map(clean_author) else { continue };
        if name.is_empty() || name.contains("://") {
            continue;
        }
        let target = if is_person { &mut people } else { &mut others };
        if !target.contains(&name) {
            target.push(name);
        }
    }
    if people.is_empty() { (others, false) } else { (people, true) }
}

fn clean_author(name: &str) -> String {
    let name = clean_space(&decode_entities(name));
    let lower = name.to_ascii_lowercase();
    match lower.strip_prefix("by ") {
        Some(_) => name[3..].trim().to_owned(),
        None => name,
    }
}

/// Author names and how far they can be trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Authors {
    pub(crate) names: Vec<String>,
    /// A handle, a team or the publisher rather than a person's name: used only when no
    /// source names a person.
    pub(crate) weak: bool,
}

impl Authors {
    fn strong(names: Vec<String>) -> Authors {
        Authors { names, weak: false }
    }

    fn weak(names: Vec<String>) -> Authors {
        Authors { names, weak: true }
    }
}

/// The article's author: a person named by JSON-LD, a `<meta>` tag or a visible byline (in
/// that order), else a person in a byline inside the text, else a handle, team or publisher
/// credited by those sources, else an organisation JSON-LD names.
pub(crate) fn article_author(
    json_ld: &JsonLd,
    meta: &MetaTags,
    (body, root, headline): (ElementRef<'_>, ElementRef<'_>, Option<ElementRef<'_>>),
    text_bylines: &[String],
    url: Option<&str>,
) -> Option<String> {
    let publisher = Publisher::new(meta, url);
    let mut weak: Vec<Vec<String>> = Vec::new();
    let mut sources = Vec::new();
    if let Some(people) =
        json_ld.authors.clone().filter(|a| !a.is_empty() && !json_ld.authors_are_organisations)
    {
        sources.push(Authors::strong(people));
    }
    sources.extend(meta_author(meta));
    for found in sources {
        if found.weak || found.names.iter().any(|n| publisher.is(n)) {
            weak.push(found.names);
        } else {
            return byline::join(&found.names);
        }
    }
    if let Some(found) = visible_author(body, root, headline) {
        if !found.weak && !found.names.iter().any(|n| publisher.is(n)) {
            return byline::join(&found.names);
        }
        weak.push(found.names);
    }
    if !text_bylines.is_empty() {
        return byline::join(text_bylines);
    }
    weak.into_iter()
        .next()
        .or_else(|| json_ld.authors.clone().filter(|a| !a.is_empty()))
        .and_then(|a| byline::join(&a))
}

/// What says who publishes the page: its site name, its host and its social handles. An
/// author credit that names the publisher names no writer.
struct Publisher {
    /// Lower-cased letters and digits of the site name and handles.
    names: Vec<String>,
    /// The host's distinctive labels ("clemson" in news.clemson.edu).
    labels: Vec<String>,
}

impl Publisher {
    fn new(meta: &MetaTags, url: Option<&str>) -> Publisher {
        let mut names: Vec<String> = ["og:site_name", "application-name", "twitter:site"]
            .iter()
            .filter_map(|k| meta.first(&[k]))
            .map(squash)
            .filter(|n| n.len() >= 3)
            .collect();
        names.dedup();
        let labels = url.map(host_labels).unwrap_or_default();
        Publisher { names, labels }
    }

    /// Whether `name` is the publisher's: its site name or handle, its host, or a domain.
    fn is(&self, name: &str) -> bool {
        let squashed = squash(name);
        if squashed.is_empty() {
            return false;
        }
        let looks_like_domain = name.rsplit_once('.').is_some_and(|(head, tld)| {
            !head.is_empty() && (2..=4).contains(&tld.len()) && tld.chars().all(|c| c.is_ascii_alphabetic())
        }) && !name.contains(' ');
        looks_like_domain
            || self.names.contains(&squashed)
            || self.labels.iter().any(|l| {
                squashed.contains(l.as_str()) || l.contains(squashed.as_str()) && squashed.len() >= 5
            })
    }
}

/// How far up the tree a walk from an element goes (as the reader's own walks).
const MAX_WALK: usize = 200;

/// Host labels that name a part of a site, not its publisher.
const SUBDOMAIN_WORDS: &[&str] = &[
    "www",
    "www2",
    "blog",
    "blogs",
    "news",
    "health",
    "shop",
    "store",
    "learn",
    "help",
    "support",
    "docs",
    "developer",
    "developers",
    "business",
    "home",
    "info",
    "about",
    "community",
    "resources",
    "insights",
];

/// Lower-cased letters and digits only: "The Five Books" → "thefivebooks".
fn squash(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The author `<meta>` tags name: people's names, else a handle or a team as written.
pub(crate) fn meta_author(meta: &MetaTags) -> Option<Authors> {
    // Scholarly pages give one `citation_author` per author, often "Last, First".
    let scholars: Vec<String> = meta.all("citation_author").filter_map(scholar_name).collect();
    if !scholars.is_empty() {
        return Some(Authors::strong(scholars));
    }
    let mut weak = None;
    for key in [
        "author",
        "article:author",
        "byl",
        "parsely-author",
        "sailthru.author",
        "cxenseparse:author",
        "dc.creator",
        "dcterms.creator",
    ] {
        let Some(value) = meta.first(&[key]).map(|v| clean_space(&decode_entities(v))) else { continue };
        if value.contains("://") || value.contains('@') || value.to_lowercase().contains("admin") {
            continue;
        }
        let parsed = byline::parse(&value, true);
        if !parsed.authors.is_empty() {
            let single_token = parsed.authors.len() == 1 && !value.contains(' ');
            let found =
                if single_token { Authors::weak(parsed.authors) } else { Authors::strong(parsed.authors) };
            return Some(found);
        }
        if !parsed.group_credit
            && let Some(names) = byline::names(&value, true)
        {
            return Some(Authors::strong(names));
        }
        if weak.is_none() && is_handle_or_credit(&value) {
            weak = Some(Authors::weak(vec![value]));
        }
    }
    weak
}

/// "Roy, Aniruddha" → "Aniruddha Roy"; a name already in reading order stays as it is.
fn scholar_name(value: &str) -> Option<String> {
    let value = clean_space(&decode_entities(value));
    let name = match value.split_once(',') {
        Some((last, first)) if !first.contains(',') && byline::is_name(first.trim(), true) => {
            format!("{} {}", first.trim(), last.trim())
        }
        _ => value,
    };
    byline::is_name(&name, true).then_some(name)
}

/// A credit that is no personal name but still says who wrote: a user name ("jdoe42" is not,
/// "jane.doe" is), a team ("Our Editors") or a name written in lower case.
fn is_handle_or_credit(value: &str) -> bool {
    let words = value.split_whitespace().count();
    (1..=5).contains(&words)
        && value.chars().count() <= 50
        && !value.chars().any(|c| c.is_ascii_digit() || "|:;!?<>{}[]()\"\\".contains(c))
        && !value.to_lowercase().contains("author")
        && value.chars().any(char::is_alphabetic)
}

/// `rel=author` links, `itemprop=author` and byline elements outside boilerplate sections,
/// then a labelled byline anywhere outside them.
pub(crate) fn visible_author(
    body: ElementRef<'_>,
    root: ElementRef<'_>,
    headline: Option<ElementRef<'_>>,
) -> Option<Authors> {
    if let Some(names) = labelled_byline(root, headline) {
        return Some(names);
    }
    let mut candidates: Vec<(u8, ElementRef<'_>)> = Vec::new();
    for el in body.descendent_elements() {
        let [rel, itemprop] = attrs(el, ["rel", "itemprop"]);
        let rank = if rel.is_some_and(|r| r.split_whitespace().any(|t| t == "author")) {
            0
        } else if itemprop.is_some_and(|p| p == "author" || p == "creator") {
            1
        } else if hints(el).byline {
            2
        } else {
            continue;
        };
        if outside_article(el, root) || is_invisible(el) {
            continue;
        }
        candidates.push((rank, el));
    }
    candidates.sort_by_key(|(rank, _)| *rank);
    let mut weak = None;
    for (rank, el) in candidates {
        let text = byline_text(el);
        if text.is_empty() || text.len() > 200 {
            continue;
        }
        let parsed = byline::parse(&text, true);
        if !parsed.authors.is_empty() {
            return Some(Authors::strong(unglued(el, parsed.authors)));
        }
        // A byline element that holds a team's name alone, or one capitalised word (a first
        // name or a brand).
        let short = element_text(el).chars().count() <= 40;
        let group = parsed.group.or_else(|| byline::group_name(&text));
        let word = (short && !text.contains(' ') && byline::is_name(&text, true)).then(|| text.clone());
        if let Some(credit) = group.or(word).filter(|_| weak.is_none()) {
            weak = Some(Authors::weak(vec![credit]));
        }
        if rank < 2 {
            if let Some(names) = byline::names(&text, true) {
                return Some(Authors::strong(names));
            }
            // A link that says it leads to the author names them, however they write it.
            if weak.is_none() && !text.contains(' ') && is_handle_or_credit(&text) {
                weak = Some(Authors::weak(vec![text]));
            }
        }
    }
    anywhere_byline(body, root).or(weak)
}

/// Names read from an element whose inline children run together ("Ana RuizEditor" from
/// `<span>Ana Ruiz</span><span>Editor</span>`): a child that holds the first name alone
/// gives it back.
fn unglued(el: ElementRef<'_>, mut names: Vec<String>) -> Vec<String> {
    let Some(first) = names.first_mut() else { return names };
    for child in el.descendent_elements().skip(1) {
        let text = element_text(child);
        let text = text.trim();
        if text.len() < first.len() && first.starts_with(text) && byline::is_name(text, false) {
            let rest = &first[text.len()..];
            if rest.chars().next().is_some_and(char::is_uppercase) {
                *first = text.to_owned();
                break;
            }
        }
    }
    names
}

/// Whether a line that starts like a byline is a sentence ("By Christmas, the harbour was
/// full."): three or more lower-case words before any number.
fn is_prose(line: &str) -> bool {
    let head = line.split(|c: char| c.is_ascii_digit()).next().unwrap_or("");
    head.split_whitespace()
        .skip(1)
        .filter(|w| w.chars().next().is_some_and(char::is_lowercase))
        .filter(|w| {
            !matches!(*w, "by" | "and" | "on" | "de" | "van" | "von" | "der" | "da" | "di" | "le" | "la")
        })
        .count()
        >= 3
}

/// The values of the attributes `names` on `el`, read in one pass over its attributes
/// (`ElementRef::attr` interns the name it looks for on every call; most elements have no
/// attribute at all). None of these names is ever namespaced.
fn attrs<'a, const N: usize>(el: ElementRef<'a>, names: [&str; N]) -> [Option<&'a str>; N] {
    let mut out = [None; N];
    for (name, value) in el.value().attrs() {
        if let Some(i) = names.iter().position(|n| *n == name) {
            out[i] = out[i].or(Some(value));
        }
    }
    out
}

/// Whether the first word of [`text_start`] may open with one of `words` (ASCII lower case),
/// found without building the string: the words a pattern anchored at the start needs first.
/// That word is the start of the first text node with a non-space character, up to a space
/// or the node's end (`text_start` puts a space between nodes). A word with a non-ASCII
/// character passes: it may fold to a pattern's letters under `(?i)` ("ſ" to "s").
fn may_open_with(el: ElementRef<'_>, words: &[&str]) -> bool {
    let Some(piece) = first_text(el) else { return false };
    if piece.as_bytes()[0].is_ascii_alphabetic()
        && !words.iter().any(|w| w.as_bytes()[0] == piece.as_bytes()[0].to_ascii_lowercase())
    {
        return false;
    }
    let first = piece.split(char::is_whitespace).next().unwrap_or(piece);
    !first.is_ascii()
        || words.iter().any(|w| first.get(..w.len()).is_some_and(|head| head.eq_ignore_ascii_case(w)))
}

/// The first text node under `el` with a non-space character, from that character on (as
/// `el.text()` would find it, with a plain walk of the tree).
fn first_text<'a>(el: ElementRef<'a>) -> Option<&'a str> {
    let mut node = el.first_child()?;
    loop {
        if let Node::Text(t) = node.value() {
            let t = t.trim_start();
            if !t.is_empty() {
                return Some(t);
            }
        }
        if let Some(child) = node.first_child() {
            node = child;
            continue;
        }
        loop {
            if let Some(next) = node.next_sibling() {
                node = next;
                break;
            }
            node = node.parent().filter(|p| p.id() != el.id())?;
        }
    }
}

/// Whether the text [`element_text`] gives `el` may open with one of `words` (ASCII lower
/// case): its first non-space character is one of their initials, read without building the
/// text (a non-ASCII one passes, as in [`may_open_with`]).
fn visible_text_may_open_with(el: ElementRef<'_>, words: &[&str]) -> bool {
    fn first_char(node: NodeR<'_>, depth: usize) -> Option<char> {
        if depth > MAX_WALK {
            return None;
        }
        node.children().find_map(|child| match child.value() {
            Node::Text(t) => t.chars().find(|c| !c.is_whitespace()),
            Node::Element(e) if !is_skipped_tag(e.name()) => first_char(child, depth + 1),
            _ => None,
        })
    }
    match first_char(*el, 0) {
        Some(c) if c.is_ascii() => {
            words.iter().any(|w| w.as_bytes().first() == Some(&(c.to_ascii_lowercase() as u8)))
        }
        Some(_) => true,
        None => false,
    }
}

/// The words byline labels open with ([`byline::starts_with_label`]: "Written by", "Posted
/// by", "Words by", "Story by", "Reported by", "Edited by", "Text:", "Photos and text by",
/// "Article by", "By", "Author:", "Autor", "Von", "Par", "Por").
const BYLINE_WORDS: &[&str] = &[
    "written", "posted", "words", "story", "reported", "edited", "text", "photos", "article", "by", "author",
    "autor", "von", "par", "por",
];
/// The words [`PUBLISHED_LABEL`] opens with.
const PUBLISHED_WORDS: &[&str] =
    &["this", "first", "originally", "published", "posted", "publish", "date", "publication", "release"];
/// The words [`UPDATED_LABEL`] opens with.
const UPDATED_WORDS: &[&str] = &["last", "page", "updated", "modified", "reviewed"];

/// The first words of an element's text, spaces collapsed: enough to test for a label
/// without building the whole text of every element on the page.
fn text_start(el: ElementRef<'_>) -> String {
    let mut out = String::new();
    for piece in el.text() {
        for word in piece.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        if out.len() >= 40 {
            break;
        }
    }
    out
}

/// Whether `el` sits in a part of the page that is not the article: navigation, a sidebar,
/// comments, related posts, share bars, or a footer that is not the article's own. Class
/// names on elements that wrap the content root (`<body>`, layout grids) are not read.
fn outside_article(el: ElementRef<'_>, root: ElementRef<'_>) -> bool {
    let wrappers: Vec<_> = root.ancestors().take(MAX_WALK).map(|a| a.id()).collect();
    // A byline in a bar of share buttons is the article's own ("Author" over "Share").
    let mut in_byline = false;
    for node in std::iter::once(*el).chain(el.ancestors()).take(MAX_WALK) {
        // A wrapper around the article's text is layout, whatever its class says.
        if node.id() == root.id() || wrappers.contains(&node.id()) {
            return false;
        }
        let Some(e) = ElementRef::wrap(node) else { continue };
        let name = e.value().name();
        if matches!(name, "body" | "html") {
            return false;
        }
        let in_article = || e.ancestors().take(MAX_WALK).any(is_article_element);
        if name == "nav" || matches!(name, "aside" | "footer") && !in_article() {
            return true;
        }
        use domain::BoilerplateKind::{Comments, Navigation, RelatedPosts, ShareButtons};
        let hints = hints(e);
        in_byline |= hints.byline;
        match hints.section {
            Some(ShareButtons) if in_byline => {}
            Some(Comments | RelatedPosts | ShareButtons) => return true,
            // "footer" in a class name is the article's own footer inside an article.
            Some(Navigation) if !(has_class_token(e, "footer") && in_article()) => return true,
            _ => {}
        }
    }
    false
}

/// Whether `el` is in a list item, a heading, a form or a caption: "by" there credits a
/// book, a product, a filter or a photo, not the article.
fn in_list_or_form(el: ElementRef<'_>) -> bool {
    std::iter::once(el).chain(el.ancestors().filter_map(ElementRef::wrap)).take(MAX_WALK).any(|a| {
        match a.value().name() {
            // A list of the article's details ("ul.article-meta") is no list of other things.
            "li" => !a
                .parent()
                .and_then(ElementRef::wrap)
                .is_some_and(|list| hints(list).meta || hints(list).byline),
            name => matches!(
                name,
                "h1" | "h2"
                    | "h3"
                    | "h4"
                    | "h5"
                    | "h6"
                    | "form"
                    | "button"
                    | "label"
                    | "select"
                    | "figcaption"
                    | "td"
                    | "th"
            ),
        }
    })
}

fn has_class_token(el: ElementRef<'_>, token: &str) -> bool {
    ["class", "id"]
        .iter()
        .filter_map(|a| el.attr(a))
        .any(|v| v.split(|c: char| !c.is_alphanumeric()).any(|t| t.eq_ignore_ascii_case(token)))
}

/// The first labelled byline ("By Ana Ruiz", "Written by: Ana Ruiz") in the body outside
/// navigation, sidebars, comments and related posts: the smallest element that holds it.
fn anywhere_byline(body: ElementRef<'_>, root: ElementRef<'_>) -> Option<Authors> {
    let mut weak = None;
    for el in body.descendent_elements() {
        let counts = dom::counts(el);
        if counts.text < 4 || counts.text > 120 {
            continue;
        }
        if !may_open_with(el, BYLINE_WORDS)
            || !byline::starts_with_label(&text_start(el))
            || outside_article(el, root)
            || is_invisible(el)
            || in_list_or_form(el)
        {
            continue;
        }
        // The smallest element: none of its children holds the label and a name too.
        if el.child_elements().any(|c| {
            dom::counts(c).text >= 4
                && may_open_with(c, BYLINE_WORDS)
                && byline::starts_with_label(&text_start(c))
        }) {
            continue;
        }
        let text = byline_text(el);
        if is_prose(&text) {
            continue;
        }
        let parsed = byline::parse(&text, false);
        if parsed.labelled && !parsed.authors.is_empty() {
            return Some(Authors::strong(parsed.authors));
        }
        if let Some(group) = parsed.group.filter(|_| weak.is_none()) {
            weak = Some(Authors::weak(vec![group]));
        }
    }
    weak
}

/// The first line of a byline element (a name, not the job title or bio under it), with a
/// label standing alone on its line joined to the line after it.
fn byline_text(el: ElementRef<'_>) -> String {
    let text = element_text_blocks(el);
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or("");
    if byline::is_label(first) {
        return format!("{first} {}", lines.next().unwrap_or(""));
    }
    // A label broken over two lines ("Posted" over "by Ana Ruiz").
    if let Some(next) = lines.next()
        && !byline::starts_with_label(first)
        && first.split_whitespace().count() == 1
    {
        let joined = format!("{first} {next}");
        if byline::starts_with_label(&joined) {
            return joined;
        }
    }
    first.to_owned()
}

/// A labelled byline ("By Ana Ruiz", "Written by" over a name) in the article's area: the
/// content root, or the block around the headline. The smallest element whose text starts
/// with the label holds the whole byline (the label and the name may be separate elements).
fn labelled_byline(root: ElementRef<'_>, headline: Option<ElementRef<'_>>) -> Option<Authors> {
    let header = headline.and_then(|h| h.ancestors().filter_map(ElementRef::wrap).nth(2));
    let areas = std::iter::once(root).chain(header.filter(|h| !h.ancestors().any(|a| a.id() == root.id())));
    for area in areas {
        for el in area.descendent_elements() {
            let counts = dom::counts(el);
            if counts.text < 4
                || counts.text > 80
                || !visible_text_may_open_with(el, BYLINE_WORDS)
                || outside_article(el, area)
                || is_invisible(el)
            {
                continue;
            }
            if !byline::starts_with_label(&element_text(el)) {
                continue;
            }
            let text = byline_text(el);
            if is_prose(&text) {
                continue;
            }
            let parsed = byline::parse(&text, false);
            if parsed.labelled && !parsed.authors.is_empty() {
                return Some(Authors::strong(parsed.authors));
            }
        }
    }
    None
}

pub(crate) fn publication_date(
    doc: &Html,
    json_ld: &JsonLd,
    meta: &MetaTags,
    (body, root, headline): (ElementRef<'_>, ElementRef<'_>, Option<ElementRef<'_>>),
    url: Option<&str>,
    content: &Content,
) -> (Option<NaiveDate>, Option<DateSource>) {
    // No headline was found: a heading that reads as the page's title stands in for it.
    let headline = headline.or_else(|| title_heading(doc, meta, body));
    const KEYS: &[&str] = &[
        "article:published_time",
        "og:article:published_time",
        "article:published",
        "datepublished",
        "publishdate",
        "publish-date",
        "publish_date",
        "pubdate",
        "published_time",
        "og:published_time",
        "sailthru.date",
        "parsely-pub-date",
        "dc.date.issued",
        "dcterms.issued",
        "dc.date",
        "dcterms.date",
        "dcterms.created",
        "date",
        "citation_publication_date",
        "article.published",
        "originalpublicationdate",
        "published",
        "publication_date",
        "date_published",
        "article:published_date",
        "pub_date",
        "publish_time",
        "published-date",
        "publication-date",
    ];
    let labelled = labelled_date(body, root);
    let metadata = json_ld.published.map(|d| (d, DateSource::JsonLd)).or_else(|| {
        KEYS.iter().find_map(|k| meta.first(&[k]).and_then(date::find_date)).map(|d| (d, DateSource::Meta))
    });
    if let Some((date, source)) = metadata {
        // Metadata often gives the time in UTC: the day in the URL is the site's own.
        if let Some(day) = url.and_then(date::date_in_url)
            && (day - date).num_days().abs() == 1
        {
            return (Some(day), Some(DateSource::Url));
        }
        // The date the page shows under a publication label is the one its readers see;
        // metadata that says otherwise is a CMS's own record (when the item was created,
        // imported or republished). Webflow's JSON-LD date is when the page was last
        // published from its editor: there the date shown by the headline is the article's.
        let webflow = doc.root_element().attr("data-wf-site").is_some();
        let header_date = if webflow { header_dates(body, root, headline, None).published } else { None };
        if let Some(shown) = labelled.or(header_date).filter(|d| *d != date) {
            return (Some(shown), Some(DateSource::Text));
        }
        // A date shown right by the headline that is neither the metadata's publication date
        // nor its last change is the article's own (the metadata dates a re-import or a
        // republication). A day either way is a time zone, not another date.
        let modified = json_ld.modified.or_else(|| meta_modified(meta));
        let apart = |a: NaiveDate, b: NaiveDate| (a - b).num_days().abs() > 1;
        if let Some(shown) = header_dates(body, root, headline, Some(NEAR_HEADLINE)).published
            && apart(shown, date)
            && modified.is_none_or(|m| apart(shown, m))
        {
            return (Some(shown), Some(DateSource::Text));
        }
        return (Some(date), Some(source));
    }
    if let Some(date) = labelled {
        return (Some(date), Some(DateSource::Text));
    }
    if let Some(date) = time_element_date(body, root) {
        return (Some(date), Some(DateSource::TimeElement));
    }
    if let Some(date) = url.and_then(date::date_in_url) {
        return (Some(date), Some(DateSource::Url));
    }
    let header = header_dates(body, root, headline, None);
    if let Some(date) = content.byline_date.or(header.published).or_else(|| visible_date(body, root)) {
        return (Some(date), Some(DateSource::Text));
    }
    if let Some(date) = script_date(doc) {
        return (Some(date), Some(DateSource::Meta));
    }
    let titles: Vec<String> = headline
        .map(element_text)
        .into_iter()
        .chain(meta.first(&["og:title", "twitter:title"]).map(clean_space))
        .chain(document_title(doc))
        .collect();
    if let Some(date) = own_entry_date(body, &titles) {
        return (Some(date), Some(DateSource::TimeElement));
    }
    // Nothing says when the page was published: when it was last updated is the closest
    // date the page gives (never a date from a comment, a sidebar or a footer).
    if let Some(date) = json_ld.modified {
        return (Some(date), Some(DateSource::JsonLd));
    }
    if let Some(date) = meta_modified(meta) {
        return (Some(date), Some(DateSource::Meta));
    }
    match header.updated.or_else(|| updated_line(body, root)) {
        Some(date) => (Some(date), Some(DateSource::Text)),
        None => (None, None),
    }
}

/// The first `<h1>`, `<h2>` or `<h3>` outside navigation whose text is the page's title
/// (`og:title` or the `<title>`, whole or before a separator), as a stand-in headline.
fn title_heading<'a>(doc: &Html, meta: &MetaTags, body: ElementRef<'a>) -> Option<ElementRef<'a>> {
    let titles: Vec<String> = meta
        .first(&["og:title", "twitter:title"])
        .map(|t| clean_space(&decode_entities(t)))
        .into_iter()
        .chain(document_title(doc))
        .map(|t| t.to_lowercase())
        .collect();
    let is_title = |text: &str| {
        let text = text.to_lowercase();
        text.chars().count() >= 10 && titles.iter().any(|t| is_title_or_its_head(t, &text))
    };
    body.descendent_elements()
        .filter(|e| matches!(e.value().name(), "h1" | "h2" | "h3"))
        .filter(|e| dom::counts(*e).text <= 300)
        .find(|e| is_title(&element_text(*e)) && !outside_article(*e, body) && !is_invisible(*e))
}

/// Whether `text` is `title`, whole or before one of its separators ("Headline | Site"), both
/// already folded to one case.
fn is_title_or_its_head(title: &str, text: &str) -> bool {
    title == text
        || title
            .strip_prefix(text)
            .is_some_and(|rest| TITLE_SEPARATORS.iter().any(|sep| rest.starts_with(sep)))
}

/// When the `<meta>` tags say the page last changed.
fn meta_modified(meta: &MetaTags) -> Option<NaiveDate> {
    const MODIFIED: &[&str] = &["article:modified_time", "og:updated_time", "datemodified", "last-modified"];
    MODIFIED.iter().find_map(|k| meta.first(&[k]).and_then(date::find_date))
}

/// How far from the headline a date counts as shown with it: characters of text (spaces not
/// counted) between the two, room for a standfirst and a byline. (On WCXB dev any bound from
/// 200 to 1000 dates the same pages.)
const NEAR_HEADLINE: u32 = 300;

/// "Published", "Posted on", "Publication date" and the like, at the start of a line.
static PUBLISHED_LABEL: LazyLock<Option<regex::Regex>> = LazyLock::new(|| {
    regex::Regex::new(
        r"(?i)^(?:this\s+(?:article|story|post|page)\s+was\s+)?(?:first\s+|originally\s+)?(?:published|posted|publish\s+date|date\s+published|publication\s+date|release\s+date)(?:\s+(?:on|at))?(?:\s+the)?\s*:?\s*",
    )
    .ok()
});

/// "Updated", "Last updated", "Page updated", "Last modified" at the start of a line.
static UPDATED_LABEL: LazyLock<Option<regex::Regex>> = LazyLock::new(|| {
    regex::Regex::new(r"(?i)^(?:last\s+|page\s+)?(?:updated|modified|reviewed)(?:\s+on)?\s*:?\s*").ok()
});

/// A date under an explicit publication label: "Published: 3 May 2024", "Posted on the
/// 03/05/2024 at 19:00", or a "Published" heading over an element that holds the date, in an
/// element of a sentence's length at most ("This article was originally published on 26 Sep
/// 2019 at 4:12pm but has been regularly updated..."). Not from comments, navigation or lists
/// of other posts.
fn labelled_date(body: ElementRef<'_>, root: ElementRef<'_>) -> Option<NaiveDate> {
    let label = PUBLISHED_LABEL.as_ref()?;
    for (el, text, label_end) in labelled(body, (label, PUBLISHED_WORDS), 4..=160) {
        if not_the_articles(el, root) || is_invisible(el) {
            continue;
        }
        let mut rest = &text[label_end..];
        // "Published Publish date 3 May 2024": a visible label and one for screen readers.
        while let Some(again) = label.find(rest).filter(|m| m.end() > 0) {
            rest = &rest[again.end()..];
        }
        // The label alone: the date is in the next element ("<h4>Published</h4><p>3 May 2024</p>").
        let rest = if rest.trim().is_empty() {
            let next = el.next_siblings().filter_map(ElementRef::wrap).find(|n| !is_invisible(*n));
            match next {
                Some(next) if dom::counts(next).text <= 60 => element_text(next),
                _ => continue,
            }
        } else {
            rest.to_owned()
        };
        // The date comes right after the label ("Posted by Ana Ruiz on 3 May" is a byline).
        if let Some(date) = date_right_after(byline::before_update(&rest)) {
            return Some(date);
        }
    }
    None
}

/// Elements of `body` whose text, `len` characters long, opens with `label`: each with its
/// text and where the label ends in it.
fn labelled<'a>(
    body: ElementRef<'a>,
    (label, words): (&'a regex::Regex, &'a [&'a str]),
    len: std::ops::RangeInclusive<u32>,
) -> impl Iterator<Item = (ElementRef<'a>, String, usize)> + 'a {
    body.descendent_elements().filter_map(move |el| {
        if !len.contains(&dom::counts(el).text)
            || !may_open_with(el, words)
            || !label.is_match(&text_start(el))
        {
            return None;
        }
        let text = element_text(el);
        let end = label.find(&text)?.end();
        Some((el, text, end))
    })
}

/// A date at the start of `rest`, at most one word in ("on 3 May 2024").
fn date_right_after(rest: &str) -> Option<NaiveDate> {
    let (pos, date) = date::find_date_at(rest)?;
    (rest[..pos].split_whitespace().count() <= 1).then_some(date)
}

/// Whether `el` is in comments, navigation, a list item or an `<aside>` or `<footer>` outside
/// the article: places where a labelled date belongs to something else than the article. (A
/// block classed as a sidebar may hold the article's details.)
fn not_the_articles(el: ElementRef<'_>, root: ElementRef<'_>) -> bool {
    use domain::BoilerplateKind::{Comments, Navigation};
    std::iter::once(el)
        .chain(el.ancestors().filter_map(ElementRef::wrap))
        .take(MAX_WALK)
        .take_while(|a| a.id() != root.id() && !matches!(a.value().name(), "body" | "html"))
        .any(|a| {
            let name = a.value().name();
            matches!(name, "nav" | "li")
                || matches!(name, "aside" | "footer") && !a.ancestors().take(MAX_WALK).any(is_article_element)
                || matches!(hints(a).section, Some(Comments))
                || matches!(hints(a).section, Some(Navigation)) && !has_class_token(a, "footer")
        })
}

/// A "Last updated: 3 May 2024" line in the article: the closest date a page gives when
/// nothing says when it was published.
fn updated_line(body: ElementRef<'_>, root: ElementRef<'_>) -> Option<NaiveDate> {
    let label = UPDATED_LABEL.as_ref()?;
    for (el, text, label_end) in labelled(body, (label, UPDATED_WORDS), 6..=60) {
        if outside_article(el, root) || is_invisible(el) {
            continue;
        }
        if let Some(date) = date_right_after(&text[label_end..]) {
            return Some(date);
        }
    }
    None
}

/// Dates shown in the article's header: short elements near the headline (or at the top of
/// the content) that are a date, a byline with a date, or a "Published" label over a date.
#[derive(Default)]
struct HeaderDates {
    pub(crate) published: Option<NaiveDate>,
    /// A "Last updated" date, used only when nothing else dates the page.
    pub(crate) updated: Option<NaiveDate>,
}

/// With `near`, only elements at most that many characters of text away from the headline.
fn header_dates(
    body: ElementRef<'_>,
    root: ElementRef<'_>,
    headline: Option<ElementRef<'_>>,
    near: Option<u32>,
) -> HeaderDates {
    let mut out = HeaderDates::default();
    let Some(headline) = headline else { return out };
    // Up to three levels above the headline, never the whole body (unless the body is all
    // the article there is).
    let Some(area) = headline
        .ancestors()
        .filter_map(ElementRef::wrap)
        .take(3)
        .take_while(|a| a.id() != body.id() || root.id() == body.id())
        .last()
    else {
        return out;
    };
    for el in area.descendent_elements() {
        let counts = dom::counts(el);
        if counts.text < 6
            || counts.text > 60
            || !may_hold_year(el)
            || outside_article(el, area)
            || is_invisible(el)
            || near.is_some_and(|n| text_distance(area, headline, el) > n)
            || in_link_card(el)
        {
            continue;
        }
        let text = byline_text(el);
        let Some((pos, date)) = date::find_date_at(&text) else { continue };
        let label = text[..pos].trim().trim_end_matches(':').trim().to_lowercase();
        let published_label = matches!(
            label.as_str(),
            "" | "published" | "posted" | "published on" | "posted on" | "date" | "on" | "first published"
        );
        let updated_label = matches!(
            label.as_str(),
            "updated"
                | "last updated"
                | "updated on"
                | "last updated on"
                | "modified"
                | "last modified"
                | "reviewed"
        );
        if published_label && (boilerplate::is_date_line(&text) || !label.is_empty()) && !labelled_updated(el)
        {
            out.published = Some(date);
            return out;
        }
        if byline::starts_with_label(&text) {
            if let Some(date) = date::find_date(byline::before_update(&text)) {
                out.published = Some(date);
                return out;
            }
            continue;
        }
        // A name and a date: "Ana Ruiz | Senior Writer | 2 July 2025".
        let bare = byline::parse(&text, true);
        if !bare.authors.is_empty()
            && let Some(date) = bare.date
        {
            out.published = Some(date);
            return out;
        }
        if updated_label && out.updated.is_none() {
            out.updated = Some(date);
        }
    }
    out
}

/// Whether `el` is in a link that holds more than it: a card that leads to another page (its
/// title, a teaser and its date), whose date is that page's. A link around the date alone (a
/// permalink, a day's archive) is the page's own.
fn in_link_card(el: ElementRef<'_>) -> bool {
    let own = dom::counts(el).text;
    el.ancestors()
        .take(MAX_WALK)
        .filter_map(ElementRef::wrap)
        .find(|a| a.value().name() == "a")
        .is_some_and(|a| dom::counts(a).text > own.saturating_add(40))
}

/// Characters of text (spaces not counted) between `a` and `b`, two elements inside `area`
/// (0 when one holds the other).
fn text_distance(area: ElementRef<'_>, a: ElementRef<'_>, b: ElementRef<'_>) -> u32 {
    let span = |el: ElementRef<'_>| {
        let start = text_offset(area, el);
        (start, start.saturating_add(dom::counts(el).text))
    };
    let ((a_start, a_end), (b_start, b_end)) = (span(a), span(b));
    // One of the two gaps is zero: the other is the distance (both zero when they overlap).
    b_start.saturating_sub(a_end).max(a_start.saturating_sub(b_end))
}

/// Characters of text (spaces not counted) in `area` before `el` starts: the text of every
/// earlier sibling of `el` and of its ancestors up to `area`.
fn text_offset(area: ElementRef<'_>, el: ElementRef<'_>) -> u32 {
    let mut offset: u32 = 0;
    for node in std::iter::once(*el).chain(el.ancestors()).take(MAX_WALK) {
        if node.id() == area.id() {
            break;
        }
        for sibling in node.prev_siblings() {
            let text = match sibling.value() {
                Node::Text(t) => dom::non_space_chars(t),
                Node::Element(_) => ElementRef::wrap(sibling).map_or(0, |e| dom::counts(e).text),
                _ => 0,
            };
            offset = offset.saturating_add(text);
        }
    }
    offset
}

/// Whether the text under `el` may hold a four-digit year: four characters that may be digits
/// (ASCII digits, or bytes of non-ASCII characters: `\d` also matches other scripts'
/// digits). Counted over every text node, so that no text built from them (lines, bylines)
/// can hold a date when this says no.
fn may_hold_year(el: ElementRef<'_>) -> bool {
    let mut digits = 0;
    for piece in el.text() {
        digits += piece.bytes().filter(|&b| date::may_be_digit(b)).count();
        if digits >= 4 {
            return true;
        }
    }
    false
}

/// The `<time>` of the page's own entry in a list of posts ("Recent posts" in a sidebar): a
/// small item whose link reads as the headline or the page's title (whole, or before a
/// separator: "Headline | Site").
fn own_entry_date(body: ElementRef<'_>, titles: &[String]) -> Option<NaiveDate> {
    let titles: Vec<String> = titles.iter().map(|t| t.to_ascii_lowercase()).collect();
    let names_page = |text: &str| {
        text.chars().count() >= 15
            && titles.iter().any(|t| is_title_or_its_head(t, &text.to_ascii_lowercase()))
    };
    for el in body.descendent_elements().filter(|e| e.value().name() == "time") {
        for item in el.ancestors().filter_map(ElementRef::wrap).take(3) {
            // The item, not the list: one `<time>` in it.
            let times = item.descendent_elements().filter(|e| e.value().name() == "time").count();
            if dom::counts(item).text > 300 || times > 1 {
                break;
            }
            let links_here =
                item.descendent_elements().any(|a| a.value().name() == "a" && names_page(&element_text(a)));
            if links_here {
                let [datetime] = attrs(el, ["datetime"]);
                let value = datetime.map_or_else(|| element_text(el), str::to_owned);
                return date::find_date(&value);
            }
        }
    }
    None
}

/// A publication date in a page's own script data (`"publishedDate": "2019-08-16…"`), when
/// the scripts name exactly one: a page of teasers names many.
fn script_date(doc: &Html) -> Option<NaiveDate> {
    static KEY: LazyLock<Option<regex::Regex>> = LazyLock::new(|| {
        regex::Regex::new(
            r#"["']?(?:datePublished|publishedDate|publishDate|publishedAt|published_at|publish_date|first_publication_date|date_published|publicationDate)\\?["']?\s*:\s*\\?["'](\d{4}-\d{2}-\d{2})"#,
        )
        .ok()
    });
    let key = KEY.as_ref()?;
    let mut found: Option<NaiveDate> = None;
    for script in dom::elements_named(doc, "script") {
        for text in script.text() {
            for caps in key.captures_iter(text) {
                let date = caps.get(1).and_then(|m| date::find_date(m.as_str()))?;
                match found {
                    Some(d) if d != date => return None,
                    _ => found = Some(date),
                }
            }
        }
    }
    found
}

/// The first `<time>` (or `itemprop=datePublished` element) outside boilerplate sections,
/// preferring one inside the content root's article.
fn time_element_date(body: ElementRef<'_>, root: ElementRef<'_>) -> Option<NaiveDate> {
    let mut best: Option<(bool, NaiveDate)> = None;
    for el in body.descendent_elements() {
        let is_time = el.value().name() == "time";
        let [itemprop] = attrs(el, ["itemprop"]);
        let is_published = itemprop.is_some_and(|p| p.eq_ignore_ascii_case("datepublished"));
        if !is_time && !is_published {
            continue;
        }
        if outside_article(el, root) {
            continue;
        }
        let value = el
            .attr("datetime")
            .or_else(|| el.attr("content"))
            .map(str::to_owned)
            .unwrap_or_else(|| element_text(el));
        let Some(found) = date::find_date(byline::before_update(&value)) else { continue };
        if !is_published && labelled_updated(el) {
            continue;
        }
        let near = is_published
            || root.id() == el.id()
            || el.ancestors().any(|a| a.id() == root.id() || is_article_element(a));
        if near {
            return Some(found);
        }
        if best.is_none() {
            best = Some((near, found));
        }
    }
    best.map(|(_, d)| d)
}

/// A date in a visible byline or date element ("Wednesday 11 August 2021, 09:30 BST").
fn visible_date(body: ElementRef<'_>, root: ElementRef<'_>) -> Option<NaiveDate> {
    for el in body.descendent_elements() {
        let hints = hints(el);
        if !(hints.date || hints.byline) || outside_article(el, root) || in_link_card(el) {
            continue;
        }
        let text = element_text(el);
        if text.is_empty() || text.len() > 200 {
            continue;
        }
        if let Some(found) = date::find_date(byline::before_update(&text))
            && !labelled_updated(el)
        {
            return Some(found);
        }
    }
    None
}

/// Whether the line around `el` labels its date as an update ("Updated <time>3 May</time>").
fn labelled_updated(el: ElementRef<'_>) -> bool {
    let Some(parent) = el.parent().and_then(ElementRef::wrap) else { return false };
    if dom::counts(parent).text > 200 {
        return false;
    }
    let line = element_text(parent);
    let own = element_text(el);
    match line.find(own.trim()) {
        Some(pos) if !own.trim().is_empty() => byline::before_update(&line[..pos]).len() < pos,
        _ => false,
    }
}

pub(crate) fn is_article_element(node: NodeR<'_>) -> bool {
    ElementRef::wrap(node).is_some_and(|e| e.value().name() == "article" || e.value().name() == "main")
}

pub(crate) fn document_title(doc: &Html) -> Option<String> {
    doc.root_element()
        .descendent_elements()
        .find(|e| e.value().name() == "title")
        .map(element_text)
        .filter(|t| !t.is_empty())
}

const TITLE_SEPARATORS: &[&str] = &[" | ", " - ", " — ", " – ", " :: ", " · ", " // ", " • ", " » ", " ~ "];

/// "Headline | Site" → "Headline" when the tail is the site name or short.
#[cfg(test)]
pub(crate) fn strip_site_name(title: &str, site: Option<&str>) -> String {
    strip_site(title, site, None)
}

/// "Headline | Site" → "Headline" when the tail is the site (its name, its host or a domain
/// name) or short; "Site | Headline" → "Headline". A site named twice goes twice.
pub(crate) fn strip_site(title: &str, site: Option<&str>, url: Option<&str>) -> String {
    without_labels(&strip_site_once(title, site, url))
}

/// "Headline | Opinion", "Headline | Top 19 Companies", "Headline | Origin, Facts, & Timeline":
/// a headline rarely holds a pipe, so what follows one is a section, a tagline or a list of
/// keywords when every part after the first is short (four words at most, after a head of
/// four words or more) or a comma list.
/// A long part after a pipe ("Ten cameras | The best mirrorless cameras on the market") may be
/// the headline's own subtitle and stays.
pub(crate) fn without_labels(title: &str) -> String {
    let mut parts = title.split(" | ");
    let Some(head) = parts.next() else { return title.to_owned() };
    let rest: Vec<&str> = parts.collect();
    // A short head may be the site's name before a short headline ("Rights Watch | Syria").
    let head_words = head.split_whitespace().count();
    let label = |part: &str| {
        let words = part.split_whitespace().count();
        (1..=4).contains(&words) && head_words >= 4 || part.matches(',').count() >= 2 && head_words >= 2
    };
    if rest.is_empty() || !rest.iter().all(|p| label(p)) {
        return title.to_owned();
    }
    head.trim().to_owned()
}

fn strip_site_once(title: &str, site: Option<&str>, url: Option<&str>) -> String {
    let title = clean_space(title);
    for sep in TITLE_SEPARATORS {
        if let Some(pos) = title.rfind(sep) {
            let (head, tail) = (title[..pos].trim(), title[pos + sep.len()..].trim());
            let named = names_site(tail, site, url);
            let short = tail.split_whitespace().count() <= 4 && head.split_whitespace().count() >= 4;
            if named && !head.is_empty() {
                return strip_site_once(head, site, url);
            }
            if short && !head.is_empty() {
                return head.to_owned();
            }
        }
        // "Site | Headline"
        if let Some(pos) = title.find(sep) {
            let (head, tail) = (title[..pos].trim(), title[pos + sep.len()..].trim());
            if site.is_some_and(|s| s.eq_ignore_ascii_case(head)) && !tail.is_empty() {
                return tail.to_owned();
            }
        }
    }
    // "example.com Headline"
    if let Some((first, rest)) = title.split_once(' ')
        && is_domain_name(first)
        && !rest.trim().is_empty()
    {
        return rest.trim().to_owned();
    }
    title
}

/// Whether `text` names the site: its name (or most of it), a label of its host, or a
/// domain name ("Example.com").
fn names_site(text: &str, site: Option<&str>, url: Option<&str>) -> bool {
    let squashed = squash(text);
    if squashed.len() < 3 {
        return false;
    }
    let site_match = site.map(squash).is_some_and(|s| {
        s == squashed
            || s.len() >= 4 && squashed.len() >= 4 && (s.contains(&squashed) || squashed.contains(&s))
    });
    let host_match = url.is_some_and(|u| {
        host_labels(u).iter().any(|l| l.len() >= 4 && (squashed == *l || squashed.contains(l.as_str())))
    });
    site_match || host_match || is_domain_name(text)
}

/// "Example.com", "news.example.org": one word, a dot and a top-level domain.
fn is_domain_name(text: &str) -> bool {
    let text = text.trim();
    !text.contains(char::is_whitespace)
        && text.rsplit_once('.').is_some_and(|(head, tld)| {
            !head.is_empty() && (2..=6).contains(&tld.len()) && tld.chars().all(|c| c.is_ascii_alphabetic())
        })
}

/// The distinctive labels of a URL's host, squashed ("clemson" for news.clemson.edu).
fn host_labels(url: &str) -> Vec<String> {
    let host = url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split(['/', '?', '#', ':']).next())
        .unwrap_or("")
        .to_ascii_lowercase();
    let labels: Vec<&str> = host.split('.').collect();
    labels
        .iter()
        .take(labels.len().saturating_sub(1))
        .filter(|l| l.len() >= 4 && !SUBDOMAIN_WORDS.contains(l))
        .map(|l| squash(l))
        .collect()
}

/// The headline a page shows, tidied: the site's name after a separator, a date run into it
/// ("Dec 18 2025 Preparing a transition") or a label before it ("Blog: ...") goes when the
/// metadata title is the rest.
pub(crate) fn tidy_headline(
    headline: &str,
    meta_title: Option<&str>,
    site: Option<&str>,
    url: Option<&str>,
) -> String {
    let headline = without_labels(&clean_space(&decode_entities(headline)));
    let mut out = headline.clone();
    for sep in TITLE_SEPARATORS {
        if let Some(pos) = out.rfind(sep) {
            let (head, tail) = (out[..pos].trim(), out[pos + sep.len()..].trim());
            if !head.is_empty() && names_site(tail, site, url) {
                out = head.to_owned();
            }
        }
    }
    let Some(meta) = meta_title.filter(|m| m.split_whitespace().count() >= 3) else { return out };
    // A headline set in capitals by its markup ("BEST DRIP COFFEE MAKERS") is written in the
    // metadata as it reads.
    let lower = out.to_lowercase();
    if out.chars().any(char::is_uppercase)
        && !out.chars().any(char::is_lowercase)
        && meta.chars().any(char::is_lowercase)
        && meta.to_lowercase() == lower
    {
        return meta.to_owned();
    }
    let Some(pos) = lower.find(&meta.to_lowercase()) else { return out };
    let (before, after) = (&out[..pos], &out[pos + meta.len()..]);
    let extra = format!("{before} {after}");
    let extra = extra.trim();
    let words = extra.split_whitespace().count();
    let is_date = words <= 5 && date::find_date(extra).is_some();
    let is_label = words == 1 && before.trim_end().ends_with(':') && after.trim().is_empty();
    // A standfirst run into the headline with nothing between them but a space: "Tax 101:
    // the basics A guide to the taxes people pay, and why they matter".
    let is_standfirst = before.trim().is_empty()
        && words >= 6
        && after.starts_with(' ')
        && after.trim_start().chars().next().is_some_and(char::is_uppercase)
        && !meta.ends_with(|c: char| c.is_ascii_punctuation());
    if (is_date || is_label || is_standfirst)
        && out.is_char_boundary(pos)
        && out.is_char_boundary(pos + meta.len())
    {
        return out[pos..pos + meta.len()].to_owned();
    }
    out
}

/// Whether a page's only heading is the site's name rather than the article's: the site or
/// a domain name, the part of the `<title>` after the headline, or "Someone's Blog".
pub(crate) fn is_site_heading(
    heading: &str,
    raw_title: Option<&str>,
    site: Option<&str>,
    url: Option<&str>,
) -> bool {
    let heading = heading.trim();
    let words = heading.split_whitespace().count();
    if words == 0 || words > 4 {
        return false;
    }
    let squashed = squash(heading);
    let title_tail = raw_title.is_some_and(|t| {
        let t = clean_space(t);
        TITLE_SEPARATORS.iter().any(|sep| {
            t.rfind(sep).is_some_and(|pos| {
                squash(&t[pos + sep.len()..]) == squashed && squash(&t[..pos]).len() > squashed.len()
            })
        })
    });
    let blog = heading.split_whitespace().last().is_some_and(|w| w.eq_ignore_ascii_case("blog"));
    let host = url.is_some_and(|u| host_labels(u).contains(&squashed));
    title_tail || blog || host || is_domain_name(heading) || site.is_some_and(|s| squash(s) == squashed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::read_html;

    const BODY: &str = "<p>Officials sent forty fishermen back across the strait on Friday, their families \
        said, in the first such return this year.</p><p>The men were driven to the port, put on a ferry \
        and handed to the coast guard on the other side, two relatives said on Saturday.</p>";

    /// A page with `head` in its `<head>`, `before` between the headline and the text and
    /// `after` after the article.
    fn page(head: &str, before: &str, after: &str) -> String {
        format!(
            "<!doctype html><html><head><title>Boats sent back at dawn | The Lantern</title>{head}</head>\
             <body><main><article><h1>Boats sent back at dawn</h1>{before}<div class=\"article-body\">{BODY}</div>\
             </article>{after}</main></body></html>"
        )
    }

    fn author(html: &str) -> Option<String> {
        read_html(html, Some("https://lantern.example/news/boats"), &mut Vec::new()).author
    }

    #[test]
    fn a_handle_in_meta_gives_way_to_a_person_in_the_byline() {
        let handle = r#"<meta name="author" content="mholt_desk">"#;
        assert_eq!(author(&page(handle, "", "")).as_deref(), Some("mholt_desk"));
        let with_byline = page(handle, r#"<p class="byline">By Mira Holt</p>"#, "");
        assert_eq!(author(&with_byline).as_deref(), Some("Mira Holt"));
    }

    #[test]
    fn the_publisher_named_as_author_gives_way_to_a_person() {
        let ld = r#"<meta property="og:site_name" content="Harbor Clinic">
            <script type="application/ld+json">{"@type":"NewsArticle","author":{"@type":"Person","name":"Harbor Clinic"}}</script>"#;
        assert_eq!(author(&page(ld, "", "")).as_deref(), Some("Harbor Clinic"));
        let with_byline = page(ld, r#"<div class="meta"><span>Written by Tomas Reyes</span></div>"#, "");
        assert_eq!(author(&with_byline).as_deref(), Some("Tomas Reyes"));
        // A name that is the site's host is the publisher too.
        let host = r#"<meta name="author" content="The Lantern Group">"#;
        let with_byline = page(host, r#"<p>By Ana Ruiz</p>"#, "");
        assert_eq!(author(&with_byline).as_deref(), Some("Ana Ruiz"));
        // The creator's own social handle names the writer, not the publisher.
        let creator =
            r#"<meta name="twitter:creator" content="@MiraHolt"><meta name="author" content="Mira Holt">"#;
        let with_byline = page(creator, r#"<p>By Ana Ruiz</p>"#, "");
        assert_eq!(author(&with_byline).as_deref(), Some("Mira Holt"));
    }

    #[test]
    fn scholarly_authors_in_reading_order() {
        let head = r#"<meta name="citation_author" content="Ruiz, Ana"><meta name="citation_author" content="Tom Lee">"#;
        assert_eq!(author(&page(head, "", "")).as_deref(), Some("Ana Ruiz; Tom Lee"));
    }

    #[test]
    fn team_credits_and_single_names_when_no_person_is_named() {
        let team = page("", r#"<p class="authorName">Lantern Staff</p>"#, "");
        assert_eq!(author(&team).as_deref(), Some("Lantern Staff"));
        let labelled = page("", r#"<div class="post-meta">By the Lantern Team</div>"#, "");
        assert_eq!(author(&labelled).as_deref(), Some("the Lantern Team"));
        let first_name = page("", r#"<div class="author"><a href="/u/kesi">Kesi</a></div>"#, "");
        assert_eq!(author(&first_name).as_deref(), Some("Kesi"));
        let handle = page("", r#"<a rel="author" href="/u/mholt">mholt</a>"#, "");
        assert_eq!(author(&handle).as_deref(), Some("mholt"));
    }

    #[test]
    fn bylines_outside_the_text_and_glued_spans() {
        // The page's layout classes ("sidebar", "footer") on wrappers are not sections.
        let html = format!(
            "<!doctype html><html><head><title>Boats</title></head><body class=\"content-sidebar footer-widgets\">\
             <div class=\"has-rail-right\"><header><h1>Boats sent back at dawn</h1>\
             <div class=\"entry-meta\"><span class=\"author\"><span class=\"author-name\">Mira Holt</span><span>Editor</span></span></div>\
             </header><div class=\"article-body\">{BODY}</div></div>\
             <aside class=\"sidebar\"><p class=\"byline\">By Other Writer</p></aside></body></html>"
        );
        assert_eq!(author(&html).as_deref(), Some("Mira Holt"));
    }

    #[test]
    fn a_byline_in_the_share_bar() {
        let bar = "<div class=\"Story_socialContainer__x1\"><div class=\"Author_wrapper__x2\">\
             <p class=\"Author_name__x3\">Mira Holt</p><p><span class=\"Author_time__x4\">2022-11-23T08:10+02:00</span></p>\
             </div><ul class=\"Share_links__x5\"><li><a href=\"/share\">Share</a></li></ul></div>";
        let html = page("", bar, "");
        assert_eq!(author(&html).as_deref(), Some("Mira Holt"));
        assert_eq!(published(&html).as_deref(), Some("2022-11-23"));
        // A share bar with no byline in it is no place to look for one.
        let bar = "<div class=\"share-bar\"><p>By Other Writer on 2020-01-02</p></div>";
        assert_eq!(author(&page("", bar, "")), None);
    }

    #[test]
    fn json_ld_written_as_a_meta_tag() {
        let ld = r#"<meta name="script:ld+json" content="{&quot;@type&quot;:&quot;Article&quot;,&quot;datePublished&quot;:&quot;2021-04-05T09:00:00-05:00&quot;}">"#;
        assert_eq!(published(&page(ld, "", "")).as_deref(), Some("2021-04-05"));
    }

    #[test]
    fn the_date_of_the_pages_own_entry_in_recent_posts() {
        let recent = "<aside class=\"sidebar\"><h3>Recent posts</h3><div class=\"post-item\">\
             <h4><a href=\"/b\">Nets mended on the quay</a></h4><time datetime=\"2021-03-01\">1 March</time></div>\
             <div class=\"post-item\"><h4><a href=\"/a\">Boats sent back at dawn</a></h4>\
             <time datetime=\"2021-02-03\">3 February</time></div></aside>";
        assert_eq!(published(&page("", "", recent)).as_deref(), Some("2021-02-03"));
    }

    fn published(html: &str) -> Option<String> {
        read_html(html, Some("https://lantern.example/news/boats"), &mut Vec::new())
            .published
            .map(|d| d.to_string())
    }

    #[test]
    fn a_publication_label_over_a_date() {
        let sidebar = page("", "", r#"<div class="post-sidebar"><h4>Published</h4><p>3 May 2024</p></div>"#);
        assert_eq!(published(&sidebar).as_deref(), Some("2024-05-03"));
        let twice = page(
            "",
            r#"<div class="meta"><h4>Published</h4><h3 class="sr-only">Publish date</h3><time datetime="2018-11-15">15 November 2018</time></div>"#,
            "",
        );
        assert_eq!(published(&twice).as_deref(), Some("2018-11-15"));
        let inline = page("", r#"<span>Posted on the 15/12/2025 at 19:00 by Ana</span>"#, "");
        assert_eq!(published(&inline).as_deref(), Some("2025-12-15"));
    }

    #[test]
    fn update_dates_only_when_nothing_else_dates_the_page() {
        let both = page(
            "",
            r#"<p class="meta">Updated <time datetime="2025-02-01">1 Feb 2025</time></p><p class="date">3 January 2025</p>"#,
            "",
        );
        assert_eq!(published(&both).as_deref(), Some("2025-01-03"));
        let only = page("", "", r#"<p>Last updated: 13 November 2025</p>"#);
        assert_eq!(published(&only).as_deref(), Some("2025-11-13"));
    }

    #[test]
    fn dates_in_bylines_and_layout_wrappers() {
        let byline = page("", r#"<p>Ana Ruiz | Senior Writer | 2 July 2025</p>"#, "");
        assert_eq!(published(&byline).as_deref(), Some("2025-07-02"));
        let author = page("", r#"<p class="author">Ana Ruiz<br>4 August 2010</p>"#, "");
        assert_eq!(published(&author).as_deref(), Some("2010-08-04"));
        let wrapped = format!(
            "<!doctype html><html><head><title>Boats</title></head><body>\
             <div class=\"main-wrap has-rail-right\"><article><h1>Boats sent back at dawn</h1>\
             <span class=\"story-byline\">Posted by Ana on <time>Friday December 19, 2025 @08:00PM</time></span>\
             <div>{BODY}</div></article></div></body></html>"
        );
        assert_eq!(published(&wrapped).as_deref(), Some("2025-12-19"));
    }

    #[test]
    fn site_names_leave_titles() {
        use super::{is_site_heading, strip_site, tidy_headline};
        assert_eq!(
            strip_site("Boats sent back – Lantern - Lantern", Some("Lantern"), None),
            "Boats sent back"
        );
        assert_eq!(strip_site("GAME ON | Shopfront.com", None, None), "GAME ON");
        assert_eq!(
            strip_site("Harbor news | Lantern Media", Some("Lantern Media Group"), None),
            "Harbor news"
        );
        let url = Some("https://www.lanternmedia.example/a");
        assert_eq!(strip_site("Harbor news | Lantern Media", None, url), "Harbor news");
        assert_eq!(strip_site("lanternnotes.com Boats at dawn", None, None), "Boats at dawn");
        assert_eq!(strip_site("Boats at dawn", None, None), "Boats at dawn");

        let tidy = |h: &str, meta: Option<&str>, site: Option<&str>| tidy_headline(h, meta, site, None);
        // A headline in capitals takes the metadata's letter case, when the words agree.
        assert_eq!(tidy("HOW TO FIX A BIKE", Some("How to Fix a Bike"), None), "How to Fix a Bike");
        assert_eq!(tidy("HOW TO FIX A BIKE", Some("How to Fix Any Bike"), None), "HOW TO FIX A BIKE");
        assert_eq!(tidy("How To Fix A Bike", Some("How to fix a bike"), None), "How To Fix A Bike");
        assert_eq!(
            tidy("Dec 18 2025 Preparing a transition", Some("Preparing a transition"), None),
            "Preparing a transition"
        );
        assert_eq!(tidy("Blog: Best boats of 2025", Some("Best boats of 2025"), None), "Best boats of 2025");
        assert_eq!(tidy("Best boats of 2025 – Lantern", None, Some("Lantern")), "Best boats of 2025");
        assert_eq!(
            tidy(
                "Tax 101: the basics A guide to the taxes people pay, and why they matter",
                Some("Tax 101: the basics"),
                None
            ),
            "Tax 101: the basics"
        );
        // A subtitle is the headline's own.
        assert_eq!(
            tidy("Best boats of 2025: a guide", Some("Best boats of 2025"), None),
            "Best boats of 2025: a guide"
        );

        let raw = Some("Boats at dawn | Mira Notes");
        assert!(is_site_heading("Mira Notes", raw, None, None));
        assert!(is_site_heading("Mira's Blog", None, None, None));
        assert!(is_site_heading("miranotes.org", None, None, None));
        assert!(!is_site_heading("Boats at dawn", raw, None, None));
    }

    #[test]
    fn labels_after_a_pipe_leave_titles_issue_6() {
        use super::{strip_site, tidy_headline};
        assert_eq!(strip_site("Why the harbour emptied | Opinion", None, None), "Why the harbour emptied");
        assert_eq!(
            strip_site("Best ferries of 2025 | Top 9 Lines | Lantern", Some("Lantern"), None),
            "Best ferries of 2025"
        );
        assert_eq!(strip_site("Tide tables | Origin, Uses, Facts, & Timeline", None, None), "Tide tables");
        assert_eq!(
            tidy_headline("Ten boats to watch in 2026 | Sails, Hulls & AI", None, None, None),
            "Ten boats to watch in 2026"
        );
        // A long part after the pipe is the headline's own; a short head may be the site.
        let long = "Ten boats to watch in 2026 | The best sailing boats on the market";
        assert_eq!(strip_site(long, None, None), long);
        assert_eq!(
            strip_site("Harbor Rights Watch | Boat returns", None, None),
            "Harbor Rights Watch | Boat returns"
        );
    }

    #[test]
    fn the_title_not_the_blogs_name() {
        let html = format!(
            "<!doctype html><html><head><title>Boats at dawn | Mira Notes</title></head><body>\
             <header><h1><a href=\"/\">Mira Notes</a></h1></header><article><div>{BODY}</div></article></body></html>"
        );
        let article = read_html(&html, Some("https://miranotes.example/boats"), &mut Vec::new());
        assert_eq!(article.title.as_deref(), Some("Boats at dawn"));
    }

    fn read(html: &str, url: &str) -> domain::Article {
        read_html(html, Some(url), &mut Vec::new())
    }

    #[test]
    fn the_heading_the_json_ld_names_among_several() {
        let html = format!(
            "<!doctype html><html><head><title>Ferry tips | Harbor Eats</title>\
             <meta property=\"og:title\" content=\"Ferry tips | Harbor Eats\">\
             <script type=\"application/ld+json\">{{\"@type\":\"BlogPosting\",\"headline\":\"Ferry 101: Tips for a calm crossing\"}}</script>\
             </head><body><div class=\"hero\"><h1>The Blog</h1></div><article><h1>Ferry 101: Tips for a calm crossing</h1>\
             <div>{BODY}</div></article></body></html>"
        );
        let article = read(&html, "https://harboreats.example/blog/ferry");
        assert_eq!(article.title.as_deref(), Some("Ferry 101: Tips for a calm crossing"));
    }

    #[test]
    fn a_heading_for_screen_readers_that_agrees_with_the_title() {
        let html = format!(
            "<!doctype html><html><head><title>Boats at dawn: a guide | Patient Notes | Lantern Clinic</title></head><body>\
             <h1 class=\"sr-only\">Boats at dawn: a guide | Patient Notes | Lantern Clinic</h1>\
             <article><div>{BODY}</div></article></body></html>"
        );
        let article = read(&html, "https://lanternclinic.example/notes/boats");
        assert_eq!(article.title.as_deref(), Some("Boats at dawn: a guide"));
    }

    #[test]
    fn a_headline_in_capitals_takes_the_metadata_case() {
        let html = format!(
            "<!doctype html><html><head><meta property=\"og:title\" content=\"Best Ferry Lines 2026: Tips From Sailors\"></head><body>\
             <article><h1>BEST FERRY LINES 2026: TIPS FROM SAILORS</h1><div>{BODY}</div></article></body></html>"
        );
        let article = read(&html, "https://lantern.example/ferries");
        assert_eq!(article.title.as_deref(), Some("Best Ferry Lines 2026: Tips From Sailors"));
        // A headline in ordinary case stays as written.
        let plain = html
            .replace("BEST FERRY LINES 2026: TIPS FROM SAILORS", "Best ferry lines 2026: tips from sailors");
        let article = read(&plain, "https://lantern.example/ferries");
        assert_eq!(article.title.as_deref(), Some("Best ferry lines 2026: tips from sailors"));
    }

    #[test]
    fn the_headline_in_a_hero_banner() {
        let html = format!(
            "<!doctype html><html><head><meta property=\"og:title\" content=\"Ferry lines compared | Lantern\"></head><body>\
             <nav><h1>Lantern</h1></nav><div class=\"inner-banner\"><h1>Six ferry lines and how to pick one</h1></div>\
             <article><div>{BODY}</div></article></body></html>"
        );
        let article = read(&html, "https://lantern.example/ferries");
        assert_eq!(article.title.as_deref(), Some("Six ferry lines and how to pick one"));
    }

    #[test]
    fn a_paragraph_set_as_a_heading_is_no_headline() {
        let blurb = "Learn which boats make the calmest crossing and how to pick a ferry line, with tips from \
            sailors on every route we cover. We will help you learn everything you need to know before you book a seat on any of them.";
        let html = format!(
            "<!doctype html><html><head><meta property=\"og:title\" content=\"The ten calmest ferry lines\"></head><body>\
             <article><h1>{blurb}</h1><div>{BODY}</div></article></body></html>"
        );
        let article = read(&html, "https://lantern.example/ferries");
        assert_eq!(article.title.as_deref(), Some("The ten calmest ferry lines"));
    }

    #[test]
    fn a_shown_publication_date_over_the_metadata() {
        let ld = r#"<script type="application/ld+json">{"@type":"Article","datePublished":"2025-11-29T12:00:00-05:00"}</script>"#;
        let shown = page(
            ld,
            r#"<p class="meta">Published <time datetime="2025-08-13">August 13, 2025</time></p>"#,
            "",
        );
        assert_eq!(published(&shown).as_deref(), Some("2025-08-13"));
        // An update line does not override it.
        let updated =
            page(ld, r#"<p class="meta">Updated <time datetime="2025-12-01">1 December 2025</time></p>"#, "");
        assert_eq!(published(&updated).as_deref(), Some("2025-11-29"));
    }

    #[test]
    fn a_date_by_the_headline_that_the_metadata_does_not_know() {
        let ld = r#"<script type="application/ld+json">{"@type":"Article","datePublished":"2024-08-07T12:00:00Z","dateModified":"2025-01-10"}</script>"#;
        let shown = page(ld, r#"<p class="meta"><span>Mira Holt</span> · <span>Dec 30, 2013</span></p>"#, "");
        assert_eq!(published(&shown).as_deref(), Some("2013-12-30"));
        // The last change shown by the headline, or a day off (a time zone), is no other date.
        let changed = shown.replace("Dec 30, 2013", "Jan 10, 2025");
        assert_eq!(published(&changed).as_deref(), Some("2024-08-07"));
        let a_day_off = shown.replace("Dec 30, 2013", "Aug 6, 2024");
        assert_eq!(published(&a_day_off).as_deref(), Some("2024-08-07"));
        // A standfirst may come between the headline and the byline.
        let standfirst = "<p class=\"dek\">Forty boats crossed the strait at dawn on Friday, the harbour master said, and \
            every one of them came back before the evening tide with its crew and its whole catch on board, \
            which the old skippers on the quay said they had not seen in twenty years.</p>";
        let after_standfirst = page(
            ld,
            &format!("{standfirst}<p class=\"meta\"><span>Mira Holt</span> · <span>Dec 30, 2013</span></p>"),
            "",
        );
        assert_eq!(published(&after_standfirst).as_deref(), Some("2013-12-30"));
        // A date far down the article is not shown with the headline.
        let far = page(ld, &format!("<div>{BODY}{BODY}{BODY}<p>Dec 30, 2013</p></div>"), "");
        assert_eq!(published(&far).as_deref(), Some("2024-08-07"));
    }

    #[test]
    fn a_heading_that_reads_as_the_title_stands_in_for_a_missing_headline() {
        // The page's only `<h1>` sits in a hero banner, so no headline is found; the heading
        // that reads as the `<title>` still places the date shown under it.
        let html = format!(
            "<!doctype html><html><head><title>Ferry crossings at dawn | The Lantern</title>\
             <script type=\"application/ld+json\">{{\"@type\":\"Article\",\"datePublished\":\"2025-06-12\",\"dateModified\":\"2025-06-10\"}}</script>\
             </head><body><div class=\"hero-banner\"><div><h1>Ferry crossings at dawn</h1></div>\
             <div><p>November 2, 2022</p></div></div><div class=\"article-body\">{BODY}</div></body></html>"
        );
        assert_eq!(published(&html).as_deref(), Some("2022-11-02"));
        // A heading that is not the title places nothing.
        let other = html.replace("<h1>Ferry crossings at dawn</h1>", "<h1>More from the harbour</h1>");
        assert_eq!(published(&other).as_deref(), Some("2025-06-12"));
    }

    #[test]
    fn a_date_in_a_card_that_links_to_another_page_is_that_pages() {
        let ld =
            r#"<script type="application/ld+json">{"@type":"WebPage","dateModified":"2025-10-21"}</script>"#;
        let card = r#"<div class="slider"><a href="/other/ferries/"><h3>Night ferries and how to book them</h3>
            <p>Everything you need to know before you book a berth.</p><div class="info">July 17, 2025</div></a></div>"#;
        assert_eq!(published(&page(ld, "", card)).as_deref(), Some("2025-10-21"));
        // A link around the date alone (a permalink) is the page's own.
        let permalink = r#"<p class="meta">Mira Holt · <a href="/news/boats"><span class="date">July 17, 2025</span></a></p>"#;
        assert_eq!(published(&page(ld, permalink, "")).as_deref(), Some("2025-07-17"));
    }

    #[test]
    fn a_webflow_pages_shown_date_over_its_json_ld() {
        let ld = r#"<script type="application/ld+json">{"@type":"BlogPosting","datePublished":"Jun 24, 2025","dateModified":"2024-08-25"}</script>"#;
        let html =
            page(ld, r#"<div class="post-info"><div class="text-date">August 25, 2024</div></div>"#, "");
        // Elsewhere a shown date that is the last change is no publication date.
        assert_eq!(published(&html).as_deref(), Some("2025-06-24"));
        let webflow = html.replace("<html>", r#"<html data-wf-site="a1b2" data-wf-page="c3d4">"#);
        assert_eq!(published(&webflow).as_deref(), Some("2024-08-25"));
    }

    #[test]
    fn originally_published_is_a_publication_label() {
        let html = page("", "", r#"<p class="note">This story was originally published on 26 Sep 2019</p>"#);
        assert_eq!(published(&html).as_deref(), Some("2019-09-26"));
        // A whole sentence, over a later date shown by the headline.
        let sentence = page(
            "",
            r#"<p class="date">30 Sep 2022, 11:07am</p>"#,
            r#"<p class="note">This article was originally published on 26 Sep 2019 at 4:12pm but has been
            regularly updated to keep the information in it current for our readers.</p>"#,
        );
        assert_eq!(published(&sentence).as_deref(), Some("2019-09-26"));
    }

    #[test]
    fn the_day_in_the_url_over_a_utc_time_a_day_later() {
        let head = r#"<meta property="article:published_time" content="2025-12-19T03:05:00+00:00">"#;
        let dated = |url: &str| read(&page(head, "", ""), url).published.map(|d| d.to_string());
        assert_eq!(dated("https://lantern.example/2025/12/18/boats/").as_deref(), Some("2025-12-18"));
        // A URL date further off is some other day (a series, a re-post): the metadata stays.
        assert_eq!(dated("https://lantern.example/2025/12/10/boats/").as_deref(), Some("2025-12-19"));
    }

    #[test]
    fn sentences_that_start_like_bylines() {
        let prose = page("", "", r#"<p>By Christmas, the harbour was full again.</p>"#);
        assert_eq!(author(&prose), None);
    }

    #[test]
    fn labels_that_are_no_bylines() {
        let heading = page("", "", r#"<h3>Text Messaging</h3><ul><li>The Long Road by Aria Vance</li></ul>"#);
        assert_eq!(author(&heading), None);
        let modal = page("", "", r#"<div class="modal">Text Me Store Information</div>"#);
        assert_eq!(author(&modal), None);
    }

    #[test]
    fn the_first_word_check_lets_every_label_through() {
        let html = r#"<div><p> <span></span><b>Written</b> by Ana Ruiz</p><p>Ana</p><p>
            ſtory by Ana</p><p>ByAna Ruiz</p><p>Published:3 May 2024</p><p>Last updated 3 May</p>
            <p><script>x</script>By Ana Ruiz</p><p>Mostly about boats</p></div>"#;
        let doc = Html::parse_document(html);
        for el in doc.root_element().descendent_elements() {
            let start = text_start(el);
            if byline::starts_with_label(&start) {
                assert!(may_open_with(el, BYLINE_WORDS), "{start}");
            }
            if PUBLISHED_LABEL.as_ref().is_some_and(|l| l.is_match(&start)) {
                assert!(may_open_with(el, PUBLISHED_WORDS), "{start}");
            }
            if UPDATED_LABEL.as_ref().is_some_and(|l| l.is_match(&start)) {
                assert!(may_open_with(el, UPDATED_WORDS), "{start}");
            }
            if byline::starts_with_label(&element_text(el)) {
                assert!(visible_text_may_open_with(el, BYLINE_WORDS), "{start}");
            }
        }
        let p = |text: &str| Html::parse_fragment(&format!("<p>{text}</p>"));
        let doc = p("Mostly about boats");
        let el = doc.root_element().descendent_elements().find(|e| e.value().name() == "p");
        assert!(el.is_some_and(|el| !may_open_with(el, BYLINE_WORDS)));
    }
}
