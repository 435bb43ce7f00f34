//! Bylines: "By Ana Ruiz and Tom Lee", "Ritwik Sharma, SAN | 4 October 2018", "Text: Eleni Markou".
//!
//! A byline yields author names and possibly a date. Group credits ("SAN Staff", "the
//! newsroom team") are recognised so that they are not mistaken for a person.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use crate::date;

/// What one byline-like line says.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Byline {
    pub authors: Vec<String>,
    pub date: Option<NaiveDate>,
    /// The line credits a staff, desk or team rather than a person.
    pub group_credit: bool,
    /// The line carried an explicit label ("By", "Author:", "Posted by").
    pub labelled: bool,
}

static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:(?:written|posted|words|story|reported|edited|text|photos and text)\s+by|by|text|author|authors|autor|von|par|por)\s*:?\s+",
    )
});
static SEGMENT_SEPARATOR: LazyLock<Regex> =
    LazyLock::new(|| re(r"\s+[|·•—–]\s+|\s+-\s+|\s{3,}|\s*\|\s*|\s+·\s*"));
static NAME_SEPARATOR: LazyLock<Regex> =
    LazyLock::new(|| re(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\by\b)\s*"));
static UPDATED: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\b(?:last\s+)?(?:updated|modified|amended)\b"));
static GROUP_WORD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:staff|team|desk|agencies|newsroom|editors|editorial|correspondents|bureau|contributors|reporters)\b",
    )
});

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("byline patterns are valid")
}

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
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
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
    for (idx, segment) in SEGMENT_SEPARATOR.split(cut).enumerate() {
        let segment = segment.trim().trim_matches(|c: char| c == '(' || c == ')' || c == '[' || c == ']');
        let (segment, labelled) = match LABEL.find(segment) {
            Some(m) => (&segment[m.end()..], true),
            None => (segment, false),
        };
        if segment.is_empty() || segment.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        if !(labelled || bare_names && idx == 0) {
            continue;
        }
        if GROUP_WORD.is_match(segment) || segment.split_whitespace().next().is_some_and(is_lower_start) {
            byline.group_credit = labelled || byline.group_credit || is_staff_credit(segment);
            if labelled {
                byline.labelled = true;
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
        if is_name(piece, lenient) && (idx == 0 || !is_role(piece)) {
            if !out.iter().any(|n| n == piece) {
                out.push(piece.to_owned());
            }
        } else if idx == 0 {
            return None;
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
        if NOT_NAMES.contains(&lower.as_str()) {
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
    piece
        .split_whitespace()
        .any(|w| ROLES.contains(&w.to_lowercase().trim_matches(|c: char| !c.is_alphabetic())))
        || (piece.split_whitespace().count() == 1)
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
    fn update_dates_are_ignored() {
        check("March 1, 2025 7:05 PM · Updated March 2, 2025", true, &[], Some("2025-03-01"));
        check("Updated 4 May 2020", true, &[], None);
    }
}
