//! Finding calendar dates in short strings: bylines, datelines, `<time>` values, URLs.
//!
//! Only complete dates (year, month and day) are returned: a publication date without a
//! year is no publication date.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use crate::re;

const MONTHS: &str = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";

static ISO: LazyLock<Regex> = LazyLock::new(|| re(r"\b(\d{4})-(\d{1,2})-(\d{1,2})(?:\b|T)"));
static YMD: LazyLock<Regex> = LazyLock::new(|| re(r"\b(\d{4})[./](\d{1,2})[./](\d{1,2})\b"));
static DMY: LazyLock<Regex> = LazyLock::new(|| re(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4})\b"));
static DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(r"(?i)\b(\d{{1,2}})(?:st|nd|rd|th)?\.?\s+(?:of\s+)?({MONTHS})\.?,?\s+(\d{{4}})\b"))
});
static MONTH_DAY: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"(?i)\b({MONTHS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b")));
/// Citation order: "2023 Jan 7".
static YEAR_MONTH_DAY: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"(?i)\b(\d{{4}})\s+({MONTHS})\.?\s+(\d{{1,2}})\b")));
static URL_DATE: LazyLock<Regex> =
    LazyLock::new(|| re(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:[/_.-]|$)"));

/// The first complete date in `text` (earliest position), if any.
pub fn find_date(text: &str) -> Option<NaiveDate> {
    find_date_at(text).map(|(_, date)| date)
}

/// The first complete date in `text` and the byte offset where it starts.
pub fn find_date_at(text: &str) -> Option<(usize, NaiveDate)> {
    if !has_year(text) {
        return None;
    }
    let mut best: Option<(usize, NaiveDate)> = None;
    let mut consider = |pos: usize, date: Option<NaiveDate>| {
        if let Some(date) = date
            && best.is_none_or(|(p, _)| pos < p)
        {
            best = Some((pos, date));
        }
    };
    for caps in ISO.captures_iter(text) {
        consider(caps.get(0).map_or(0, |m| m.start()), ymd(&caps[1], &caps[2], &caps[3]));
    }
    for caps in YMD.captures_iter(text) {
        consider(caps.get(0).map_or(0, |m| m.start()), ymd(&caps[1], &caps[2], &caps[3]));
    }
    for caps in DMY.captures_iter(text) {
        // Day first unless that cannot be: 05/31/2013 is US order.
        let (a, b) = (&caps[1], &caps[2]);
        let date = ymd(&caps[3], b, a).or_else(|| ymd(&caps[3], a, b));
        consider(caps.get(0).map_or(0, |m| m.start()), date);
    }
    for caps in DAY_MONTH.captures_iter(text) {
        let date = month_number(&caps[2]).and_then(|m| ymd(&caps[3], &m.to_string(), &caps[1]));
        consider(caps.get(0).map_or(0, |m| m.start()), date);
    }
    for caps in YEAR_MONTH_DAY.captures_iter(text) {
        let date = month_number(&caps[2]).and_then(|m| ymd(&caps[1], &m.to_string(), &caps[3]));
        consider(caps.get(0).map_or(0, |m| m.start()), date);
    }
    for caps in MONTH_DAY.captures_iter(text) {
        let date = month_number(&caps[1]).and_then(|m| ymd(&caps[3], &m.to_string(), &caps[2]));
        consider(caps.get(0).map_or(0, |m| m.start()), date);
    }
    best
}

/// Whether `text` may hold a four-digit year, which every written form needs: four bytes in a
/// row that are ASCII digits or part of a non-ASCII character (`\d` also matches other
/// scripts' digits). Spares the patterns most strings.
fn has_year(text: &str) -> bool {
    let mut run = 0;
    for b in text.bytes() {
        run = if may_be_digit(b) { run + 1 } else { 0 };
        if run == 4 {
            return true;
        }
    }
    false
}

/// Whether a byte may be part of a digit `\d` matches: an ASCII digit, or a byte of a
/// non-ASCII character (other scripts' digits).
pub(crate) fn may_be_digit(b: u8) -> bool {
    b.is_ascii_digit() || !b.is_ascii()
}

/// A date written into a URL path: `/2023/10/13/` or `/2023-10-13-`.
pub fn date_in_url(url: &str) -> Option<NaiveDate> {
    URL_DATE.captures_iter(url).find_map(|caps| ymd(&caps[1], &caps[2], &caps[3]))
}

/// A date in a dateline that opens a story: "GENEVA (15 May 2025) – ...".
pub fn dateline_date(first_line: &str) -> Option<NaiveDate> {
    let end = ["—", "–", " - ", "--"]
        .iter()
        .filter_map(|sep| first_line.find(sep))
        .min()
        .filter(|&pos| pos <= 80)?;
    find_date(&first_line[..end])
}

fn ymd(year: &str, month: &str, day: &str) -> Option<NaiveDate> {
    let year: i32 = year.parse().ok()?;
    if !(1900..=2100).contains(&year) {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month.parse().ok()?, day.parse().ok()?)
}

fn month_number(name: &str) -> Option<u32> {
    let lower = name.to_ascii_lowercase();
    let prefix = lower.get(..3)?;
    let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    months.iter().position(|m| *m == prefix).and_then(|i| u32::try_from(i + 1).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expect: Option<&str>) {
        let got = find_date(text).map(|d| d.to_string());
        assert_eq!(got.as_deref(), expect, "{text}");
    }

    #[test]
    fn written_forms() {
        check("Published: 13 Oct 2023, 16:42 KST", Some("2023-10-13"));
        check("Sunday, March 16, 2025 - 11:48 a.m. EDT", Some("2025-03-16"));
        check("Thu 18 Sep 2025 14.02 BST", Some("2025-09-18"));
        check("SEOUL, Sept. 18th, 2025", Some("2025-09-18"));
        check("30 July 2019, Tuesday", Some("2019-07-30"));
        check("on the 3rd of May 2021", Some("2021-05-03"));
        check("Cureus. 2023 Jan 7;15(1):e33475", Some("2023-01-07"));
    }

    #[test]
    fn numeric_forms() {
        check("2019.11.07 18:31", Some("2019-11-07"));
        check("Published 31/05/2013 17:05", Some("2013-05-31"));
        check("20.05.2023", Some("2023-05-20"));
        check("05/31/2013", Some("2013-05-31"));
        check("2022-01-17T07:45:00+11:00", Some("2022-01-17"));
    }

    #[test]
    fn incomplete_or_impossible_dates_are_none() {
        check("SEOUL, Oct. 13 (PNA)", None);
        check("July 2017 (6)", None);
        check("31 February 2020", None);
        check("Call 2023-99-99", None);
    }

    #[test]
    fn earliest_date_wins() {
        check("Posted 2 May 2020 · Updated 4 May 2020", Some("2020-05-02"));
    }

    #[test]
    fn url_dates() {
        let url = |u: &str| date_in_url(u).map(|d| d.to_string());
        assert_eq!(url("https://x.example/news/2023/10/13/story").as_deref(), Some("2023-10-13"));
        assert_eq!(url("https://x.example/a/2025-03-16").as_deref(), Some("2025-03-16"));
        assert_eq!(url("https://x.example/opinion/2024/06/story").as_deref(), None);
    }
}
