//! The downloads: every reviewed incident as CSV or JSON, written in chunks as the client reads
//! them (memory stays flat whatever the number of incidents), and the Atom feed's entries.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use serde_json::{Value, json};

use super::model::{
    Bulletin, PublicAggregate, PublicCountry, PublicIncident, PublicNationality, PublicSource,
};
use super::view;

/// Rows per chunk of a download.
const CHUNK: usize = 256;

pub const CSV_HEADER: &str = "id,type,date_start,date_end,date_precision,low,best,high,\
perpetrator,perpetrator_name,destination,destination_name,nationality,nationality_name,\
place,place_code,place_level,lat,lon,conflict,independent_sources,source_urls\r\n";

/// The CSV download as a stream of chunks.
pub fn csv_body(bulletin: Arc<Bulletin>) -> Body {
    let n = bulletin.incidents.len();
    let chunks = std::iter::once(Bytes::from_static(CSV_HEADER.as_bytes())).chain((0..n).step_by(CHUNK).map(
        move |start| {
            let mut out = String::with_capacity(CHUNK * 200);
            for incident in bulletin.incidents.iter().skip(start).take(CHUNK) {
                csv_row(incident, &mut out);
            }
            Bytes::from(out)
        },
    ));
    Body::from_stream(futures_util::stream::iter(chunks.map(Ok::<_, std::convert::Infallible>)))
}

/// The JSON download (`refwatch.public/1`) as a stream of chunks.
pub fn json_body(bulletin: Arc<Bulletin>) -> Body {
    let n = bulletin.incidents.len();
    let head = std::iter::once(Bytes::from_static(b"{\"schema\":\"refwatch.public/1\",\"incidents\":[\n"));
    let rows = {
        let bulletin = bulletin.clone();
        (0..n).step_by(CHUNK).map(move |start| {
            let mut out = String::with_capacity(CHUNK * 600);
            for (i, incident) in bulletin.incidents.iter().enumerate().skip(start).take(CHUNK) {
                if i > 0 {
                    out.push_str(",\n");
                }
                out.push_str(&incident_json(incident).to_string());
            }
            Bytes::from(out)
        })
    };
    let tail = std::iter::once(()).map(move |()| {
        let aggregates: Vec<Value> = bulletin.aggregates.iter().map(aggregate_json).collect();
        let mut out = String::from("\n],\"aggregates\":");
        out.push_str(&Value::Array(aggregates).to_string());
        out.push_str("}\n");
        Bytes::from(out)
    });
    let chunks = head.chain(rows).chain(tail);
    Body::from_stream(futures_util::stream::iter(chunks.map(Ok::<_, std::convert::Infallible>)))
}

fn country_json(country: Option<PublicCountry>) -> Value {
    match country {
        Some(c) => json!({ "code": c.code.as_str(), "name": c.name }),
        None => Value::Null,
    }
}

fn nationality_json(nationality: Option<PublicNationality>) -> Value {
    match nationality {
        Some(PublicNationality::Country(c)) => json!({ "code": c.code.as_str(), "name": c.name }),
        Some(PublicNationality::Group(name)) => json!({ "group": name, "name": name }),
        None => Value::Null,
    }
}

fn source_json(source: &PublicSource) -> Value {
    json!({
        "publisher": source.publisher(),
        "url": source.url.as_ref().map(|u| u.as_str()),
        "published": source.published.map(|d| d.to_string()),
        "low": source.low,
        "high": source.high,
        "group": source.group,
    })
}

pub fn incident_json(incident: &PublicIncident) -> Value {
    json!({
        "id": incident.id.to_string(),
        "type": incident.kind.as_str(),
        "date": {
            "start": incident.date.start.map(|d| d.to_string()),
            "end": incident.date.end.map(|d| d.to_string()),
            "precision": incident.date.precision.as_str(),
        },
        "count": { "low": incident.low, "best": incident.best, "high": incident.high },
        "perpetrator": country_json(incident.perpetrator),
        "destination": country_json(incident.destination),
        "nationality": nationality_json(incident.nationality),
        "place": incident.place.map(|p| json!({
            "name": p.name,
            "code": p.code,
            "country": p.country.map(|c| c.code.as_str().to_owned()),
            "level": p.level.as_str(),
            "lat": p.lat,
            "lon": p.lon,
        })),
        "conflict": incident.conflict,
        "independent_sources": incident.n_sources,
        "sources": incident.sources.iter().map(source_json).collect::<Vec<_>>(),
    })
}

pub fn aggregate_json(aggregate: &PublicAggregate) -> Value {
    json!({
        "type": aggregate.kind.as_str(),
        "perpetrator": country_json(aggregate.perpetrator),
        "nationality": nationality_json(aggregate.nationality),
        "from": aggregate.from.map(|d| d.to_string()),
        "to": aggregate.to.map(|d| d.to_string()),
        "count": { "low": aggregate.low, "high": aggregate.high },
        "incidents_in_period": aggregate.incidents,
        "incidents_sum_low": aggregate.sum_low,
        "incidents_sum_best": aggregate.sum_best,
        "status": aggregate.status.as_str(),
    })
}

fn num(n: Option<u64>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

/// One CSV field: quoted when needed; a leading `=`, `+`, `-`, `@` is neutralised so that a
/// spreadsheet never runs it as a formula.
fn field(out: &mut String, value: &str) {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(&value);
    }
}

pub fn csv_row(incident: &PublicIncident, out: &mut String) {
    let place = incident.place;
    let urls: Vec<&str> =
        incident.sources.iter().filter_map(|s| s.url.as_ref().map(|u| u.as_str())).collect();
    let cells: [String; 22] = [
        incident.id.to_string(),
        incident.kind.as_str().to_owned(),
        view::iso(incident.date.start),
        view::iso(incident.date.end),
        incident.date.precision.as_str().to_owned(),
        num(incident.low),
        num(incident.best),
        num(incident.high),
        incident.perpetrator.map(|c| c.code.as_str().to_owned()).unwrap_or_default(),
        incident.perpetrator.map(|c| c.name.to_owned()).unwrap_or_default(),
        incident.destination.map(|c| c.code.as_str().to_owned()).unwrap_or_default(),
        incident.destination.map(|c| c.name.to_owned()).unwrap_or_default(),
        incident.nationality.map(|n| n.code().to_owned()).unwrap_or_default(),
        incident.nationality.map(|n| n.name().to_owned()).unwrap_or_default(),
        place.map(|p| p.name.to_owned()).unwrap_or_default(),
        place.and_then(|p| p.code).unwrap_or_default().to_owned(),
        place.map(|p| p.level.as_str().to_owned()).unwrap_or_default(),
        place.map(|p| format!("{:.4}", p.lat)).unwrap_or_default(),
        place.map(|p| format!("{:.4}", p.lon)).unwrap_or_default(),
        incident.conflict.to_string(),
        incident.n_sources.to_string(),
        urls.join(" "),
    ];
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        field(out, cell);
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_neutralised() {
        let mut out = String::new();
        field(&mut out, "a,b");
        out.push('|');
        field(&mut out, "=HYPERLINK(\"x\")");
        out.push('|');
        field(&mut out, "plain");
        assert_eq!(out, "\"a,b\"|\"'=HYPERLINK(\"\"x\"\")\"|plain");
    }
}
