//! Counts of people: "more than 500", "as many as 600", "a dozen", "between 200 and 300",
//! "a woman and her two children", "the nine". Numbers that are not people (years, ages, money,
//! percentages, article numbers) are not counts.

use std::collections::HashSet;
use std::sync::OnceLock;

use domain::{Count, CountQualifier};

use crate::text::{Token, TokenKind};

/// A count found in a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct CountMention {
    /// Token range `[first, last)`, qualifier included.
    pub first: usize,
    pub last: usize,
    pub count: Count,
    /// Token index of the people word the count applies to, when one is given.
    pub head: Option<usize>,
}

fn people_words() -> &'static HashSet<&'static str> {
    static WORDS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| {
        include_str!("../data/people.txt")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .flat_map(str::split_whitespace)
            .collect()
    })
}

/// True for words such as "refugees", "men", "defectors".
pub fn is_people_word(lower: &str) -> bool {
    people_words().contains(lower)
}

/// Events that each concern one person: "670 forced returns", "2,200 arrests".
fn is_event_noun(lower: &str) -> bool {
    matches!(
        lower,
        "deportations"
            | "returns"
            | "removals"
            | "expulsions"
            | "pushbacks"
            | "push-backs"
            | "push-ins"
            | "repatriations"
            | "arrests"
            | "detentions"
            | "refoulements"
            | "extraditions"
    )
}

/// Number words up to ninety-nine, and digits.
pub fn small_number(word: &str) -> Option<u64> {
    const UNITS: &[&str] = &[
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: &[&str] =
        &["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
    if let Some(n) = UNITS.iter().position(|u| *u == word) {
        return Some(n as u64);
    }
    if let Some(n) = TENS.iter().position(|t| !t.is_empty() && *t == word) {
        return Some(n as u64 * 10);
    }
    if let Some((tens, unit)) = word.split_once('-') {
        let t = TENS.iter().position(|t| !t.is_empty() && *t == tens)?;
        let u = UNITS.iter().position(|u| *u == unit).filter(|u| (1..10).contains(u))?;
        return Some(t as u64 * 10 + u as u64);
    }
    digits(word)
}

fn digits(word: &str) -> Option<u64> {
    if word.is_empty() || !word.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    if !word.chars().all(|c| c.is_ascii_digit() || c == ',') {
        return None;
    }
    word.replace(',', "").parse().ok()
}

/// A number at `i`: "500", "1,086", "seven", "twenty-one", "a hundred", "three hundred", "2 million".
/// Returns the value and the index after it.
pub fn number_at(tokens: &[Token], i: usize) -> Option<(u64, usize)> {
    let t = tokens.get(i)?;
    if t.kind == TokenKind::Number && t.lower.contains('.') {
        // "1.5 million", "2.3 thousand": a decimal only with a scale word after it.
        let scale = match tokens.get(i + 1).map(|t| t.lower.as_str()) {
            Some("million") => 1_000_000.0,
            Some("thousand") => 1_000.0,
            _ => return None,
        };
        let decimal: f64 = t.lower.parse().ok()?;
        let scaled = (decimal * scale).round();
        return (1.0..1e12).contains(&scaled).then_some((scaled as u64, i + 2));
    }
    let (mut value, mut next) = if t.lower == "a" && tokens.get(i + 1).is_some_and(|t| t.lower == "hundred") {
        (100, i + 2)
    } else if t.lower == "a" && tokens.get(i + 1).is_some_and(|t| t.lower == "thousand") {
        (1000, i + 2)
    } else {
        (small_number(&t.lower)?, i + 1)
    };
    match tokens.get(next).map(|t| t.lower.as_str()) {
        Some("hundred") => {
            value *= 100;
            next += 1;
        }
        Some("thousand") => {
            value *= 1000;
            next += 1;
        }
        Some("million") => {
            value *= 1_000_000;
            next += 1;
        }
        _ => {}
    }
    Some((value, next))
}

/// Words that may stand between a number and its people word ("40 Uyghur men", "500 North Korean refugees").
fn is_modifier(token: &Token, text: &str) -> bool {
    token.is_capitalized(text)
        || matches!(
            token.lower.as_str(),
            "more"
                | "other"
                | "young"
                | "adult"
                | "elderly"
                | "undocumented"
                | "irregular"
                | "of"
                | "the"
                | "their"
                | "our"
                | "its"
                | "detained"
                | "registered"
                | "rejected"
                | "suspected"
                | "alleged"
                | "male"
                | "female"
                | "foreign"
                | "asylum"
                | "former"
                | "unaccompanied"
                | "ethnic"
                | "muslim"
                | "forced"
                | "forcible"
                | "black"
                | "sub-saharan"
                | "stateless"
                | "vulnerable"
                | "documented"
                | "local"
        )
}

/// Units and contexts that mark a number as not being people.
fn is_non_people_unit(lower: &str) -> bool {
    matches!(
        lower,
        "%" | "percent"
            | "per"
            | "years"
            | "year"
            | "year-old"
            | "years-old"
            | "km"
            | "kilometres"
            | "kilometers"
            | "miles"
            | "metres"
            | "meters"
            | "hours"
            | "hour"
            | "days"
            | "day"
            | "weeks"
            | "week"
            | "months"
            | "month"
            | "times"
            | "dollars"
            | "euros"
            | "pounds"
            | "kronor"
            | "yuan"
            | "won"
            | "rupees"
            | "million"
            | "billion"
            | "a.m"
            | "p.m"
            | "am"
            | "pm"
            | "o'clock"
            | "kg"
            | "tonnes"
            | "countries"
            | "districts"
            | "crossings"
            | "points"
            | "questions"
            | "steps"
            | "charts"
            | "raids"
            | "attacks"
            | "bombings"
            | "cases"
            | "flights"
            | "minutes"
            | "seconds"
            | "pages"
            | "articles"
            | "deaths"
            | "killed"
            | "dead"
    )
}

fn is_non_people_before(lower: &str) -> bool {
    matches!(
        lower,
        "$" | "€"
            | "£"
            | "¥"
            | "us$"
            | "article"
            | "articles"
            | "no"
            | "branch"
            | "aged"
            | "age"
            | "ages"
            | "chapter"
            | "section"
            | "paragraph"
            | "resolution"
            | "room"
            | "route"
            | "highway"
            | "flight"
            | "number"
            | "top"
            | "page"
    )
}

/// Qualifier words before a number, longest first, with the qualifier they give.
const QUALIFIERS: &[(&[&str], CountQualifier)] = &[
    (&["no", "fewer", "than"], CountQualifier::AtLeast),
    (&["no", "less", "than"], CountQualifier::AtLeast),
    (&["no", "more", "than"], CountQualifier::AtMost),
    (&["more", "than"], CountQualifier::MoreThan),
    (&["upwards", "of"], CountQualifier::MoreThan),
    (&["in", "excess", "of"], CountQualifier::MoreThan),
    (&["at", "least"], CountQualifier::AtLeast),
    (&["as", "many", "as"], CountQualifier::UpTo),
    (&["up", "to"], CountQualifier::UpTo),
    (&["fewer", "than"], CountQualifier::AtMost),
    (&["less", "than"], CountQualifier::AtMost),
    (&["at", "most"], CountQualifier::AtMost),
    (&["an", "estimated"], CountQualifier::About),
    (&["over"], CountQualifier::MoreThan),
    (&["about"], CountQualifier::About),
    (&["around"], CountQualifier::About),
    (&["roughly"], CountQualifier::About),
    (&["some"], CountQualifier::About),
    (&["approximately"], CountQualifier::About),
    // The annotation guidelines: "nearly 50" = 50 about.
    (&["almost"], CountQualifier::About),
    (&["nearly"], CountQualifier::About),
    (&["close", "to"], CountQualifier::About),
];

fn qualifier_before(tokens: &[Token], i: usize) -> Option<(usize, CountQualifier)> {
    for (words, qualifier) in QUALIFIERS {
        let n = words.len();
        if i >= n && words.iter().enumerate().all(|(k, w)| tokens[i - n + k].lower == *w) {
            return Some((i - n, *qualifier));
        }
    }
    None
}

fn bounds(value: u64, qualifier: CountQualifier) -> (Option<u64>, Option<u64>) {
    match qualifier {
        CountQualifier::Exact | CountQualifier::About => (Some(value), Some(value)),
        CountQualifier::AtLeast | CountQualifier::MoreThan => (Some(value), None),
        CountQualifier::AtMost | CountQualifier::UpTo => (None, Some(value)),
        CountQualifier::Unknown => (None, None),
    }
}

/// The people word a number applies to: the first people word or demonym within a few modifiers.
fn head_after(tokens: &[Token], text: &str, mut j: usize, is_group: &dyn Fn(usize) -> bool) -> Option<usize> {
    for _ in 0..4 {
        let t = tokens.get(j)?;
        if is_people_word(&t.lower) || is_group(j) || is_event_noun(&t.lower) {
            // "North Korean refugees": take the last of a run of people words.
            let mut k = j;
            while tokens.get(k + 1).is_some_and(|t| is_people_word(&t.lower))
                || (is_group(k) && is_group(k + 1))
            {
                k += 1;
            }
            return Some(k);
        }
        if !is_modifier(t, text) {
            return None;
        }
        j += 1;
    }
    None
}

/// Finds every count of people in a sentence. `is_group(i)` says whether token `i` names a
/// nationality or group ("Afghans", "Uyghur").
pub fn find(tokens: &[Token], text: &str, is_group: &dyn Fn(usize) -> bool) -> Vec<CountMention> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        // "aged six and about two": ages, not people.
        if tokens[i].lower == "aged" {
            i = ages_after(tokens, i).0;
            continue;
        }
        if let Some(m) = match_at(tokens, text, i, is_group) {
            i = m.last.max(i + 1);
            out.push(m);
        } else {
            i += 1;
        }
    }
    out
}

fn span_text(tokens: &[Token], text: &str, first: usize, last: usize) -> String {
    let (Some(a), Some(b)) = (tokens.get(first), tokens.get(last.saturating_sub(1))) else {
        return String::new();
    };
    text.get(a.start..b.end).unwrap_or_default().to_owned()
}

#[allow(clippy::too_many_arguments)] // one call shape, all positional facts of a match
fn make(
    tokens: &[Token],
    text: &str,
    first: usize,
    last: usize,
    low: Option<u64>,
    high: Option<u64>,
    q: CountQualifier,
    head: Option<usize>,
) -> CountMention {
    let count = Count { low, high, qualifier: q, text: span_text(tokens, text, first, last) };
    CountMention { first, last, count, head }
}

fn match_at(
    tokens: &[Token],
    text: &str,
    i: usize,
    is_group: &dyn Fn(usize) -> bool,
) -> Option<CountMention> {
    let t = &tokens[i];
    let prev = |k: usize| i.checked_sub(k).and_then(|p| tokens.get(p)).map(|t| t.lower.as_str());

    // Vague quantities: "dozens of", "hundreds of", "a dozen", "thousands of".
    let vague = match t.lower.as_str() {
        "dozens" => Some((24, CountQualifier::AtLeast)),
        "hundreds" => Some((200, CountQualifier::AtLeast)),
        "thousands" => Some((2000, CountQualifier::AtLeast)),
        "dozen" if prev(1) == Some("a") => Some((12, CountQualifier::About)),
        _ => None,
    };
    if let Some((value, qualifier)) = vague {
        let after = if tokens.get(i + 1).is_some_and(|t| t.lower == "of") { i + 2 } else { i + 1 };
        let head = head_after(tokens, text, after, is_group)?;
        let first = if t.lower == "dozen" { i - 1 } else { i };
        let (low, high) = bounds(value, qualifier);
        return Some(make(tokens, text, first, head + 1, low, high, qualifier, Some(head)));
    }

    // "a woman and her two children" = 3, "she and her two small daughters" = 3
    let (person_end, one) = match t.lower.as_str() {
        "a" | "one"
            if tokens
                .get(i + 1)
                .is_some_and(|t| matches!(t.lower.as_str(), "woman" | "man" | "mother" | "father")) =>
        {
            (i + 2, true)
        }
        "she" | "he" => (i + 1, true),
        _ => (i, false),
    };
    // "(Name,) his wife and their three children" = the named person, the spouse and the children
    // "(Name,) his wife and their three children" = the named person, the spouse and the
    // children; "(soldiers detained) her husband and two sons" = 3, the speaker not among them.
    let named_before = prev(1) == Some(",");
    let spouse = tokens.get(i + 1).is_some_and(|t| matches!(t.lower.as_str(), "wife" | "husband"));
    let relative = tokens.get(i + 1).is_some_and(|t| is_relative(&t.lower));
    if matches!(t.lower.as_str(), "his" | "her" | "their" | "my")
        && (named_before && spouse || !named_before && relative)
        && let Some((n, next)) = more_relatives(tokens, i + 2)
    {
        let total = n + if named_before { 2 } else { 1 };
        return Some(make(
            tokens,
            text,
            i,
            next + 1,
            Some(total),
            Some(total),
            CountQualifier::Exact,
            Some(next),
        ));
    }
    // "(Name,) her husband and their daughters, aged four and 18 months": the children are
    // as many as the ages listed; without ages, at least two.
    if matches!(t.lower.as_str(), "his" | "her")
        && tokens.get(i + 1).is_some_and(|t| matches!(t.lower.as_str(), "wife" | "husband"))
        && tokens.get(i + 2).is_some_and(|t| t.lower == "and")
        && tokens.get(i + 3).is_some_and(|t| matches!(t.lower.as_str(), "their" | "his" | "her"))
        && tokens
            .get(i + 4)
            .is_some_and(|t| matches!(t.lower.as_str(), "children" | "daughters" | "sons" | "kids"))
        && prev(1) == Some(",")
    {
        let head = i + 4;
        let ages = listed_ages(tokens, head + 1);
        let (low, high, qualifier) = match ages {
            Some(n) => (n + 2, Some(n + 2), CountQualifier::Exact),
            None => (4, None, CountQualifier::AtLeast),
        };
        return Some(make(tokens, text, i, head + 1, Some(low), high, qualifier, Some(head)));
    }
    // "a mother and her baby", "a man and his wife" = 2
    if one
        && tokens.get(person_end).is_some_and(|t| t.lower == "and")
        && tokens.get(person_end + 1).is_some_and(|t| matches!(t.lower.as_str(), "her" | "his"))
        && tokens.get(person_end + 2).is_some_and(|t| {
            matches!(
                t.lower.as_str(),
                "baby"
                    | "son"
                    | "daughter"
                    | "child"
                    | "husband"
                    | "wife"
                    | "mother"
                    | "father"
                    | "brother"
                    | "sister"
            )
        })
    {
        let head = person_end + 2;
        return Some(make(tokens, text, i, head + 1, Some(2), Some(2), CountQualifier::Exact, Some(head)));
    }
    // "both men", "a couple from Sri Lanka"
    if t.lower == "both" && tokens.get(i + 1).is_some_and(|t| is_people_word(&t.lower)) {
        return Some(make(tokens, text, i, i + 2, Some(2), Some(2), CountQualifier::Exact, Some(i + 1)));
    }
    if t.lower == "couple" && prev(1) == Some("a") && tokens.get(i + 1).is_none_or(|t| t.lower != "of") {
        return Some(make(tokens, text, i - 1, i + 1, Some(2), Some(2), CountQualifier::Exact, Some(i)));
    }
    if one
        && tokens.get(person_end).is_some_and(|t| t.lower == "and")
        && tokens.get(person_end + 1).is_some_and(|t| matches!(t.lower.as_str(), "her" | "his" | "their"))
        && let Some((n, mut next)) = number_at(tokens, person_end + 2)
    {
        if tokens
            .get(next)
            .is_some_and(|t| matches!(t.lower.as_str(), "small" | "young" | "little" | "teenage"))
        {
            next += 1;
        }
        if tokens
            .get(next)
            .is_some_and(|t| matches!(t.lower.as_str(), "children" | "daughters" | "sons" | "kids"))
        {
            return Some(make(
                tokens,
                text,
                i,
                next + 1,
                Some(n + 1),
                Some(n + 1),
                CountQualifier::Exact,
                Some(next),
            ));
        }
    }

    // "(she was deported) together with her two daughters" = 3
    if matches!(t.lower.as_str(), "together" | "along")
        && tokens.get(i + 1).is_some_and(|t| t.lower == "with")
        && tokens.get(i + 2).is_some_and(|t| matches!(t.lower.as_str(), "her" | "his"))
        && let Some((n, next)) = number_at(tokens, i + 3)
        && tokens.get(next).is_some_and(|t| {
            matches!(
                t.lower.as_str(),
                "children" | "daughters" | "sons" | "kids" | "grandchildren" | "brothers" | "sisters"
            )
        })
    {
        return Some(make(
            tokens,
            text,
            i,
            next + 1,
            Some(n + 1),
            Some(n + 1),
            CountQualifier::Exact,
            Some(next),
        ));
    }
    // "him and twelve other men" = 13
    if matches!(t.lower.as_str(), "him" | "her" | "me" | "he" | "she")
        && tokens.get(i + 1).is_some_and(|t| t.lower == "and")
        && let Some((n, next)) = number_at(tokens, i + 2)
        && tokens.get(next).is_some_and(|t| matches!(t.lower.as_str(), "other" | "others" | "more"))
    {
        let last =
            if tokens.get(next + 1).is_some_and(|t| is_people_word(&t.lower)) { next + 2 } else { next + 1 };
        return Some(make(
            tokens,
            text,
            i,
            last,
            Some(n + 1),
            Some(n + 1),
            CountQualifier::Exact,
            Some(last - 1),
        ));
    }
    let (value, next) = number_at(tokens, i)?;
    // A year is a count only with a people word right after it ("1951 refugees" is rare; "2023 the army" is a year).
    if crate::dates::year_of(t).is_some() && !tokens.get(next).is_some_and(|t| is_people_word(&t.lower)) {
        return None;
    }
    // "1:30 p.m.": a time of day.
    if tokens.get(next).is_some_and(|t| t.lower == ":")
        && tokens.get(next + 1).is_some_and(|t| t.kind == TokenKind::Number)
    {
        return None;
    }
    if value == 0 || tokens.get(next).is_some_and(|t| is_non_people_unit(&t.lower)) {
        return None;
    }
    if prev(1) == Some("of") && matches!(prev(2), Some("age" | "ages")) {
        return None;
    }
    if prev(1).is_some_and(is_non_people_before)
        || matches!(prev(1), Some("-" | "/" | ":" | "." | "the" | "of")) && is_score(tokens, i)
    {
        return None;
    }
    // Days of a month ("29 August", "August 29", "the 18th") are dates, not counts.
    if tokens
        .get(next)
        .is_some_and(|t| crate::dates::month_number(&t.lower).is_some() && t.is_capitalized(text))
        || (t.kind == TokenKind::Number
            && value <= 31
            && prev(1).is_some_and(|p| crate::dates::month_number(p).is_some()))
        || prev(2).is_some_and(|p| crate::dates::month_number(p).is_some()) && prev(1) == Some(".")
    {
        return None;
    }

    // "between 200 and 300", "200 to 300", "seven and 10"
    if matches!(tokens.get(next).map(|t| t.lower.as_str()), Some("and" | "to" | "-"))
        && let Some((high, after)) = number_at(tokens, next + 1)
        && high > value
        && (prev(1) == Some("between") || tokens.get(next).is_some_and(|t| t.lower != "and"))
    {
        let head = head_after(tokens, text, after, is_group);
        let first = if prev(1) == Some("between") { i - 1 } else { i };
        let last = head.map_or(after, |h| h + 1);
        if head.is_some() || prev(1) == Some("between") {
            return Some(make(
                tokens,
                text,
                first,
                last,
                Some(value),
                Some(high),
                CountQualifier::Exact,
                head,
            ));
        }
    }

    let (first, qualifier) = qualifier_before(tokens, i).unwrap_or((i, CountQualifier::Exact));
    let head = head_after(tokens, text, next, is_group);
    let (low, high) = bounds(value, qualifier);
    if let Some(h) = head {
        return Some(make(tokens, text, first, h + 1, low, high, qualifier, Some(h)));
    }
    // Elided people word: "another 40 on 18 September", "the nine", "all fourteen", "of 40 on".
    // "109 of that group", "21,455 of them"
    if after_is_of_group(tokens, next) {
        let (low, high) = bounds(value, qualifier);
        return Some(make(tokens, text, first, next, low, high, qualifier, None));
    }
    let definite = matches!(prev(1), Some("another" | "the" | "all" | "further" | "of" | "those" | "these"))
        || first < i;
    let after = tokens.get(next).map(|t| t.lower.as_str());
    let ends = matches!(
        after,
        None | Some(
            "," | "."
                | ";"
                | ":"
                | "on"
                | "in"
                | "at"
                | "had"
                | "have"
                | "were"
                | "was"
                | "who"
                | "and"
                | "from"
                | "to"
                | "back"
                | "across"
                | "into"
                | "-"
                | "–"
                | "—"
                | "had been"
                | "of"
        )
    );
    // A bare figure as the subject of a clause: "On 2 December, 13 were flown out.", "70 more were"
    let more = matches!(after, Some("more" | "others"));
    let verb_at = if more { next + 1 } else { next };
    // "detained 60 men at a checkpoint and 25 were later expelled"
    let subject = matches!(prev(1), None | Some("," | ";" | "and"))
        && tokens.get(verb_at).is_some_and(|t| matches!(t.lower.as_str(), "were" | "had" | "have"));
    if subject && more && crate::dates::year_of(t).is_none() {
        return Some(make(tokens, text, first, next + 1, low, high, qualifier, None));
    }
    if (definite || subject) && ends && crate::dates::year_of(t).is_none() && value < 1_000_000 {
        return Some(make(tokens, text, first, next, low, high, qualifier, None));
    }
    None
}

/// "and (their) three children", "and two sons" at `and`: how many, and where their noun is.
fn more_relatives(tokens: &[Token], and: usize) -> Option<(u64, usize)> {
    if tokens.get(and).is_none_or(|t| t.lower != "and") {
        return None;
    }
    let possessive =
        tokens.get(and + 1).is_some_and(|t| matches!(t.lower.as_str(), "their" | "his" | "her" | "my"));
    let (n, next) = number_at(tokens, and + 1 + usize::from(possessive))?;
    let kin = tokens.get(next).is_some_and(|t| {
        matches!(
            t.lower.as_str(),
            "children"
                | "daughters"
                | "sons"
                | "kids"
                | "child"
                | "daughter"
                | "son"
                | "brothers"
                | "sisters"
                | "cousins"
                | "nephews"
        )
    });
    kin.then_some((n, next))
}

/// One member of a family: "husband", "son", "sister".
fn is_relative(lower: &str) -> bool {
    matches!(
        lower,
        "husband"
            | "wife"
            | "son"
            | "daughter"
            | "father"
            | "mother"
            | "brother"
            | "sister"
            | "uncle"
            | "cousin"
    )
}

/// ", aged four and about 18 months", ", aged 3, 5 and 9": how many ages the list gives.
fn listed_ages(tokens: &[Token], from: usize) -> Option<u64> {
    let start = if tokens.get(from).is_some_and(|t| t.lower == ",") { from + 1 } else { from };
    if tokens.get(start).is_none_or(|t| t.lower != "aged") {
        return None;
    }
    let ages = ages_after(tokens, start).1;
    (ages >= 2).then_some(ages)
}

/// The list of ages after "aged" at `aged`: where it ends and how many ages it gives.
fn ages_after(tokens: &[Token], aged: usize) -> (usize, u64) {
    let (mut k, mut ages) = (aged + 1, 0);
    while k < tokens.len() && k < aged + 16 {
        if let Some((_, next)) = number_at(tokens, k) {
            ages += 1;
            k = next;
            continue;
        }
        if !matches!(
            tokens[k].lower.as_str(),
            "," | "and"
                | "about"
                | "around"
                | "nearly"
                | "almost"
                | "months"
                | "month"
                | "years"
                | "year"
                | "old"
        ) {
            break;
        }
        k += 1;
    }
    (k, ages)
}

fn after_is_of_group(tokens: &[Token], next: usize) -> bool {
    tokens.get(next).is_some_and(|t| t.lower == "of")
        && tokens.get(next + 1).is_some_and(|t| {
            matches!(t.lower.as_str(), "them" | "that" | "those" | "these" | "this" | "the" | "whom")
        })
}

/// "3-1", "4-2": scores and similar pairs.
fn is_score(tokens: &[Token], i: usize) -> bool {
    i >= 2 && tokens[i - 1].lower == "-" && tokens[i - 2].kind == TokenKind::Number
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokens;

    fn check(sentence: &str, expect: &[&str]) {
        let toks = tokens(sentence, 0, sentence.len());
        let groups = ["north", "koreans", "uyghur", "afghans", "eritreans", "rohingya", "korean"];
        let is_group = |i: usize| toks.get(i).is_some_and(|t| groups.contains(&t.lower.as_str()));
        let found: Vec<String> = find(&toks, sentence, &is_group)
            .iter()
            .map(|m| {
                let show = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_else(|| "null".into());
                format!("{}/{} {}", show(m.count.low), show(m.count.high), m.count.qualifier)
            })
            .collect();
        assert_eq!(found, expect, "{sentence}");
    }

    #[test]
    fn qualified_numbers() {
        check("returned more than 500 North Koreans", &["500/null more_than"]);
        check("sent as many as 600 North Koreans back", &["null/600 up_to"]);
        check("some 80 people were sent back", &["80/80 about"]);
        check("nearly 50 people in July 2021", &["50/50 about"]);
        check("More than 1.5 million Afghans have left", &["1500000/null more_than"]);
        check("a 2.5 percent rise", &[]);
        check("At least 40 Eritreans were deported", &["40/null at_least"]);
        check("sent 1,086 detainees back", &["1086/1086 exact"]);
    }

    #[test]
    fn words_and_vague_quantities() {
        check("detained dozens of Rohingya refugees", &["24/null at_least"]);
        check("expelled hundreds of Syrian men", &["200/null at_least"]);
        check("A dozen of the detained students", &["12/12 about"]);
        check("deported seven Rohingya men", &["7/7 exact"]);
        check(
            "fourteen people, nine men and five women, were forced",
            &["14/14 exact", "9/9 exact", "5/5 exact"],
        );
        check("between seven and 10 deportees", &["7/10 exact"]);
        check("A woman and her two children were put on a flight", &["3/3 exact"]);
        check("police arrested him and twelve other men", &["13/13 exact"]);
        check("she and her two small daughters had been deported", &["3/3 exact"]);
        check("soldiers detained her husband and two sons at a checkpoint", &["3/3 exact"]);
        check("police arrested his father and his three brothers", &["4/4 exact"]);
        check("In 2023 the Korean army", &[]);
    }

    #[test]
    fn elided_and_definite() {
        check(
            "Some 80 were sent back on Aug. 29 and another 40 on the 18th",
            &["80/80 about", "40/40 exact"],
        );
        check("detained the nine on May 10", &["9/9 exact"]);
    }

    #[test]
    fn numbers_that_are_not_people() {
        check("in 1998 and in 2023", &[]);
        check("aged 15 and a fine of $500 for 3 years", &[]);
        check("Article 3 of the 1951 Convention", &[]);
        check("80 per cent won 3-1 in 2022", &[]);
        check("On 29 August and September 18", &[]);
    }
}
