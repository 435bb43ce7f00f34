//! Golden test on the project's seed page (a scraped plain-text page with heavy boilerplate).

use domain::{BoilerplateKind, RawPage};

const URL: &str =
    "https://www.theworkersrights.com/china-forcibly-returns-over-500-north-koreans-to-north-korea/";

#[test]
fn seed_page() {
    let bytes = include_bytes!("data/seed-theworkersrights.txt").to_vec();
    let (article, diagnostics) = read::read(&RawPage::new(bytes, Some(URL.to_owned())));
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(
        article.title.as_deref(),
        Some("China Forcibly Returns Over 500 North Koreans To North Korea")
    );
    assert_eq!(article.author.as_deref(), Some("WR News Writer"));
    assert_eq!(article.published, None);
    assert_eq!(article.published_from, None);
    assert_eq!(article.language.as_deref(), Some("en"));
    assert!(
        article.text.starts_with("The People’s Republic of China has forcefully conducted a repatriation")
    );
    assert!(article.text.ends_with("North Koreans risk persecution or torture in their home country."));
    assert!(article.text.contains("\n\nWhat happened to more than 500 North Koreans?\n\n"));
    assert!(!article.text.contains("Keep reading"));
    assert!(!article.text.contains("China Forcibly Returns Over 500 North Koreans To North Korea"));
    assert!(!article.text.contains("\n\n\n"));
    assert!(article.text.split("\n\n").all(|p| p == p.trim()));

    let removed = |kind: BoilerplateKind, start: &str| {
        article.removed.iter().any(|r| r.kind == kind && r.text.starts_with(start))
    };
    assert!(removed(BoilerplateKind::Other, "Keep reading"));
    assert!(removed(BoilerplateKind::AuthorBox, "About WR News Writer\n\nWR News Writer is an engineer"));
    assert!(removed(BoilerplateKind::AuthorBox, "WR News Writer\n\nWR News Writer is an engineer"));
    assert!(removed(BoilerplateKind::CookieNotice, "This website uses cookies."));
    assert!(removed(BoilerplateKind::Other, "Read More"));
    let related = article.removed.iter().find(|r| r.kind == BoilerplateKind::RelatedPosts);
    let related = related.map(|r| r.text.as_str()).unwrap_or_default();
    assert!(related.starts_with("Recent Posts"));
    assert!(related.contains("Burnout by 23"));
    assert!(related.contains("January 19, 2026"));
}
