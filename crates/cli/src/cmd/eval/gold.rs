//! The gold files of an evaluation corpus (`<name>.json` beside `<name>.txt|.html`), as described
//! in the corpus README: page metadata plus one object per incident. Only the fields eval compares
//! are kept; unknown fields are ignored so that annotators can add notes freely.

use anyhow::Context;
use domain::{ClaimKind, CountryCode, DatePrecision, DateSpan, PartialDate};
use serde::Deserialize;

/// What a gold file says about one page.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldPage {
    pub url: Option<String>,
    pub title: Option<String>,
    pub author: Option<String>,
    /// `YYYY-MM-DD` as written in the gold.
    pub published: Option<String>,
    pub body_first_words: Option<String>,
    pub body_last_words: Option<String>,
    pub incidents: Vec<GoldIncident>,
}

/// A gold incident, reduced to the fields eval compares or reports.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldIncident {
    pub kind: ClaimKind,
    pub aggregate: bool,
    pub date: DateSpan,
    /// Bounds on the number of people; `None` is unbounded.
    pub low: Option<u64>,
    pub high: Option<u64>,
    pub perpetrator: Option<CountryCode>,
    pub destination: Option<CountryCode>,
    pub nationality: Option<String>,
    /// The sentence(s) copied from the page.
    pub evidence: String,
}

/// Parses one gold file's text.
pub fn parse(json: &str) -> anyhow::Result<GoldPage> {
    let file: GoldFile = serde_json::from_str(json).context("not a gold file")?;
    let incidents = file
        .incidents
        .into_iter()
        .enumerate()
        .map(|(idx, incident)| incident.into_gold().with_context(|| format!("incident {}", idx + 1)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(GoldPage {
        url: file.url,
        title: file.title,
        author: file.author,
        published: file.published,
        body_first_words: file.body_first_words,
        body_last_words: file.body_last_words,
        incidents,
    })
}

#[derive(Debug, Deserialize)]
struct GoldFile {
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    body_first_words: Option<String>,
    #[serde(default)]
    body_last_words: Option<String>,
    incidents: Vec<IncidentFile>,
}

#[derive(Debug, Deserialize)]
struct IncidentFile {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    aggregate: bool,
    date: DateFile,
    count: CountFile,
    perpetrator: Option<String>,
    #[serde(default)]
    destination: Option<String>,
    #[serde(default)]
    nationality: Option<String>,
    #[serde(default)]
    evidence: EvidenceFile,
}

#[derive(Debug, Deserialize)]
struct DateFile {
    start: Option<String>,
    end: Option<String>,
    precision: String,
}

#[derive(Debug, Deserialize)]
struct CountFile {
    low: Option<u64>,
    high: Option<u64>,
}

/// Evidence is one string in the corpus; a list of sentences is accepted too.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum EvidenceFile {
    One(String),
    Many(Vec<String>),
}

impl Default for EvidenceFile {
    fn default() -> EvidenceFile {
        EvidenceFile::One(String::new())
    }
}

impl IncidentFile {
    fn into_gold(self) -> anyhow::Result<GoldIncident> {
        let date_of = |text: Option<String>| -> anyhow::Result<Option<PartialDate>> {
            text.map(|t| t.parse::<PartialDate>()).transpose().map_err(anyhow::Error::from)
        };
        let country_of = |text: Option<String>| -> anyhow::Result<Option<CountryCode>> {
            text.map(|t| t.parse::<CountryCode>()).transpose().map_err(anyhow::Error::from)
        };
        Ok(GoldIncident {
            kind: self.kind.parse()?,
            aggregate: self.aggregate,
            date: DateSpan {
                start: date_of(self.date.start)?,
                end: date_of(self.date.end)?,
                precision: self.date.precision.parse::<DatePrecision>()?,
            },
            low: self.count.low,
            high: self.count.high,
            perpetrator: country_of(self.perpetrator)?,
            destination: country_of(self.destination)?,
            nationality: self.nationality,
            evidence: match self.evidence {
                EvidenceFile::One(text) => text,
                EvidenceFile::Many(texts) => texts.join(" "),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_corpus_style_gold() {
        let json = r#"{
            "url": "https://example.org/2023/10/13/x/", "published": null, "title": "T", "author": null,
            "body_first_words": "SEOUL", "body_last_words": "end.", "boilerplate": [], "notes": "n",
            "incidents": [{"type": "forced_return", "aggregate": false,
                "date": {"start": "XXXX-08-29", "end": "XXXX-08-29", "precision": "day"},
                "count": {"low": 500, "high": null, "qualifier": "more_than"},
                "perpetrator": "CN", "destination": "KP", "nationality": "KP", "place": null,
                "women": null, "sources": [], "persons": [], "evidence": "On 29 August, it happened."}]
        }"#;
        let gold = parse(json).expect("valid gold");
        assert_eq!(gold.url.as_deref(), Some("https://example.org/2023/10/13/x/"));
        assert_eq!(gold.author, None);
        let incident = &gold.incidents[0];
        assert_eq!(incident.kind, ClaimKind::ForcedReturn);
        assert_eq!(incident.date.start, Some(PartialDate { year: None, month: 8, day: 29 }));
        assert_eq!((incident.low, incident.high), (Some(500), None));
        assert_eq!(incident.destination.map(|c| c.to_string()), Some("KP".to_owned()));
        assert_eq!(incident.evidence, "On 29 August, it happened.");
    }

    #[test]
    fn rejects_a_bad_date() {
        let json = r#"{"incidents": [{"type": "detention", "date": {"start": "2023-02-30", "end": null,
            "precision": "day"}, "count": {"low": 1, "high": 1}, "perpetrator": "CN"}]}"#;
        let err = parse(json).expect_err("invalid date");
        assert!(format!("{err:#}").contains("incident 1"), "{err:#}");
    }
}
