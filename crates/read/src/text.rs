//! Plain-text pages: a scraped page as lines, with its menus, byline, body and trailer.
//!
//! The page is cut into blocks at blank lines. The body starts at the first prose block;
//! the headline is the most prominent single line above it; the lines between headline and
//! body are the byline zone (authors, date). The body runs until the first cue that ends an
//! article (author box, related posts, comments, tags, credits); cues that do not end it
//! ("Keep reading", share lines) are removed where they stand. Everything after the end is
//! grouped into labelled removed blocks, one per section.

use chrono::NaiveDate;
use domain::{Article, BoilerplateKind, DateSource, Diagnostic, RemovedBlock};

use crate::boilerplate::{self, Cue, ends_sentence, is_list_item};
use crate::{byline, date};

/// A run of non-blank lines.
#[derive(Debug)]
struct Block {
    lines: Vec<String>,
    words: usize,
}

impl Block {
    fn text(&self) -> String {
        self.lines.join("\n")
    }

    fn first_line(&self) -> &str {
        self.lines.first().map_or("", String::as_str)
    }

    fn is_single_line(&self) -> bool {
        self.lines.len() == 1
    }

    /// The block as article text: hard-wrapped prose is re-joined, lists keep their lines.
    fn paragraph(&self) -> String {
        let wrapped = self.lines.len() > 1
            && self.lines.iter().all(|l| !is_list_item(l))
            && self.lines[..self.lines.len() - 1].iter().all(|l| l.chars().count() >= 50);
        if wrapped { self.lines.join(" ") } else { self.text() }
    }
}

/// Reads a plain-text page.
pub fn read_text(input: &str, url: Option<&str>, diagnostics: &mut Vec<Diagnostic>) -> Article {
    let blocks = segment(input);
    if blocks.is_empty() {
        diagnostics.push(Diagnostic::warning("page has no text"));
        return Article::default();
    }
    let cues: Vec<Option<Cue>> = blocks.iter().map(|b| boilerplate::cue(&b.text())).collect();
    let Some(body_start) = (0..blocks.len()).find(|&i| cues[i].is_none() && is_prose(&blocks[i])) else {
        diagnostics.push(Diagnostic::info("no prose paragraph found; page read as a list of lines"));
        return without_prose(&blocks, &cues);
    };

    // "Our teams recorded the following incidents:" leads into the list under it.
    let lead_in = |i: usize| {
        let block = &blocks[i];
        block.is_single_line()
            && cues[i].is_none()
            && block.first_line().ends_with(':')
            && block.words >= 4
            && block.first_line().split_whitespace().filter(|w| w.starts_with(char::is_lowercase)).count()
                >= 2
    };
    let body_start = if body_start > 1 && lead_in(body_start - 1) { body_start - 1 } else { body_start };
    let title_idx = find_title(&blocks[..body_start], &cues, url);
    let mut meta = Meta::default();
    // The byline zone: under the headline (or the whole head when there is none).
    let zone_start = title_idx.map_or(0, |t| t + 1);
    for block in &blocks[zone_start..body_start] {
        meta.read_byline_block(block, true);
    }
    // Above the headline only dates count ("Posted: 14 May 2024"), never lists of them.
    for (idx, block) in blocks[..zone_start].iter().enumerate() {
        if Some(idx) != title_idx && !is_dated_list(block) {
            meta.read_byline_block(block, false);
        }
    }

    // Byline lines just inside the body region (after a standfirst) are metadata too.
    let mut meta_blocks = Vec::new();
    let mut prose_seen = 0;
    for (idx, block) in blocks.iter().enumerate().skip(body_start) {
        if prose_seen >= 2 || cues[idx].is_some_and(|c| c.ends_article) {
            break;
        }
        if is_prose(block) {
            prose_seen += 1;
        } else if cues[idx].is_none() && block.words <= 20 && meta.read_byline_block(block, false) {
            meta_blocks.push(idx);
        }
    }
    if meta.date.is_none() {
        meta.date = date::dateline_date(blocks[body_start].first_line());
    }

    // The author, when no byline gave one: an "About <name>" box or a "— Name" signature.
    if meta.authors.is_empty() && !meta.group_credit {
        meta.authors = blocks[body_start..].iter().find_map(author_from_box).unwrap_or_default();
    }
    if meta.authors.is_empty() && !meta.group_credit {
        meta.authors = blocks[body_start..].iter().find_map(author_from_signature).unwrap_or_default();
    }
    let author = byline::join(&meta.authors);

    let mut removed: Vec<RemovedBlock> = Vec::new();
    for (idx, block) in blocks[..body_start].iter().enumerate() {
        if Some(idx) == title_idx {
            continue;
        }
        let kind = match cues[idx] {
            Some(cue) => cue.kind,
            None if idx < zone_start => BoilerplateKind::Navigation,
            None => BoilerplateKind::Other,
        };
        removed.push(RemovedBlock { kind, text: block.text() });
    }

    let mut paragraphs: Vec<String> = Vec::new();
    let mut end = blocks.len();
    for (idx, block) in blocks.iter().enumerate().skip(body_start) {
        let cue = cues[idx].or_else(|| author_cue(block, &meta.authors));
        match cue {
            Some(cue) if cue.ends_article => {
                end = idx;
                break;
            }
            Some(cue) => removed.push(RemovedBlock { kind: cue.kind, text: block.text() }),
            None if meta_blocks.contains(&idx) => {
                removed.push(RemovedBlock { kind: BoilerplateKind::Other, text: block.text() });
            }
            None => paragraphs.push(block.paragraph()),
        }
    }
    // A short heading left with nothing under it belonged to what follows, not the article.
    while paragraphs.len() > 1
        && paragraphs.last().is_some_and(|p| !ends_sentence(p) && p.split_whitespace().count() <= 6)
    {
        if let Some(text) = paragraphs.pop() {
            removed.push(RemovedBlock { kind: BoilerplateKind::Other, text });
        }
    }

    // The trailer: one removed block per section, each started by a cue.
    let mut in_listing = false;
    let trailer_first = removed.len();
    for (block, cue) in blocks[end..].iter().zip(&cues[end..]) {
        let mut cue = *cue;
        let in_trailer = removed.len() > trailer_first;
        if cue.is_none() {
            // A bio continues the author box above it; a box of its own starts a new one.
            let continues_box =
                in_trailer && removed.last().is_some_and(|r| r.kind == BoilerplateKind::AuthorBox);
            cue = author_cue(block, &meta.authors).filter(|_| !continues_box || block.words <= 6);
        }
        match (cue, removed.last_mut()) {
            (None, Some(last)) if in_trailer => {
                last.text.push_str("\n\n");
                last.text.push_str(&block.text());
            }
            (cue, _) => {
                let kind = cue.map_or(BoilerplateKind::Other, |c| c.kind);
                in_listing = matches!(kind, BoilerplateKind::Comments | BoilerplateKind::RelatedPosts);
                removed.push(RemovedBlock { kind, text: block.text() });
            }
        }
        if meta.date.is_none() && !in_listing {
            meta.date = block.lines.iter().find_map(|l| published_line_date(l));
        }
    }

    let (published, published_from) = match meta.date {
        Some(date) => (Some(date), Some(DateSource::Text)),
        None => match url.and_then(date::date_in_url) {
            Some(date) => (Some(date), Some(DateSource::Url)),
            None => (None, None),
        },
    };
    Article {
        title: title_idx.map(|i| blocks[i].first_line().to_owned()),
        author,
        published,
        published_from,
        language: None,
        text: paragraphs.join("\n\n"),
        removed,
    }
}

/// Authors and date gathered from byline lines.
#[derive(Debug, Default)]
struct Meta {
    authors: Vec<String>,
    group_credit: bool,
    date: Option<NaiveDate>,
}

impl Meta {
    /// Reads every line of a block as a byline; returns whether anything was found.
    fn read_byline_block(&mut self, block: &Block, bare_names: bool) -> bool {
        let mut found = false;
        for line in &block.lines {
            let parsed = byline::parse(line, bare_names && line.split_whitespace().count() <= 12);
            if self.date.is_none() && parsed.date.is_some() {
                self.date = parsed.date;
                found = true;
            }
            if self.authors.is_empty() && !self.group_credit {
                if !parsed.authors.is_empty() {
                    self.authors = parsed.authors;
                    found = true;
                } else if parsed.group_credit {
                    self.group_credit = true;
                    found = true;
                }
            }
        }
        found
    }
}

fn segment(input: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines: Vec<String> = Vec::new();
    for line in input.lines().chain(std::iter::once("")) {
        let line = line.trim();
        if line.is_empty() {
            if !lines.is_empty() {
                let words = lines.iter().map(|l| l.split_whitespace().count()).sum();
                blocks.push(Block { lines: std::mem::take(&mut lines), words });
            }
        } else {
            lines.push(line.to_owned());
        }
    }
    blocks
}

/// A paragraph of running text: enough words, ends like a sentence, mostly lower-case words.
fn is_prose(block: &Block) -> bool {
    let last = block.lines.last().map_or("", String::as_str);
    if block.words < 10 || !ends_sentence(last) {
        return false;
    }
    // A list of links or titles is not prose; a list of full sentences ("- 3 June: a group of
    // 11 people was pushed back …") is.
    let sentence_items = block.lines.iter().all(|l| ends_sentence(l) && l.split_whitespace().count() >= 8);
    if block.lines.iter().all(|l| is_list_item(l)) && !sentence_items {
        return false;
    }
    let lower = block
        .lines
        .iter()
        .flat_map(|l| l.split_whitespace())
        .filter(|w| w.chars().next().is_some_and(char::is_lowercase))
        .count();
    lower * 10 >= block.words * 3
}

/// The headline: the most prominent single line above the body, preferring one that shares
/// words with the URL slug.
fn find_title(head: &[Block], cues: &[Option<Cue>], url: Option<&str>) -> Option<usize> {
    let slug = url.map(slug_words).unwrap_or_default();
    let mut best: Option<(i64, usize)> = None;
    for (idx, block) in head.iter().enumerate() {
        let line = block.first_line();
        if !block.is_single_line() || cues[idx].is_some() || !(2..=40).contains(&block.words) {
            continue;
        }
        let parsed = byline::parse(line, false);
        if !parsed.authors.is_empty() || parsed.group_credit || parsed.date.is_some() {
            continue;
        }
        // A bare name ("Ana Ruiz") under a headline is a byline, but short Title Case
        // headlines look the same: such lines only lose against longer candidates.
        let looks_like_name = byline::names(line, false).is_some();
        if line.contains("://") || line.contains(" | ") {
            continue;
        }
        let words: Vec<String> = line.split_whitespace().map(normalize_word).collect();
        let overlap = words.iter().filter(|w| w.len() > 2 && slug.contains(w)).count();
        let all_caps = line.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase);
        let mut score =
            i64::try_from(block.words.min(20)).unwrap_or(20) + 4 * i64::try_from(overlap).unwrap_or(0);
        if all_caps {
            score -= 12;
        }
        if block.words < 3 {
            score -= 5;
        }
        if looks_like_name {
            score -= 8;
        }
        if best.is_none_or(|(s, _)| score >= s) {
            best = Some((score, idx));
        }
    }
    best.map(|(_, idx)| idx)
}

fn normalize_word(word: &str) -> String {
    word.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase()
}

fn slug_words(url: &str) -> Vec<String> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let path = path.split_once("://").map_or(path, |(_, rest)| rest);
    let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    last.split(['-', '_', '.']).filter(|w| w.len() > 2).map(str::to_lowercase).collect()
}

/// "Published 31/05/2013 17:05" in a page's trailer.
fn published_line_date(line: &str) -> Option<NaiveDate> {
    let lower = line.trim_start().to_ascii_lowercase();
    let labelled = ["published", "posted on", "posted:", "first published", "originally published"]
        .iter()
        .any(|label| lower.starts_with(label));
    if !labelled {
        return None;
    }
    date::find_date(byline::before_update(line))
}

/// "About Jo Park" boxes name the author.
fn author_from_box(block: &Block) -> Option<Vec<String>> {
    let first = block.first_line().trim_end_matches(':');
    let rest = first.strip_prefix("About ").or_else(|| first.strip_prefix("ABOUT "))?;
    if rest.split_whitespace().count() > 5 || !byline::is_name(rest, true) {
        return None;
    }
    byline::names(rest, true)
}

/// "— Jo Park" under the last paragraph. Agency codes ("— AP") are not authors.
fn author_from_signature(block: &Block) -> Option<Vec<String>> {
    let first = block.first_line();
    let rest = first.trim_start_matches(['—', '–', '―', '-']).trim();
    if rest.len() == first.len() || rest.split_whitespace().count() > 5 || !byline::is_name(rest, false) {
        return None;
    }
    byline::names(rest, false)
}

/// Cues that depend on the author: a box with the author's name alone, or a bio that opens
/// with the author's name ("Jo Park is a researcher ...").
fn author_cue(block: &Block, authors: &[String]) -> Option<Cue> {
    let first = block.first_line();
    for author in authors {
        let Some(rest) = first.strip_prefix(author.as_str()) else {
            continue;
        };
        let rest = rest.trim_start();
        if block.is_single_line() && rest.is_empty() {
            return Some(Cue { kind: BoilerplateKind::AuthorBox, ends_article: true });
        }
        let bio = ["is a ", "is an ", "is the ", "writes ", "covers ", "reports on ", "has written "];
        if block.words <= 80 && bio.iter().any(|b| rest.starts_with(b)) {
            return Some(Cue { kind: BoilerplateKind::AuthorBox, ends_article: true });
        }
    }
    None
}

/// A block holding two or more dates, one per line: an archive or post list.
fn is_dated_list(block: &Block) -> bool {
    block.lines.iter().filter(|l| date::find_date(l).is_some()).count() >= 2
}

/// A page without any prose paragraph: keep the lines that carry no cue.
fn without_prose(blocks: &[Block], cues: &[Option<Cue>]) -> Article {
    let mut article = Article::default();
    for (block, cue) in blocks.iter().zip(cues) {
        match cue {
            Some(cue) => article.removed.push(RemovedBlock { kind: cue.kind, text: block.text() }),
            None => {
                if article.title.is_none() && block.is_single_line() {
                    article.title = Some(block.first_line().to_owned());
                } else {
                    if !article.text.is_empty() {
                        article.text.push_str("\n\n");
                    }
                    article.text.push_str(&block.paragraph());
                }
            }
        }
    }
    article
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(page: &str, url: Option<&str>) -> Article {
        read_text(page, url, &mut Vec::new())
    }

    const PAGE: &str = "THE LANTERN\nNews from the coast\n\nHome | World | Asia | About\n\n\
Harbour Town Sends Forty Fishermen Back Across The Strait\n\nBy Mira Holt\nPublished: 3 March 2024, 10:00\n\n\
HARBOUR TOWN, March 3 (LNT) — Officials sent forty fishermen back across the strait on Friday, their families said.\n\n\
What happened on Friday?\n\n\
The men were driven to the port at dawn and put on a ferry, according to two relatives who spoke to the Lantern.\n\n\
Keep reading\n\n\
The coast guard declined to comment on the case when asked about it on Saturday.\n\n\
About Mira Holt\n\nMira Holt is a reporter who covers the coast.\n\n\
Recent Posts\n\nA story about boats\nMarch 1, 2024\n\nA story about nets\nFebruary 28, 2024\n\n\
This site uses cookies. Accept\n";

    #[test]
    fn reads_headline_byline_body_and_trailer() {
        let article = read(PAGE, None);
        assert_eq!(
            article.title.as_deref(),
            Some("Harbour Town Sends Forty Fishermen Back Across The Strait")
        );
        assert_eq!(article.author.as_deref(), Some("Mira Holt"));
        assert_eq!(article.published.map(|d| d.to_string()).as_deref(), Some("2024-03-03"));
        assert_eq!(article.published_from, Some(DateSource::Text));
        assert!(article.text.starts_with("HARBOUR TOWN, March 3 (LNT)"));
        assert!(article.text.contains("\n\nWhat happened on Friday?\n\n"));
        assert!(article.text.ends_with("asked about it on Saturday."));
        assert!(!article.text.contains("Keep reading"));
        let kinds: Vec<BoilerplateKind> = article.removed.iter().map(|r| r.kind).collect();
        assert!(kinds.contains(&BoilerplateKind::AuthorBox));
        assert!(kinds.contains(&BoilerplateKind::RelatedPosts));
        assert!(kinds.contains(&BoilerplateKind::CookieNotice));
        let related = article.removed.iter().find(|r| r.kind == BoilerplateKind::RelatedPosts);
        assert!(related.is_some_and(|r| r.text.contains("February 28, 2024")));
    }

    #[test]
    fn related_post_dates_are_never_the_publication_date() {
        let page = "A Headline About Boats\n\nThe boats left the harbour at night and did not come back, residents said.\n\n\
Recent Posts\n\nAnother story\nJanuary 20, 2026\n\nA third story\nJanuary 19, 2026\n";
        let article = read(page, None);
        assert_eq!(article.published, None);
        assert_eq!(article.title.as_deref(), Some("A Headline About Boats"));
    }

    #[test]
    fn url_date_when_the_page_has_none() {
        let page = "A Headline About Boats\n\nThe boats left the harbour at night and did not come back, residents said.\n";
        let article = read(page, Some("https://news.example/2023/10/13/boats"));
        assert_eq!(article.published.map(|d| d.to_string()).as_deref(), Some("2023-10-13"));
        assert_eq!(article.published_from, Some(DateSource::Url));
    }

    #[test]
    fn author_from_about_box_and_signature() {
        let page = "A Headline About Boats\n\nThe boats left the harbour at night and did not come back, residents said.\n\n\
About Tomas Reyes\n\nTomas Reyes writes about the sea.\n";
        assert_eq!(read(page, None).author.as_deref(), Some("Tomas Reyes"));
        let page = "A Headline About Boats\n\nThe boats left the harbour at night and did not come back, residents said.\n\n\
— Tomas Reyes\n\nPublished 31/05/2013 17:05 | Updated 01/06/2013 09:12\n";
        let article = read(page, None);
        assert_eq!(article.author.as_deref(), Some("Tomas Reyes"));
        assert_eq!(article.published.map(|d| d.to_string()).as_deref(), Some("2013-05-31"));
    }

    #[test]
    fn group_credit_is_no_author() {
        let page = "A Headline About Boats\n\nPosted by the Lantern team\n\n\
The boats left the harbour at night and did not come back, residents said.\n\nAbout the author\nThe Lantern team is a group.\n";
        assert_eq!(read(page, None).author, None);
    }

    #[test]
    fn dateline_with_year() {
        let page = "Experts Ask About Boats\n\nGENEVA (15 May 2025) – An expert said today he was looking into reports about the boats.\n";
        let article = read(page, None);
        assert_eq!(article.published.map(|d| d.to_string()).as_deref(), Some("2025-05-15"));
    }

    #[test]
    fn bio_paragraph_ends_the_article() {
        let page = "Why Boats Matter\n\nBy Lina Farah\n\nBoats matter because people live by the sea and trade along the coast every day.\n\n\
Lina Farah is a researcher on coastal trade. The views expressed are her own.\n\nShare: Facebook | X\n";
        let article = read(page, None);
        assert!(article.text.ends_with("every day."));
        assert!(article.removed.iter().any(|r| r.kind == BoilerplateKind::AuthorBox));
    }

    #[test]
    fn hard_wrapped_prose_is_rejoined() {
        let page = "Boats\n\nThe boats left the harbour at night and did not come back to the port,\nresidents of the town said on Sunday.\n";
        assert_eq!(
            read(page, None).text,
            "The boats left the harbour at night and did not come back to the port, residents of the town said on Sunday."
        );
    }

    #[test]
    fn a_list_of_sentences_is_article_text() {
        let page = "Monthly border report\n\nOur teams recorded the following incidents in June:\n\n\
            - 3 June: a group of 11 people was pushed back across the river after being beaten by officers.\n\
            - 9 June: seven men were detained in the capital and returned across the border the next morning.\n\n\
            In total, we documented 43 people pushed back in June, compared with 61 in May.\n";
        let article = read(page, None);
        assert_eq!(article.title.as_deref(), Some("Monthly border report"));
        assert!(
            article.text.starts_with("Our teams recorded the following incidents in June:"),
            "{}",
            article.text
        );
        assert!(article.text.contains("- 9 June: seven men were detained"), "{}", article.text);
        // A list of short titles stays out.
        let page = "A headline for the page\n\n\
            This is the first paragraph of the article, and it runs on for a while.\n\n\
            Related:\n\n- Another story\n- Yet another story\n";
        assert!(!read(page, None).text.contains("Another story"));
    }

    #[test]
    fn odd_input_does_not_panic() {
        for page in ["", "\n\n\n", "—", "About ", "a\u{FFFD}b\n\n\u{200B}", "By\n\nBy By\n\n1/1/1"] {
            let _ = read(page, Some("not a url"));
        }
    }
}
