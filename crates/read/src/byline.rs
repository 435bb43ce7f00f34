//! Bylines: "By Ana Ruiz and Tom Lee", "Ritwik Sharma, SAN | 4 October 2018", "Text: Eleni Markou".
//!
//! A byline yields author names and possibly a date. Group credits ("SAN Staff", "the
//! newsroom team") are recognised so that they are not mistaken for a person.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use crate::{date, re};

/// What one byline-like line says.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Byline {
    pub authors: Vec<String>,
    pub date: Option<NaiveDate>,
    /// The line credits a staff, desk or team rather than a person.
    pub group_credit: bool,
    /// The line carried an explicit label ("By", "Author:", "Posted by").
    pub labelled: bool,
    /// The credited group as written ("the Lantern team") when a label names a group.
    pub group: Option<String>,
}

static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:(?:(?:written|posted|words|story|reported|edited|text|photos and text|article)\s+by|by|author|authors|autor|von|par|por)\s*:?\s+|text\s*:\s*)",
    )
});
static SEGMENT_SEPARATOR: LazyLock<Regex> =
    LazyLock::new(|| re(r"\s+[|·•—–⋅∙●‧]\s+|\s+-\s+|\s{3,}|\s*\|\s*|\s+[·⋅∙•]\s*"));
static NAME_SEPARATOR: LazyLock<Regex> =
    LazyLock::new(|| re(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\by\b)\s*"));
static UPDATED: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\b(?:last\s+)?(?:updated|modified|amended)\b"));
static GROUP_WORD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:staff|team|desk|agencies|newsroom|editors|editorial|correspondents|bureau|contributors|reporters)\b",
    )
});

/// Words that may start with a lower-case letter inside a personal name.
const PARTICLES: &[&str] = &[
    "al", "bin", "binti", "da", "de", "del", "della", "der", "di", "dos", "du", "el", "ibn", "la", "le",
    "van", "von", "y", "zu", "ter", "ten", "of",
];

/// Capitalised words that show a line is not a name.
const NOT_NAMES: &[&str] = &[
    "share",
    "reading",
    "read",
    "published",
    "posted",
    "updated",
    "listen",
    "print",
    "email",
    "comments",
    "home",
    "menu",
    "subscribe",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "min",
    "photo",
    "video",
    "advertisement",
    "follow",
    "sign",
    "log",
    "written",
    "by",
    "author",
    "authors",
    "about",
    "link",
    "links",
    "topic",
    "topics",
    "category",
    "categories",
    "industry",
    "popularity",
    "relevance",
    "newest",
    "oldest",
    "spotlight",
    "venue",
    "more",
    "view",
    "all",
];

/// Month names: a name may be "April Fulton", but a month alone is no name.
const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Words that describe a role rather than name a person ("Home Affairs Correspondent").
const ROLES: &[&str] = &[
    "correspondent",
    "editor",
    "writer",
    "reporter",
    "analyst",
    "contributor",
    "columnist",
    "producer",
    "photographer",
    "chief",
    "senior",
    "deputy",
    "director",
    "professor",
    "fellow",
    "researcher",
    "intern",
    "expert",
    "founder",
    "co-founder",
    "cofounder",
    "coordinator",
    "manager",
    "consultant",
    "specialist",
    "strategist",
    "officer",
    "ceo",
    "dietitian",
    "contributing",
    "staff",
];

/// Post-nominal letters that belong to a credited name ("Ana Ruiz, MD, MPH"): degrees,
/// licences and fellowships as bylines write them, without dots. Agency codes ("AFP", "SAN")
/// are not among them: they follow a name too, but credit a second party.
const CREDENTIALS: &[&str] = &[
    "md", "do", "phd", "dphil", "rd", "rdn", "ld", "ldn", "ms", "msc", "ma", "mba", "mph", "mfa", "dvm",
    "vmd", "cfp", "cpa", "cfa", "jd", "llm", "rn", "bsn", "msn", "np", "fnp", "aprn", "dnp", "pac", "dds",
    "dmd", "pharmd", "psyd", "edd", "med", "lcsw", "lmft", "lpc", "cpp", "psp", "facp", "facs", "faclm",
    "dacvb", "lvt", "vts", "cde", "cdces", "cscs", "cpt", "mbbs", "frcp", "frcs", "mrcp", "bsc", "ibclc",
    "ryt", "eryt", "ryt200", "eryt200", "ryt500", "eryt500", "lac", "nd", "cnm", "ccc", "slp", "otr", "dpt",
];

/// Whether `piece` is post-nominal letters alone ("MD", "M.D.", "PhD", "MS, RD" pieces).
fn is_credential(piece: &str) -> bool {
    let squashed: String =
        piece.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect();
    let has_capital = piece.chars().next().is_some_and(char::is_uppercase);
    has_capital && piece.split_whitespace().count() <= 2 && CREDENTIALS.contains(&squashed.as_str())
}

/// The part of a line before any "updated"/"modified" note.
pub fn before_update(line: &str) -> &str {
    match UPDATED.find(line) {
        Some(m) => &line[..m.start()],
        None => line,
    }
}

/// Whether a line starts with a byline label ("By", "Written by", "Author:").
pub fn starts_with_label(line: &str) -> bool {
    LABEL.is_match(line.trim_start()) || glued_label(line.trim_start()).is_some()
}

/// Whether a line is a byline label alone ("By", "Written by:").
pub fn is_label(line: &str) -> bool {
    let line = format!("{} ", line.trim().trim_end_matches(':'));
    LABEL.find(&line).is_some_and(|m| m.end() == line.len())
}

/// "ByAna Ruiz" (a label in its own element with no space before the name) → "Ana Ruiz".
fn glued_label(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("By")?;
    rest.chars().next().is_some_and(char::is_uppercase).then_some(rest)
}

/// Reads one line as a byline. `bare_names` allows a line of names without a "By" label,
/// which is only safe right under a headline.
pub fn parse(line: &str, bare_names: bool) -> Byline {
    let line = line.trim();
    let glued = glued_label(line).map(|rest| format!("By {rest}"));
    let line = glued.as_deref().unwrap_or(line);
    let cut = before_update(line);
    let mut byline = Byline { date: date::find_date(cut), ..Byline::default() };
    // Bare names may open the line or follow its date ("Dec 19, 2025 · Ana Ruiz").
    let mut first_words = 0;
    for (idx, segment) in SEGMENT_SEPARATOR.split(cut).enumerate() {
        if idx == first_words && is_date_segment(segment) {
            first_words += 1;
            continue;
        }
        let segment = segment.trim().trim_matches(|c: char| c == '(' || c == ')' || c == '[' || c == ']');
        let (segment, labelled) = match LABEL.find(segment) {
            Some(m) => (&segment[m.end()..], true),
            None => (segment, false),
        };
        // After a label the name ends where a date or a number starts ("by: Ana Ruiz, Dec
        // 17, 2025"); an unlabelled segment with digits is no name at all.
        let segment = if labelled { before_digits(segment) } else { segment };
        if segment.is_empty() || segment.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        if !(labelled || bare_names && idx == first_words) {
            continue;
        }
        let segment = before_connector(segment);
        if GROUP_WORD.is_match(segment) || segment.split_whitespace().next().is_some_and(is_lower_start) {
            byline.group_credit = labelled || byline.group_credit || is_staff_credit(segment);
            if labelled {
                byline.labelled = true;
                if byline.group.is_none() && is_staff_credit(segment) && !segment.contains(['.', '!', '?']) {
                    byline.group = Some(segment.to_owned());
                }
            }
            continue;
        }
        if let Some(names) = names(segment, labelled) {
            byline.authors = names;
            byline.labelled = labelled;
            byline.group_credit = false;
            break;
        }
    }
    byline
}

/// Whether a byline segment is a date alone ("Dec. 19, 2025", "20.05.2023 14:02").
fn is_date_segment(segment: &str) -> bool {
    date::find_date_at(segment).is_some_and(|(pos, _)| segment[..pos].split_whitespace().count() <= 1)
        && segment.split_whitespace().count() <= 7
        && !LABEL.is_match(segment.trim_start())
}

/// A name up to a lower-case connecting word that starts what follows it: "Ana Ruiz on
/// behalf of the team" → "Ana Ruiz", "Ana Ruiz in Politics" → "Ana Ruiz".
fn before_connector(segment: &str) -> &str {
    let mut offset = 0;
    for word in segment.split_inclusive(char::is_whitespace) {
        let bare = word.trim();
        if offset > 0 && ["on", "in", "at", "for", "from", "via", "who", "is", "was"].contains(&bare) {
            return segment[..offset].trim_end();
        }
        offset += word.len();
    }
    segment
}

/// The part of a labelled segment before a date or a number, without the punctuation,
/// weekday and connecting words that lead up to it ("Ana Ruiz on Friday", "Ana Ruiz,").
fn before_digits(segment: &str) -> &str {
    let cut = date::find_date_at(segment)
        .map(|(pos, _)| pos)
        .into_iter()
        .chain(segment.find(|c: char| c.is_ascii_digit()))
        .min()
        .unwrap_or(segment.len());
    let trim = |s: &str| s.trim_end_matches(|c: char| c.is_whitespace() || ",;:-–—(@".contains(c)).len();
    let mut head = &segment[..cut];
    if cut == segment.len() {
        return head;
    }
    // "Author: Ana Ruiz Released: 17 June 2025" is a list of fields, not a byline.
    if head.contains(':') {
        return "";
    }
    loop {
        head = &head[..trim(head)];
        match head.rsplit_once(' ') {
            Some((rest, last))
                if ["on", "at", "in", "from", "the"].contains(&last) || is_calendar_word(last) =>
            {
                head = rest;
            }
            _ => return head,
        }
    }
}

fn is_calendar_word(word: &str) -> bool {
    let lower = word.trim_matches(|c: char| !c.is_alphabetic()).to_lowercase();
    let weekday = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    MONTHS.contains(&lower.as_str())
        || weekday.contains(&lower.as_str())
        || MONTHS.iter().any(|m| m.get(..3) == Some(lower.as_str()))
}

/// A team or desk credited as written ("Podium Staff", "The Lantern Team"), if `text` is one.
pub fn group_name(text: &str) -> Option<String> {
    let text = text.trim();
    (is_staff_credit(text)
        && !text.chars().any(|c| c.is_ascii_digit() || ".!?:|".contains(c))
        && text.split_whitespace().last().is_some_and(|w| GROUP_WORD.is_match(w))
        && !is_lower_start(text))
    .then(|| text.to_owned())
}

fn is_staff_credit(segment: &str) -> bool {
    GROUP_WORD.is_match(segment) && segment.split_whitespace().count() <= 4
}

fn is_lower_start(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_lowercase)
}

/// Splits "Ana Ruiz and Tom Lee" into names. The first piece must be a name; later pieces
/// that are not names (roles, places, agency codes) are dropped.
pub fn names(text: &str, lenient: bool) -> Option<Vec<String>> {
    let text = text.trim().trim_end_matches([',', ';', ':', '.']).trim();
    let mut out: Vec<String> = Vec::new();
    for (idx, piece) in NAME_SEPARATOR.split(text).enumerate() {
        let piece = piece.trim();
        if piece.is_empty() {
            continue;
        }
        // "Ana Ruiz, MD, MPH": the letters stay with the name they follow.
        if idx > 0 && is_credential(piece.trim_end_matches('*')) {
            if let Some(last) = out.last_mut() {
                last.push_str(", ");
                last.push_str(piece.trim_end_matches('*'));
            }
            continue;
        }
        if is_name(piece, lenient) && (idx == 0 || !is_role(piece)) {
            if !out.iter().any(|n| n == piece) {
                out.push(piece.to_owned());
            }
        } else if idx == 0 {
            return None;
        } else if has_role_word(piece) {
            // "Ana Ruiz, Senior Director, Content & Marketing, Example Institute": what
            // follows a job title describes it.
            break;
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Whether `text` looks like a personal or organisation name: capitalised words, no digits.
/// Strict names have two to five words and are not written in capitals only.
pub fn is_name(text: &str, lenient: bool) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    let (min, max) = if lenient { (1, 6) } else { (2, 5) };
    if words.len() < min || words.len() > max || text.len() > 60 {
        return false;
    }
    if text.chars().any(|c| c.is_ascii_digit() || "|:/@#=<>«»“”\"!?".contains(c)) {
        return false;
    }
    let all_caps = text.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase);
    if all_caps && (!lenient || words.len() > 3) {
        return false;
    }
    let mut capitalised = 0;
    for word in &words {
        let bare = word.trim_matches(|c: char| !c.is_alphanumeric());
        let lower = bare.to_lowercase();
        if NOT_NAMES.contains(&lower.as_str()) || words.len() == 1 && MONTHS.contains(&lower.as_str()) {
            return false;
        }
        match bare.chars().next() {
            Some(c) if c.is_uppercase() => capitalised += 1,
            Some(_) if PARTICLES.contains(&lower.as_str()) => {}
            _ => return false,
        }
    }
    capitalised >= 1
}

fn is_role(piece: &str) -> bool {
    has_role_word(piece) || (piece.split_whitespace().count() == 1)
}

fn has_role_word(piece: &str) -> bool {
    piece
        .split_whitespace()
        .any(|w| ROLES.contains(&w.to_lowercase().trim_matches(|c: char| !c.is_alphabetic())))
}

/// Joins several authors the way the extract JSON contract does.
pub fn join(authors: &[String]) -> Option<String> {
    (!authors.is_empty()).then(|| authors.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(line: &str, bare: bool, authors: &[&str], date: Option<&str>) {
        let got = parse(line, bare);
        assert_eq!(got.authors, authors, "{line}");
        assert_eq!(got.date.map(|d| d.to_string()).as_deref(), date, "{line}");
    }

    #[test]
    fn labelled_bylines() {
        check("By Ana Ruiz", false, &["Ana Ruiz"], None);
        check("by Ana Ruiz and Tom Lee", false, &["Ana Ruiz", "Tom Lee"], None);
        check("By Jo Park, Home Affairs Correspondent", false, &["Jo Park"], None);
        check(
            "Text: Mira Holt, Athens | 20.05.2023 | Reading time 4 min",
            false,
            &["Mira Holt"],
            Some("2023-05-20"),
        );
        check("Sunday 3 April 2022 · Edited by Sam Oduya", false, &["Sam Oduya"], Some("2022-04-03"));
        check("By Rights Network", false, &["Rights Network"], None);
        check(
            "By Ana Ruiz, Senior Director, Content & Outreach, Harbor Institute",
            false,
            &["Ana Ruiz"],
            None,
        );
    }

    #[test]
    fn bare_names_only_when_allowed() {
        check("Lina Farah · Analysis", true, &["Lina Farah"], None);
        check("Lina Farah · Analysis", false, &[], None);
        check(
            "Kiran Das, SAN | Thursday, 4 October 2018, 8:55 PM IST",
            true,
            &["Kiran Das"],
            Some("2018-10-04"),
        );
        check("Nora Vance and Eli Stone", true, &["Nora Vance", "Eli Stone"], None);
        check("Reading time: 6 min", true, &[], None);
        check("Asia Pacific Desk", true, &[], None);
    }

    #[test]
    fn group_credits() {
        let staff = parse("SAN Staff | Wednesday, 4 October 2023, 1:15 PM PKT", true);
        assert!(staff.group_credit && staff.authors.is_empty());
        assert_eq!(staff.date.map(|d| d.to_string()).as_deref(), Some("2023-10-04"));
        let team = parse("Posted by the Lantern team", false);
        assert!(team.group_credit && team.authors.is_empty());
    }

    #[test]
    fn names_end_where_the_date_or_a_connecting_word_starts() {
        check("by: Ana Ruiz, Dec 17, 2025", false, &["Ana Ruiz"], Some("2025-12-17"));
        check("Posted by TomLee on Friday March 7, 2025 @08:00PM", false, &["TomLee"], Some("2025-03-07"));
        check("Dec. 19, 2025 · Nora Vance on behalf of the board", true, &["Nora Vance"], Some("2025-12-19"));
        check("By Eli Stone ⋅ Review Editor ⋅ Updated May 6, 2025", false, &["Eli Stone"], None);
        check("Ana Ruiz in Politics", true, &["Ana Ruiz"], None);
        // A list of fields is no byline.
        check("Author: H.G. Mist Released: June 17, 2025", false, &[], Some("2025-06-17"));
    }

    #[test]
    fn post_nominal_letters_stay_with_the_name_issue_6() {
        check("By Ana Ruiz, MD", false, &["Ana Ruiz, MD"], None);
        check("Written by Ana Ruiz, MS, RD", false, &["Ana Ruiz, MS, RD"], None);
        check("By Tom Lee, Ph.D. and Eli Stone, DVM", false, &["Tom Lee, Ph.D.", "Eli Stone, DVM"], None);
        check("By Nora Vance CPP, PSP", false, &["Nora Vance CPP, PSP"], None);
        check("By Ana Ruiz, MD*", false, &["Ana Ruiz, MD"], None);
        // Agency codes and roles are no credentials.
        check("Kiran Das, AFP", true, &["Kiran Das"], None);
        check("By Jo Park, Home Affairs Correspondent", false, &["Jo Park"], None);
    }

    #[test]
    fn month_names_in_names() {
        check("By April Nolan", false, &["April Nolan"], None);
        check("By June", false, &[], None);
    }

    #[test]
    fn text_needs_a_colon_to_be_a_label() {
        check("Text: Mira Holt", false, &["Mira Holt"], None);
        check("Text Messaging", false, &[], None);
    }

    #[test]
    fn group_names() {
        assert_eq!(parse("By the Lantern Team", false).group.as_deref(), Some("the Lantern Team"));
        assert_eq!(group_name("Lantern Staff").as_deref(), Some("Lantern Staff"));
        assert_eq!(group_name("Staff picks: 3 new books"), None);
        assert_eq!(group_name("Ana Ruiz"), None);
    }

    #[test]
    fn update_dates_are_ignored() {
        check("March 1, 2025 7:05 PM · Updated March 2, 2025", true, &[], Some("2025-03-01"));
        check("Updated 4 May 2020", true, &[], None);
    }
}
