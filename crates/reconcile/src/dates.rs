//! Dates as day numbers, so that spans can be compared and bucketed by month.

use chrono::Datelike;
use domain::{DatePrecision, DateSpan, NaiveDate, PartialDate};

/// What a claim's date allows: a span of days (a single day when `day`), a month and day of an
/// unknown year, or nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum When {
    Span { lo: i32, hi: i32, day: bool },
    MonthDay { month: u32, day: u32 },
    Unknown,
}

pub(crate) fn when(date: &DateSpan) -> When {
    let full = |d: Option<PartialDate>| d.and_then(PartialDate::to_date).map(day_number);
    match (full(date.start), full(date.end)) {
        (Some(a), Some(b)) => {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            When::Span { lo, hi, day: lo == hi && date.precision == DatePrecision::Day }
        }
        (Some(a), None) | (None, Some(a)) => {
            When::Span { lo: a, hi: a, day: date.precision == DatePrecision::Day }
        }
        (None, None) => match date.start.or(date.end) {
            Some(PartialDate { year: None, month, day }) => When::MonthDay { month, day },
            _ => When::Unknown,
        },
    }
}

pub(crate) fn day_number(date: NaiveDate) -> i32 {
    date.num_days_from_ce()
}

pub(crate) fn from_day_number(day: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(day)
}

/// Months since year 0, for bucketing.
pub(crate) fn month_index(day: i32) -> i32 {
    from_day_number(day).map_or(0, |d| d.year() * 12 + d.month0() as i32)
}

pub(crate) fn month_day(day: i32) -> Option<(u32, u32)> {
    from_day_number(day).map(|d| (d.month(), d.day()))
}

pub(crate) fn year_of(day: i32) -> Option<i32> {
    from_day_number(day).map(|d| d.year())
}
