//! Date expressions in a sentence, resolved against the publication date.
//!
//! Rules (see docs/annotation-guidelines): a day without a year takes the year the sentence or
//! its neighbours state, else the most recent occurrence on or before the publication date, else
//! stays `XXXX`. Relative expressions ("on Monday", "last week", "earlier this month") need the
//! publication date; without one they are unknown. "since X" and "so far this year" are periods,
//! which mark a claim as an aggregate.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use domain::{DatePrecision, DateSpan, PartialDate};

use crate::text::{Token, TokenKind};

/// A date expression found in a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct DateMention {
    /// Token range `[first, last)` in the sentence.
    pub first: usize,
    pub last: usize,
    pub span: DateSpan,
    /// A period over which things are totalled ("since 2020", "so far this year").
    pub period: bool,
}

/// What dates are resolved against.
#[derive(Debug, Clone, Copy, Default)]
pub struct DateContext {
    pub published: Option<NaiveDate>,
    /// A year stated in a nearby earlier sentence.
    pub nearby_year: Option<i32>,
    /// The last date an earlier sentence gave, for "the next day", "two days later".
    pub anchor: Option<DateSpan>,
}

pub fn month_number(word: &str) -> Option<u32> {
    let m = match word {
        "january" | "jan" => 1,
        "february" | "feb" => 2,
        "march" | "mar" => 3,
        "april" | "apr" => 4,
        "may" => 5,
        "june" | "jun" => 6,
        "july" | "jul" => 7,
        "august" | "aug" => 8,
        "september" | "sep" | "sept" => 9,
        "october" | "oct" => 10,
        "november" | "nov" => 11,
        "december" | "dec" => 12,
        _ => return None,
    };
    Some(m)
}

fn weekday(word: &str) -> Option<Weekday> {
    Some(match word {
        "monday" => Weekday::Mon,
        "tuesday" => Weekday::Tue,
        "wednesday" => Weekday::Wed,
        "thursday" => Weekday::Thu,
        "friday" => Weekday::Fri,
        "saturday" => Weekday::Sat,
        "sunday" => Weekday::Sun,
        _ => return None,
    })
}

/// A four-digit year between 1900 and 2100.
pub fn year_of(token: &Token) -> Option<i32> {
    if token.kind != TokenKind::Number || token.lower.len() != 4 {
        return None;
    }
    let year: i32 = token.lower.parse().ok()?;
    (1900..=2100).contains(&year).then_some(year)
}

fn day_of(token: &Token) -> Option<u32> {
    let digits = token
        .lower
        .strip_suffix("st")
        .or_else(|| token.lower.strip_suffix("nd"))
        .or_else(|| token.lower.strip_suffix("rd"))
        .or_else(|| token.lower.strip_suffix("th"))
        .unwrap_or(&token.lower);
    if digits.is_empty() || digits.len() > 2 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let day: u32 = digits.parse().ok()?;
    (1..=31).contains(&day).then_some(day)
}

/// The month at token `i`: a month word, capitalized when it is also an English word.
fn month_at(tokens: &[Token], text: &str, i: usize) -> Option<u32> {
    let token = tokens.get(i)?;
    let month = month_number(&token.lower)?;
    if !token.is_capitalized(text) {
        return None;
    }
    Some(month)
}

/// Skips an abbreviation period after a month ("Aug.").
fn after_month(tokens: &[Token], i: usize) -> usize {
    if tokens.get(i + 1).is_some_and(|t| t.lower == ".") { i + 2 } else { i + 1 }
}

fn last_day(year: Option<i32>, month: u32) -> u32 {
    let y = year.unwrap_or(2001);
    (28..=31).rev().find(|d| NaiveDate::from_ymd_opt(y, month, *d).is_some()).unwrap_or(28)
}

fn pd(year: Option<i32>, month: u32, day: u32) -> PartialDate {
    PartialDate { year, month, day }
}

fn span(start: PartialDate, end: PartialDate, precision: DatePrecision) -> DateSpan {
    DateSpan { start: Some(start), end: Some(end), precision }
}

fn month_span(year: Option<i32>, month: u32) -> DateSpan {
    span(pd(year, month, 1), pd(year, month, last_day(year, month)), DatePrecision::Month)
}

pub fn year_span(year: i32) -> DateSpan {
    span(pd(Some(year), 1, 1), pd(Some(year), 12, 31), DatePrecision::Year)
}

fn day_span(date: NaiveDate) -> DateSpan {
    DateSpan::day(PartialDate::from_date(date))
}

fn week_span(date: NaiveDate) -> DateSpan {
    let monday = date - Duration::days(i64::from(date.weekday().num_days_from_monday()));
    span(
        PartialDate::from_date(monday),
        PartialDate::from_date(monday + Duration::days(6)),
        DatePrecision::Week,
    )
}

fn date_span_from(start: NaiveDate, end: Option<NaiveDate>) -> DateSpan {
    DateSpan {
        start: Some(PartialDate::from_date(start)),
        end: end.map(PartialDate::from_date),
        precision: DatePrecision::Range,
    }
}

/// The year of a day-and-month with no year: stated, nearby, or the latest one not after publication.
fn resolve_year(month: u32, day: u32, stated: Option<i32>, ctx: &DateContext) -> Option<i32> {
    if let Some(year) = stated.or(ctx.nearby_year) {
        return Some(year);
    }
    let published = ctx.published?;
    let this_year = published.year();
    match NaiveDate::from_ymd_opt(this_year, month, day) {
        Some(date) if date <= published => Some(this_year),
        _ => Some(this_year - 1),
    }
}

fn resolve_month_year(month: u32, stated: Option<i32>, ctx: &DateContext) -> Option<i32> {
    if let Some(year) = stated.or(ctx.nearby_year) {
        return Some(year);
    }
    let published = ctx.published?;
    Some(if month <= published.month() { published.year() } else { published.year() - 1 })
}

fn words_at(tokens: &[Token], i: usize, words: &[&str]) -> bool {
    words.iter().enumerate().all(|(k, w)| tokens.get(i + k).is_some_and(|t| t.lower == *w))
}

/// Finds every date expression in the sentence's tokens.
pub fn find(tokens: &[Token], text: &str, ctx: &DateContext) -> Vec<DateMention> {
    let mut out: Vec<DateMention> = Vec::new();
    // Year stated in this sentence so far ("in 2015 … on 22 October", "last year … on 29 August").
    let mut sentence_year: Option<i32> = None;
    // "left China on 21 November and was stopped two days later": a date earlier in the
    // sentence anchors the relative ones after it.
    let mut local = *ctx;
    // Whether each mention's year came from an earlier sentence (none stated in this one).
    let mut carried: Vec<bool> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if let Some((mention, year)) = match_at(tokens, text, i, sentence_year, &local) {
            carried.push(year.is_none() && sentence_year.is_none());
            // "who had lived in Almaty since 2019, were detained … on 28 August": the start of
            // a period is no year for the days after it.
            let after_since = i > 0 && tokens[i - 1].lower == "since";
            if year.is_some() && !after_since {
                sentence_year = year;
            }
            if mention.span.start.is_some() && !mention.period {
                local.anchor = Some(mention.span);
            }
            i = mention.last.max(i + 1);
            out.push(mention);
        } else {
            i += 1;
        }
    }
    // "since X", "since the start of 2020", "since Pyongyang shut its border at the start of 2020":
    // the expression after "since" (same clause) becomes a period up to publication.
    for (mention, carried) in out.iter_mut().zip(carried) {
        let since = (mention.first.saturating_sub(10)..mention.first)
            .rev()
            .take_while(|&k| !matches!(tokens[k].lower.as_str(), "," | ";" | ":" | "and"))
            .find(|&k| tokens[k].lower == "since");
        // "the first since October, when Beijing sent back 500": the clause after the comma tells
        // of that October, not of the time since.
        let when_follows = tokens.get(mention.last).is_some_and(|t| t.lower == ",")
            && tokens.get(mention.last + 1).is_some_and(|t| t.lower == "when");
        if let Some(at) = since
            && let Some(mut start) = mention.span.start
            && !when_follows
        {
            // "had been held … since November", told after "14 February 2025": a period runs up
            // to the time told of, so a month whose year came from an earlier sentence lies
            // before that sentence's date, not after it.
            if carried
                && let Some(told) = ctx.anchor.and_then(|a| a.start)
                && let (Some(year), Some(told_year)) = (start.year, told.year)
                && year == told_year
                && (start.month, start.day) > (told.month, told.day)
            {
                start.year = Some(year - 1);
            }
            mention.span = DateSpan {
                start: Some(start),
                end: ctx.published.map(PartialDate::from_date),
                precision: DatePrecision::Range,
            };
            mention.period = true;
            if at + 1 == mention.first || at + 4 == mention.first {
                mention.first = at;
            }
        }
    }
    out
}

type Match = (DateMention, Option<i32>);

/// A year right after a day ("April 26, 2024", "May 9 2024") at `at`: the year, if any, and
/// where the date ends.
fn year_after(tokens: &[Token], at: usize) -> (Option<i32>, usize) {
    if tokens.get(at).is_some_and(|t| t.lower == ",")
        && let Some(y) = tokens.get(at + 1).and_then(year_of)
    {
        return (Some(y), at + 2);
    }
    match tokens.get(at).and_then(year_of) {
        Some(y) => (Some(y), at + 1),
        None => (None, at),
    }
}

/// Shifts a day by `days`, keeping an unknown year unknown.
fn shift(date: PartialDate, days: i64) -> Option<PartialDate> {
    let probe =
        NaiveDate::from_ymd_opt(date.year.unwrap_or(2001), date.month, date.day)? + Duration::days(days);
    let year = date.year.map(|_| probe.year());
    Some(PartialDate { year, month: probe.month(), day: probe.day() })
}

/// Expressions relative to the last date the text gave: "the next day", "two days later",
/// "within two days", "five days after that", "the same day", "by the end of the month".
fn anchored(tokens: &[Token], i: usize, ctx: &DateContext) -> Option<Match> {
    let anchor = ctx.anchor?;
    let start = anchor.start?;
    let word = |k: usize| tokens.get(k).map_or("", |t| t.lower.as_str());
    let day_anchor = anchor.precision == DatePrecision::Day;
    let moved = |days: i64, first: usize, last: usize| -> Option<Match> {
        let s = if day_anchor { DateSpan::day(shift(start, days)?) } else { anchor };
        Some((mention(first, last, s, false), None))
    };
    // "the next day", "the following day", "the same day"
    if word(i) == "the" && matches!(word(i + 2), "day" | "morning" | "evening" | "night") {
        return match word(i + 1) {
            "next" | "following" => moved(1, i, i + 3),
            "same" => moved(0, i, i + 3),
            _ => None,
        };
    }
    // "two days later", "a day later", "days later"
    let (n, unit_at) = match crate::counts::small_number(word(i)) {
        Some(n) => (Some(n as i64), i + 1),
        None if word(i) == "a" => (Some(1), i + 1),
        None => (None, i),
    };
    // "two days earlier", "a day before"
    if let Some(n) = n
        && matches!(word(unit_at), "day" | "days")
        && matches!(word(unit_at + 1), "earlier" | "before")
        && !matches!(word(unit_at + 2), "the" | "his" | "her" | "their")
    {
        return moved(-n, i, unit_at + 2);
    }
    // "two weeks later", "a week later"
    if let Some(n) = n
        && matches!(word(unit_at), "week" | "weeks")
        && word(unit_at + 1) == "later"
    {
        return moved(7 * n, i, unit_at + 2);
    }
    if matches!(word(unit_at), "day" | "days") && word(unit_at + 1) == "later" {
        return match n {
            Some(n) => moved(n, i, unit_at + 2),
            None => Some((
                mention(
                    i,
                    unit_at + 2,
                    DateSpan { start: Some(start), end: None, precision: DatePrecision::Range },
                    false,
                ),
                None,
            )),
        };
    }
    // "five days after that", "two days after their arrest"
    if let Some(n) = n
        && matches!(word(unit_at), "day" | "days")
        && word(unit_at + 1) == "after"
    {
        return moved(n, i, unit_at + 2);
    }
    // "within two days"
    if word(i) == "within"
        && let Some(n) = crate::counts::small_number(word(i + 1))
        && matches!(word(i + 2), "day" | "days")
    {
        if !day_anchor {
            return Some((mention(i, i + 3, anchor, false), None));
        }
        let end = shift(start, n as i64)?;
        let s = DateSpan { start: Some(start), end: Some(end), precision: DatePrecision::Range };
        return Some((mention(i, i + 3, s, false), None));
    }
    // "by the end of the month": the anchor's month
    if words_at(tokens, i, &["the", "end", "of", "the", "month"]) {
        return Some((mention(i, i + 5, month_span(start.year, start.month), false), None));
    }
    None
}

fn mention(first: usize, last: usize, span: DateSpan, period: bool) -> DateMention {
    DateMention { first, last, span, period }
}

/// "last year" / "this year" right after a day or month: the year relative to publication.
fn relative_year(tokens: &[Token], i: usize, ctx: &DateContext) -> Option<i32> {
    let published = ctx.published?.year();
    if words_at(tokens, i, &["last", "year"]) {
        Some(published - 1)
    } else if words_at(tokens, i, &["this", "year"]) {
        Some(published)
    } else {
        None
    }
}

fn match_at(
    tokens: &[Token],
    text: &str,
    i: usize,
    sentence_year: Option<i32>,
    ctx: &DateContext,
) -> Option<Match> {
    let t = &tokens[i];
    let published = ctx.published;

    // "between 7 and 9 May", "7 and 8 May", "7-9 May"
    if let Some(d1) = day_of(t) {
        let join = tokens.get(i + 1).map(|t| t.lower.as_str());
        if matches!(join, Some("and" | "-" | "to"))
            && let Some(d2) = tokens.get(i + 2).and_then(day_of)
            && let Some(month) = month_at(tokens, text, i + 3)
        {
            let mut last = after_month(tokens, i + 3);
            let year = tokens.get(last).and_then(year_of);
            if year.is_some() {
                last += 1;
            }
            let year = year.or_else(|| resolve_year(month, d2, sentence_year, ctx));
            let first = if i > 0 && tokens[i - 1].lower == "between" { i - 1 } else { i };
            let s = span(pd(year, month, d1), pd(year, month, d2), DatePrecision::Range);
            return Some((mention(first, last, s, false), None));
        }
        // "29 August", "29 August 2023", "Tuesday, 27 May"
        if let Some(month) = month_at(tokens, text, i + 1) {
            let mut last = after_month(tokens, i + 1);
            let mut stated = tokens.get(last).and_then(year_of);
            if stated.is_some() {
                last += 1;
            } else if tokens.get(last).is_some_and(|t| t.lower == ",")
                && tokens.get(last + 1).and_then(year_of).is_some()
            {
                stated = tokens.get(last + 1).and_then(year_of);
                last += 2;
            }
            if stated.is_none()
                && let Some(y) = relative_year(tokens, last, ctx)
            {
                stated = Some(y);
                last += 2;
            }
            let year = stated.or_else(|| resolve_year(month, d1, sentence_year, ctx));
            // "7 May and 3 June" handled by the caller as two mentions; "between 7 May and 3 June" a range.
            if i > 0
                && tokens[i - 1].lower == "between"
                && tokens.get(last).is_some_and(|t| t.lower == "and")
                && let Some(d2) = tokens.get(last + 1).and_then(day_of)
                && let Some(m2) = month_at(tokens, text, last + 2)
            {
                let mut end = after_month(tokens, last + 2);
                let y2 = tokens.get(end).and_then(year_of);
                if y2.is_some() {
                    end += 1;
                }
                let y1 = stated.or(y2).or_else(|| resolve_year(month, d1, sentence_year, ctx));
                let y2 = y2.or(y1);
                let s = span(pd(y1, month, d1), pd(y2, m2, d2), DatePrecision::Range);
                return Some((mention(i - 1, end, s, false), None));
            }
            NaiveDate::from_ymd_opt(year.unwrap_or(2000), month, d1)?;
            return Some((mention(i, last, DateSpan::day(pd(year, month, d1)), false), stated));
        }
    }

    if let Some(month) = month_at(tokens, text, i) {
        let next = after_month(tokens, i);
        // "September 18", "Aug. 29", "April 26, 2024"
        if let Some(day) = tokens.get(next).and_then(day_of)
            && !tokens.get(next + 1).is_some_and(|t| t.lower.starts_with("people") || t.lower == "%")
        {
            let (mut stated, mut last) = year_after(tokens, next + 1);
            if stated.is_none()
                && let Some(y) = relative_year(tokens, last, ctx)
            {
                stated = Some(y);
                last += 2;
            }
            let year = stated.or_else(|| resolve_year(month, day, sentence_year, ctx));
            NaiveDate::from_ymd_opt(year.unwrap_or(2000), month, day)?;
            // "between March 28 and April 10", "from May 3 to 9, 2024"
            let opens = i.checked_sub(1).map(|p| tokens[p].lower.as_str());
            if matches!(opens, Some("between" | "from"))
                && stated.is_none()
                && tokens
                    .get(last)
                    .is_some_and(|t| matches!(t.lower.as_str(), "and" | "to" | "until" | "-" | "–"))
            {
                let (m2, d2_at) = match month_at(tokens, text, last + 1) {
                    Some(m2) => (m2, after_month(tokens, last + 1)),
                    None => (month, last + 1),
                };
                if let Some(d2) = tokens.get(d2_at).and_then(day_of) {
                    let (stated2, end) = year_after(tokens, d2_at + 1);
                    let y2 = stated2.or_else(|| resolve_year(m2, d2, sentence_year, ctx));
                    // A range that turns the year ("December 28 to January 3") starts the year before.
                    let y1 = if (m2, d2) < (month, day) { y2.map(|y| y - 1) } else { y2 };
                    let s = span(pd(y1, month, day), pd(y2, m2, d2), DatePrecision::Range);
                    return Some((mention(i - 1, end, s, false), stated2));
                }
            }
            return Some((mention(i, last, DateSpan::day(pd(year, month, day)), false), stated));
        }
        // "from February to July 2022", "between October and December 2021"
        let prev = i.checked_sub(1).map(|p| tokens[p].lower.as_str());
        // "from May until late June": a vague part of the second month still ends with that month.
        let second =
            if tokens.get(next + 1).is_some_and(|t| matches!(t.lower.as_str(), "late" | "early" | "mid")) {
                next + 2
            } else {
                next + 1
            };
        let in_and =
            matches!(prev, Some("in" | "during")) && tokens.get(next).is_some_and(|t| t.lower == "and");
        if (matches!(prev, Some("from" | "between")) || in_and)
            && tokens
                .get(next)
                .is_some_and(|t| matches!(t.lower.as_str(), "to" | "and" | "until" | "through"))
            && let Some(m2) = month_at(tokens, text, second)
        {
            let mut last = after_month(tokens, second);
            let stated = tokens.get(last).and_then(year_of);
            if stated.is_some() {
                last += 1;
            }
            let year = stated.or_else(|| resolve_month_year(m2, sentence_year, ctx));
            let y1 = if m2 < month { year.map(|y| y - 1) } else { year };
            let s = span(pd(y1, month, 1), pd(year, m2, last_day(year, m2)), DatePrecision::Range);
            return Some((mention(i - 1, last, s, true), stated));
        }
        // "July 2021"
        if let Some(year) = tokens.get(next).and_then(year_of) {
            return Some((mention(i, next + 1, month_span(Some(year), month), false), Some(year)));
        }
        // "in June" (a month word alone needs a preposition to count)
        if matches!(prev, Some("in" | "since" | "during" | "early" | "late" | "mid" | "until" | "of"))
            && tokens[i].lower != "may"
        {
            if let Some(y) = relative_year(tokens, next, ctx) {
                return Some((mention(i, next + 2, month_span(Some(y), month), false), Some(y)));
            }
            let year = resolve_month_year(month, sentence_year, ctx);
            return Some((mention(i, next, month_span(year, month), false), None));
        }
        return None;
    }

    // "in 2014", "since 2020", "throughout 2023", "the first nine months of 2019"
    if let Some(year) = year_of(t) {
        let prev = i.checked_sub(1).map(|p| tokens[p].lower.as_str());
        let next = tokens.get(i + 1).map(|t| t.lower.as_str());
        if matches!(next, Some("-" | "to")) {
            return None;
        }
        if words_at(tokens, i.saturating_sub(5), &["the", "first"]) && prev == Some("of") && i >= 5 {
            // "In the first nine months of 2019"
            if let Some(n) = tokens.get(i - 3).and_then(|t| crate::counts::small_number(&t.lower))
                && tokens[i - 2].lower.starts_with("month")
                && (1..=12).contains(&n)
            {
                let s = span(
                    pd(Some(year), 1, 1),
                    pd(Some(year), n as u32, last_day(Some(year), n as u32)),
                    DatePrecision::Range,
                );
                return Some((mention(i - 5, i + 1, s, true), Some(year)));
            }
        }
        // "the first half of 2024", "the second quarter of 2023": a period within the year.
        if prev == Some("of") && i >= 3 && tokens[i - 4..i].first().is_some_and(|t| t.lower == "the") {
            let part = (tokens[i - 3].lower.as_str(), tokens[i - 2].lower.as_str());
            let months = match part {
                ("first", "half") => Some((1, 6)),
                ("second", "half") => Some((7, 12)),
                ("first", "quarter") => Some((1, 3)),
                ("second", "quarter") => Some((4, 6)),
                ("third", "quarter") => Some((7, 9)),
                ("fourth" | "last" | "final", "quarter") => Some((10, 12)),
                _ => None,
            };
            if let Some((m1, m2)) = months {
                let s = span(
                    pd(Some(year), m1, 1),
                    pd(Some(year), m2, last_day(Some(year), m2)),
                    DatePrecision::Range,
                );
                return Some((mention(i - 4, i + 1, s, true), Some(year)));
            }
        }
        if matches!(
            prev,
            Some("in" | "since" | "during" | "throughout" | "of" | "until" | "by" | "early" | "late" | "mid")
        ) {
            let period = prev == Some("throughout");
            return Some((mention(i, i + 1, year_span(year), period), Some(year)));
        }
        return None;
    }

    // "the beginning of the year", "the start of the month"
    if t.lower == "the"
        && tokens.get(i + 1).is_some_and(|t| matches!(t.lower.as_str(), "beginning" | "start"))
        && words_at(tokens, i + 2, &["of", "the"])
        && let Some(unit) = tokens.get(i + 4).map(|t| t.lower.as_str())
        && matches!(unit, "year" | "month")
    {
        let p = published?;
        let s = if unit == "year" { year_span(p.year()) } else { month_span(Some(p.year()), p.month()) };
        return Some((mention(i, i + 5, s, false), (unit == "year").then_some(p.year())));
    }
    if let Some(found) = anchored(tokens, i, ctx) {
        return Some(found);
    }
    // "the 18th of last month"
    if t.lower == "the"
        && let Some(day) = tokens.get(i + 1).and_then(day_of)
        && words_at(tokens, i + 2, &["of", "last", "month"])
    {
        let p = published?;
        let first_of_this = NaiveDate::from_ymd_opt(p.year(), p.month(), 1)?;
        let prev_month = first_of_this - Duration::days(1);
        let date = NaiveDate::from_ymd_opt(prev_month.year(), prev_month.month(), day)?;
        return Some((mention(i, i + 5, day_span(date), false), None));
    }

    // Weekdays: the latest such day on or before publication.
    if let Some(day) = weekday(&t.lower) {
        let p = published?;
        let mut back =
            (7 + p.weekday().num_days_from_monday() as i64 - day.num_days_from_monday() as i64) % 7;
        // "last Thursday" in a story of a Thursday is a week before.
        let first = if i > 0 && matches!(tokens[i - 1].lower.as_str(), "last" | "past") {
            if back == 0 {
                back = 7;
            }
            i - 1
        } else {
            i
        };
        let mut last = i + 1;
        if tokens
            .get(last)
            .is_some_and(|t| matches!(t.lower.as_str(), "night" | "morning" | "evening" | "afternoon"))
        {
            last += 1;
        }
        return Some((mention(first, last, day_span(p - Duration::days(back)), false), None));
    }

    match t.lower.as_str() {
        "today" | "tonight" => {
            let p = published?;
            return Some((mention(i, i + 1, day_span(p), false), None));
        }
        "yesterday" => {
            let p = published?;
            return Some((mention(i, i + 1, day_span(p - Duration::days(1)), false), None));
        }
        "this"
            if tokens
                .get(i + 1)
                .is_some_and(|t| matches!(t.lower.as_str(), "morning" | "afternoon" | "evening")) =>
        {
            let p = published?;
            return Some((mention(i, i + 2, day_span(p), false), None));
        }
        _ => {}
    }

    // "so far this year", "in the past week", "over the past two weeks"
    if words_at(tokens, i, &["so", "far", "this", "year"]) {
        let p = published?;
        let start = NaiveDate::from_ymd_opt(p.year(), 1, 1)?;
        return Some((mention(i, i + 4, date_span_from(start, Some(p)), true), Some(p.year())));
    }
    if (t.lower == "past" || t.lower == "last" || t.lower == "previous")
        && i > 0
        && tokens[i - 1].lower == "the"
    {
        let p = published?;
        let (n, unit_at) = match tokens.get(i + 1).and_then(|t| crate::counts::small_number(&t.lower)) {
            Some(n) => (n as i64, i + 2),
            None => (1, i + 1),
        };
        let days = match tokens.get(unit_at).map(|t| t.lower.as_str()) {
            Some("week" | "weeks") => 7 * n,
            Some("day" | "days") => n,
            Some("month" | "months") => 30 * n,
            Some("year" | "years") => 365 * n,
            Some("decade" | "decades") => 3652 * n,
            _ => return None,
        };
        let s = date_span_from(p - Duration::days(days), Some(p));
        return Some((mention(i - 1, unit_at + 1, s, days > 14), None));
    }

    // "over the weekend", "at the weekend", "last weekend": the Saturday and Sunday before
    // publication (the current ones when published on a Sunday).
    if t.lower == "weekend"
        && i > 0
        && matches!(tokens[i - 1].lower.as_str(), "the" | "last" | "this")
        && let Some(p) = published
    {
        let back = match p.weekday() {
            Weekday::Sun => 0,
            day => day.num_days_from_sunday() as i64,
        };
        let sunday = p - Duration::days(back);
        let saturday = sunday - Duration::days(1);
        let first = if i >= 2 && matches!(tokens[i - 2].lower.as_str(), "over" | "at" | "during") {
            i - 2
        } else {
            i - 1
        };
        let s = span(PartialDate::from_date(saturday), PartialDate::from_date(sunday), DatePrecision::Range);
        return Some((mention(first, i + 1, s, false), None));
    }
    // "last week", "this week", "earlier this month", "last month", "last year", "earlier this year"
    let (offset, unit_at) = match t.lower.as_str() {
        "last" => (-1, i + 1),
        "this" => (0, i + 1),
        "earlier" | "later" if tokens.get(i + 1).is_some_and(|t| t.lower == "this") => (0, i + 2),
        _ => return None,
    };
    let unit = tokens.get(unit_at).map(|t| t.lower.as_str());
    if !matches!(unit, Some("week" | "month" | "year")) {
        return None;
    }
    // A year-unit expression still tells later days in the sentence their year.
    let p = published?;
    let s = match unit {
        Some("week") => week_span(p + Duration::days(7 * offset)),
        Some("month") => {
            let (y, m) = if offset == 0 {
                (p.year(), p.month())
            } else if p.month() == 1 {
                (p.year() - 1, 12)
            } else {
                (p.year(), p.month() - 1)
            };
            month_span(Some(y), m)
        }
        _ => year_span(p.year() + offset as i32),
    };
    let year = if unit == Some("year") { Some(p.year() + offset as i32) } else { None };
    Some((mention(i, unit_at + 1, s, false), year))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokens;

    fn check(sentence: &str, published: Option<&str>, expect: &[&str]) {
        let ctx = DateContext {
            published: published.map(|p| p.parse().expect("date")),
            nearby_year: None,
            anchor: None,
        };
        let toks = tokens(sentence, 0, sentence.len());
        let found: Vec<String> = find(&toks, sentence, &ctx)
            .iter()
            .map(|m| {
                let show = |d: Option<PartialDate>| d.map(|d| d.to_string()).unwrap_or_else(|| "null".into());
                format!(
                    "{}..{} {}{}",
                    show(m.span.start),
                    show(m.span.end),
                    m.span.precision,
                    if m.period { " period" } else { "" }
                )
            })
            .collect();
        assert_eq!(found, expect, "{sentence}");
    }

    #[test]
    fn day_and_month_without_year() {
        check("On 29 August, China sent back 80.", None, &["XXXX-08-29..XXXX-08-29 day"]);
        check("On September 18, they sent 40.", None, &["XXXX-09-18..XXXX-09-18 day"]);
        check("On 29 August, China sent back 80.", Some("2023-10-13"), &["2023-08-29..2023-08-29 day"]);
        check("On 29 November it happened.", Some("2023-10-13"), &["2022-11-29..2022-11-29 day"]);
    }

    #[test]
    fn stated_years_carry_within_the_sentence() {
        check(
            "nearly 50 in July 2021, and last year the return of 80 people on 29 August",
            Some("2024-05-14"),
            &["2021-07-01..2021-07-31 month", "2023-01-01..2023-12-31 year", "2023-08-29..2023-08-29 day"],
        );
        check("on April 26, 2024, where", None, &["2024-04-26..2024-04-26 day"]);
    }

    #[test]
    fn relative_dates_need_publication() {
        check("on Monday night", Some("2023-10-13"), &["2023-10-09..2023-10-09 day"]);
        check("India on Thursday deported", Some("2018-10-04"), &["2018-10-04..2018-10-04 day"]);
        check("on Monday night", None, &[]);
        check("deported this week", None, &[]);
        check("last week", Some("2025-05-15"), &["2025-05-05..2025-05-11 week"]);
        check("the 18th of last month", Some("2023-10-13"), &["2023-09-18..2023-09-18 day"]);
        check("earlier this year", Some("2023-10-13"), &["2023-01-01..2023-12-31 year"]);
    }

    #[test]
    fn periods_and_ranges() {
        check("since 3 July", None, &["XXXX-07-03..null range period"]);
        check("since the start of April 2023", Some("2024-01-10"), &["2023-04-01..2024-01-10 range period"]);
        check("between 7 and 9 May another", None, &["XXXX-05-07..XXXX-05-09 range"]);
        check("since October, when Beijing", Some("2025-02-20"), &["2024-10-01..2024-10-31 month"]);
        check(
            "who had lived there since 2019, were detained on 28 August",
            Some("2025-09-12"),
            &["2019-01-01..2025-09-12 range period", "2025-08-28..2025-08-28 day"],
        );
        check(
            "Between March 28 and April 10, soldiers",
            Some("2025-04-17"),
            &["2025-03-28..2025-04-10 range"],
        );
        check("from May 3 to 9, 2024 police", None, &["2024-05-03..2024-05-09 range"]);
        check("between December 28 and January 3", Some("2025-01-20"), &["2024-12-28..2025-01-03 range"]);
        check("from February to July 2022", None, &["2022-02-01..2022-07-31 range period"]);
        check("from May until late June", Some("2019-07-30"), &["2019-05-01..2019-06-30 range period"]);
        check("In July 2015 Thailand", None, &["2015-07-01..2015-07-31 month"]);
        check("in 2014 after", None, &["2014-01-01..2014-12-31 year"]);
        check("since 2020", Some("2024-05-14"), &["2020-01-01..2024-05-14 range period"]);
        check(
            "since the beginning of the year",
            Some("2024-05-14"),
            &["2024-01-01..2024-05-14 range period"],
        );
        check(
            "since Pyongyang shut its border at the start of 2020",
            Some("2024-05-14"),
            &["2020-01-01..2024-05-14 range period"],
        );
    }

    #[test]
    fn expressions_anchored_on_the_last_date() {
        let anchor = Some(DateSpan::day("2015-10-22".parse().expect("date")));
        let ctx = DateContext { published: None, nearby_year: None, anchor };
        let found = |sentence: &str| {
            let toks = tokens(sentence, 0, sentence.len());
            find(&toks, sentence, &ctx).iter().map(|m| (m.span.start, m.span.end)).collect::<Vec<_>>()
        };
        let d = |s: &str| Some(s.parse::<PartialDate>().expect("date"));
        assert_eq!(found("Within two days they were sent back"), vec![(d("2015-10-22"), d("2015-10-24"))]);
        assert_eq!(found("The next day ten were caught"), vec![(d("2015-10-23"), d("2015-10-23"))]);
        assert_eq!(found("Days later they were found"), vec![(d("2015-10-22"), None)]);
        assert_eq!(found("By the end of the month ten more"), vec![(d("2015-10-01"), d("2015-10-31"))]);
    }

    #[test]
    fn a_period_with_a_carried_year_starts_before_the_date_told_of() {
        let anchor = Some(DateSpan::day("2025-02-14".parse().expect("date")));
        let ctx = DateContext { published: None, nearby_year: Some(2025), anchor };
        let found = |sentence: &str| {
            let toks = tokens(sentence, 0, sentence.len());
            find(&toks, sentence, &ctx).iter().map(|m| m.span.start).collect::<Vec<_>>()
        };
        let d = |s: &str| Some(s.parse::<PartialDate>().expect("date"));
        assert_eq!(found("They had been held at the depot since November."), vec![d("2024-11-01")]);
        assert_eq!(found("They had been held at the depot since January."), vec![d("2025-01-01")]);
        // A year the sentence states is kept.
        assert_eq!(found("They had been held since November 2025."), vec![d("2025-11-01")]);
    }

    #[test]
    fn last_weekday_is_before_publication() {
        // 2025-02-20 is a Thursday.
        check("last Thursday", Some("2025-02-20"), &["2025-02-13..2025-02-13 day"]);
        check("on Thursday", Some("2025-02-20"), &["2025-02-20..2025-02-20 day"]);
        check("last Monday", Some("2025-02-20"), &["2025-02-17..2025-02-17 day"]);
        check(
            "- 9 June: 7 men were detained and returned the next morning.",
            Some("2025-07-02"),
            &["2025-06-09..2025-06-09 day", "2025-06-10..2025-06-10 day"],
        );
    }

    #[test]
    fn may_the_modal_is_not_a_month() {
        check("they may face execution", Some("2023-10-13"), &[]);
    }
}
