//! Golden tests: short paragraphs of our own, one per phenomenon, through the public entry point.
//! Each case is `tests/data/<case>.txt` (first line the title, a line `published: YYYY-MM-DD`
//! optional, then the text) with `<case>.expected` beside it; `UPDATE_EXPECT=1` refreshes them.

use std::path::Path;

use domain::{Article, Claim};

fn render(claims: &[Claim]) -> String {
    let mut out = String::new();
    for c in claims {
        let show = |d: Option<domain::PartialDate>| d.map(|d| d.to_string()).unwrap_or_else(|| "null".into());
        let num = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_else(|| "null".into());
        let code = |v: Option<domain::CountryCode>| v.map(|v| v.to_string()).unwrap_or_else(|| "null".into());
        out.push_str(&format!(
            "{}{} date={}..{} {} count={}/{} {} {}->{} nat={} place={} women={:?} sources={:?} persons={:?}\n  evidence: {}\n",
            c.kind,
            if c.aggregate { " aggregate" } else { "" },
            show(c.date.start),
            show(c.date.end),
            c.date.precision,
            num(c.count.low),
            num(c.count.high),
            c.count.qualifier,
            code(c.perpetrator),
            code(c.destination),
            c.nationality.as_ref().map(|n| n.to_string()).unwrap_or_else(|| "null".into()),
            c.place.as_ref().map(|p| format!("{}({})", p.name, p.admin1.as_deref().unwrap_or("-"))).unwrap_or_else(|| "null".into()),
            c.women,
            c.sources,
            c.persons,
            c.evidence.first().map(|e| e.text.as_str()).unwrap_or(""),
        ));
    }
    if out.is_empty() {
        out.push_str("(no claims)\n");
    }
    out
}

fn article(input: &str) -> Article {
    let mut lines = input.lines();
    let title = lines.next().map(str::to_owned);
    let mut published = None;
    let mut rest: Vec<&str> = Vec::new();
    for line in lines {
        if let Some(date) = line.strip_prefix("published: ") {
            published = date.trim().parse().ok();
        } else {
            rest.push(line);
        }
    }
    Article { title, published, text: rest.join("\n").trim().to_owned(), ..Article::default() }
}

#[test]
fn golden_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut failures = Vec::new();
    let mut entries: Vec<_> =
        std::fs::read_dir(&dir).expect("tests/data exists").flatten().map(|e| e.path()).collect();
    entries.sort();
    let mut n = 0;
    for path in entries.into_iter().filter(|p| p.extension().is_some_and(|e| e == "txt")) {
        n += 1;
        let input = std::fs::read_to_string(&path).expect("readable case");
        let (claims, _) = crate::extract(&article(&input));
        let actual = render(&claims);
        let expected_path = path.with_extension("expected");
        match std::fs::read_to_string(&expected_path) {
            Ok(expected) if expected == actual => {}
            Ok(_) | Err(_) if update => std::fs::write(&expected_path, &actual).expect("writable"),
            Ok(expected) => {
                failures.push(format!("{}:\n--- expected\n{expected}--- actual\n{actual}", path.display()))
            }
            Err(_) => {
                std::fs::write(&expected_path, &actual).expect("writable");
                failures.push(format!("{}: created {}, review it", path.display(), expected_path.display()));
            }
        }
    }
    assert!(n > 0, "no golden cases found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
