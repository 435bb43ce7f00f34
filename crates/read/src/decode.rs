//! Bytes to text: BOM, then a declared `charset`, then UTF-8, then a statistical guess.

use std::borrow::Cow;

use domain::Diagnostic;
use encoding_rs::{Encoding, UTF_8};

/// Pages larger than this are cut; nothing real is this big and the cost must stay bounded.
pub const MAX_BYTES: usize = 50 * 1024 * 1024;

/// How far into a page a `<meta charset>` declaration is looked for.
const SNIFF_BYTES: usize = 4096;

/// Decodes a page to text with `\n` line ends (borrowed from `bytes` when they are that
/// already, as most UTF-8 pages are). Never fails: bad bytes become U+FFFD.
pub fn decode<'a>(bytes: &'a [u8], diagnostics: &mut Vec<Diagnostic>) -> Cow<'a, str> {
    let bytes = if bytes.len() > MAX_BYTES {
        diagnostics.push(Diagnostic::warning(format!(
            "page is {} bytes; only the first {MAX_BYTES} are read",
            bytes.len()
        )));
        &bytes[..MAX_BYTES]
    } else {
        bytes
    };
    let (encoding, body) = match Encoding::for_bom(bytes) {
        Some((encoding, bom_len)) => (encoding, &bytes[bom_len..]),
        None => (detect(bytes), bytes),
    };
    // Valid UTF-8 (most pages) is read in place, without decoding or copying it.
    if encoding == UTF_8
        && let Ok(text) = std::str::from_utf8(body)
    {
        return repair_mojibake(normalize_newlines(text), diagnostics);
    }
    let (text, had_errors) = encoding.decode_without_bom_handling(body);
    if had_errors {
        diagnostics.push(Diagnostic::warning(format!("invalid {} byte sequences replaced", encoding.name())));
    }
    repair_mojibake(Cow::Owned(normalize_newlines(&text).into_owned()), diagnostics)
}

/// Pages whose UTF-8 text was once read as windows-1252 and saved again as UTF-8 ("â€™" for
/// "’", "Ã©" for "é"): each run of such characters that spells valid UTF-8 once mapped back
/// to bytes is decoded again. Done only when the page has a few such runs, since one legitimate
/// pair of accented letters and symbols can also spell UTF-8 by chance.
fn repair_mojibake<'a>(text: Cow<'a, str>, diagnostics: &mut Vec<Diagnostic>) -> Cow<'a, str> {
    repair_runs(text, MOJIBAKE_RUNS, diagnostics)
}

/// Repairs doubly encoded UTF-8 that the markup spelled with character references
/// (`isn&acirc;&euro;&trade;t`), which only shows once the page is parsed: in the article's
/// text by the rule of [`repair_mojibake`], and then in its title and author even for one run.
pub(crate) fn repair_article(article: &mut domain::Article, diagnostics: &mut Vec<Diagnostic>) {
    let repair = |text: &mut String, min_runs: usize, diagnostics: &mut Vec<Diagnostic>| {
        if let Cow::Owned(repaired) = repair_runs(Cow::Borrowed(text.as_str()), min_runs, diagnostics) {
            *text = repaired;
            true
        } else {
            false
        }
    };
    if repair(&mut article.text, MOJIBAKE_RUNS, diagnostics) {
        for field in [&mut article.title, &mut article.author].into_iter().flatten() {
            repair(field, 1, diagnostics);
        }
    }
}

fn repair_runs<'a>(text: Cow<'a, str>, min_runs: usize, diagnostics: &mut Vec<Diagnostic>) -> Cow<'a, str> {
    let min_runs = min_runs.max(1);
    // Every run starts with a lead byte read as a letter from "Â" to "ô" (U+00C2 to U+00F4),
    // whose UTF-8 begins with 0xC3, followed by a character that maps back to a continuation
    // byte. Pages with fewer such pairs than a repair needs (English with curly quotes, French
    // with its accents, most scripts beyond Latin) are not scanned character by character.
    if candidate_runs(text.as_bytes(), min_runs) < min_runs {
        return text;
    }
    let runs = mojibake_runs(&text);
    if runs.len() < min_runs {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (start, end, repaired) in &runs {
        out.push_str(&text[last..*start]);
        out.push_str(repaired);
        last = *end;
    }
    out.push_str(&text[last..]);
    diagnostics.push(Diagnostic::warning(format!("{} runs of doubly encoded UTF-8 repaired", runs.len())));
    Cow::Owned(out)
}

/// Runs of doubly encoded UTF-8 on a page for it to be repaired.
const MOJIBAKE_RUNS: usize = 2;

/// Places where a run of doubly encoded UTF-8 could start, counted up to `enough`:
/// a lead letter (U+00C2 to U+00F4, encoded `C3 82` to `C3 B4`) followed by a character that
/// windows-1252 maps to a continuation byte (0x80 to 0xBF).
fn candidate_runs(bytes: &[u8], enough: usize) -> usize {
    let mut n = 0;
    for at in memchr::memchr_iter(0xC3, bytes) {
        if !bytes.get(at + 1).is_some_and(|b| (0x82..=0xB4).contains(b)) {
            continue;
        }
        let next = bytes.get(at + 2..).and_then(first_char);
        if next.and_then(windows_1252_byte).is_some_and(|b| b < 0xC0) {
            n += 1;
            if n >= enough {
                break;
            }
        }
    }
    n
}

/// The character that begins these bytes, if they begin with a whole UTF-8 character.
fn first_char(bytes: &[u8]) -> Option<char> {
    let len = match bytes.first()? {
        0..0x80 => 1,
        0xC0..0xE0 => 2,
        0xE0..0xF0 => 3,
        _ => 4,
    };
    std::str::from_utf8(bytes.get(..len)?).ok()?.chars().next()
}

/// Every run of two or more characters that map back to bytes (Latin-1 and the windows-1252
/// punctuation) and spell valid UTF-8 with at least one character outside Latin-1's reach:
/// byte range and repaired text.
fn mojibake_runs(text: &str) -> Vec<(usize, usize, String)> {
    let mut runs = Vec::new();
    let mut bytes: Vec<u8> = Vec::new();
    let mut start = None;
    let close = |start: usize, end: usize, bytes: &mut Vec<u8>, runs: &mut Vec<(usize, usize, String)>| {
        if bytes.len() >= 2
            && let Ok(repaired) = std::str::from_utf8(bytes)
        {
            runs.push((start, end, repaired.to_owned()));
        }
        bytes.clear();
    };
    for (at, c) in text.char_indices() {
        match windows_1252_byte(c) {
            Some(b) => {
                start.get_or_insert(at);
                bytes.push(b);
            }
            None => {
                if let Some(s) = start.take() {
                    close(s, at, &mut bytes, &mut runs);
                }
            }
        }
    }
    if let Some(s) = start {
        close(s, text.len(), &mut bytes, &mut runs);
    }
    runs
}

/// The byte (0x80 or above) that windows-1252, or Latin-1 for its undefined bytes, decodes
/// to `c`.
fn windows_1252_byte(c: char) -> Option<u8> {
    const PUNCTUATION: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}',
        '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
    ];
    let n = u32::from(c);
    if (0x80..=0xFF).contains(&n) {
        return u8::try_from(n).ok();
    }
    // The punctuation lies between "Œ" (U+0152) and "™" (U+2122).
    if !(0x152..=0x2122).contains(&n) {
        return None;
    }
    PUNCTUATION.iter().position(|&p| p == c).and_then(|i| u8::try_from(0x80 + i).ok())
}

fn detect(bytes: &[u8]) -> &'static Encoding {
    if let Some(declared) = declared_charset(bytes) {
        // A page that declares a legacy charset but is valid UTF-8 is almost always UTF-8
        // that was re-saved without fixing the header.
        if declared != UTF_8 && std::str::from_utf8(bytes).is_ok() && !bytes.is_ascii() {
            return UTF_8;
        }
        return declared;
    }
    if std::str::from_utf8(bytes).is_ok() {
        return UTF_8;
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    detector.guess(None, true)
}

/// Finds `charset=...` in the first bytes of a page (`<meta charset>` or `http-equiv`).
fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let needle = b"charset=";
    let pos = lower.windows(needle.len()).position(|w| w == needle)?;
    let rest = &head[pos + needle.len()..];
    let rest = rest.strip_prefix(b"\"").or_else(|| rest.strip_prefix(b"'")).unwrap_or(rest);
    let end = rest
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b':' || b == b'.'))
        .unwrap_or(rest.len());
    let label = &rest[..end];
    let encoding = Encoding::for_label(label)?;
    // UTF-16 declared inside an ASCII-compatible document cannot be true.
    if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
        return Some(UTF_8);
    }
    Some(encoding)
}

/// `\r\n` and lone `\r` become `\n`; NUL characters are dropped. One pass; borrowed when
/// there is neither.
fn normalize_newlines(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    if memchr::memchr2(b'\r', b'\0', bytes).is_none() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for at in memchr::memchr2_iter(b'\r', b'\0', bytes) {
        // Both are ASCII, so every cut falls on a character boundary.
        out.push_str(&text[copied..at]);
        if bytes.get(at) == Some(&b'\r') && bytes.get(at + 1) != Some(&b'\n') {
            out.push('\n');
        }
        copied = at + 1;
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(bytes: &[u8], expect: &str, expect_diagnostics: usize) {
        let mut diagnostics = Vec::new();
        assert_eq!(decode(bytes, &mut diagnostics), expect);
        assert_eq!(diagnostics.len(), expect_diagnostics, "{diagnostics:?}");
    }

    #[test]
    fn clean_utf8_is_read_in_place() {
        let mut diagnostics = Vec::new();
        assert!(matches!(decode("caf\u{e9}\nx".as_bytes(), &mut diagnostics), Cow::Borrowed(_)));
        assert!(matches!(decode(b"a\r\nb", &mut diagnostics), Cow::Owned(t) if t == "a\nb"));
        assert!(matches!(decode(b"a\0b", &mut diagnostics), Cow::Owned(t) if t == "ab"));
    }

    #[test]
    fn utf8_with_and_without_bom() {
        check("caf\u{e9}".as_bytes(), "caf\u{e9}", 0);
        check(b"\xEF\xBB\xBFcaf\xC3\xA9", "caf\u{e9}", 0);
    }

    #[test]
    fn utf16_bom() {
        check(b"\xFF\xFEh\0i\0", "hi", 0);
    }

    #[test]
    fn meta_charset_is_honoured() {
        let page = b"<html><head><meta charset=\"windows-1252\"></head><body>caf\xE9</body></html>";
        let mut diagnostics = Vec::new();
        assert!(decode(page, &mut diagnostics).contains("caf\u{e9}"));
    }

    #[test]
    fn legacy_bytes_are_guessed() {
        let mut diagnostics = Vec::new();
        let text =
            decode(b"Le caf\xE9 de la gare est ferm\xE9 depuis l'\xE9t\xE9 dernier.", &mut diagnostics);
        assert!(text.contains("caf\u{e9}"), "{text}");
    }

    #[test]
    fn invalid_utf8_is_replaced_with_a_diagnostic() {
        check(b"<meta charset=utf-8>ok \xFF", "<meta charset=utf-8>ok \u{FFFD}", 1);
    }

    #[test]
    fn doubly_encoded_utf8_is_repaired_issue_6() {
        // "’" and "é" read as windows-1252 and saved again as UTF-8.
        let page = "<p>It\u{e2}\u{80}\u{99}s the caf\u{c3}\u{a9} \u{e2}\u{20ac}\u{201c} it\u{e2}\u{20ac}\u{2122}s open.</p>";
        let mut diagnostics = Vec::new();
        assert_eq!(decode(page.as_bytes(), &mut diagnostics), "<p>It’s the café – it’s open.</p>");
        assert_eq!(diagnostics.len(), 1);
    }

    #[test]
    fn doubly_encoded_utf8_spelled_as_references_is_repaired() {
        let page = "<html><head><title>Harbor caf&Atilde;&copy; reopens</title></head><body><article>\
             <h1>Harbor caf&Atilde;&copy; reopens</h1><p>The harbor isn&acirc;&euro;&trade;t quiet \
             today: the caf&Atilde;&copy; on the pier opened its doors again after the storm, and \
             its owner says it&acirc;&euro;&trade;s there to stay. Fishers came first, then the \
             ferry crews, and by noon every table on the terrace was taken.</p></article></body></html>";
        let mut diagnostics = Vec::new();
        let article = crate::html::read_html(page, None, &mut diagnostics);
        assert!(article.text.contains("isn’t quiet today: the café on the pier"), "{}", article.text);
        assert!(article.text.contains("it’s there to stay"), "{}", article.text);
        assert_eq!(article.title.as_deref(), Some("Harbor café reopens"));
        // One such pair in a page is not enough evidence.
        let page =
            page.replace("it&acirc;&euro;&trade;s", "it is").replace("isn&acirc;&euro;&trade;t", "is not");
        let article = crate::html::read_html(&page, None, &mut Vec::new());
        assert!(article.text.contains("the caf\u{c3}\u{a9} on the pier"), "{}", article.text);
    }

    #[test]
    fn legitimate_accents_are_left_alone_issue_6() {
        // One pair that happens to spell UTF-8 ("Â»") is not enough evidence.
        check(
            "Ça coûte cher, à Paris Â» dit-il, très cher.".as_bytes(),
            "Ça coûte cher, à Paris Â» dit-il, très cher.",
            0,
        );
        check("Zürich, Genève, Øresund, naïve".as_bytes(), "Zürich, Genève, Øresund, naïve", 0);
    }

    #[test]
    fn newlines_are_normalized() {
        check(b"a\r\nb\rc", "a\nb\nc", 0);
        check(b"\r\r\n\0x\r", "\n\nx\n", 0);
    }
}
