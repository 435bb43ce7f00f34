//! Decoding a stored claim row into a [`ClaimRecord`]. Both backends keep claims in the same
//! columns (text for enums and dates, integers for counts); the driver-specific part is only
//! reading those columns, which each backend does into [`ClaimColumns`].

use std::str::FromStr;

use domain::{
    Count, CountQualifier, DatePrecision, DateSpan, Evidence, Nationality, PartialDate, Place, PlacePrecision,
};

use crate::{ClaimRecord, StoreError};

/// The columns of a `claims` row, as the database holds them, before decoding.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimColumns {
    pub kind: String,
    pub aggregate: bool,
    pub date_start: Option<String>,
    pub date_end: Option<String>,
    pub date_precision: String,
    pub count_low: Option<i64>,
    pub count_high: Option<i64>,
    pub count_qualifier: String,
    pub count_text: String,
    pub perpetrator: Option<String>,
    pub destination: Option<String>,
    pub nationality_country: Option<String>,
    pub nationality_group: Option<String>,
    pub place_name: Option<String>,
    pub place_country: Option<String>,
    pub place_admin1: Option<String>,
    pub place_lat: Option<f64>,
    pub place_lon: Option<f64>,
    pub place_precision: Option<String>,
    pub women: Option<bool>,
    pub children: Option<bool>,
    pub n_persons: i64,
}

impl ClaimColumns {
    /// Decodes the row; a value that does not parse is [`StoreError::Corrupt`].
    pub fn into_record(
        self,
        sources: Vec<String>,
        evidence: Vec<Evidence>,
    ) -> Result<ClaimRecord, StoreError> {
        let count_bound = |n: Option<i64>| n.map(|n| stored_count(n, "count").map(|n| n as u64)).transpose();
        let nationality = match (self.nationality_country, self.nationality_group) {
            (Some(code), _) => Some(Nationality::Country(parse_stored(&code)?)),
            (None, Some(group)) => Some(Nationality::Group(group)),
            (None, None) => None,
        };
        let place = match self.place_name {
            Some(name) => Some(Place {
                name,
                country: self.place_country.as_deref().map(parse_stored).transpose()?,
                admin1: self.place_admin1,
                lat: self.place_lat,
                lon: self.place_lon,
                precision: parse_stored::<PlacePrecision>(self.place_precision.as_deref().unwrap_or(""))?,
            }),
            None => None,
        };
        Ok(ClaimRecord {
            kind: parse_stored(&self.kind)?,
            aggregate: self.aggregate,
            date: DateSpan {
                start: self.date_start.as_deref().map(parse_stored::<PartialDate>).transpose()?,
                end: self.date_end.as_deref().map(parse_stored::<PartialDate>).transpose()?,
                precision: parse_stored::<DatePrecision>(&self.date_precision)?,
            },
            count: Count {
                low: count_bound(self.count_low)?,
                high: count_bound(self.count_high)?,
                qualifier: parse_stored::<CountQualifier>(&self.count_qualifier)?,
                text: self.count_text,
            },
            perpetrator: self.perpetrator.as_deref().map(parse_stored).transpose()?,
            destination: self.destination.as_deref().map(parse_stored).transpose()?,
            nationality,
            place,
            women: self.women,
            children: self.children,
            sources,
            n_persons: stored_count(self.n_persons, "person count")?,
            evidence,
        })
    }
}

/// A stored enum, code or date in its stable string form.
pub fn parse_stored<T: FromStr<Err = domain::ParseError>>(text: &str) -> Result<T, StoreError> {
    text.parse().map_err(|err: domain::ParseError| StoreError::Corrupt(err.to_string()))
}

/// A stored count or index, which is never negative.
pub fn stored_count(n: i64, what: &str) -> Result<usize, StoreError> {
    usize::try_from(n).map_err(|_| StoreError::Corrupt(format!("negative {what}: {n}")))
}
