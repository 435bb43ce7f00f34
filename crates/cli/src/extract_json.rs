//! The public JSON contract of `refwatch extract` (`docs/extract-json.md`), schema
//! `refwatch.extract/1`. Fields may be added; renaming or removing one needs a new schema.

use domain::{Article, Claim, Count, DatePrecision, DateSpan, Evidence, Place, RemovedBlock};
use serde::Serialize;

pub const SCHEMA: &str = "refwatch.extract/1";

#[derive(Debug, Serialize)]
pub struct ExtractJson<'a> {
    pub schema: &'static str,
    pub source: SourceJson<'a>,
    pub article: ArticleJson<'a>,
    pub incidents: Vec<ClaimJson<'a>>,
}

#[derive(Debug, Serialize)]
pub struct SourceJson<'a> {
    pub path: &'a str,
    pub url: Option<&'a str>,
    pub blake3: String,
}

#[derive(Debug, Serialize)]
pub struct ArticleJson<'a> {
    pub title: Option<&'a str>,
    pub author: Option<&'a str>,
    pub published: Option<String>,
    pub published_from: Option<&'static str>,
    pub language: Option<&'a str>,
    pub text: &'a str,
    pub removed: Vec<RemovedJson<'a>>,
}

#[derive(Debug, Serialize)]
pub struct RemovedJson<'a> {
    pub kind: &'static str,
    pub text: &'a str,
}

#[derive(Debug, Serialize)]
pub struct ClaimJson<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub aggregate: bool,
    pub date: DateJson,
    pub count: CountJson<'a>,
    pub perpetrator: Option<String>,
    pub destination: Option<String>,
    pub nationality: Option<String>,
    pub place: Option<PlaceJson<'a>>,
    pub women: Option<bool>,
    pub children: Option<bool>,
    pub sources: &'a [String],
    pub persons: &'a [String],
    pub evidence: Vec<EvidenceJson<'a>>,
}

#[derive(Debug, Serialize)]
pub struct DateJson {
    pub start: Option<String>,
    pub end: Option<String>,
    pub precision: &'static str,
}

#[derive(Debug, Serialize)]
pub struct CountJson<'a> {
    pub low: Option<u64>,
    pub high: Option<u64>,
    pub qualifier: &'static str,
    pub text: &'a str,
}

#[derive(Debug, Serialize)]
pub struct PlaceJson<'a> {
    pub name: &'a str,
    pub country: Option<String>,
    pub admin1: Option<&'a str>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub precision: &'static str,
}

#[derive(Debug, Serialize)]
pub struct EvidenceJson<'a> {
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
}

impl<'a> ArticleJson<'a> {
    pub fn new(article: &'a Article) -> ArticleJson<'a> {
        ArticleJson {
            title: article.title.as_deref(),
            author: article.author.as_deref(),
            published: article.published.map(|d| d.format("%Y-%m-%d").to_string()),
            published_from: article.published_from.map(|s| s.as_str()),
            language: article.language.as_deref(),
            text: &article.text,
            removed: article.removed.iter().map(RemovedJson::new).collect(),
        }
    }
}

impl<'a> RemovedJson<'a> {
    fn new(block: &'a RemovedBlock) -> RemovedJson<'a> {
        RemovedJson { kind: block.kind.as_str(), text: &block.text }
    }
}

impl<'a> ClaimJson<'a> {
    pub fn new(claim: &'a Claim) -> ClaimJson<'a> {
        ClaimJson {
            kind: claim.kind.as_str(),
            aggregate: claim.aggregate,
            date: DateJson::new(&claim.date),
            count: CountJson::new(&claim.count),
            perpetrator: claim.perpetrator.map(|c| c.to_string()),
            destination: claim.destination.map(|c| c.to_string()),
            nationality: claim.nationality.as_ref().map(|n| n.to_string()),
            place: claim.place.as_ref().map(PlaceJson::new),
            women: claim.women,
            children: claim.children,
            sources: &claim.sources,
            persons: &claim.persons,
            evidence: claim.evidence.iter().map(EvidenceJson::new).collect(),
        }
    }
}

impl DateJson {
    pub fn new(date: &DateSpan) -> DateJson {
        let precision = if date.is_unknown() { DatePrecision::Unknown } else { date.precision };
        DateJson {
            start: date.start.map(|d| d.to_string()),
            end: date.end.map(|d| d.to_string()),
            precision: precision.as_str(),
        }
    }
}

impl<'a> CountJson<'a> {
    pub fn new(count: &'a Count) -> CountJson<'a> {
        CountJson { low: count.low, high: count.high, qualifier: count.qualifier.as_str(), text: &count.text }
    }
}

impl<'a> PlaceJson<'a> {
    fn new(place: &'a Place) -> PlaceJson<'a> {
        PlaceJson {
            name: &place.name,
            country: place.country.map(|c| c.to_string()),
            admin1: place.admin1.as_deref(),
            lat: place.lat,
            lon: place.lon,
            precision: place.precision.as_str(),
        }
    }
}

impl<'a> EvidenceJson<'a> {
    fn new(evidence: &'a Evidence) -> EvidenceJson<'a> {
        EvidenceJson { start: evidence.start, end: evidence.end, text: &evidence.text }
    }
}
