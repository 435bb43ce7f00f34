//! The vocabulary of refwatch: pages, articles, claims and the values they carry.
//!
//! This crate does no IO and knows nothing about storage formats or HTTP. Every other crate
//! speaks in these types. Enums that are stored or printed have one stable spelling, given by
//! `as_str` and parsed back by `FromStr`.

use std::fmt;
use std::str::FromStr;

pub use chrono::NaiveDate;

/// A value did not parse into a domain type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what}: {value:?}")]
pub struct ParseError {
    pub what: &'static str,
    pub value: String,
}

impl ParseError {
    fn new(what: &'static str, value: &str) -> ParseError {
        ParseError { what, value: value.to_owned() }
    }
}

/// Declares a fieldless enum with a stable string form for each variant.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl FromStr for $name {
            type Err = ParseError;
            fn from_str(s: &str) -> Result<$name, ParseError> {
                match s { $($text => Ok($name::$variant),)+ _ => Err(ParseError::new($what, s)) }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

/// BLAKE3 hash of a page's raw bytes: the page's identity everywhere.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentHash(pub [u8; 32]);

impl ContentHash {
    pub fn of(bytes: &[u8]) -> ContentHash {
        ContentHash(*blake3::hash(bytes).as_bytes())
    }

    pub fn to_hex(&self) -> String {
        blake3::Hash::from_bytes(self.0).to_hex().to_string()
    }
}

impl FromStr for ContentHash {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<ContentHash, ParseError> {
        blake3::Hash::from_hex(s)
            .map(|h| ContentHash(*h.as_bytes()))
            .map_err(|_| ParseError::new("content hash", s))
    }
}

impl fmt::Debug for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ContentHash({})", self.to_hex())
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// A page as it was fetched or found: bytes plus where they came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawPage {
    pub hash: ContentHash,
    pub bytes: Vec<u8>,
    pub url: Option<String>,
}

impl RawPage {
    pub fn new(bytes: Vec<u8>, url: Option<String>) -> RawPage {
        RawPage { hash: ContentHash::of(&bytes), bytes, url }
    }
}

string_enum! {
    /// Where an article's publication date was found.
    DateSource, "date source" {
        Cli = "cli",
        JsonLd = "json-ld",
        Meta = "meta",
        TimeElement = "time-element",
        Url = "url",
        Text = "text",
    }
}

string_enum! {
    /// Why a block of a page was not taken as article text.
    BoilerplateKind, "boilerplate kind" {
        AuthorBox = "author_box",
        RelatedPosts = "related_posts",
        CookieNotice = "cookie_notice",
        ShareButtons = "share_buttons",
        Navigation = "navigation",
        Comments = "comments",
        Other = "other",
    }
}

/// A block removed from a page as boilerplate. It is kept for review, never extracted from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemovedBlock {
    pub kind: BoilerplateKind,
    pub text: String,
}

/// What the reader keeps of a page.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Article {
    pub title: Option<String>,
    pub author: Option<String>,
    pub published: Option<NaiveDate>,
    pub published_from: Option<DateSource>,
    /// ISO 639-1 code.
    pub language: Option<String>,
    /// Main text; paragraphs are separated by one blank line.
    pub text: String,
    pub removed: Vec<RemovedBlock>,
}

string_enum! {
    /// How sure a diagnostic is that something went wrong.
    Severity, "severity" {
        Info = "info",
        Warning = "warning",
        Error = "error",
    }
}

/// A note from a pure stage about odd input. Stages return these instead of failing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
}

impl Diagnostic {
    pub fn info(message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Info, message: message.into() }
    }

    pub fn warning(message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, message: message.into() }
    }
}

/// ISO 3166-1 alpha-2 code, always two upper-case ASCII letters.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    pub fn as_str(&self) -> &str {
        // Both bytes are ASCII upper-case letters by construction.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl FromStr for CountryCode {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<CountryCode, ParseError> {
        match s.as_bytes() {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Ok(CountryCode([a.to_ascii_uppercase(), b.to_ascii_uppercase()]))
            }
            _ => Err(ParseError::new("country code", s)),
        }
    }
}

impl fmt::Debug for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CountryCode({})", self.as_str())
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who the people were: a country (nationality or origin) or a named group such as Uyghur.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Nationality {
    Country(CountryCode),
    Group(String),
}

impl fmt::Display for Nationality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Nationality::Country(code) => f.write_str(code.as_str()),
            Nationality::Group(name) => f.write_str(name),
        }
    }
}

impl FromStr for Nationality {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Nationality, ParseError> {
        if s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase()) {
            return s.parse().map(Nationality::Country);
        }
        if s.trim().is_empty() {
            return Err(ParseError::new("nationality", s));
        }
        Ok(Nationality::Group(s.to_owned()))
    }
}

/// A calendar date whose year may be unknown ("29 August" on a page without a date).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartialDate {
    pub year: Option<i32>,
    pub month: u32,
    pub day: u32,
}

impl PartialDate {
    pub fn from_date(date: NaiveDate) -> PartialDate {
        use chrono::Datelike;
        PartialDate { year: Some(date.year()), month: date.month(), day: date.day() }
    }

    /// The full date when the year is known and the day exists.
    pub fn to_date(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year?, self.month, self.day)
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.year {
            Some(year) => write!(f, "{year:04}-{:02}-{:02}", self.month, self.day),
            None => write!(f, "XXXX-{:02}-{:02}", self.month, self.day),
        }
    }
}

impl FromStr for PartialDate {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<PartialDate, ParseError> {
        let err = || ParseError::new("date", s);
        let mut parts = s.splitn(3, '-');
        let (y, m, d) =
            (parts.next().ok_or_else(err)?, parts.next().ok_or_else(err)?, parts.next().ok_or_else(err)?);
        let year = if y == "XXXX" { None } else { Some(y.parse().map_err(|_| err())?) };
        let month: u32 = m.parse().map_err(|_| err())?;
        let day: u32 = d.parse().map_err(|_| err())?;
        // Validate against a leap year so that XXXX-02-29 stays possible.
        NaiveDate::from_ymd_opt(year.unwrap_or(2000), month, day).ok_or_else(err)?;
        Ok(PartialDate { year, month, day })
    }
}

string_enum! {
    /// How precisely a claim's date is known.
    DatePrecision, "date precision" {
        Day = "day",
        Week = "week",
        Month = "month",
        Year = "year",
        Range = "range",
        Unknown = "unknown",
    }
}

/// When something happened, as precisely as the text says and no more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateSpan {
    pub start: Option<PartialDate>,
    pub end: Option<PartialDate>,
    pub precision: DatePrecision,
}

impl DateSpan {
    pub const UNKNOWN: DateSpan = DateSpan { start: None, end: None, precision: DatePrecision::Unknown };

    pub fn day(date: PartialDate) -> DateSpan {
        DateSpan { start: Some(date), end: Some(date), precision: DatePrecision::Day }
    }

    pub fn is_unknown(&self) -> bool {
        self.start.is_none() && self.end.is_none()
    }
}

string_enum! {
    /// How a count was qualified in the text.
    CountQualifier, "count qualifier" {
        Exact = "exact",
        About = "about",
        AtLeast = "at_least",
        MoreThan = "more_than",
        AtMost = "at_most",
        UpTo = "up_to",
        Unknown = "unknown",
    }
}

/// How many people: bounds as the text gives them; `None` is unbounded or unknown.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Count {
    pub low: Option<u64>,
    pub high: Option<u64>,
    pub qualifier: CountQualifier,
    /// The words the count came from, e.g. "more than 500".
    pub text: String,
}

impl Count {
    pub fn unknown() -> Count {
        Count { low: None, high: None, qualifier: CountQualifier::Unknown, text: String::new() }
    }

    pub fn exact(n: u64, text: impl Into<String>) -> Count {
        Count { low: Some(n), high: Some(n), qualifier: CountQualifier::Exact, text: text.into() }
    }

    pub fn is_unknown(&self) -> bool {
        self.low.is_none() && self.high.is_none()
    }
}

string_enum! {
    /// What happened to people.
    ClaimKind, "claim type" {
        ForcedReturn = "forced_return",
        Detention = "detention",
    }
}

string_enum! {
    /// How precisely a place is known.
    PlacePrecision, "place precision" {
        Country = "country",
        Admin1 = "admin1",
        City = "city",
        Point = "point",
    }
}

/// Where something happened, as written, resolved as far as the gazetteer allows.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub name: String,
    pub country: Option<CountryCode>,
    /// ISO 3166-2 code of the first-level region.
    pub admin1: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub precision: PlacePrecision,
}

/// A span of `Article.text` (UTF-8 byte offsets) and the text it covers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Evidence {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// One thing a document asserts happened, with the sentence(s) that assert it.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    pub kind: ClaimKind,
    /// A total over a period rather than one occasion.
    pub aggregate: bool,
    pub date: DateSpan,
    pub count: Count,
    pub perpetrator: Option<CountryCode>,
    pub destination: Option<CountryCode>,
    pub nationality: Option<Nationality>,
    pub place: Option<Place>,
    pub women: Option<bool>,
    pub children: Option<bool>,
    pub sources: Vec<String>,
    /// Names of individual victims. Sensitive: sealed before storage.
    pub persons: Vec<String>,
    pub evidence: Vec<Evidence>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_date_round_trips_unknown_year() {
        let date: PartialDate = "XXXX-08-29".parse().expect("valid");
        assert_eq!(date.year, None);
        assert_eq!(date.to_string(), "XXXX-08-29");
        assert!("XXXX-02-30".parse::<PartialDate>().is_err());
        assert_eq!("2023-10-09".parse::<PartialDate>().expect("valid").year, Some(2023));
    }

    #[test]
    fn country_code_is_two_letters() {
        assert_eq!("cn".parse::<CountryCode>().expect("valid").as_str(), "CN");
        assert!("CHN".parse::<CountryCode>().is_err());
        assert!("C1".parse::<CountryCode>().is_err());
    }

    #[test]
    fn enums_round_trip() {
        for kind in BoilerplateKind::ALL {
            assert_eq!(kind.as_str().parse::<BoilerplateKind>(), Ok(*kind));
        }
        assert!("nope".parse::<CountQualifier>().is_err());
    }

    #[test]
    fn nationality_parses_code_or_group() {
        assert_eq!("KP".parse::<Nationality>(), Ok(Nationality::Country("KP".parse().expect("valid"))));
        assert_eq!("Uyghur".parse::<Nationality>(), Ok(Nationality::Group("Uyghur".into())));
    }
}
