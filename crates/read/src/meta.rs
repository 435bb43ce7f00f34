//! Page metadata: title, author and publication date from `<meta>` tags, JSON-LD, the
//! headline, bylines, `<time>` elements, the URL and datelines.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::DateSource;
use scraper::{ElementRef, Html};

use std::sync::LazyLock;

use domain::Diagnostic;

use crate::boilerplate;
use crate::dom;
use crate::html::{
    Content, NodeR, clean_space, decode_entities, element_text, element_text_blocks, hints, in_section,
    is_invisible,
};
use crate::{byline, date};
// ---------------------------------------------------------------------------------------
// Metadata

/// `<meta>` values by lower-cased `property`, `name` or `itemprop`; the first one wins.
pub(crate) struct MetaTags(pub(crate) HashMap<String, String>);

impl MetaTags {
    pub(crate) fn collect(doc: &Html) -> MetaTags {
        let mut map = HashMap::new();
        for el in doc.root_element().descendent_elements().filter(|e| e.value().name() == "meta") {
            let Some(content) = el.attr("content") else { continue };
            for key in ["property", "name", "itemprop"] {
                if let Some(k) = el.attr(key) {
                    map.entry(k.trim().to_ascii_lowercase()).or_insert_with(|| content.trim().to_owned());
                }
            }
        }
        MetaTags(map)
    }

    pub(crate) fn first(&self, keys: &[&str]) -> Option<&str> {
        keys.iter().find_map(|k| self.0.get(*k)).map(String::as_str).filter(|v| !v.is_empty())
    }
}

/// What the JSON-LD describing the article says.
#[derive(Default)]
pub(crate) struct JsonLd {
    pub(crate) headline: Option<String>,
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
        for script in doc.root_element().descendent_elements().filter(|e| e.value().name() == "script") {
            let is_ld = script.attr("type").is_some_and(|t| t.to_ascii_lowercase().contains("ld+json"));
            if !is_ld {
                continue;
            }
            let raw: String = script.text().collect();
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
        let mut out = JsonLd::default();
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

pub(crate) fn meta_author(meta: &MetaTags) -> Option<Vec<String>> {
    for key in [
        "author",
        "article:author",
        "byl",
        "parsely-author",
        "sailthru.author",
        "dc.creator",
        "dcterms.creator",
    ] {
        let Some(value) = meta.first(&[key]) else { continue };
        if value.contains("://") || value.starts_with('@') {
            continue;
        }
        let parsed = byline::parse(value, true);
        if !parsed.authors.is_empty() {
            return Some(parsed.authors);
        }
        if parsed.group_credit {
            continue;
        }
        let names = byline::names(value, true);
        if names.is_some() {
            return names;
        }
    }
    None
}

/// `rel=author` links, `itemprop=author` and byline elements outside boilerplate sections.
pub(crate) fn visible_author(
    body: ElementRef<'_>,
    root: ElementRef<'_>,
    headline: Option<ElementRef<'_>>,
) -> Option<Vec<String>> {
    if let Some(names) = labelled_byline(root, headline) {
        return Some(names);
    }
    let mut candidates: Vec<(u8, ElementRef<'_>)> = Vec::new();
    for el in body.descendent_elements() {
        let rank = if el.attr("rel").is_some_and(|r| r.split_whitespace().any(|t| t == "author")) {
            0
        } else if el.attr("itemprop").is_some_and(|p| p == "author" || p == "creator") {
            1
        } else {
            if hints(el).byline {
                2
            } else {
                continue;
            }
        };
        if in_section(el, root) {
            continue;
        }
        candidates.push((rank, el));
    }
    candidates.sort_by_key(|(rank, _)| *rank);
    for (rank, el) in candidates {
        let text = byline_text(el);
        if text.is_empty() || text.len() > 200 {
            continue;
        }
        let parsed = byline::parse(&text, true);
        if !parsed.authors.is_empty() {
            return Some(parsed.authors);
        }
        if rank < 2
            && let Some(names) = byline::names(&text, true)
        {
            return Some(names);
        }
    }
    None
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
    first.to_owned()
}

/// A labelled byline ("By Ana Ruiz", "Written by" over a name) in the article's area: the
/// content root, or the block around the headline. The smallest element whose text starts
/// with the label holds the whole byline (the label and the name may be separate elements).
fn labelled_byline(root: ElementRef<'_>, headline: Option<ElementRef<'_>>) -> Option<Vec<String>> {
    let header = headline.and_then(|h| h.ancestors().filter_map(ElementRef::wrap).nth(2));
    let areas = std::iter::once(root).chain(header.filter(|h| !h.ancestors().any(|a| a.id() == root.id())));
    for area in areas {
        for el in area.descendent_elements() {
            let counts = dom::counts(el);
            if counts.text < 4 || counts.text > 80 || in_section(el, area) || is_invisible(el) {
                continue;
            }
            if !byline::starts_with_label(&element_text(el)) {
                continue;
            }
            let text = byline_text(el);
            let parsed = byline::parse(&text, false);
            if parsed.labelled && !parsed.authors.is_empty() {
                return Some(parsed.authors);
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
    if let Some(date) = json_ld.published {
        return (Some(date), Some(DateSource::JsonLd));
    }
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
    ];
    if let Some(date) = KEYS.iter().find_map(|k| meta.first(&[k]).and_then(date::find_date)) {
        return (Some(date), Some(DateSource::Meta));
    }
    if let Some(date) = time_element_date(body, root) {
        return (Some(date), Some(DateSource::TimeElement));
    }
    if let Some(date) = url.and_then(date::date_in_url) {
        return (Some(date), Some(DateSource::Url));
    }
    let header = header_dates(body, root, headline);
    if let Some(date) = content.byline_date.or_else(|| visible_date(body, root)).or(header.published) {
        return (Some(date), Some(DateSource::Text));
    }
    if let Some(date) = script_date(doc) {
        return (Some(date), Some(DateSource::Meta));
    }
    // Nothing says when the page was published: when it was last updated is the closest
    // date the page gives (never a date from a comment, a sidebar or a footer).
    if let Some(date) = json_ld.modified {
        return (Some(date), Some(DateSource::JsonLd));
    }
    const MODIFIED: &[&str] = &["article:modified_time", "og:updated_time", "datemodified", "last-modified"];
    if let Some(date) = MODIFIED.iter().find_map(|k| meta.first(&[k]).and_then(date::find_date)) {
        return (Some(date), Some(DateSource::Meta));
    }
    match header.updated {
        Some(date) => (Some(date), Some(DateSource::Text)),
        None => (None, None),
    }
}

/// Dates shown in the article's header: short elements near the headline (or at the top of
/// the content) that are a date, a byline with a date, or a "Published" label over a date.
#[derive(Default)]
struct HeaderDates {
    pub(crate) published: Option<NaiveDate>,
    /// A "Last updated" date, used only when nothing else dates the page.
    pub(crate) updated: Option<NaiveDate>,
}

fn header_dates(body: ElementRef<'_>, root: ElementRef<'_>, headline: Option<ElementRef<'_>>) -> HeaderDates {
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
        if counts.text < 6 || counts.text > 60 || in_section(el, area) || is_invisible(el) {
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
        if published_label && (boilerplate::is_date_line(&text) || !label.is_empty()) {
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
        if updated_label && out.updated.is_none() {
            out.updated = Some(date);
        }
    }
    out
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
    for script in doc.root_element().descendent_elements().filter(|e| e.value().name() == "script") {
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
        let is_published = el.attr("itemprop").is_some_and(|p| p.eq_ignore_ascii_case("datepublished"));
        if !is_time && !is_published {
            continue;
        }
        if in_section(el, root) {
            continue;
        }
        let value = el
            .attr("datetime")
            .or_else(|| el.attr("content"))
            .map(str::to_owned)
            .unwrap_or_else(|| element_text(el));
        let Some(found) = date::find_date(byline::before_update(&value)) else { continue };
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
        if !hints(el).date || in_section(el, root) {
            continue;
        }
        let text = element_text(el);
        if text.is_empty() || text.len() > 200 {
            continue;
        }
        if let Some(found) = date::find_date(byline::before_update(&text)) {
            return Some(found);
        }
    }
    None
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

/// "Headline | Site" → "Headline" when the tail is the site name or short.
pub(crate) fn strip_site_name(title: &str, site: Option<&str>) -> String {
    let title = clean_space(title);
    for sep in [" | ", " - ", " — ", " – ", " :: ", " · ", " // ", " • ", " » ", " ~ "] {
        if let Some(pos) = title.rfind(sep) {
            let (head, tail) = (&title[..pos], &title[pos + sep.len()..]);
            let tail_is_site = site.is_some_and(|s| s.eq_ignore_ascii_case(tail.trim()))
                || (tail.split_whitespace().count() <= 4 && head.split_whitespace().count() >= 4);
            if tail_is_site && !head.trim().is_empty() {
                return head.trim().to_owned();
            }
        }
        // "Site | Headline"
        if let Some(pos) = title.find(sep) {
            let (head, tail) = (&title[..pos], &title[pos + sep.len()..]);
            if site.is_some_and(|s| s.eq_ignore_ascii_case(head.trim())) && !tail.trim().is_empty() {
                return tail.trim().to_owned();
            }
        }
    }
    title
}
