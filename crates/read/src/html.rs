//! HTML pages: metadata from structured data and the main content by scoring.
//!
//! 1. Metadata: title from `og:title`, JSON-LD or the headline `<h1>`; author from the
//!    JSON-LD article, author meta tags, `rel=author` or byline elements; date from the JSON-LD
//!    article's `datePublished`, publication meta tags, a `<time>` near the headline, the URL,
//!    or a visible byline or dateline.
//! 2. Content: paragraphs vote for their ancestors (more text and commas, fewer links, class
//!    and id hints); the best container is widened to the element that also holds the
//!    headline, so that a standfirst next to the body is kept.
//! 3. The content root is turned into blocks (paragraphs, headings, list items, table rows).
//!    Boilerplate elements inside it (captions, bylines, share bars, promos) and every section
//!    outside it are kept as labelled removed blocks.

use std::collections::HashSet;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use chrono::NaiveDate;
use domain::{Article, BoilerplateKind, Diagnostic, RemovedBlock};
use ego_tree::{NodeId, NodeRef};
use scraper::{ElementRef, Html, Node};

use crate::boilerplate::{self, at_least_words, at_most_words, ends_sentence, word_count};
use crate::dom::{self, Hints};
#[cfg(test)]
use crate::meta::strip_site_name;
use crate::meta::{
    JsonLd, MetaTags, article_author, document_title, is_article_element, is_site_heading, publication_date,
    strip_site, tidy_headline,
};
use crate::{byline, date};

pub(crate) type NodeR<'a> = NodeRef<'a, Node>;

/// Deeper nesting than this is not walked: real pages stay far below it, and recursion
/// must stay bounded.
const MAX_DEPTH: usize = 200;

/// Reads an HTML page.
pub fn read_html(input: &str, url: Option<&str>, diagnostics: &mut Vec<Diagnostic>) -> Article {
    let mut doc = crate::parse::parse(&crate::raw::strip(input));
    place_streamed_segments(&mut doc);
    dom::reset(doc.root_element(), is_skipped_tag, is_block_tag);
    let mut article = read_document(&doc, url, diagnostics);
    dom::clear();
    crate::decode::repair_article(&mut article, diagnostics);
    article
}

/// React's streaming renderer (Next.js and others) sends the slow parts of a page after the
/// rest, each in a hidden `<div id="S:n">` at the end of the body, and a script then moves
/// each into its placeholder: a `<template id="B:n">` followed by a loading fallback up to
/// the boundary's closing comment (`<!--/$-->`), or a `<template id="P:n">`. The scripts are
/// not run here: each segment is moved as they would move it, so that an article sent this
/// way is read in its place and not skipped as hidden.
fn place_streamed_segments(doc: &mut Html) {
    let mut placeholders: Vec<(NodeId, &str)> = Vec::new();
    let mut segments: Vec<(NodeId, &str)> = Vec::new();
    for node in doc.tree.root().descendants() {
        let Node::Element(e) = node.value() else { continue };
        let Some(id) = e.attr("id") else { continue };
        match e.name() {
            "template" if id.starts_with("B:") || id.starts_with("P:") => placeholders.push((node.id(), id)),
            "div" if id.starts_with("S:") && e.attr("hidden").is_some() => segments.push((node.id(), id)),
            _ => {}
        }
    }
    if placeholders.is_empty() || segments.is_empty() {
        return;
    }
    // Ids are short and few: pair them by their number.
    let moves: Vec<(NodeId, NodeId, bool)> = segments
        .iter()
        .filter_map(|&(segment, id)| {
            let number = id.get(2..)?;
            let &(placeholder, pid) = placeholders.iter().find(|(_, p)| p.get(2..) == Some(number))?;
            Some((segment, placeholder, pid.starts_with("B:")))
        })
        .collect();
    for (segment, placeholder, boundary) in moves {
        let Some(target) = doc.tree.get(placeholder) else { continue };
        // A placeholder inside its own segment (broken ids) would make a cycle.
        if target.parent().is_none() || target.ancestors().any(|a| a.id() == segment) {
            continue;
        }
        if boundary {
            // The fallback: the siblings up to the boundary's closing comment, if there is one.
            let mut fallback = Vec::new();
            let mut closed = false;
            for sibling in target.next_siblings() {
                if matches!(sibling.value(), Node::Comment(c) if c.trim() == "/$") {
                    closed = true;
                    break;
                }
                fallback.push(sibling.id());
            }
            if closed {
                for id in fallback {
                    if let Some(mut node) = doc.tree.get_mut(id) {
                        node.detach();
                    }
                }
            }
        }
        let children: Vec<NodeId> =
            doc.tree.get(segment).map(|s| s.children().map(|c| c.id()).collect()).unwrap_or_default();
        for child in children {
            if let Some(mut target) = doc.tree.get_mut(placeholder) {
                target.insert_id_before(child);
            }
        }
    }
}

fn read_document(doc: &Html, url: Option<&str>, diagnostics: &mut Vec<Diagnostic>) -> Article {
    let meta = MetaTags::collect(doc);
    let json_ld = JsonLd::collect(doc, diagnostics);
    let body = find_body(doc);

    let site = meta.first(&["og:site_name", "application-name"]);
    let meta_title = meta
        .first(&["og:title", "twitter:title"])
        .map(|t| clean_space(&decode_entities(t)))
        .filter(|t| !t.is_empty())
        .or_else(|| json_ld.headline.clone())
        .map(|t| strip_site(&t, site, url))
        .filter(|t| !t.is_empty());
    let raw_title = document_title(doc);
    let page_title = raw_title.as_deref().map(|t| strip_site(t, site, url)).filter(|t| !t.is_empty());
    // The headline the page shows is the article's title; metadata titles are often written
    // for search engines and social cards. It is trusted when it is the only one or agrees
    // with the metadata, and is not the site's name.
    let other_title = meta_title.as_deref().or(page_title.as_deref());
    let title = body
        .and_then(|b| shown_headline(b, other_title, json_ld.first_headline.as_deref(), site))
        .map(|h| tidy_headline(&h, other_title, site, url))
        .or(meta_title.clone())
        .or_else(|| {
            body.and_then(first_h1)
                .map(|h| element_text(h))
                .filter(|h| !is_site_heading(h, raw_title.as_deref(), site, url))
        })
        .or(page_title)
        .filter(|t| !t.is_empty());

    let Some(body) = body else {
        diagnostics.push(Diagnostic::warning("html page has no body"));
        return Article { title, ..Article::default() };
    };

    let headline = find_headline(body, title.as_deref());
    let root = find_root(body, headline);
    // Only a headline inside the root marks where the article starts; one elsewhere (a
    // sticky header, a hero after the body in source order) says nothing about the blocks.
    let headline_in_root = headline.filter(|h| h.ancestors().any(|a| a.id() == root.id()));
    let mut walker = Walker::new(headline_in_root.map(|h| h.id()));
    walker.headline_path =
        headline_in_root.map(|h| h.ancestors().map(|a| a.id()).collect()).unwrap_or_default();
    walker.root_text = dom::counts(root).text;
    walker.walk(*root, 0, false);
    walker.flush();
    if walker.depth_exceeded {
        diagnostics.push(Diagnostic::warning("html nesting too deep; the deepest part was not read"));
    }
    let has_headline = headline_in_root.is_some() && walker.seen_headline;
    let mut content = finish_blocks(walker.blocks, has_headline, title.as_deref());
    let mut removed = walker.removed;
    removed.append(&mut content.removed);
    removed.extend(outside_blocks(body, root));
    removed.retain(|r| r.text.chars().filter(|c| !c.is_whitespace()).count() >= 2);

    let author = article_author(
        &json_ld,
        &meta,
        (body, root, headline_in_root.or(headline)),
        &content.byline_authors,
        url,
    );

    let (published, published_from) =
        publication_date(doc, &json_ld, &meta, (body, root, headline_in_root.or(headline)), url, &content);
    if let Some(author) = author.as_deref()
        && let Some(start) = closing_author_bio(&content.paragraphs, author)
    {
        for text in content.paragraphs.split_off(start) {
            removed.push(RemovedBlock { kind: BoilerplateKind::AuthorBox, text });
        }
    }

    Article {
        title,
        author,
        published,
        published_from,
        language: None,
        text: content.paragraphs.join("\n\n"),
        removed,
    }
}

/// Paragraphs at the end of the text in which an author box may start.
const BIO_TAIL: usize = 3;

/// Words that follow a name at the start of a biography ("Jo Park is a reporter who…").
const BIO_VERBS: &[&str] = &[
    "is",
    "was",
    "has",
    "holds",
    "joined",
    "co-founded",
    "founded",
    "started",
    "covers",
    "writes",
    "lives",
    "serves",
    "leads",
    "brings",
    "specializes",
    "specialises",
    "loves",
];

/// Where an author box starts among the last paragraphs, if one does: a paragraph that
/// introduces the article's own author by name ("Jo Park is a freelance writer…", "Jo has
/// covered…"), or the author's name alone as its heading just before it. A page that names
/// its author in the byline and then introduces the same person at the very end is showing
/// the author's profile, not more of the article. Only people (two or more words of a name)
/// count: an organisation as author is often the article's subject ("Acme is a…").
fn closing_author_bio(paragraphs: &[String], author: &str) -> Option<usize> {
    let mut names: Vec<&str> = Vec::new();
    for name in author.split(';').map(str::trim) {
        if name.split_whitespace().nth(1).is_some() && byline::is_name(name, false) {
            names.push(name);
            names.extend(name.split_whitespace().next());
        }
    }
    if names.is_empty() {
        return None;
    }
    let introduces = |text: &str| {
        (8..=200).contains(&word_count(text))
            && names.iter().any(|name| {
                text.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')).is_some_and(|rest| {
                    let verb = rest.split_whitespace().next().unwrap_or("");
                    BIO_VERBS.iter().any(|v| verb.eq_ignore_ascii_case(v))
                })
            })
    };
    // The first paragraph is the article's start, whatever it says.
    let from = paragraphs.len().saturating_sub(BIO_TAIL).max(1);
    // The last such paragraph, and those right before it that introduce the author too (a
    // profile of two paragraphs, or of each of two authors).
    let mut start = (from..paragraphs.len()).rev().find(|&i| introduces(&paragraphs[i]))?;
    while start > from && introduces(&paragraphs[start - 1]) {
        start -= 1;
    }
    // What follows a profile is its own small print ("All loans made by…"); more text after
    // it means the name began a paragraph of the article.
    let end = (start..paragraphs.len()).find(|&i| !introduces(&paragraphs[i])).unwrap_or(paragraphs.len());
    let profile: usize = paragraphs[start..end].iter().map(|p| word_count(p)).sum();
    let after: usize = paragraphs[end..].iter().map(|p| word_count(p)).sum();
    if after >= profile {
        return None;
    }
    let heading = start
        .checked_sub(1)
        .filter(|&i| i > 0 && names.iter().any(|n| n.contains(' ') && paragraphs[i].eq_ignore_ascii_case(n)));
    Some(heading.unwrap_or(start))
}

fn find_body(doc: &Html) -> Option<ElementRef<'_>> {
    let root = doc.root_element();
    root.child_elements().find(|e| e.value().name() == "body").or(Some(root))
}

// ---------------------------------------------------------------------------------------
// Choosing the content root

/// Whether two lower-cased titles are the same headline, one perhaps shortened or
/// extended: one holds the other, and the shorter is a substantial part of it (a section
/// heading "Reviews" is not the headline of "Diet plan: results and reviews").
pub(crate) fn same_headline(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    !short.is_empty() && long.contains(short) && (at_least_words(short, 3) || short.len() * 2 >= long.len())
}

/// The text of the page's `<h1>` when it can be trusted as the title: one that agrees with
/// the metadata title, else one that agrees with the JSON-LD headline (a blog's name in an
/// `<h1>` above the article's own), else the only one. A heading hidden for screen readers
/// counts only when it agrees with the metadata title. A headline written in capitals that
/// is the metadata title in other case is given in the metadata's case.
fn shown_headline(
    body: ElementRef<'_>,
    meta_title: Option<&str>,
    ld_headline: Option<&str>,
    site: Option<&str>,
) -> Option<String> {
    let mut h1s: Vec<String> = Vec::new();
    let mut hidden: Vec<String> = Vec::new();
    // Headings in a block classed as a banner or promotion: a page's hero holds its headline.
    let mut in_banner: Vec<String> = Vec::new();
    for e in body.descendent_elements().filter(|e| e.value().name() == "h1") {
        let list = if in_section(e, body) {
            if in_hard_section(e, body) {
                continue;
            }
            &mut in_banner
        } else if is_invisible(e) {
            &mut hidden
        } else {
            &mut h1s
        };
        if list.len() < 3 {
            let text = element_text(e);
            if !text.is_empty() {
                list.push(text);
            }
        }
    }
    let meta_lower = meta_title.map(str::to_lowercase);
    let agrees = |text: &str| meta_lower.as_deref().is_some_and(|m| same_headline(m, &text.to_lowercase()));
    let named_by_ld = || {
        let headline = ld_headline?.to_lowercase();
        h1s.iter().find(|t| same_headline(&headline, &t.to_lowercase()))
    };
    let candidate = h1s
        .iter()
        .find(|t| agrees(t))
        .or_else(|| if h1s.len() > 1 { named_by_ld() } else { None })
        .or_else(|| if h1s.len() == 1 { h1s.first() } else { None })
        .or_else(|| hidden.iter().find(|t| agrees(t)))
        .or_else(|| if h1s.is_empty() && in_banner.len() == 1 { in_banner.first() } else { None })?;
    let words = word_count(candidate);
    let is_site = site.is_some_and(|s| s.eq_ignore_ascii_case(candidate))
        || meta_lower
            .as_deref()
            .is_some_and(|m| words <= 3 && !m.starts_with(&candidate.to_lowercase()) && !agrees(candidate));
    // Over 200 characters is a paragraph set as a heading, not a headline.
    if is_site || words < 2 && !agrees(candidate) || candidate.len() > 200 {
        return None;
    }
    if let Some(meta) = meta_title
        && !candidate.chars().any(char::is_lowercase)
        && meta.chars().any(char::is_lowercase)
        && meta.to_lowercase() == candidate.to_lowercase()
    {
        return Some(meta.to_owned());
    }
    Some(candidate.clone())
}

/// Whether `el` is in navigation, a sidebar, comments, related posts or share buttons (any
/// boilerplate section but one classed as a banner, a promotion or the page's details).
fn in_hard_section(el: ElementRef<'_>, root: ElementRef<'_>) -> bool {
    in_section_of(el, root, |kind| kind != BoilerplateKind::Other)
}

pub(crate) fn first_h1(body: ElementRef<'_>) -> Option<ElementRef<'_>> {
    body.descendent_elements().find(|e| e.value().name() == "h1")
}

/// The `<h1>` that carries the title (or the first `<h1>` outside boilerplate sections).
fn find_headline<'a>(body: ElementRef<'a>, title: Option<&str>) -> Option<ElementRef<'a>> {
    let h1s: Vec<ElementRef<'a>> =
        body.descendent_elements().filter(|e| e.value().name() == "h1" && !in_section(*e, body)).collect();
    if let Some(title) = title {
        let title = title.to_lowercase();
        if let Some(h) = h1s.iter().find(|h| same_headline(&title, &element_text(**h).to_lowercase())) {
            return Some(*h);
        }
    }
    h1s.into_iter().find(|h| !element_text(*h).is_empty())
}

/// The element holding the article text: the best-scored container, widened to the
/// ancestor that also holds the headline when that adds little text.
fn find_root<'a>(body: ElementRef<'a>, headline: Option<ElementRef<'a>>) -> ElementRef<'a> {
    let Some(best) = best_candidate(body) else {
        return body;
    };
    let Some(headline) = headline else {
        return best;
    };
    if headline.ancestors().any(|a| a.id() == best.id()) {
        return best;
    }
    let best_len = clean_text_len(best);
    for (level, ancestor) in best.ancestors().filter_map(ElementRef::wrap).enumerate() {
        if level >= 4 || ancestor.id() == body.id() || ancestor.value().name() == "html" {
            break;
        }
        if headline.ancestors().any(|a| a.id() == ancestor.id()) {
            let len = clean_text_len(ancestor);
            if len * 2 <= best_len * 3 + 1000 {
                return ancestor;
            }
            break;
        }
    }
    best
}

fn best_candidate(body: ElementRef<'_>) -> Option<ElementRef<'_>> {
    let mut scores: dom::IdMap<f64> = dom::IdMap::default();
    // Characters of scored paragraphs under every element: how much prose it holds.
    let mut prose: dom::IdMap<usize> = dom::IdMap::default();
    let mut excluded_cache: dom::IdMap<bool> = dom::IdMap::default();
    // Prose directly in the body: text loose in it (old markup) and its own paragraphs.
    let mut in_body = loose_text(body).chars().count();
    for el in body.descendent_elements() {
        let name = el.value().name();
        let paragraph_like = matches!(name, "p" | "pre" | "td" | "blockquote")
            || (matches!(name, "div" | "section" | "article") && !has_block_child(el));
        // Text loose in a container beside its blocks (old markup, `<br>`-separated
        // paragraphs) is a paragraph of the container itself.
        let loose = !paragraph_like && matches!(name, "div" | "section" | "article" | "main" | "center");
        // List items and subheadings are the article's text too: they do not vote, but they
        // count as prose when the root is widened over sections.
        let listed = !paragraph_like && name == "li" && !has_block_child(el);
        if !(paragraph_like || loose || listed) || excluded(el, body, &mut excluded_cache) {
            continue;
        }
        if listed {
            // Not items that link (menus, teasers).
            let counts = dom::counts(el);
            let len = if counts.links * 10 > counts.text { 0 } else { counts.text as usize * 7 / 6 };
            for ancestor in el.ancestors().take(MAX_DEPTH) {
                if ancestor.id() == body.id() {
                    break;
                }
                *prose.entry(ancestor.id()).or_default() += len;
            }
            continue;
        }
        let (len, commas) = if loose {
            let text = loose_text(el);
            (text.chars().count(), text.matches([',', '，', '、']).count())
        } else {
            text_stats(el)
        };
        if len < 25 {
            continue;
        }
        let score = 1.0 + commas as f64 + (len as f64 / 100.0).min(3.0);
        if el.parent().is_some_and(|p| p.id() == body.id()) {
            in_body += len;
        }
        let owner = if loose { Some(*el) } else { None };
        for ancestor in owner.into_iter().chain(el.ancestors()).take(MAX_DEPTH) {
            if ancestor.id() == body.id() {
                break;
            }
            *prose.entry(ancestor.id()).or_default() += len;
        }
        let chain = owner.into_iter().chain(el.ancestors()).filter_map(ElementRef::wrap);
        for (level, ancestor) in chain.take(3).enumerate() {
            if ancestor.id() == body.id() || ancestor.value().name() == "html" {
                break;
            }
            let entry = scores.entry(ancestor.id()).or_insert_with(|| initial_score(ancestor));
            // The parent gets the full score, the grandparent half, the next a third.
            *entry += score / (level as f64 + 1.0);
        }
    }
    let mut best: Option<(f64, ElementRef<'_>)> = None;
    for (id, score) in scores {
        let Some(el) = body.tree().get(id).and_then(ElementRef::wrap) else { continue };
        // A content class earns its bonus in full only with some prose under it: a small box
        // named "content" around one line is not the article.
        let prose_share = (prose.get(&id).copied().unwrap_or(0) as f64 / FULL_BONUS_PROSE).min(1.0);
        let score = (score + class_bonus(el) * prose_share) * (1.0 - link_density(el));
        // Ties go to the earlier element, so that the result never depends on map order.
        if best.is_none_or(|(s, b)| score > s || score == s && el.id() < b.id()) {
            best = Some((score, el));
        }
    }
    let best = best.map(|(_, el)| widen_to_sections(body, el, &prose));
    // Paragraphs set straight in the body vote for no container: when they hold much more
    // prose than the best container, the body is the article.
    let best_prose = best.map_or(0, |el| prose.get(&el.id()).copied().unwrap_or(0));
    if in_body >= MIN_BODY_PROSE && in_body > best_prose * 2 {
        return Some(body);
    }
    best
}

/// A long article often comes as sections in sibling containers (page builders, one block
/// per heading): the best container holds one of them. Climb while an ancestor adds more
/// prose and stays mostly prose with few links, up to eight levels that add text (page
/// builders nest every block in many wrappers).
fn widen_to_sections<'a>(
    body: ElementRef<'a>,
    best: ElementRef<'a>,
    prose: &dom::IdMap<usize>,
) -> ElementRef<'a> {
    let prose_of = |el: ElementRef<'_>| prose.get(&el.id()).copied().unwrap_or(0);
    let mut chosen = best;
    // An `<article>` is a whole post: other, much shorter posts beside it are teasers, not
    // more sections of this one (items of a list article are of a size).
    let mut below = best;
    // Levels that add text: wrappers around the same text are passed for free.
    let mut levels = 0;
    for ancestor in best.ancestors().filter_map(ElementRef::wrap).take(MAX_DEPTH) {
        if ancestor.id() == body.id() || ancestor.value().name() == "html" {
            break;
        }
        if below.value().name() == "article" {
            let own = prose_of(below);
            let peer = ancestor
                .descendent_elements()
                .filter(|e| e.value().name() == "article" && e.id() != below.id())
                .any(|e| prose_of(e) * 2 >= own);
            if !peer {
                break;
            }
        }
        let text = dom::counts(ancestor).text as usize;
        // A wrapper around the same text says nothing new (its links are the ones below).
        if text == dom::counts(below).text as usize {
            below = ancestor;
            continue;
        }
        levels += 1;
        if levels > 8 {
            break;
        }
        below = ancestor;
        // Paragraph lengths count spaces; text counts do not (about one in six characters).
        let share = if text == 0 { 0.0 } else { prose_of(ancestor) as f64 * 0.85 / text as f64 };
        if share < 0.6 || link_density(ancestor) > 0.4 {
            break;
        }
        if prose_of(ancestor) * 5 >= prose_of(chosen) * 6 {
            chosen = ancestor;
        }
    }
    chosen
}

/// Characters of prose set directly in the body for the body to be taken as the article.
const MIN_BODY_PROSE: usize = 500;

/// Characters of paragraphs under an element for its content class to count in full.
const FULL_BONUS_PROSE: f64 = 500.0;

/// An element's starting score by tag and class hints, the content-class bonus aside.
fn initial_score(el: ElementRef<'_>) -> f64 {
    let tag = match el.value().name() {
        "div" | "article" | "main" => 5.0,
        "pre" | "td" | "blockquote" | "section" => 3.0,
        "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
        _ => 0.0,
    };
    let hints = hints(el);
    let penalty = if hints.section.is_some() || hints.meta { 25.0 } else { 0.0 };
    tag - penalty
}

/// The bonus for a class or itemprop that names the article's content.
fn class_bonus(el: ElementRef<'_>) -> f64 {
    if hints(el).positive || el.attr("itemprop").is_some_and(|p| p == "articleBody") { 25.0 } else { 0.0 }
}

/// The text directly in an element and in its inline children, without its blocks; empty
/// when no text sits directly in it.
fn loose_text(el: ElementRef<'_>) -> String {
    let direct = el.children().any(|c| matches!(c.value(), Node::Text(t) if !t.trim().is_empty()));
    if !direct {
        return String::new();
    }
    let mut out = String::new();
    for child in el.children() {
        match child.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) if is_block_tag(e.name()) || e.name() == "br" => out.push(' '),
            Node::Element(e) if !is_skipped_tag(e.name()) => collect_text(child, &mut out, 1),
            _ => {}
        }
    }
    clean_space(&out)
}

fn has_block_child(el: ElementRef<'_>) -> bool {
    el.child_elements().any(|c| is_block_tag(c.value().name()))
}

fn link_density(el: ElementRef<'_>) -> f64 {
    let counts = dom::counts(el);
    if counts.text == 0 { 0.0 } else { f64::from(counts.links) / f64::from(counts.text) }
}

/// Text length without boilerplate sections, to judge how much widening the root adds: the
/// element's counted text less that of the outermost sections in it.
fn clean_text_len(el: ElementRef<'_>) -> usize {
    fn sections(node: NodeR<'_>, depth: usize) -> u32 {
        if depth > MAX_DEPTH {
            return 0;
        }
        let mut n = 0;
        for child in node.children() {
            let Some(e) = ElementRef::wrap(child) else { continue };
            if is_skipped_tag(e.value().name()) {
                continue;
            }
            n += if boilerplate_kind(e).is_some() { dom::counts(e).text } else { sections(child, depth + 1) };
        }
        n
    }
    dom::counts(el).text.saturating_sub(sections(*el, 0)) as usize
}

/// Whether an element sits in a boilerplate region (for paragraph scoring).
fn excluded(el: ElementRef<'_>, body: ElementRef<'_>, cache: &mut dom::IdMap<bool>) -> bool {
    let mut chain = Vec::new();
    let mut result = false;
    for node in std::iter::once(*el).chain(el.ancestors()) {
        if node.id() == body.id() {
            break;
        }
        if let Some(&known) = cache.get(&node.id()) {
            result = known;
            break;
        }
        chain.push(node.id());
        if let Some(e) = ElementRef::wrap(node)
            && (is_skipped_tag(e.value().name()) || boilerplate_kind(e).is_some())
        {
            result = true;
            break;
        }
    }
    for id in chain {
        cache.insert(id, result);
    }
    result
}

/// Whether an element is inside a section that never holds the article's metadata
/// (navigation, sidebars, related lists, comments, footers), other than the root itself.
pub(crate) fn in_section(el: ElementRef<'_>, root: ElementRef<'_>) -> bool {
    in_section_of(el, root, |_| true)
}

/// Whether `el`, or an ancestor below `root`, is a `<nav>`, an `<aside>`, a footer outside
/// the article, or a block (not a large block of prose) whose class names a section of a kind
/// `counts` takes.
fn in_section_of(el: ElementRef<'_>, root: ElementRef<'_>, counts: impl Fn(BoilerplateKind) -> bool) -> bool {
    for node in std::iter::once(*el).chain(el.ancestors()).take(MAX_DEPTH) {
        if node.id() == root.id() {
            return false;
        }
        let Some(e) = ElementRef::wrap(node) else { continue };
        let name = e.value().name();
        // An article's own footer holds its byline and date.
        if matches!(name, "nav" | "aside") || name == "footer" && !e.ancestors().any(is_article_element) {
            return true;
        }
        if hints(e).section.is_some_and(&counts) && !is_substantial(e) {
            return true;
        }
    }
    false
}

// ---------------------------------------------------------------------------------------
// Class and tag hints

/// What an element's class and id tokens say (computed once per element and page).
pub(crate) fn hints(el: ElementRef<'_>) -> Hints {
    dom::hints(el, compute_hints)
}

fn compute_hints(el: ElementRef<'_>) -> Hints {
    let mut hints = Hints::default();
    // One pass over the attributes (looking each up by name interns the name every time).
    let (mut class, mut id, mut style, mut role) = (None, None, None, None);
    for (name, value) in el.value().attrs() {
        match name {
            "class" => class = Some(value),
            "role" => role = Some(value),
            "id" => id = Some(value),
            "style" => style = Some(value),
            "hidden" => hints.invisible = true,
            "aria-hidden" => hints.invisible |= value == "true",
            _ => {}
        }
    }
    if let Some(class) = class {
        let by_class = dom::class_hints(class, |c| value_hints(c, true));
        hints = Hints { invisible: hints.invisible, ..by_class };
    }
    // An id is read as one more class name (ids are unique: not worth a cache).
    if let Some(id) = id {
        let by_id = value_hints(id, false);
        hints.positive |= by_id.positive;
        hints.section = hints.section.or(by_id.section);
        hints.meta |= by_id.meta;
        hints.byline |= by_id.byline;
        hints.date |= by_id.date;
    }
    // A collapsed panel (an accordion's answer, a tab) is hidden by a style until it is
    // opened: it is the page's text all the same.
    let panel = || {
        role.is_some_and(|r| r.eq_ignore_ascii_case("region") || r.eq_ignore_ascii_case("tabpanel"))
            || class.is_some_and(is_panel_class)
    };
    hints.invisible |= hints.hidden || style.is_some_and(style_hides) && !panel();
    hints
}

/// What the tokens of a `class` (or `id`) value say; for a class, also its whole names
/// (`hidden`, `widget`).
fn value_hints(value: &str, is_class: bool) -> Hints {
    let mut hints = Hints::default();
    let lower = if value.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(value.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(value)
    };
    // Parts found once in the whole value, then given to the tokens that hold them.
    let parts: Vec<(usize, usize, u16)> = token_parts(&lower);
    let labels = lower.contains("label-");
    // WordPress marks a post with its taxonomy ("category-comments", "tag-share"): the
    // words after the prefix are the site's topics, not the element's role.
    for name in lower
        .split_ascii_whitespace()
        .filter(|n| !(is_taxonomy_class(n) || labels && is_label_display_class(n)))
    {
        for t in dom::alphanumeric_runs(name) {
            // The token's place in the value, for the parts it holds.
            let at = t.as_ptr() as usize - lower.as_ptr() as usize;
            if t.len() >= 40 {
                continue;
            }
            let groups = parts
                .iter()
                .filter(|(s, e, _)| *s >= at && *e <= at + t.len())
                .fold(0, |mask, (_, _, g)| mask | g);
            hints.positive |= is_positive_token(t);
            if hints.section.is_none() {
                hints.section = section_kind_of(t, groups);
            }
            hints.meta |= is_meta_token(t);
            hints.byline |= matches!(
                t,
                "byline"
                    | "author"
                    | "authors"
                    | "byl"
                    | "by"
                    | "fn"
                    | "writer"
                    | "authorname"
                    | "author_name"
            ) || t.starts_with("byline");
            hints.date |= groups & DATE_HINT != 0;
        }
    }
    if !is_class {
        return hints;
    }
    // Whole class names only: "field--label-hidden" hides a label, not the field.
    for name in value.split_ascii_whitespace() {
        let is = |names: &[&str]| names.iter().any(|n| name.eq_ignore_ascii_case(n));
        hints.hidden |= is(&[
            "hidden",
            "sr-only",
            "visually-hidden",
            "visuallyhidden",
            "screen-reader-text",
            "screen-reader-only",
            "element-invisible",
            "d-none",
            "invisible",
            "is-hidden",
            "hide",
            // Webflow's class for an element whose display condition is not met.
            "w-condition-invisible",
        ]);
        hints.widget |= is(&["widget", "widgets"]);
    }
    hints
}

/// A class naming a collapsible panel ("accordion-content", "collapse", "faq-answer").
fn is_panel_class(class: &str) -> bool {
    let lower = class.to_ascii_lowercase();
    ["accordion", "collapse", "faq", "answer", "tab-pane", "tabpanel"].iter().any(|p| lower.contains(p))
}

/// Whether an inline style hides the element.
fn style_hides(style: &str) -> bool {
    let lower = style.to_ascii_lowercase();
    if !lower.contains("none") && !lower.contains("hidden") {
        return false;
    }
    let s: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
    s.contains("display:none") || s.contains("visibility:hidden")
}

/// A class name that says how a field shows its label ("field--label-hidden",
/// "field--label-above" in Drupal): every field of such a page has one, the article's body
/// included, so it says nothing about the field.
fn is_label_display_class(name: &str) -> bool {
    ["label-hidden", "label-above", "label-inline", "label-visually"].iter().any(|p| name.contains(p))
}

/// A class name that tags a post with a category or tag ("category-news", "tag-cookies").
fn is_taxonomy_class(name: &str) -> bool {
    let lower =
        |p: &str| name.len() > p.len() && name.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p));
    lower("category-") || lower("tag-")
}

fn is_positive_token(token: &str) -> bool {
    matches!(
        token,
        "article"
            | "articlebody"
            | "body"
            | "content"
            | "entry"
            | "main"
            | "post"
            | "text"
            | "blog"
            | "story"
            | "storybody"
            | "postbody"
            | "prose"
            | "hentry"
            | "single"
    )
}

/// Parts of class and id tokens, each with the group it signals. One automaton finds them
/// all in a token in one pass (tokens are matched for every element of every page).
const TOKEN_PARTS: &[(&str, u16)] = &[
    ("cookie", COOKIE),
    ("consent", COOKIE),
    ("gdpr", COOKIE),
    ("comment", COMMENTS),
    ("disqus", COMMENTS),
    ("discussion", COMMENTS),
    ("respond", COMMENTS),
    ("conversation", COMMENTS),
    ("share", SHARE),
    ("social", SHARE),
    ("sharing", SHARE),
    ("addthis", SHARE),
    ("related", RELATED),
    ("teaser", RELATED),
    ("trending", RELATED),
    ("popular", RELATED),
    ("recommend", RELATED),
    ("outbrain", RELATED),
    ("taboola", RELATED),
    ("readmore", RELATED),
    ("mostread", RELATED),
    // Sliders of cards (other stories, products, testimonials), shown a few at a time.
    ("carousel", RELATED),
    ("swiper", RELATED),
    ("breadcrumb", NAVIGATION),
    ("navbar", NAVIGATION),
    ("navigation", NAVIGATION),
    ("masthead", NAVIGATION),
    ("topbar", NAVIGATION),
    ("skiplink", NAVIGATION),
    ("pagination", NAVIGATION),
    ("pager", NAVIGATION),
    ("newsletter", PROMO),
    ("subscribe", PROMO),
    ("signup", PROMO),
    ("paywall", PROMO),
    ("advert", PROMO),
    ("sponsor", PROMO),
    ("banner", PROMO),
    ("modal", PROMO),
    ("popup", PROMO),
    // Affiliate and advertiser disclosures.
    ("disclosure", PROMO),
    ("author-box", AUTHOR_BOX),
    ("aboutauthor", AUTHOR_BOX),
    ("authorinfo", AUTHOR_BOX),
    ("authorbio", AUTHOR_BOX),
    ("date", DATE_HINT),
    ("time", DATE_HINT),
    ("byline", DATE_HINT),
    ("meta", DATE_HINT),
    ("published", DATE_HINT),
    ("posted", DATE_HINT),
    ("dateline", DATE_HINT),
    ("timestamp", DATE_HINT),
];
const COOKIE: u16 = 1;
const COMMENTS: u16 = 2;
const SHARE: u16 = 4;
const RELATED: u16 = 8;
const NAVIGATION: u16 = 16;
const PROMO: u16 = 32;
const AUTHOR_BOX: u16 = 64;
/// A date hint for visible dates ("post-date", "timestamp"), not a section.
const DATE_HINT: u16 = 128;

static TOKEN_AUTOMATON: LazyLock<Option<AhoCorasick>> =
    LazyLock::new(|| AhoCorasick::new(TOKEN_PARTS.iter().map(|(p, _)| p)).ok());

/// The groups whose parts occur in a lower-cased token.
#[cfg(test)]
fn token_groups(token: &str) -> u16 {
    token_parts(token).iter().fold(0, |mask, (_, _, g)| mask | g)
}

/// Every part in a lower-cased class or id value: start, end and group.
fn token_parts(value: &str) -> Vec<(usize, usize, u16)> {
    let Some(automaton) = TOKEN_AUTOMATON.as_ref() else { return Vec::new() };
    automaton
        .find_overlapping_iter(value)
        .map(|m| (m.start(), m.end(), TOKEN_PARTS[m.pattern().as_usize()].1))
        .collect()
}

/// The section kind of a token whose parts fall in the groups `mask`.
fn section_kind_of(token: &str, mask: u16) -> Option<BoilerplateKind> {
    use BoilerplateKind::*;
    if mask & COOKIE != 0 {
        return Some(CookieNotice);
    }
    if mask & COMMENTS != 0 {
        return Some(Comments);
    }
    if mask & SHARE != 0 {
        return Some(ShareButtons);
    }
    if mask & RELATED != 0 || matches!(token, "more" | "rail" | "promo" | "promos" | "sidebar" | "secondary")
    {
        return Some(RelatedPosts);
    }
    if mask & NAVIGATION != 0 || matches!(token, "nav" | "menu" | "footer" | "colophon" | "skip") {
        return Some(Navigation);
    }
    if mask & PROMO != 0 || matches!(token, "ad" | "ads" | "advertisement" | "donate") {
        return Some(Other);
    }
    // "saboxplugin": the author box of a widely used WordPress plugin (Simple Author Box).
    if mask & AUTHOR_BOX != 0 || matches!(token, "authorbox" | "bio" | "biography" | "saboxplugin") {
        return Some(AuthorBox);
    }
    None
}

/// Tokens that mark article furniture rather than sections: bylines, dates, captions, tags.
fn is_meta_token(token: &str) -> bool {
    matches!(
        token,
        "byline"
            | "byl"
            | "author"
            | "meta"
            | "date"
            | "time"
            | "dateline"
            | "timestamp"
            | "published"
            | "kicker"
            | "overline"
            | "eyebrow"
            | "caption"
            | "credit"
            | "credits"
            | "tags"
            | "tag"
            | "topics"
            | "tools"
            | "toolbar"
            | "label"
            | "category"
            | "categories"
            | "pull"
            | "pullquote"
            | "video"
            | "embed"
            | "print"
            | "corrections"
            | "role"
            | "readtime"
            | "posted"
    ) || token.starts_with("byline")
        || token.ends_with("byline")
}

/// Hidden by an attribute, an inline style or a hiding class (cached with the hints).
pub(crate) fn is_invisible(el: ElementRef<'_>) -> bool {
    hints(el).invisible
}

/// A large block of prose: never treated as a boilerplate section on class names alone.
fn is_substantial(el: ElementRef<'_>) -> bool {
    hints(el).positive && long_paragraphs(el, 4) >= 4
}

/// How many paragraphs of sentence length (`<p>`, or a `<div>` of text alone) an element
/// holds, counting up to `enough` (counted for every element when the page is reset).
fn long_paragraphs(el: ElementRef<'_>, enough: usize) -> usize {
    (dom::counts(el).long_paragraphs as usize).min(enough)
}

/// Whether an element holds prose: two or more paragraphs of sentence length with few links,
/// or a long text with few links.
fn is_prose(el: ElementRef<'_>) -> bool {
    let counts = dom::counts(el);
    let density = if counts.text == 0 { 1.0 } else { f64::from(counts.links) / f64::from(counts.text) };
    (density < 0.5 && long_paragraphs(el, 2) >= 2) || (counts.text >= 600 && density < 0.25)
}

/// The boilerplate kind of an element as a whole, by tag, role and class/id, if any.
fn boilerplate_kind(el: ElementRef<'_>) -> Option<BoilerplateKind> {
    dom::kind(el, compute_boilerplate_kind)
}

fn compute_boilerplate_kind(el: ElementRef<'_>) -> Option<BoilerplateKind> {
    use BoilerplateKind::*;
    let name = el.value().name();
    let by_tag = match name {
        "nav" | "menu" => Some(Navigation),
        "aside" => Some(RelatedPosts),
        "footer" => Some(Other),
        // A figure is an image or a video with its caption; block editors also wrap the
        // article's tables in one ("wp-block-table"), and those are its text.
        "figure" if el.descendent_elements().any(|d| d.value().name() == "table") => None,
        "figure" | "figcaption" | "dialog" | "button" => Some(Other),
        _ => None,
    };
    let role = el.attr("role").map(str::to_ascii_lowercase);
    let by_role = match role.as_deref() {
        Some("navigation" | "menu" | "menubar" | "search" | "banner") => Some(Navigation),
        Some("complementary") => Some(RelatedPosts),
        Some("contentinfo") => Some(Other),
        Some("dialog" | "alertdialog") => Some(Other),
        _ => None,
    };
    let hints = hints(el);
    // "widget" alone names a sidebar box; as a part ("elementor-widget") it names any block.
    let by_class = hints
        .section
        .or_else(|| hints.widget.then_some(RelatedPosts))
        .or_else(|| hints.meta.then_some(Other));
    // A form with fields (a sign-up, contact or search box) is a widget, not text. Old
    // frameworks wrap whole pages in one form: the size and prose checks below keep those.
    let by_form = (name == "form"
        && el.descendent_elements().any(|d| matches!(d.value().name(), "input" | "select" | "textarea")))
    .then_some(Other);
    let kind = by_tag.or(by_role).or(by_class).or(by_form)?;
    // Code highlighters class the parts of a listing ("hljs-comment", "token tag"): in code,
    // class names say nothing about sections.
    if by_tag.is_none() && by_role.is_none() && in_code(el) {
        return None;
    }
    // Broken markup (an unclosed `<aside>`) or a page builder can wrap most of the page in
    // an element that looks like a section: what holds most of the text is not a section.
    let page = dom::page().text;
    if kind != Comments && page >= 500 && dom::counts(el).text * 10 >= page * 6 {
        return None;
    }
    if by_tag.is_none() && is_substantial(el) {
        return None;
    }
    // Class names are hints, and page builders put words like "sidebar" or "meta" on the
    // wrappers of whole articles: a class alone never removes a run of prose.
    if by_tag.is_none() && by_role.is_none() && !matches!(kind, Comments | CookieNotice) && is_prose(el) {
        return None;
    }
    // A comment thread is prose too, but not the whole of a container that names itself the
    // article's content: a class like "commentOnSelection" on the body's wrapper names a
    // feature of the text, not a section.
    if kind == Comments && by_tag.is_none() && by_role.is_none() && is_prose(el) && fills_content_parent(el) {
        return None;
    }
    // A consent dialog is a cookie notice whatever the markup calls it.
    if kind != CookieNotice
        && by_class.is_none()
        && el.attr("aria-label").is_some_and(|l| l.to_ascii_lowercase().contains("cookie"))
    {
        return Some(CookieNotice);
    }
    Some(kind)
}

/// Whether an element holds nearly all the text of its parent, a container whose class names
/// the article's content and no section.
fn fills_content_parent(el: ElementRef<'_>) -> bool {
    el.parent().and_then(ElementRef::wrap).is_some_and(|parent| {
        let hints = hints(parent);
        hints.positive
            && hints.section.is_none()
            && u64::from(dom::counts(el).text) * 10 >= u64::from(dom::counts(parent).text) * 9
    })
}

/// Whether an element is a `<pre>` or `<code>` or inside one.
fn in_code(el: ElementRef<'_>) -> bool {
    std::iter::once(*el)
        .chain(el.ancestors())
        .take(MAX_DEPTH)
        .any(|a| a.value().as_element().is_some_and(|e| matches!(e.name(), "pre" | "code")))
}

pub(crate) fn is_skipped_tag(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "svg"
            | "math"
            | "iframe"
            | "object"
            | "embed"
            | "canvas"
            | "video"
            | "audio"
            | "img"
            | "picture"
            | "source"
            | "input"
            | "select"
            | "textarea"
            | "option"
            | "head"
            | "title"
            | "meta"
            | "link"
            | "map"
            | "base"
    )
}

fn is_block_tag(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "section"
            | "article"
            | "main"
            | "header"
            | "footer"
            | "aside"
            | "nav"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "ul"
            | "ol"
            | "li"
            | "dl"
            | "dt"
            | "dd"
            | "blockquote"
            | "pre"
            | "table"
            | "thead"
            | "tbody"
            | "tfoot"
            | "tr"
            | "td"
            | "th"
            | "caption"
            | "address"
            | "hr"
            | "center"
            | "details"
            | "summary"
            | "fieldset"
            | "legend"
            | "form"
            | "figure"
            | "figcaption"
            | "body"
            | "html"
    )
}

// ---------------------------------------------------------------------------------------
// Turning the root into blocks

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BlockTag {
    Heading,
    Paragraph,
    Item,
    Row,
}

#[derive(Debug)]
struct Block {
    text: String,
    tag: BlockTag,
    link_chars: usize,
    /// Came before the headline inside the root (kickers, section labels).
    before_headline: bool,
    /// In a small cell of a row of several cells: a table's data, whatever its words say.
    in_grid: bool,
    /// In a list item (a paragraph in an `<li>`, as in a loose Markdown or AsciiDoc list).
    in_item: bool,
}

struct Walker {
    headline: Option<NodeId>,
    /// The headline's ancestors: removing one of them passes the headline too.
    headline_path: Vec<NodeId>,
    seen_headline: bool,
    blocks: Vec<Block>,
    removed: Vec<RemovedBlock>,
    buffer: String,
    buffer_links: usize,
    tag_stack: Vec<BlockTag>,
    /// Open small cells of rows of several cells (see [`is_grid_cell`]).
    grid_depth: usize,
    depth_exceeded: bool,
    /// Text only: no boilerplate judgement (for the text of a block already removed).
    plain: bool,
    /// In text-only mode, the text itself, one line per block (instead of `blocks`).
    plain_text: String,
    /// Visible characters in the element walked, to judge the size of a nested post.
    root_text: u32,
}

impl Walker {
    fn new(headline: Option<NodeId>) -> Walker {
        Walker {
            headline,
            headline_path: Vec::new(),
            seen_headline: headline.is_none(),
            blocks: Vec::new(),
            removed: Vec::new(),
            buffer: String::new(),
            buffer_links: 0,
            tag_stack: Vec::new(),
            grid_depth: 0,
            depth_exceeded: false,
            plain: false,
            plain_text: String::new(),
            root_text: 0,
        }
    }

    fn walk(&mut self, node: NodeR<'_>, depth: usize, in_link: bool) {
        if depth > MAX_DEPTH {
            self.depth_exceeded = true;
            return;
        }
        // Whether the last child was an inline element: text of two inline elements in a row
        // may need a space between them.
        let mut after_element = false;
        // Children with much text, by size: a copy of one is a layout's variant for another
        // screen size (all but one hidden by the style sheet).
        let mut large: Vec<(u32, ElementRef<'_>)> = Vec::new();
        for child in node.children() {
            match child.value() {
                Node::Text(t) => {
                    self.buffer.push_str(t);
                    // Removed blocks' text (plain) has no use for link counts.
                    if in_link && !self.plain {
                        self.buffer_links += t.chars().filter(|c| !c.is_whitespace()).count();
                    }
                }
                Node::Element(e) => {
                    let Some(el) = ElementRef::wrap(child) else { continue };
                    let name = e.name();
                    if is_skipped_tag(name) || is_invisible(el) {
                        continue;
                    }
                    if Some(child.id()) == self.headline {
                        self.flush();
                        self.seen_headline = true;
                        continue;
                    }
                    let kind = if self.plain {
                        None
                    } else if name == "article" && self.is_other_post(el) {
                        Some(BoilerplateKind::RelatedPosts)
                    } else {
                        boilerplate_kind(el)
                    };
                    if let Some(kind) = kind {
                        self.flush();
                        let text = element_text_blocks(el);
                        if !text.is_empty() {
                            self.removed.push(RemovedBlock { kind, text });
                        }
                        if self.headline_path.contains(&child.id()) {
                            self.seen_headline = true;
                        }
                        continue;
                    }
                    if name == "br" {
                        self.buffer.push('\n');
                        continue;
                    }
                    let chars = dom::counts(el).text;
                    if chars >= MIN_VARIANT_CHARS && !self.plain {
                        // Texts are built only for siblings of the same size.
                        if large.iter().any(|&(n, _)| n == chars) {
                            let text = element_text(el);
                            if large.iter().any(|&(n, other)| n == chars && element_text(other) == text) {
                                self.flush();
                                self.removed.push(RemovedBlock { kind: BoilerplateKind::Other, text });
                                continue;
                            }
                        }
                        large.push((chars, el));
                    }
                    if name == "tr" && is_data_row(el) {
                        self.flush();
                        let cells: Vec<String> = el
                            .child_elements()
                            .filter(|c| matches!(c.value().name(), "td" | "th"))
                            .map(element_text)
                            .filter(|c| !c.is_empty())
                            .collect();
                        self.push_block(cells.join(" | "), BlockTag::Row, dom::counts(el).links as usize);
                        continue;
                    }
                    if is_block_tag(name) {
                        self.flush();
                        let tag = match name {
                            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => BlockTag::Heading,
                            "li" | "dt" | "dd" => BlockTag::Item,
                            _ => BlockTag::Paragraph,
                        };
                        let grid = matches!(name, "td" | "th") && is_grid_cell(el);
                        self.tag_stack.push(tag);
                        self.grid_depth += usize::from(grid);
                        self.walk(child, depth + 1, in_link);
                        self.flush();
                        self.grid_depth -= usize::from(grid);
                        self.tag_stack.pop();
                    } else {
                        let mark = self.buffer.len();
                        self.walk(child, depth + 1, in_link || name == "a");
                        if after_element {
                            separate_joined_words(&mut self.buffer, mark);
                        }
                        after_element = true;
                        continue;
                    }
                }
                _ => {}
            }
            after_element = false;
        }
    }

    /// An `<article>` inside another article that holds much less text than the content
    /// root, no run of prose and not the headline: another post (a teaser), nested in the
    /// article by an unclosed `<article>` tag before a list of teasers. The items of a list
    /// article, each an `<article>` of prose, stay.
    fn is_other_post(&self, el: ElementRef<'_>) -> bool {
        !self.headline_path.contains(&el.id())
            && Some(el.id()) != self.headline
            && dom::counts(el).text * 3 < self.root_text
            && !is_prose(el)
            && el
                .ancestors()
                .take(MAX_DEPTH)
                .any(|a| a.value().as_element().is_some_and(|e| e.name() == "article"))
    }

    fn flush(&mut self) {
        if self.buffer.is_empty() {
            return;
        }
        let links = std::mem::take(&mut self.buffer_links);
        if self.plain {
            // Each non-empty line is a line of the text, as its blocks would be.
            for line in self.buffer.split('\n') {
                let mark = self.plain_text.len();
                if mark > 0 {
                    self.plain_text.push('\n');
                }
                if !push_clean(&mut self.plain_text, line) {
                    self.plain_text.truncate(mark);
                }
            }
            self.buffer.clear();
            return;
        }
        let tag = self.tag_stack.last().copied().unwrap_or(BlockTag::Paragraph);
        // The buffer is cleared, not taken: it keeps its room for the next block.
        if !self.buffer.contains('\n') {
            let text = clean_space(&self.buffer);
            self.buffer.clear();
            self.push_block(text, tag, links);
            return;
        }
        // Two line breaks in a row separate paragraphs in old markup.
        let mut pieces: Vec<String> = Vec::new();
        let mut paragraph = String::new();
        for line in self.buffer.split('\n') {
            let mark = paragraph.len();
            if mark > 0 {
                paragraph.push('\n');
            }
            if push_clean(&mut paragraph, line) {
                continue;
            }
            paragraph.truncate(mark);
            if !paragraph.is_empty() {
                pieces.push(std::mem::take(&mut paragraph));
            }
        }
        if !paragraph.is_empty() {
            pieces.push(paragraph);
        }
        self.buffer.clear();
        let n = pieces.len();
        for piece in pieces {
            self.push_block(piece, tag, if n == 1 { links } else { 0 });
        }
    }

    fn push_block(&mut self, text: String, tag: BlockTag, link_chars: usize) {
        if text.trim().is_empty() {
            return;
        }
        if self.plain {
            if !self.plain_text.is_empty() {
                self.plain_text.push('\n');
            }
            self.plain_text.push_str(&text);
            return;
        }
        let in_grid = self.grid_depth > 0;
        let in_item = self.tag_stack.contains(&BlockTag::Item);
        self.blocks.push(Block {
            text,
            tag,
            link_chars,
            before_headline: !self.seen_headline,
            in_grid,
            in_item,
        });
    }
}

/// Characters of text for a child to be compared with its siblings as a possible copy.
const MIN_VARIANT_CHARS: u32 = 500;

/// A table cell of little text in a row of several cells: a cell of a data table laid out
/// with paragraphs (not a layout column holding the article or a sidebar).
fn is_grid_cell(cell: ElementRef<'_>) -> bool {
    dom::counts(cell).text < 200
        && cell.parent().is_some_and(|row| {
            row.children()
                .filter(|c| c.value().as_element().is_some_and(|e| matches!(e.name(), "td" | "th")))
                .take(2)
                .count()
                >= 2
        })
}

/// A table row of data cells (not a layout row holding paragraphs).
fn is_data_row(tr: ElementRef<'_>) -> bool {
    tr.child_elements().filter(|c| matches!(c.value().name(), "td" | "th")).all(|cell| {
        !cell
            .descendent_elements()
            .any(|d| matches!(d.value().name(), "p" | "div" | "table" | "ul" | "ol" | "h1" | "h2" | "h3"))
    })
}

/// The content blocks after clean-up, and what the clean-up learned.
#[derive(Default)]
pub(crate) struct Content {
    paragraphs: Vec<String>,
    removed: Vec<RemovedBlock>,
    byline_authors: Vec<String>,
    pub(crate) byline_date: Option<NaiveDate>,
}

fn finish_blocks(blocks: Vec<Block>, has_headline: bool, title: Option<&str>) -> Content {
    // Blocks before the headline are kickers and breadcrumbs; prose there means the
    // headline is not where the article starts (a layout that shows it first but puts it
    // later in the source, or a second copy of it).
    let prose_before = blocks
        .iter()
        .filter(|b| b.before_headline && at_least_words(&b.text, 10) && ends_sentence(&b.text))
        .count();
    let has_headline = has_headline && prose_before < 2;
    let mut content = Content::default();
    let mut prose_seen = 0;
    let mut ended = false;
    // Ended by a cue that also opens boxes inside articles ("More:", "Related"): a long
    // paragraph of prose after it means the article went on.
    let mut resumable = false;
    // Each kept block's text, tag, and whether it is mostly a link's text.
    let mut kept: Vec<(String, BlockTag, bool)> = Vec::new();
    // Words of prose paragraphs in each block (zero for other blocks), and how many words of
    // prose follow each block: a cue that ends articles ("About the author") followed by as
    // much prose again is a box inside the article.
    let sizes: Vec<(usize, usize)> = blocks
        .iter()
        .map(|b| (word_count(&b.text), b.text.chars().filter(|c| !c.is_whitespace()).count().max(1)))
        .collect();
    let prose_words: Vec<usize> = blocks
        .iter()
        .zip(&sizes)
        .map(|(b, &(words, chars))| prose_paragraph_words(b, words, chars))
        .collect();
    // Paragraphs of a sentence or two without links (a teaser's summary links to its story).
    let sentences: Vec<bool> = blocks
        .iter()
        .zip(&sizes)
        .map(|(b, &(words, _))| {
            words >= 12 && b.tag == BlockTag::Paragraph && ends_sentence(&b.text) && b.link_chars == 0
        })
        .collect();
    let mut prose_after: Vec<(usize, usize)> = vec![(0, 0); prose_words.len()];
    let mut acc = (0, 0);
    for (i, &w) in prose_words.iter().enumerate().rev() {
        prose_after[i] = acc;
        if w > 0 {
            acc = (acc.0 + w, acc.1 + 1);
        }
    }
    let mut prose_words_kept = 0;
    // In the items of a list that a kept paragraph leads into ("Patches merged this month:"):
    // items that are a link each are the article's list, not a menu.
    let mut led_list = false;
    // In the items after a table of contents' label: the section titles it links to.
    let mut in_contents = false;
    for (i, block) in blocks.into_iter().enumerate() {
        let (words, chars) = sizes[i];
        if block.tag != BlockTag::Item && !block.in_item {
            led_list = false;
        }
        if in_contents && (block.tag == BlockTag::Item || block.in_item) {
            content.removed.push(RemovedBlock { kind: BoilerplateKind::Navigation, text: block.text });
            continue;
        }
        in_contents = boilerplate::is_contents_label(&block.text);
        // Blocks before the headline are dropped before any cue is asked for.
        let cue = if has_headline && block.before_headline && !ended {
            None
        } else if words <= 3 && (block.in_grid || block.tag == BlockTag::Row) {
            // A short cell of a table ("Category", "End") is data, not a section's label.
            None
        } else if block.tag == BlockTag::Row {
            // Cells joined by bars look like a menu; a menu in a table shows by its links.
            boilerplate::cue(&block.text).filter(|c| c.kind != BoilerplateKind::Navigation || c.ends_article)
        } else {
            boilerplate::cue(&block.text)
        };
        // A line of attribution after a quotation ("– Name") is not an opinion piece's
        // closing signature.
        let cue = cue.filter(|_| {
            !(boilerplate::is_signature(&block.text)
                && kept.last().is_some_and(|(t, _, _)| {
                    t.trim_end().ends_with(['”', '"', '»', '」']) || t.starts_with(['“', '"', '«', '「'])
                }))
        });
        if ended {
            // Short paragraphs of news copy count too when two of them follow each other.
            let prose = prose_words[i] > 0 || sentences[i] && sentences.get(i + 1).copied().unwrap_or(false);
            if !(resumable && prose && cue.is_none()) {
                push_or_append(&mut content.removed, cue.map(|c| c.kind), block.text);
                continue;
            }
            ended = false;
        }
        if has_headline && block.before_headline {
            content.removed.push(RemovedBlock { kind: BoilerplateKind::Other, text: block.text });
            continue;
        }
        if title.is_some_and(|t| t == block.text) {
            continue;
        }
        if let Some(cue) = cue {
            let (after_words, after_blocks) = prose_after[i];
            let mid_article = cue.kind != BoilerplateKind::Comments
                && after_blocks >= 2
                && after_words * 2 >= prose_words_kept;
            if cue.ends_article && prose_seen > 0 && !mid_article {
                ended = true;
                resumable = cue.kind == BoilerplateKind::RelatedPosts;
            }
            content.removed.push(RemovedBlock { kind: cue.kind, text: block.text });
            continue;
        }
        if prose_seen < 2 && words <= 20 && !ends_sentence(&block.text) {
            let parsed = byline::parse(&block.text, false);
            if parsed.labelled || parsed.date.is_some() && boilerplate::is_date_line(&block.text) {
                if content.byline_authors.is_empty() {
                    content.byline_authors = parsed.authors;
                }
                if content.byline_date.is_none() {
                    content.byline_date = parsed.date;
                }
                content.removed.push(RemovedBlock { kind: BoilerplateKind::Other, text: block.text });
                continue;
            }
        }
        if block.link_chars * 2 > chars && words <= 12 && block.tag != BlockTag::Heading && !led_list {
            content.removed.push(RemovedBlock { kind: BoilerplateKind::Navigation, text: block.text });
            continue;
        }
        if words >= 10 && ends_sentence(&block.text) {
            prose_seen += 1;
        }
        if block.tag == BlockTag::Paragraph && words >= 3 && block.text.trim_end().ends_with(':') {
            led_list = true;
        }
        prose_words_kept += prose_words[i];
        kept.push((block.text, block.tag, block.link_chars * 2 > chars));
    }
    // Short headings before the first paragraph label sections, not the article's start,
    // but for a question or a summary's label after the headline ("What is a permit?",
    // "Key takeaways"): those open the article's first section.
    while kept.len() > 1
        && kept.first().is_some_and(|(t, tag, _)| {
            *tag == BlockTag::Heading
                && at_most_words(t, 8)
                && !(has_headline && (t.ends_with('?') || boilerplate::is_opening_heading(t)))
        })
    {
        let (text, _, _) = kept.remove(0);
        content.removed.push(RemovedBlock { kind: BoilerplateKind::Other, text });
    }
    // A heading with nothing under it at the end belonged to what follows the article (the
    // rows of a table that ends it are data, however short). A long run of such lines that
    // do not link is not a stray label but a list the article ends with (brands, names, each
    // set as a heading); a run of linked titles is a list of other stories.
    let trailing = kept
        .iter()
        .skip(1)
        .rev()
        .take_while(|(t, tag, _)| {
            *tag == BlockTag::Heading || (*tag != BlockTag::Row && !ends_sentence(t) && at_most_words(t, 4))
        })
        .count();
    let linked = kept.iter().rev().take(trailing).filter(|(_, _, linked)| *linked).count();
    if trailing <= MAX_TRAILING_LABELS || linked * 2 > trailing {
        for (text, _, _) in kept.split_off(kept.len() - trailing) {
            content.removed.push(RemovedBlock { kind: BoilerplateKind::Other, text });
        }
    }
    if content.byline_date.is_none()
        && let Some((first, _, _)) = kept.first()
    {
        content.byline_date = date::dateline_date(first);
    }
    content.paragraphs = kept.into_iter().map(|(t, _, _)| t).collect();
    content
}

/// Short lines at the end of the blocks that are dropped as labels of what follows; more are
/// a list.
const MAX_TRAILING_LABELS: usize = 12;

/// The words of a block that is a paragraph of prose (long, a sentence, few links), else 0.
fn prose_paragraph_words(block: &Block, words: usize, chars: usize) -> usize {
    let prose = words >= 25
        && ends_sentence(&block.text)
        && block.link_chars * 4 < chars
        && block.tag == BlockTag::Paragraph;
    if prose { words } else { 0 }
}

fn push_or_append(removed: &mut Vec<RemovedBlock>, kind: Option<BoilerplateKind>, text: String) {
    match (kind, removed.last_mut()) {
        (None, Some(last)) => {
            last.text.push('\n');
            last.text.push_str(&text);
        }
        (kind, _) => removed.push(RemovedBlock { kind: kind.unwrap_or(BoilerplateKind::Other), text }),
    }
}

/// Every sibling along the path from the body to the root, as one removed block each.
fn outside_blocks(body: ElementRef<'_>, root: ElementRef<'_>) -> Vec<RemovedBlock> {
    let mut out = Vec::new();
    if root.id() == body.id() {
        return out;
    }
    let path: HashSet<NodeId> = root.ancestors().map(|a| a.id()).collect();
    let mut stack = vec![*body];
    let mut guard = 0;
    while let Some(node) = stack.pop() {
        guard += 1;
        if guard > MAX_DEPTH {
            break;
        }
        for child in node.children() {
            if child.id() == root.id() {
                continue;
            }
            if path.contains(&child.id()) {
                stack.push(child);
                continue;
            }
            let Some(el) = ElementRef::wrap(child) else {
                if let Node::Text(t) = child.value() {
                    let text = clean_space(t);
                    if !text.is_empty() {
                        out.push(RemovedBlock { kind: BoilerplateKind::Other, text });
                    }
                }
                continue;
            };
            if is_skipped_tag(el.value().name()) || is_invisible(el) {
                continue;
            }
            let text = element_text_blocks(el);
            if text.is_empty() {
                continue;
            }
            let kind = boilerplate_kind(el).or_else(|| boilerplate::cue(&text).map(|c| c.kind)).unwrap_or(
                if link_density(el) > 0.5 { BoilerplateKind::Navigation } else { BoilerplateKind::Other },
            );
            out.push(RemovedBlock { kind, text });
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Text helpers

/// An element's visible text, whitespace collapsed.
pub(crate) fn element_text(el: ElementRef<'_>) -> String {
    let mut out = String::new();
    collect_text(*el, &mut out, 0);
    clean_space(&out)
}

pub(crate) fn collect_text(node: NodeR<'_>, out: &mut String, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    for child in node.children() {
        match child.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) if !is_skipped_tag(e.name()) => {
                if is_block_tag(e.name()) || e.name() == "br" {
                    out.push(' ');
                }
                collect_text(child, out, depth + 1);
                if is_block_tag(e.name()) {
                    out.push(' ');
                }
            }
            _ => {}
        }
    }
}

/// Breaks the line at `mark` between the text of two inline elements that would otherwise
/// run together as one word changing case mid-way ("<span>By Ann Lee</span><time>Posted…"):
/// such sibling elements are laid out apart by the page's style sheet (a line break, as for
/// `<br>`, so that a byline's first line stays the name). A word split across elements in
/// one case ("<b>W</b><i>ord</i>") is left as it is. Blocks only: `element_text` (titles and
/// names) splits glued bylines by its own rules.
fn separate_joined_words(text: &mut String, mark: usize) {
    let (Some(before), Some(after)) = (text.get(..mark), text.get(mark..)) else { return };
    let joined = before.chars().next_back().is_some_and(|c| c.is_lowercase() || c.is_ascii_digit())
        && after.chars().next().is_some_and(char::is_uppercase);
    if joined {
        text.insert(mark, '\n');
    }
}

/// The length in characters of `element_text(el)` and its commas, without building it.
fn text_stats(el: ElementRef<'_>) -> (usize, usize) {
    #[derive(Default)]
    struct Stats {
        chars: usize,
        words: usize,
        in_word: bool,
        commas: usize,
    }
    fn walk(node: NodeR<'_>, stats: &mut Stats, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        for child in node.children() {
            match child.value() {
                Node::Text(t) => {
                    for c in t.chars() {
                        if c.is_whitespace() {
                            stats.in_word = false;
                            continue;
                        }
                        stats.words += usize::from(!stats.in_word);
                        stats.in_word = true;
                        stats.chars += 1;
                        stats.commas += usize::from(matches!(c, ',' | '，' | '、'));
                    }
                }
                Node::Element(e) if !is_skipped_tag(e.name()) => {
                    let separates = is_block_tag(e.name());
                    if separates || e.name() == "br" {
                        stats.in_word = false;
                    }
                    walk(child, stats, depth + 1);
                    if separates {
                        stats.in_word = false;
                    }
                }
                _ => {}
            }
        }
    }
    let mut stats = Stats::default();
    walk(*el, &mut stats, 0);
    // Words are joined by single spaces.
    (stats.chars + stats.words.saturating_sub(1), stats.commas)
}

/// An element's text with one line per block, for removed blocks.
pub(crate) fn element_text_blocks(el: ElementRef<'_>) -> String {
    let mut walker = Walker::new(None);
    walker.plain = true;
    walker.tag_stack.push(BlockTag::Paragraph);
    walker.walk(*el, 0, false);
    walker.flush();
    walker.plain_text
}

/// The character references that survive in JSON-LD and meta values escaped twice.
pub(crate) fn decode_entities(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('&') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = text.to_owned();
    for (entity, c) in [
        ("&quot;", "\""),
        ("&#039;", "'"),
        ("&#39;", "'"),
        ("&#x27;", "'"),
        ("&apos;", "'"),
        ("&rsquo;", "’"),
        ("&lsquo;", "‘"),
        ("&ldquo;", "“"),
        ("&rdquo;", "”"),
        ("&ndash;", "–"),
        ("&mdash;", "—"),
        ("&nbsp;", " "),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&amp;", "&"),
    ] {
        if out.contains(entity) {
            out = out.replace(entity, c);
        }
    }
    std::borrow::Cow::Owned(out)
}

pub(crate) fn clean_space(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_clean(&mut out, text);
    out
}

/// Appends the words of `text` to `out`, one space between them; whether there were any.
fn push_clean(out: &mut String, text: &str) -> bool {
    let start = out.len();
    for word in text.split_whitespace() {
        if out.len() > start {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.len() > start
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::DateSource;

    fn read(html: &str, url: Option<&str>) -> Article {
        read_html(html, url, &mut Vec::new())
    }

    const PAGE: &str = r##"<!doctype html><html><head>
<title>Boats sent back at dawn | The Lantern</title>
<meta property="og:site_name" content="The Lantern">
<meta name="author" content="Mira Holt">
<meta property="article:published_time" content="2024-03-03T10:00:00+01:00">
</head><body>
<div class="cookie-banner"><p>We use cookies to improve your experience. Accept</p></div>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav></header>
<main><article>
<div class="kicker">Coast</div>
<h1>Boats sent back at dawn</h1>
<p class="dek">Forty fishermen were returned across the strait, their families said.</p>
<div class="byline">By Mira Holt</div>
<div class="article-body">
<p>Officials sent forty fishermen back across the strait on Friday, their families said, in the first such return this year.</p>
<figure><img src="x.jpg"><figcaption>The port at dawn. Photo: staff</figcaption></figure>
<h2>What happened</h2>
<p>The men were driven to the port, put on a ferry and handed to the coast guard on the other side, two relatives said.</p>
<table><tr><th>Year</th><th>Returns</th></tr><tr><td>2023</td><td>12</td></tr></table>
<div class="share">Share: <a href="#">Facebook</a> <a href="#">X</a></div>
<p>The coast guard declined to comment on the case when asked about it by the Lantern on Saturday.</p>
</div>
</article>
<aside class="related"><h3>Related</h3><ul><li><a href="/a">Another story</a> <time datetime="2020-01-01">1 Jan 2020</time></li></ul></aside>
</main>
<section id="comments"><h3>2 comments</h3><p>First comment here, a long one with words.</p></section>
<footer><p>&copy; 2024 The Lantern</p></footer>
</body></html>"##;

    #[test]
    fn reads_metadata_and_main_text() {
        let article = read(PAGE, None);
        assert_eq!(article.title.as_deref(), Some("Boats sent back at dawn"));
        assert_eq!(article.author.as_deref(), Some("Mira Holt"));
        assert_eq!(article.published.map(|d| d.to_string()).as_deref(), Some("2024-03-03"));
        assert_eq!(article.published_from, Some(DateSource::Meta));
        assert!(article.text.starts_with("Forty fishermen were returned"), "{}", article.text);
        assert!(article.text.ends_with("by the Lantern on Saturday."), "{}", article.text);
        assert!(article.text.contains("\n\nWhat happened\n\n"));
        assert!(article.text.contains("Year | Returns\n\n2023 | 12"));
        for junk in
            ["Coast", "Photo: staff", "Share:", "By Mira Holt", "Another story", "cookies", "First comment"]
        {
            assert!(!article.text.contains(junk), "{junk} in {}", article.text);
        }
        let kinds: Vec<BoilerplateKind> = article.removed.iter().map(|r| r.kind).collect();
        for kind in [
            BoilerplateKind::CookieNotice,
            BoilerplateKind::Navigation,
            BoilerplateKind::RelatedPosts,
            BoilerplateKind::Comments,
            BoilerplateKind::ShareButtons,
        ] {
            assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
        }
    }

    #[test]
    fn json_ld_article_date_not_video_date() {
        let html = r##"<html><head><script type="application/ld+json">
[{"@type":"VideoObject","uploadDate":"2022-06-14","datePublished":"2022-06-14"},
 {"@type":"NewsArticle","headline":"Flight halted","datePublished":"2022-06-15T06:00:00+01:00",
  "author":[{"@type":"Person","name":"Tom Avery"},{"@type":"Person","name":"Pia Nolan"}]}]
</script></head><body><article><h1>Flight halted</h1>
<p>The flight was halted minutes before take-off after a late ruling from the court, officials said.</p></article></body></html>"##;
        let article = read(html, None);
        assert_eq!(article.published.map(|d| d.to_string()).as_deref(), Some("2022-06-15"));
        assert_eq!(article.published_from, Some(DateSource::JsonLd));
        assert_eq!(article.author.as_deref(), Some("Tom Avery; Pia Nolan"));
        assert_eq!(article.title.as_deref(), Some("Flight halted"));
    }

    #[test]
    fn time_element_then_url_then_visible_date() {
        let with_time = r##"<html><body><article><h1>Flight</h1><div class="meta"><a rel="author" href="/a">Kai Berg</a>
<time datetime="2024-08-30T10:12:00+02:00">30.08.2024</time></div>
<p>The plane left the airport early in the morning with twenty-eight men on board, officials said.</p></article>
<aside><time datetime="2025-07-18">later</time></aside></body></html>"##;
        let article = read(with_time, Some("https://x.example/2020/01/01/flight"));
        assert_eq!(article.published.map(|d| d.to_string()).as_deref(), Some("2024-08-30"));
        assert_eq!(article.published_from, Some(DateSource::TimeElement));
        assert_eq!(article.author.as_deref(), Some("Kai Berg"));

        let url_only = r##"<html><body><article><h1>Flight</h1>
<p>The plane left the airport early in the morning with twenty-eight men on board, officials said.</p></article>
<div id="footer">Page last modified: 11.10.2021</div></body></html>"##;
        let article = read(url_only, Some("https://x.example/2021/10/08/flight/"));
        assert_eq!(article.published.map(|d| d.to_string()).as_deref(), Some("2021-10-08"));
        assert_eq!(article.published_from, Some(DateSource::Url));

        let visible = r##"<html><body><div id="story"><h1>Flight</h1><p class="story-date">Wednesday 11 August 2021, 09:30 BST</p>
<div id="story-text"><p>The plane left the airport early in the morning with seven men on board, campaigners said.</p>
<p>Most of those on the list were taken off after lawyers lodged last-minute applications.</p></div></div></body></html>"##;
        let article = read(visible, None);
        assert_eq!(article.published.map(|d| d.to_string()).as_deref(), Some("2021-08-11"));
        assert_eq!(article.published_from, Some(DateSource::Text));
    }

    #[test]
    fn a_headline_inside_a_removed_header_still_starts_the_article() {
        let html = format!(
            "<html><body><article><div class=\"post-meta\"><h1>Harbour rules agreed</h1><span>By Ana Lind</span></div>\
             {PROSE}</article></body></html>"
        );
        let article = read(&html, None);
        assert!(article.text.starts_with("The committee met on Monday"), "{article:?}");
        assert!(article.text.ends_with("officials added."), "{article:?}");
    }

    #[test]
    fn prose_after_an_inline_related_box_is_kept() {
        let html = format!(
            "<html><body><article><h1>Harbour rules</h1>{PROSE}\
             <p>More:</p><ul><li><a href=\"/a\">Port strike ends</a></li><li><a href=\"/b\">Ferry fares rise</a></li></ul>\
             <p>The new rules take effect in March, and the harbour office will publish a short guide for boat owners and their crews before then, the chair of the committee said.</p>\
             </article></body></html>"
        );
        let article = read(&html, None);
        assert!(article.text.ends_with("the chair of the committee said."), "{article:?}");
        assert!(!article.text.contains("Port strike ends"), "{article:?}");
    }

    #[test]
    fn short_table_cells_are_data_not_section_labels_issue_6() {
        let html = format!(
            "<html><body><article><h1>Harbour fees</h1>{PROSE}\
             <table><tr><td><p>Category</p></td><td><p>Low</p></td></tr>\
             <tr><td><p>Mooring</p></td><td><p>120</p></td></tr></table>\
             <table><tr><td>Monday</td><td>Rest</td></tr><tr><td colspan=2>End</td></tr>\
             <tr><td>Tuesday</td><td>Sail</td></tr></table>\
             <p>The fees will be reviewed every spring by the harbour office, which publishes them before the season.</p>\
             </article></body></html>"
        );
        let article = read(&html, None);
        assert!(article.text.contains("Category"), "{article:?}");
        assert!(article.text.contains("Tuesday | Sail"), "{article:?}");
        assert!(article.text.ends_with("before the season."), "{article:?}");
    }

    #[test]
    fn highlighted_code_is_kept_whatever_its_classes_say_issue_6() {
        let html = format!(
            "<html><body><article><h1>Harbour scripts</h1>{PROSE}\
             <pre><code><span class=\"hljs-comment\"># count the boats</span>\nboats --count\n\
             <span class=\"token share\">share</span> --all</code></pre>\
             </article></body></html>"
        );
        let article = read(&html, None);
        assert!(article.text.contains("# count the boats"), "{article:?}");
        assert!(article.text.contains("share --all"), "{article:?}");
    }

    #[test]
    fn a_section_heading_right_after_the_headline_is_kept_issue_6() {
        let html = format!(
            "<html><body><article><h1>Harbour rules</h1><h2>What changes?</h2>{PROSE}</article></body></html>"
        );
        let article = read(&html, None);
        assert!(article.text.starts_with("What changes?\n\nThe committee met"), "{article:?}");
    }

    #[test]
    fn items_that_are_a_link_each_are_kept_after_a_lead_in_issue_6() {
        let html = format!(
            "<html><body><article><h1>Harbour rules</h1>{PROSE}\
             <p>Three notices were sent to the owners:</p>\
             <ul><li><a href=\"/a\">Permit fees for small boats</a></li><li><a href=\"/b\">Mooring at night</a></li></ul>\
             <p>The office will answer questions about them until the end of the month, the chair said.</p>\
             <ul><li><a href=\"/c\">Home</a></li><li><a href=\"/d\">Contact</a></li></ul>\
             <p>Owners who miss the deadline can still apply in person at the office, officials added.</p>\
             </article></body></html>"
        );
        let article = read(&html, None);
        assert!(article.text.contains("Permit fees for small boats\n\nMooring at night"), "{article:?}");
        assert!(!article.text.contains("Contact"), "{article:?}");
    }

    #[test]
    fn a_field_that_hides_its_label_is_not_a_label_issue_6() {
        let html = format!(
            "<html><body><article><h1>Harbour rules</h1>{PROSE}\
             <h2><div class=\"field field--name-title field--label-hidden\">Mooring</div></h2>\
             <div class=\"field field--name-copy field--label-hidden\"><p>Boats may moor at the east quay from May, the office said.</p></div>\
             </article></body></html>"
        );
        let article = read(&html, None);
        assert!(
            article.text.ends_with("Mooring\n\nBoats may moor at the east quay from May, the office said."),
            "{article:?}"
        );
    }

    #[test]
    fn japanese_paragraphs_are_sentences() {
        let html = "<html><body><article><h1>港の新しい規則</h1>\
            <p>委員会は月曜日に会合を開き、港の新しい規則について話し合いました。</p>\
            <p>漁船は来年の春から許可が必要になると委員会は声明で述べました。</p>\
            <p>すでに免許を持っている所有者は新たな申請なしで許可を受け取れます。</p>\
            </article></body></html>";
        let article = read(html, None);
        assert!(article.text.contains("会合を開き"), "{article:?}");
        assert!(article.text.ends_with("許可を受け取れます。"), "{article:?}");
    }

    #[test]
    fn a_rail_layout_holding_div_paragraphs_is_not_a_sidebar() {
        let para = |t: &str| format!("<div class=\"body-paragraph\">{t}</div>");
        let html = format!(
            "<html><body><article class=\"page-rail-tall\"><h1>Harbour rules</h1>{}{}{}</article>\
             <div class=\"rail\"><a href=\"/x\">Most read</a></div></body></html>",
            para("The committee met on Monday to discuss the new harbour rules, and agreed on most of them."),
            para(
                "Fishing boats will need a permit from next spring, the committee said in a statement after the meeting."
            ),
            para(
                "Owners who already hold a licence will get the permit without a new application, officials added."
            )
        );
        let article = read(&html, None);
        assert!(article.text.contains("committee met on Monday"), "{article:?}");
        assert!(article.text.ends_with("officials added."), "{article:?}");
    }

    #[test]
    fn json_ld_author_by_reference_in_a_graph() {
        let html = r##"<html><head><script type="application/ld+json">{"@graph":[
 {"@type":"Article","headline":"Flight halted","datePublished":"2022-06-15","author":{"@id":"https://x.example/#/person/1"}},
 {"@type":"Person","@id":"https://x.example/#/person/1","name":"Tom &amp; Pia Avery"}]}
</script></head><body><article><h1>Flight halted</h1>
<p>The flight was halted minutes before take-off after a late ruling from the court, officials said.</p></article></body></html>"##;
        let article = read(html, None);
        assert_eq!(article.author.as_deref(), Some("Tom & Pia Avery"));
    }

    #[test]
    fn the_shown_headline_is_the_title() {
        let page = |h1s: &str| {
            format!(
                "<html><head><meta property=\"og:title\" content=\"Harbour rules: what owners must know in 2025\">\
                 <meta property=\"og:site_name\" content=\"The Lantern\"></head><body><article>{h1s}{PROSE}</article></body></html>"
            )
        };
        let one = read(&page("<h1>Harbour permit rules agreed after long talks</h1>"), None);
        assert_eq!(one.title.as_deref(), Some("Harbour permit rules agreed after long talks"));
        // Several h1 used as section headings, none the headline: the metadata title.
        let many = read(&page("<h1>Owners</h1><h1>Reviews</h1>"), None);
        assert_eq!(many.title.as_deref(), Some("Harbour rules: what owners must know in 2025"));
        // The site's name in an h1 is no title.
        let site = read(&page("<h1>The Lantern</h1>"), None);
        assert_eq!(site.title.as_deref(), Some("Harbour rules: what owners must know in 2025"));
        assert_eq!(strip_site_name("The Lantern | Boats sent back", Some("The Lantern")), "Boats sent back");
        assert_eq!(strip_site_name("Boats sent back at dawn • The Lantern", None), "Boats sent back at dawn");
    }

    #[test]
    fn visible_bylines_give_the_name_not_the_job_title() {
        let page = |byline: &str| {
            format!(
                "<html><body><article><h1>Harbour rules agreed</h1>{byline}{PROSE}</article></body></html>"
            )
        };
        let labelled = read(&page("<div class=\"x\"><p>Written by</p><p>Ana Lind</p></div>"), None);
        assert_eq!(labelled.author.as_deref(), Some("Ana Lind"));
        let glued = read(&page("<div class=\"x\"><span>By</span><a href=\"/a\">Ana Lind</a></div>"), None);
        assert_eq!(glued.author.as_deref(), Some("Ana Lind"));
        let role = read(
            &page("<div class=\"author\"><div>Ana Lind</div><div>Senior Harbour Reporter</div></div>"),
            None,
        );
        assert_eq!(role.author.as_deref(), Some("Ana Lind"));
        // A label alone is no name.
        let label = read(&page("<a rel=\"author\" href=\"/a\">Written By</a>"), None);
        assert_eq!(label.author, None);
    }

    #[test]
    fn a_person_in_the_byline_beats_an_organisation_in_json_ld() {
        let html = format!(
            "<html><head><script type=\"application/ld+json\">{{\"@type\":\"Article\",\"author\":{{\"@type\":\"Organization\",\"name\":\"Harbour Trust\"}}}}</script></head>\
             <body><article><h1>Harbour rules agreed</h1><p class=\"byline\">By Ana Lind</p>{PROSE}</article></body></html>"
        );
        assert_eq!(read(&html, None).author.as_deref(), Some("Ana Lind"));
        let without = html.replace("<p class=\"byline\">By Ana Lind</p>", "");
        assert_eq!(read(&without, None).author.as_deref(), Some("Harbour Trust"));
    }

    #[test]
    fn dates_shown_under_the_headline_and_last_resorts() {
        let page = |head: &str, under: &str| {
            format!(
                "<html><head>{head}</head><body><article><header><h1>Harbour rules agreed</h1>{under}</header>{PROSE}</article>\
                     <aside><p>Published: March 3, 2019</p></aside></body></html>"
            )
        };
        let shown = read(&page("", "<div><span>Published</span> <span>October 3, 2024</span></div>"), None);
        assert_eq!(shown.published.map(|d| d.to_string()).as_deref(), Some("2024-10-03"));
        let byline = read(&page("", "<div>By <a href=\"/a\">Ana Lind</a> - Mar 27, 2024</div>"), None);
        assert_eq!(byline.published.map(|d| d.to_string()).as_deref(), Some("2024-03-27"));
        // Only an update date: it is the closest the page gives.
        let updated = read(&page("", "<div><div>Last updated:</div><div>Dec 12, 2025</div></div>"), None);
        assert_eq!(updated.published.map(|d| d.to_string()).as_deref(), Some("2025-12-12"));
        // A publication date in JSON-LD wins over the modification date.
        let ld = "<script type=\"application/ld+json\">{\"@type\":\"Article\",\"datePublished\":\"2024-01-29\",\"dateModified\":\"2025-08-19\"}</script>";
        let both = read(&page(ld, ""), None);
        assert_eq!(both.published.map(|d| d.to_string()).as_deref(), Some("2024-01-29"));
        // Script data naming one date dates the page; naming several (teasers) does not.
        let one =
            read(&page("<script>window.d = {\"publishedDate\":\"2019-08-16T00:00:00Z\"}</script>", ""), None);
        assert_eq!(one.published.map(|d| d.to_string()).as_deref(), Some("2019-08-16"));
        let many = read(
            &page(
                "<script>x = [{\"publishedDate\":\"2019-08-16\"},{\"publishedDate\":\"2020-01-02\"}]</script>",
                "",
            ),
            None,
        );
        assert_eq!(many.published, None);
    }

    #[test]
    fn a_hidden_label_class_does_not_hide_the_body() {
        let html = format!(
            "<html><body><article><h1>Harbour rules agreed</h1><div class=\"field field--name-body field--label-hidden\">{PROSE}</div>\
             <span class=\"visually-hidden\">Skip to the footer of this page now</span></article></body></html>"
        );
        let article = read(&html, None);
        assert!(article.text.starts_with("The committee met on Monday"), "{article:?}");
        assert!(!article.text.contains("Skip to"), "{article:?}");
    }

    #[test]
    fn prose_before_a_later_copy_of_the_headline_is_kept() {
        let html = format!(
            "<html><body><main><div class=\"content\">{PROSE}<h1>Harbour rules agreed</h1>\
             <p>The new rules take effect in March, the chair of the committee said after the meeting.</p></div></main></body></html>"
        );
        let article = read(&html, None);
        assert!(article.text.starts_with("The committee met on Monday"), "{article:?}");
    }

    #[test]
    fn an_article_in_section_blocks_is_read_whole() {
        let section = |h: &str, t: &str| {
            format!(
                "<div class=\"block\"><div class=\"inner\"><h2>{h}</h2><p>{t}, and the harbour office will publish a guide, the chair said.</p>\
                     <p>Owners asked for more time to prepare, and the committee agreed to a short delay, officials said.</p></div></div>"
            )
        };
        let html = format!(
            "<html><body><nav><a href=\"/\">Home</a></nav><div class=\"page\"><h1>Harbour rules agreed</h1>{}{}{}</div>\
             <footer><p>Contact us at the harbour office.</p></footer></body></html>",
            section("Permits", "Fishing boats will need a permit from next spring"),
            section("Fees", "The permit will cost less for small boats than for trawlers"),
            section("Timing", "The rules take effect in March")
        );
        let article = read(&html, None);
        assert!(article.text.contains("need a permit"), "{article:?}");
        assert!(article.text.contains("take effect in March"), "{article:?}");
        assert!(!article.text.contains("Contact us"), "{article:?}");
    }

    #[test]
    fn class_tokens_name_sections_in_order_of_priority() {
        let kind = |t: &str| section_kind_of(t, token_groups(t));
        assert_eq!(kind("cookieconsent"), Some(BoilerplateKind::CookieNotice));
        assert_eq!(kind("commentsharing"), Some(BoilerplateKind::Comments));
        assert_eq!(kind("relatedposts"), Some(BoilerplateKind::RelatedPosts));
        assert_eq!(kind("sidebar"), Some(BoilerplateKind::RelatedPosts));
        assert_eq!(kind("breadcrumbs"), Some(BoilerplateKind::Navigation));
        assert_eq!(kind("authorbio"), Some(BoilerplateKind::AuthorBox));
        assert_eq!(kind("saboxplugin"), Some(BoilerplateKind::AuthorBox));
        assert_eq!(kind("newscarousel"), Some(BoilerplateKind::RelatedPosts));
        assert_eq!(kind("affiliatedisclosure"), Some(BoilerplateKind::Other));
        assert_eq!(kind("content"), None);
        assert_ne!(token_groups("postdate") & DATE_HINT, 0);
        assert_eq!(token_groups("content") & DATE_HINT, 0);
    }

    #[test]
    fn text_counts_leave_out_scripts_and_count_links() {
        let doc = Html::parse_document(
            "<html><body><div id=\"x\">ab <a href=\"/\">cd</a><script>var x = 1;</script></div></body></html>",
        );
        dom::reset(doc.root_element(), is_skipped_tag, is_block_tag);
        let div = doc.root_element().descendent_elements().find(|e| e.value().name() == "div");
        let counts = div.map(dom::counts).unwrap_or_default();
        dom::clear();
        assert_eq!((counts.text, counts.links), (4, 2));
    }

    #[test]
    fn title_without_metadata_drops_site_name() {
        assert_eq!(strip_site_name("Boats sent back at dawn - The Lantern", None), "Boats sent back at dawn");
        assert_eq!(strip_site_name("Boats | The Lantern", Some("The Lantern")), "Boats");
        assert_eq!(strip_site_name("Boats", None), "Boats");
    }

    #[test]
    fn odd_markup_does_not_panic() {
        let deep = "<div>".repeat(5000) + "text" + &"</div>".repeat(5000);
        for html in [
            "",
            "<html>",
            "<p>",
            "<table><tr><td>",
            &deep,
            "<script type=\"application/ld+json\">{bad</script>",
        ] {
            let _ = read(html, Some("::"));
        }
    }

    const PROSE: &str = "<p>The committee met on Monday to discuss the new harbour rules, and agreed on most of them.</p>\
        <p>Fishing boats will need a permit from next spring, the committee said in a statement after the meeting.</p>\
        <p>Owners who already hold a licence will get the permit without a new application, officials added.</p>";

    #[test]
    fn text_of_inline_elements_side_by_side_is_kept_apart_issue_6() {
        let body =
            "The court heard the appeal of the families on Monday, and it ruled on Friday, lawyers said.";
        let html = format!(
            "<html><body><article><h1>Ruling on the appeal</h1>\
             <p><span>By <a href=/a>Ann Lee</a></span><time>Posted: Jan 2, 2024</time></p>\
             <p>{body} <b>W</b><i>ord</i> <em>one</em>, <em>two</em>.</p><p>{body}</p></article></body></html>"
        );
        let article = read(&html, None);
        assert!(article.text.contains("Word one, two."), "{}", article.text);
        let all: Vec<&str> = std::iter::once(article.text.as_str())
            .chain(article.removed.iter().map(|r| r.text.as_str()))
            .collect();
        assert!(all.iter().any(|t| t.contains("Ann Lee\nPosted")), "{all:?}");
        assert!(!all.iter().any(|t| t.contains("LeePosted")), "{all:?}");
    }

    #[test]
    fn posts_nested_in_an_unclosed_article_are_not_its_text_issue_6() {
        let body =
            "The court heard the appeal of the families on Monday, and it ruled on Friday, lawyers said.";
        let teaser = "<article class=\"post\"><h2><a href=/b>Another story</a></h2>\
                      <p>A short summary of another story, with a comma.</p></article>";
        let html = format!(
            "<html><body><article class=\"post\"><h1>Ruling on the appeal</h1>\
             <div class=\"entry\"><p>{body}</p><p>{body}</p><p>{body}</p></div>\
             <h3>More posts</h3>{teaser}{teaser}</body></html>"
        );
        let article = read(&html, None);
        assert!(article.text.contains("lawyers said."), "{}", article.text);
        assert!(!article.text.contains("short summary"), "{}", article.text);
        // An article body in a nested `<article>` is kept.
        let nested = format!(
            "<html><body><article><h1>Ruling on the appeal</h1><article class=\"body\">\
             <p>{body}</p><p>{body}</p></article></article></body></html>"
        );
        assert!(read(&nested, None).text.contains("lawyers said."));
    }

    #[test]
    fn text_stats_agree_with_element_text() {
        for html in [
            "<div id=t> Le  café, <b>fermé</b>\n<p>depuis,l'été</p><br>x<script>a, b</script> </div>",
            "<div id=t>a<span>b</span>\u{3000}c、d<div></div></div>",
            "<div id=t>   </div>",
        ] {
            let doc = Html::parse_document(html);
            let Some(el) = doc.root_element().descendent_elements().find(|e| e.attr("id") == Some("t"))
            else {
                panic!("no element in {html}");
            };
            let text = element_text(el);
            let expect = (text.chars().count(), text.matches([',', '，', '、']).count());
            assert_eq!(text_stats(el), expect, "{text:?}");
        }
    }

    #[test]
    fn page_builder_class_words_do_not_remove_the_article_issue_6() {
        let html = format!(
            "<html><body><div class=\"builder-widget builder-widget-post-content\"><div class=\"sidebar-layout\">{PROSE}</div></div>\
             <div class=\"widget\"><h3>Recent</h3><ul><li><a href=\"/a\">A story</a></li></ul></div></body></html>"
        );
        let article = read(&html, None);
        assert!(article.text.contains("committee met on Monday"), "{article:?}");
        assert!(article.text.contains("without a new application"), "{article:?}");
        assert!(!article.text.contains("A story"), "{article:?}");
    }

    #[test]
    fn a_headline_outside_the_content_does_not_hide_it_issue_6() {
        let html = format!(
            "<html><body><main><div class=\"entry-content\">{PROSE}</div></main>\
             <div class=\"hero\"><h1>Harbour rules agreed</h1></div></body></html>"
        );
        let article = read(&html, None);
        assert!(article.text.starts_with("The committee met on Monday"), "{article:?}");
        assert!(article.text.ends_with("officials added."), "{article:?}");
    }

    #[test]
    fn a_table_in_a_figure_is_text_its_image_caption_is_not() {
        let html = format!(
            "<html><body><main><div class=\"entry-content\">{PROSE}\
             <figure class=\"wp-block-table\"><table><tr><td>Port</td><td>Permits</td></tr>\
             <tr><td>Eastbay</td><td>Forty-two</td></tr></table></figure>\
             <figure><img src=\"a.jpg\"><figcaption>Boats in the eastern harbour at dusk.</figcaption></figure>\
             </div></main></body></html>"
        );
        let article = read(&html, None);
        assert!(article.text.contains("Eastbay | Forty-two"), "{article:?}");
        assert!(!article.text.contains("at dusk"), "{article:?}");
    }

    #[test]
    fn rows_of_three_short_cells_are_data_a_row_of_links_is_a_menu() {
        let html = format!(
            "<html><body><main><div class=\"entry-content\">{PROSE}\
             <table><tr><td><a href=\"/\">Home</a></td><td><a href=\"/a\">About</a></td><td><a href=\"/c\">Contact</a></td></tr>\
             <tr><th>Rank</th><th>Port</th><th>Boats</th></tr><tr><td>1</td><td>Eastbay</td><td>42</td></tr></table>\
             <p>The chair said the permits would be reviewed after one year, and that fees could change.</p>\
             </div></main></body></html>"
        );
        let article = read(&html, None);
        assert!(article.text.contains("Rank | Port | Boats\n\n1 | Eastbay | 42"), "{article:?}");
        assert!(!article.text.contains("About"), "{article:?}");
    }

    #[test]
    fn sections_beside_a_linked_list_of_names_are_read_whole() {
        let row = |inner: &str| {
            format!("<div class=\"row\"><div class=\"col\"><div class=\"text\">{inner}</div></div></div>")
        };
        let names = (1..=12)
            .map(|i| format!("<a href=\"/p{i}\">Person Number{i}</a>"))
            .collect::<Vec<_>>()
            .join(", ");
        let html = format!(
            "<html><body><main>{}{}{}</main></body></html>",
            row(PROSE),
            row(
                "<p>Owners asked for more time to prepare, and the committee agreed to a short delay, officials said.</p>\
                 <p>The harbour office will publish a guide to the permits in the spring, the chair said on Monday.</p>"
            ),
            row(&format!("<p>With thanks to {names}, and the harbour staff.</p>"))
        );
        let article = read(&html, None);
        assert!(article.text.contains("committee met on Monday"), "{article:?}");
        assert!(article.text.contains("publish a guide"), "{article:?}");
    }

    #[test]
    fn sections_deep_in_single_wrappers_are_read_whole() {
        let wrap = |inner: &str| {
            (0..10).fold(inner.to_string(), |acc, i| format!("<div class=\"w{i}\">{acc}</div>"))
        };
        let html = format!(
            "<html><body><main>{}{}</main></body></html>",
            wrap(PROSE),
            wrap(
                "<p>Owners asked for more time to prepare, and the committee agreed to a short delay, officials said.</p>\
                  <p>The harbour office will publish a guide to the permits in the spring, the chair said on Monday.</p>"
            )
        );
        let article = read(&html, None);
        assert!(article.text.contains("committee met on Monday"), "{article:?}");
        assert!(article.text.contains("publish a guide"), "{article:?}");
    }

    #[test]
    fn a_collapsed_accordion_panel_is_text_a_hidden_box_is_not() {
        let html = format!(
            "<html><body><main><div class=\"entry-content\">{PROSE}\
             <h3>Step one: apply</h3><div role=\"region\" style=\"display:none\"><p>Owners apply at the harbour office, which opens every weekday morning.</p></div>\
             <div class=\"accordion-content\" style=\"display: none\"><p>The office answers within a month, and the permit lasts for five years.</p></div>\
             <div style=\"display:none\"><p>Thanks for signing up to the harbour newsletter, we will be in touch.</p></div>\
             </div></main></body></html>"
        );
        let article = read(&html, None);
        assert!(article.text.contains("every weekday morning"), "{article:?}");
        assert!(article.text.contains("lasts for five years"), "{article:?}");
        assert!(!article.text.contains("newsletter"), "{article:?}");
    }

    #[test]
    fn an_attribution_after_a_quotation_does_not_end_the_article() {
        let html = format!(
            "<html><body><main><div class=\"entry-content\">{PROSE}\
             <p>“The new rules are fair, and we will follow them from the first day.”</p><p>– Ana K.</p>\
             <p>“We waited for years, and the permit finally gives us some certainty.”</p><p>– Tom B.</p>\
             </div></main></body></html>"
        );
        let article = read(&html, None);
        assert!(article.text.contains("– Ana K."), "{article:?}");
        assert!(article.text.contains("gives us some certainty"), "{article:?}");
    }

    #[test]
    fn short_paragraphs_after_a_box_of_links_resume_the_article() {
        let html = format!(
            "<html><body><main><div class=\"entry-content\">{PROSE}<p>Don't miss</p>\
             <p><a href=\"/a\">Harbour fees to rise next year</a></p><p><a href=\"/b\">Ferry timetable changes for winter</a></p>\
             <p>The harbour master said the permits would make the port safer for everyone who works there.</p>\
             <p>Inspections of the first boats are expected to begin in the second week of March.</p>\
             </div></main></body></html>"
        );
        let article = read(&html, None);
        assert!(article.text.contains("safer for everyone"), "{article:?}");
        assert!(article.text.contains("second week of March"), "{article:?}");
        assert!(!article.text.contains("Ferry timetable"), "{article:?}");
    }

    #[test]
    fn streamed_segments_are_read_in_their_placeholders() {
        let html = "<html><body><main><h1>Harbour permits explained</h1>\
             <!--$?--><template id=\"B:0\"></template><div>Loading paragraph...</div><!--/$-->\
             <p>Footer note.</p></main>\
             <div hidden id=\"S:0\"><div><p>The harbour master said on Monday that the new permits, which cost \
             forty euros a year, would make the port safer for everyone who works there.</p>\
             <p>Inspections of the first boats, the council said, are expected to begin in the second week \
             of March, after the fishing season ends.</p><template id=\"P:1\"></template></div></div>\
             <div hidden id=\"S:1\"><p>Owners of small boats, who had asked for a lower fee, will pay half, \
             the council added in its statement.</p></div></body></html>";
        let article = read(html, None);
        assert!(article.text.starts_with("The harbour master said"), "{article:?}");
        assert!(article.text.contains("second week of March"), "{article:?}");
        assert!(article.text.contains("will pay half"), "{article:?}");
        assert!(!article.text.contains("Loading"), "{article:?}");
    }

    #[test]
    fn a_comment_class_on_the_wrapper_of_the_article_body_is_no_comment_section() {
        let html = format!(
            "<html><body><main><h1>Harbour permits explained</h1>\
             <div class=\"post-content\"><div class=\"commentOnSelection\">{PROSE}</div></div>\
             <div class=\"comments\"><p>A reader wrote that the permits, at forty euros, are far too dear for them.</p>\
             <p>Another reader wrote back that the fee is small, and that the port needs the money badly.</p></div>\
             </main></body></html>"
        );
        let article = read(&html, None);
        assert!(article.text.contains("The committee met on Monday"), "{article:?}");
        assert!(!article.text.contains("A reader wrote"), "{article:?}");
    }

    #[test]
    fn links_in_paragraphs_of_list_items_after_a_lead_are_the_article() {
        let html = format!(
            "<html><body><main><div class=\"entry-content\">{PROSE}<p>Patches merged this month:</p>\
             <ul><li><p><a href=\"/1\">Harbour: allow permits for small boats</a></p></li>\
             <li><p><a href=\"/2\">Ferry: fix the winter timetable</a></p></li></ul>\
             <p>Inspections of the first boats are expected to begin in the second week of March.</p>\
             </div></main></body></html>"
        );
        let article = read(&html, None);
        assert!(article.text.contains("allow permits for small boats"), "{article:?}");
        assert!(article.text.contains("fix the winter timetable"), "{article:?}");
    }

    #[test]
    fn an_element_hidden_by_a_display_condition_is_not_read() {
        let html = format!(
            "<html><body><main><div class=\"entry-content\">{PROSE}\
             <p class=\"summary-fallback w-condition-invisible\">A summary shown only when the post has none of its own.</p>\
             </div></main></body></html>"
        );
        let article = read(&html, None);
        assert!(!article.text.contains("A summary shown only"), "{article:?}");
    }

    #[test]
    fn a_copy_of_a_block_beside_it_is_read_once() {
        let html = format!(
            "<html><body><main><h1>Harbour permits explained</h1><div class=\"entry-content\">\
             <div class=\"variant desktop\">{PROSE}{PROSE}{PROSE}</div>\
             <div class=\"variant mobile\">{PROSE}{PROSE}{PROSE}</div>\
             </div></main></body></html>"
        );
        let article = read(&html, None);
        assert_eq!(article.text.matches("The committee met on Monday").count(), 3, "{article:?}");
    }

    #[test]
    fn a_table_of_contents_is_not_the_article() {
        let html = format!(
            "<html><body><main><div class=\"entry-content\"><p>In this article:</p>\
             <ul><li>Who needs a permit</li><li>What it costs</li></ul>{PROSE}\
             <h2>Who needs a permit</h2><p>Every boat longer than six metres will need one, the committee said.</p>\
             </div></main></body></html>"
        );
        let article = read(&html, None);
        assert!(!article.text.contains("In this article"), "{article:?}");
        assert!(!article.text.contains("What it costs"), "{article:?}");
        assert!(article.text.contains("Who needs a permit\n\nEvery boat"), "{article:?}");
    }

    #[test]
    fn paragraphs_set_straight_in_the_body_are_the_article() {
        let html = "<html><body><h1>Harbour permits</h1>\
             The committee met on Monday to discuss the new harbour rules, and agreed on most of them after a long debate.\
             <p>Fishing boats will need a permit from next spring, the committee said in a statement after the meeting, \
             and owners who already hold a licence will get the permit without a new application, officials added.\
             <p>Inspections of the first boats, the council said, are expected to begin in the second week of March, \
             after the fishing season ends, and will take about a month, according to the harbour master.\
             <div class=\"float\"><p>The old harbour, drawn by a local artist, in a print from the town's archive.</p></div>\
             </body></html>";
        let article = read(html, None);
        assert!(article.text.contains("The committee met on Monday"), "{article:?}");
        assert!(article.text.contains("second week of March"), "{article:?}");
    }

    #[test]
    fn a_carousel_of_cards_and_a_disclosure_are_not_the_article() {
        let html = format!(
            "<html><body><article><h1>Harbour fees rise again</h1>\
             <div class=\"promo-disclosure\">We may earn a fee when you book through our links.</div>{PROSE}\
             <div class=\"stories-carousel\"><div><h3>Ferry timetable changes</h3><p>New winter times.</p></div>\
             <div><h3>Sea wall repairs begin</h3><p>Work starts in May.</p></div></div>{PROSE}</article></body></html>"
        );
        let article = read(&html, None);
        assert!(!article.text.contains("earn a fee"), "{}", article.text);
        assert!(!article.text.contains("Ferry timetable"), "{}", article.text);
        assert_eq!(article.text.matches("The committee met on Monday").count(), 2, "{}", article.text);
    }

    #[test]
    fn a_form_with_fields_is_a_widget_a_page_wrapped_in_a_form_is_not() {
        let html = format!(
            "<html><body><article><h1>Harbour fees rise again</h1>{PROSE}\
             <form action=\"/join\"><label>Your email address *</label><input type=\"email\">\
             <p>Get the harbour letter every week.</p><button>Join</button></form>{PROSE}</article></body></html>"
        );
        let article = read(&html, None);
        assert!(!article.text.contains("Your email address"), "{}", article.text);
        assert!(!article.text.contains("harbour letter"), "{}", article.text);
        assert!(article.text.contains("The committee met on Monday"), "{}", article.text);
        let html = format!(
            "<html><body><form action=\"/page\"><input type=\"hidden\" name=\"state\">\
             <article><h1>Harbour fees rise again</h1>{PROSE}</article></form></body></html>"
        );
        assert!(read(&html, None).text.contains("The committee met on Monday"));
    }

    #[test]
    fn a_closing_profile_of_the_author_is_an_author_box() {
        let page = |bio: &str| {
            format!(
                "<html><head><meta name=\"author\" content=\"Jo Marlow\"></head><body><article>\
                 <h1>Harbour fees rise again</h1>\
                 <p>The harbour board raised its fees for the third year running, citing repairs to the old sea wall.</p>\
                 <p>Jo Marlow is the name the ferry company gave its new boat, after the skipper who ran the route for years.</p>\
                 <p>Fishing crews said the rise would cost each boat several hundred pounds a season, and they asked for talks.</p>\
                 <p>{bio}</p></article></body></html>"
            )
        };
        let article = read(
            &page("Jo Marlow is a freelance reporter who covers the coast and its working harbours."),
            None,
        );
        assert_eq!(article.author.as_deref(), Some("Jo Marlow"));
        assert!(article.text.contains("the name the ferry company gave"), "{}", article.text);
        assert!(article.text.ends_with("asked for talks."), "{}", article.text);
        assert!(
            article
                .removed
                .iter()
                .any(|r| r.kind == BoilerplateKind::AuthorBox && r.text.starts_with("Jo Marlow is")),
            "{:?}",
            article.removed
        );
        // The article's own closing paragraph about someone else stays.
        let article = read(
            &page("Sam Tully is the harbour master and said the board had no other choice this year."),
            None,
        );
        assert!(article.text.ends_with("no other choice this year."), "{}", article.text);
    }

    #[test]
    fn a_long_list_of_headings_at_the_end_is_kept() {
        let brands: String =
            (1..=15).map(|i| format!("<h3>Harbour Brand {i}</h3><ul><li><h4>linen</h4></li></ul>")).collect();
        let html = format!(
            "<html><body><main><div class=\"entry-content\">{PROSE}<p>Here is the list.</p>{brands}</div></main></body></html>"
        );
        let article = read(&html, None);
        assert!(article.text.contains("Harbour Brand 15"), "{article:?}");
        let html = format!(
            "<html><body><main><div class=\"entry-content\">{PROSE}<h3>Share this</h3></div></main></body></html>"
        );
        assert!(!read(&html, None).text.contains("Share this"));
        let stories: String =
            (1..=15).map(|i| format!("<h3><a href=\"/{i}\">Harbour story {i}</a></h3>")).collect();
        let html = format!(
            "<html><body><main><div class=\"entry-content\">{PROSE}{stories}</div></main></body></html>"
        );
        assert!(!read(&html, None).text.contains("Harbour story 15"));
    }
}
