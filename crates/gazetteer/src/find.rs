//! `Gazetteer::find`: anchored leftmost-longest searches at capitalised word starts.

use aho_corasick::{Anchored, Input};

use crate::data::Names;
use crate::{Entry, Gazetteer, Match};

/// Words that may follow a region name and then belong to the match ("Jilin province").
pub(crate) const REGION_SUFFIXES: [&str; 6] =
    [" province", " region", " state", " prefecture", " governorate", " oblast"];

/// What an automaton pattern stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Entry(Entry),
    /// A phrase that hides the names inside it ("Latin America").
    Block,
}

/// How the text must be capitalised for a pattern to match. Every match starts with an
/// upper-case letter in any case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CaseRule {
    /// Exactly as written: acronyms such as "US".
    Exact,
    /// As written or in all capitals: city names.
    ExactOrUpper,
    /// Any case after the first letter.
    Initial,
}

#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    pub text: Box<str>,
    pub target: Target,
    pub case: CaseRule,
}

pub(crate) fn find(gazetteer: &Gazetteer, names: &Names, text: &str) -> Vec<Match> {
    let mut matches = Vec::new();
    // Same byte offsets as `text`: ASCII lower-casing keeps every byte's length.
    let lower = text.to_ascii_lowercase();
    // No match may start before `resume`: matches do not overlap.
    let mut resume = 0;
    let mut prev: Option<char> = None;
    for (start, ch) in text.char_indices() {
        let at_word_start = prev.is_none_or(|prev| !prev.is_alphanumeric());
        prev = Some(ch);
        if start < resume || !at_word_start || !ch.is_uppercase() {
            continue;
        }
        let Some((end, target)) = longest_at(names, text, &lower, start) else { continue };
        resume = end;
        if let Target::Entry(entry) = target {
            let (end, entry) = with_region_suffix(gazetteer, text, start, end, entry);
            resume = end;
            matches.push(Match { start, end, entry });
        }
    }
    matches
}

/// The longest pattern that starts at `start`, ends on a word boundary and fits its case rule.
fn longest_at(names: &Names, text: &str, lower: &str, start: usize) -> Option<(usize, Target)> {
    let mut limit = text.len();
    while limit > start {
        let input = Input::new(lower).range(start..limit).anchored(Anchored::Yes);
        let found = names.automaton.try_find(input).ok()??;
        let end = found.end();
        let pattern = names.patterns.get(found.pattern().as_usize())?;
        if ends_word(text, end) && fits_case(pattern, text.get(start..end)?) {
            return Some((end, pattern.target));
        }
        // A shorter pattern may still match here ("Jilin" in "Jilin Provincial").
        limit = end - 1;
    }
    None
}

fn ends_word(text: &str, end: usize) -> bool {
    text.get(end..).and_then(|rest| rest.chars().next()).is_none_or(|next| !next.is_alphanumeric())
}

fn fits_case(pattern: &Pattern, found: &str) -> bool {
    match pattern.case {
        CaseRule::Exact => found == &*pattern.text,
        CaseRule::ExactOrUpper => found == &*pattern.text || !found.chars().any(char::is_lowercase),
        CaseRule::Initial => true,
    }
}

/// Takes a following "province" (or similar) into a region match, and turns "<city> province"
/// into the region of that name.
fn with_region_suffix(
    gazetteer: &Gazetteer,
    text: &str,
    start: usize,
    end: usize,
    entry: Entry,
) -> (usize, Entry) {
    if !matches!(entry, Entry::Region(_) | Entry::City(_)) {
        return (end, entry);
    }
    let rest = &text[end..];
    let Some(suffix_len) = REGION_SUFFIXES.iter().map(|suffix| suffix.len()).find(|&len| {
        rest.get(..len).is_some_and(|word| REGION_SUFFIXES.iter().any(|s| s.eq_ignore_ascii_case(word)))
            && ends_word(rest, len)
    }) else {
        return (end, entry);
    };
    match entry {
        Entry::City(city) => {
            let country = gazetteer.city(city).country;
            match gazetteer.region_by_name(&text[start..end], Some(country)) {
                Some(region) => (end + suffix_len, Entry::Region(region)),
                None => (end, entry),
            }
        }
        _ => (end + suffix_len, entry),
    }
}
