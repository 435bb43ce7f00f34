//! How the bulletin's values read on a page, in the feed and in the downloads. Everything here
//! formats values of the public types only.

use domain::{ClaimKind, DatePrecision, DateSpan, NaiveDate, PartialDate};

use super::model::{PublicCountry, PublicIncident, PublicNationality, PublicPlace};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

pub fn month_name(month: u32) -> &'static str {
    month.checked_sub(1).and_then(|m| MONTHS.get(m as usize)).copied().unwrap_or("?")
}

pub fn kind_label(kind: ClaimKind) -> &'static str {
    match kind {
        ClaimKind::ForcedReturn => "Forced return",
        ClaimKind::Detention => "Detention",
    }
}

fn day(date: PartialDate) -> String {
    match date.year {
        Some(year) => format!("{} {} {year}", date.day, month_name(date.month)),
        None => format!("{} {} (year unknown)", date.day, month_name(date.month)),
    }
}

fn month(date: PartialDate) -> String {
    match date.year {
        Some(year) => format!("{} {year}", month_name(date.month)),
        None => format!("{} (year unknown)", month_name(date.month)),
    }
}

/// "11 March 2024", "March 2024", "2024", "between 3 and 9 June 2024", "date unknown".
pub fn date_label(date: &DateSpan) -> String {
    match (date.precision, date.start, date.end) {
        (DatePrecision::Unknown, _, _) | (_, None, None) => "date unknown".to_owned(),
        (DatePrecision::Day, Some(d), _) | (DatePrecision::Day, None, Some(d)) => day(d),
        (DatePrecision::Month, Some(d), _) | (DatePrecision::Month, None, Some(d)) => month(d),
        (DatePrecision::Year, Some(d), _) | (DatePrecision::Year, None, Some(d)) => match d.year {
            Some(year) => year.to_string(),
            None => "year unknown".to_owned(),
        },
        (DatePrecision::Week, Some(d), _) => format!("week of {}", day(d)),
        (_, Some(start), Some(end)) if start == end => day(start),
        (_, Some(start), Some(end)) => format!("between {} and {}", day(start), day(end)),
        (_, Some(start), None) => format!("from {}", day(start)),
        (_, None, Some(end)) => format!("until {}", day(end)),
    }
}

/// The ISO form of a span's bounds for machines: "2024-03-11", "XXXX-08-29" or "".
pub fn iso(date: Option<PartialDate>) -> String {
    date.map(|d| d.to_string()).unwrap_or_default()
}

/// "28", "500–600 (best estimate 550)", "at least 40", "at most 12", "unknown".
pub fn count_label(low: Option<u64>, best: Option<u64>, high: Option<u64>) -> String {
    match (low, best, high) {
        (Some(l), _, Some(h)) if l == h => l.to_string(),
        (Some(l), Some(b), Some(h)) if b != l && b != h => format!("{l}–{h} (best estimate {b})"),
        (Some(l), _, Some(h)) => format!("{l}–{h}"),
        (Some(l), _, None) => format!("at least {l}"),
        (None, _, Some(h)) => format!("at most {h}"),
        (None, Some(b), None) => format!("about {b}"),
        (None, None, None) => "unknown".to_owned(),
    }
}

pub fn country_label(country: Option<PublicCountry>) -> &'static str {
    country.map_or("unknown", |c| c.name)
}

pub fn nationality_label(nationality: Option<PublicNationality>) -> &'static str {
    nationality.map_or("unknown", |n| n.name())
}

pub fn place_label(place: Option<PublicPlace>) -> String {
    match place {
        Some(PublicPlace { name, country: Some(country), .. }) if country.name != name => {
            format!("{name}, {}", country.name)
        }
        Some(place) => place.name.to_owned(),
        None => String::new(),
    }
}

/// A one-line title: "Forced return: 28 people, Germany → Afghanistan, 11 March 2024".
pub fn title(incident: &PublicIncident) -> String {
    let count = count_label(incident.low, incident.best, incident.high);
    let people = match (incident.low, incident.high) {
        (Some(1), Some(1)) => "person".to_owned(),
        _ => "people".to_owned(),
    };
    let route = match (incident.perpetrator, incident.destination) {
        (Some(p), Some(d)) => format!("{} → {}", p.name, d.name),
        (Some(p), None) => p.name.to_owned(),
        (None, Some(d)) => format!("to {}", d.name),
        (None, None) => "state unknown".to_owned(),
    };
    let count = if count == "unknown" { "number unknown".to_owned() } else { format!("{count} {people}") };
    format!("{}: {count}, {route}, {}", kind_label(incident.kind), date_label(&incident.date))
}

/// A timestamp for Atom (RFC 3339, midnight UTC of the day).
pub fn rfc3339(date: Option<NaiveDate>) -> String {
    match date {
        Some(date) => format!("{}T00:00:00Z", date.format("%Y-%m-%d")),
        None => "1970-01-01T00:00:00Z".to_owned(),
    }
}

/// A stable `urn:uuid:` for a name (BLAKE3 of it, shaped as a version 8 UUID).
pub fn urn_uuid(name: &str) -> String {
    let hash = blake3::hash(name.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&hash.as_bytes()[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("urn:uuid:{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_precisely_as_known() {
        let d = |s: &str| s.parse::<PartialDate>().ok();
        let span = |start, end, precision| DateSpan { start: d(start), end: d(end), precision };
        assert_eq!(date_label(&span("2024-03-11", "2024-03-11", DatePrecision::Day)), "11 March 2024");
        assert_eq!(
            date_label(&span("XXXX-08-29", "XXXX-08-29", DatePrecision::Day)),
            "29 August (year unknown)"
        );
        assert_eq!(date_label(&span("2024-06-01", "2024-06-30", DatePrecision::Month)), "June 2024");
        assert_eq!(
            date_label(&span("2024-06-03", "2024-06-09", DatePrecision::Range)),
            "between 3 June 2024 and 9 June 2024"
        );
        assert_eq!(date_label(&DateSpan::UNKNOWN), "date unknown");
    }

    #[test]
    fn counts_read_as_ranges() {
        assert_eq!(count_label(Some(28), Some(28), Some(28)), "28");
        assert_eq!(count_label(Some(500), Some(550), Some(600)), "500–600 (best estimate 550)");
        assert_eq!(count_label(Some(500), None, None), "at least 500");
        assert_eq!(count_label(None, None, None), "unknown");
    }

    #[test]
    fn uuids_are_stable_and_well_formed() {
        let a = urn_uuid("refwatch incident 1a2b3c4d");
        assert_eq!(a, urn_uuid("refwatch incident 1a2b3c4d"));
        assert_ne!(a, urn_uuid("refwatch incident 1a2b3c4e"));
        assert_eq!(a.len(), "urn:uuid:".len() + 36);
        assert_eq!(&a["urn:uuid:".len() + 14..][..1], "8");
    }
}
