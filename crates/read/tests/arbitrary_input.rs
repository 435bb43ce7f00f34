//! The reader never panics, whatever the bytes: a stable stand-in for the cargo-fuzz targets in
//! `fuzz/` (which need nightly). Inputs come from a fixed-seed generator: raw bytes, and
//! markup soups built from tags, attributes, entities, charsets and text that the HTML and
//! plain-text readers treat specially (unclosed and misnested tags, deep nesting, BOMs).

use domain::RawPage;
use proptest::prelude::Strategy as _;

/// xorshift64*: deterministic, so a failure names its seed and case and can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const PIECES: &[&str] = &[
    "<html>",
    "<head>",
    "<body>",
    "</body>",
    "<div class=\"content\">",
    "<div class=\"sidebar\">",
    "</div>",
    "<p>",
    "</p>",
    "<h1>",
    "</h1>",
    "<h2>",
    "<article>",
    "</article>",
    "<nav>",
    "<aside>",
    "<footer>",
    "<ul><li>",
    "</li>",
    "<table><tr><td>",
    "</td><td>",
    "</tr></table>",
    "<a href=\"/x\">",
    "</a>",
    "<br>",
    "<time datetime=\"2024-02-30\">",
    "</time>",
    "<script>",
    "</script>",
    "<style>",
    "<!--",
    "-->",
    "<meta charset=\"windows-1252\">",
    "<meta charset=\"shift_jis\">",
    "<meta charset=\"utf-16\">",
    "<meta property=\"og:title\" content=\"",
    "<meta name=\"author\" content=\"By \">",
    "<meta property=\"article:published_time\" content=\"9999-99-99\">",
    "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"author\":[{\"name\":",
    "{\"@graph\":[[[[",
    "]}",
    "\"datePublished\":\"2024-13-01T25:61\"",
    "</script>",
    "&amp;",
    "&#0;",
    "&#x110000;",
    "&nbsp;",
    "&",
    "<",
    ">",
    "\"",
    "'",
    "\u{feff}",
    "\u{0}",
    "\r\n",
    "\n\n",
    "By Jane Doe",
    "Published 3 March 2024",
    "Related posts",
    "We use cookies.",
    "Share this:",
    "The ministry said on Tuesday that forty people were returned, officials added.",
    "é",
    "日本語の文章です。",
    "العربية",
    "ẞ",
    "\u{200b}",
    "\u{202e}",
    "2024/01/02",
    "Updated:",
    "Last updated: Dec 12, 2025",
    "<div><p>Written by</p><p>",
    "ByJane Doe",
    "<div class=\"field--label-hidden\">",
    "<span class=\"visually-hidden\">",
    "<h1>",
    "<h1 hidden>",
    "<script>{\"publishedDate\":\"2019-08-16T00:00:00Z\"}</script>",
    "<script type=\"application/ld+json\">{\"@graph\":[{\"@type\":\"Article\",\"author\":{\"@id\":\"#p\"}},{\"@id\":\"#p\",\"name\":\"",
    "{\"@id\":\"#p\"}",
    "More:",
    "– Jane",
    "<div class=\"sidebar rail\">",
    "<div class=\"entry-content\">",
    "<footer class=\"meta\">",
    "<p>委員会は月曜日に会合を開きました。</p>",
];

fn soup(rng: &mut Rng) -> Vec<u8> {
    let mut out = Vec::new();
    if rng.below(4) == 0 {
        out.extend_from_slice(&[0xEF, 0xBB, 0xBF]);
    }
    if rng.below(3) == 0 {
        out.extend_from_slice(b"<!DOCTYPE html>");
    }
    for _ in 0..rng.below(200) {
        if rng.below(25) == 0 {
            // A run of unclosed nesting.
            for _ in 0..rng.below(400) {
                out.extend_from_slice(b"<div><span>");
            }
        } else if rng.below(20) == 0 {
            out.push((rng.next() & 0xff) as u8);
        } else {
            out.extend_from_slice(rng.pick(PIECES).as_bytes());
        }
    }
    out
}

fn raw(rng: &mut Rng) -> Vec<u8> {
    (0..rng.below(600)).map(|_| (rng.next() & 0xff) as u8).collect()
}

fn check(bytes: Vec<u8>, case: usize) {
    let result = std::panic::catch_unwind(|| {
        read::read(&RawPage::new(bytes.clone(), Some("https://x.org/2024/05/06/a".into())))
    });
    match result {
        Ok((article, _)) => assert!(
            !article.text.contains("\n\n\n"),
            "case {case}: paragraphs are separated by one blank line"
        ),
        Err(_) => panic!("case {case} panicked on {:?}", String::from_utf8_lossy(&bytes)),
    }
}

#[test]
fn never_panics_on_generated_markup() {
    let mut rng = Rng(0x5eed_0006);
    for case in 0..1000 {
        check(soup(&mut rng), case);
    }
}

#[test]
fn never_panics_on_random_bytes() {
    let mut rng = Rng(0x000b_17e5);
    for case in 0..3000 {
        check(raw(&mut rng), case);
    }
}

#[test]
fn large_flat_and_deep_pages_are_read() {
    // Many siblings and very deep nesting: the reader's cost must stay near linear.
    let mut page = String::from("<html><body><article><h1>Title of the page</h1>");
    for i in 0..20_000 {
        page.push_str(&format!("<p>Paragraph {i} says that the committee met, and agreed on the rules.</p>"));
    }
    page.push_str(&"<div><section>".repeat(5_000));
    page.push_str("The deep text is a sentence of its own, and the reader keeps it.");
    page.push_str("</article></body></html>");
    let (article, _) = read::read(&RawPage::new(page.into_bytes(), None));
    assert!(article.text.contains("Paragraph 19999 says"), "the last paragraph is read");
    assert!(article.text.contains("The deep text is a sentence"), "text nested 10,000 deep is read");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]

    /// Markup soups from the pieces above mixed with arbitrary text, in UTF-8 or re-encoded.
    #[test]
    fn never_panics_on_mixed_markup(
        parts in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::sample::select(PIECES).prop_map(str::to_owned),
                ".{0,40}",
            ],
            0..120,
        ),
        encoding in 0..3usize,
    ) {
        let text: String = parts.concat();
        let bytes = match encoding {
            0 => text.into_bytes(),
            1 => text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
            _ => encoding_rs::WINDOWS_1252.encode(&text).0.into_owned(),
        };
        check(bytes, 0);
    }
}
