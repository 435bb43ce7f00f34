//! Stable claim identities. A claim is known by the document it came from, its type and the
//! byte span of its first evidence sentence. Re-ingesting the same page gives the same key; a new
//! extractor version may move the span, so decisions also keep the evidence text and are matched
//! again by it ([`Resolver`]).
//!
//! Evidence is remembered as a *print* ([`evidence_print`]): the set of the sentence's words, each
//! replaced by a 64-bit BLAKE3 hash (keyed with a secret derived from the data key when the
//! database has one). Word overlap of two prints is the word overlap of the sentences (up to hash
//! collisions), so re-matching works on prints alone and neither decisions nor, in a sealed
//! database, stored claims hold the sentence. Plain text (older decisions, plaintext databases)
//! is printed without a key when compared.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use domain::{Claim, ClaimKind, ContentHash};

/// A claim's stable identity: document hash + claim type + first evidence span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClaimKey {
    pub document: ContentHash,
    pub kind: ClaimKind,
    pub start: usize,
    pub end: usize,
}

/// A claim key did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid claim key {0:?}: expected HASH:TYPE:START-END")]
pub struct KeyError(pub String);

impl ClaimKey {
    /// The key of a claim found in `document`; a claim without evidence gets the span 0-0.
    pub fn of(document: ContentHash, claim: &Claim) -> ClaimKey {
        let (start, end) = claim.evidence.first().map_or((0, 0), |e| (e.start, e.end));
        ClaimKey { document, kind: claim.kind, start, end }
    }

    /// A short form for tables: the first 8 hex digits of the document and the span.
    pub fn short(&self) -> String {
        let hex = self.document.to_hex();
        format!("{}:{}-{}", &hex[..8], self.start, self.end)
    }
}

impl fmt::Display for ClaimKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}-{}", self.document, self.kind, self.start, self.end)
    }
}

impl FromStr for ClaimKey {
    type Err = KeyError;
    fn from_str(s: &str) -> Result<ClaimKey, KeyError> {
        let err = || KeyError(s.to_owned());
        let mut parts = s.splitn(3, ':');
        let (hash, kind, span) =
            (parts.next().ok_or_else(err)?, parts.next().ok_or_else(err)?, parts.next().ok_or_else(err)?);
        let (start, end) = span.split_once('-').ok_or_else(err)?;
        Ok(ClaimKey {
            document: hash.parse().map_err(|_| err())?,
            kind: kind.parse().map_err(|_| err())?,
            start: start.parse().map_err(|_| err())?,
            end: end.parse().map_err(|_| err())?,
        })
    }
}

/// How a decision names a claim: its key when the decision was taken, and its evidence (text or
/// print, see [`evidence_print`]) so that it can be found again when the span moves.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClaimRef {
    pub key: ClaimKey,
    pub evidence: String,
}

impl ClaimRef {
    pub fn of(key: ClaimKey, claim: &Claim) -> ClaimRef {
        ClaimRef { key, evidence: claim.evidence.first().map(|e| e.text.clone()).unwrap_or_default() }
    }
}

/// The lowest word overlap (Jaccard) at which a moved claim is taken to be the same claim.
pub const REMATCH_THRESHOLD: f64 = 0.6;

/// Finds the current claim a [`ClaimRef`] names: by exact key, else among the claims of the same
/// document and type by evidence text.
/// Finds the current claim a [`ClaimRef`] names: by exact key, else among the claims of the same
/// document and type by evidence text. Evidence words are computed only for a decision whose key
/// no longer matches, so the cost follows the number of decisions, not of claims.
pub(crate) struct Resolver<'a> {
    exact: HashMap<ClaimKey, usize>,
    by_document: HashMap<(ContentHash, ClaimKind), Vec<(usize, &'a Claim)>>,
}

impl<'a> Resolver<'a> {
    pub(crate) fn new(claims: impl Iterator<Item = (usize, ClaimKey, &'a Claim)>) -> Resolver<'a> {
        let mut exact = HashMap::new();
        let mut by_document: HashMap<_, Vec<_>> = HashMap::new();
        for (idx, key, claim) in claims {
            exact.entry(key).or_insert(idx);
            by_document.entry((key.document, key.kind)).or_default().push((idx, claim));
        }
        Resolver { exact, by_document }
    }

    /// The claim's index, or `None` when nothing matches well enough (or two claims match as well).
    pub(crate) fn resolve(&self, claim: &ClaimRef) -> Option<usize> {
        if let Some(&idx) = self.exact.get(&claim.key) {
            return Some(idx);
        }
        let wanted = print_words(&claim.evidence);
        if wanted.is_empty() {
            return None;
        }
        let candidates = self.by_document.get(&(claim.key.document, claim.key.kind))?;
        let mut scored: Vec<(f64, usize)> = candidates
            .iter()
            .map(|(idx, candidate)| {
                // The best of its sentences: a new extractor may add or reorder evidence.
                let best = candidate
                    .evidence
                    .iter()
                    .map(|e| jaccard(&wanted, &print_words(&e.text)))
                    .fold(0.0, f64::max);
                (best, *idx)
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        match scored.as_slice() {
            [(best, idx), rest @ ..] if *best >= REMATCH_THRESHOLD => {
                let tied = rest.first().is_some_and(|(second, _)| (best - second).abs() < f64::EPSILON);
                (!tied).then_some(*idx)
            }
            _ => None,
        }
    }
}

/// What opens every print: a character no word holds, so a print is never taken for a sentence.
const PRINT_MARK: &str = "~";

/// The print of an evidence sentence: `~` then its distinct lower-cased words, each as 16 hex
/// digits of BLAKE3 (keyed by `key` when given), sorted. A print passed in comes back unchanged.
pub fn evidence_print(text: &str, key: Option<&[u8; 32]>) -> String {
    if is_print(text) {
        return text.to_owned();
    }
    let mut hashes: Vec<String> = words(text)
        .iter()
        .map(|word| {
            let hash = match key {
                Some(key) => blake3::keyed_hash(key, word.as_bytes()),
                None => blake3::hash(word.as_bytes()),
            };
            hash.to_hex()[..16].to_owned()
        })
        .collect();
    hashes.sort();
    hashes.dedup();
    let mut print = PRINT_MARK.to_owned();
    for hash in hashes {
        print.push(' ');
        print.push_str(&hash);
    }
    print
}

/// Whether `text` is a print made by [`evidence_print`].
pub fn is_print(text: &str) -> bool {
    text.strip_prefix(PRINT_MARK).is_some_and(|rest| {
        rest.split(' ').skip(1).all(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
    }) && (text.len() == PRINT_MARK.len() || text[PRINT_MARK.len()..].starts_with(' '))
}

/// The hashed words of a print, or of a plain sentence printed without a key.
fn print_words(text: &str) -> Vec<String> {
    let print = evidence_print(text, None);
    let mut words: Vec<String> = print.split(' ').skip(1).map(str::to_owned).collect();
    words.sort();
    words
}

fn words(text: &str) -> Vec<String> {
    let mut words: Vec<String> =
        text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    words.sort();
    words.dedup();
    words
}

/// Jaccard similarity of two sorted, deduplicated word lists.
fn jaccard(a: &[String], b: &[String]) -> f64 {
    let (mut i, mut j, mut both) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - both;
    if union == 0 { 0.0 } else { both as f64 / union as f64 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_keep_word_overlap_without_the_words_issue_4() {
        let a = "Canary Testperson-7Q was deported to Kabul on 11 March.";
        let b = "On 11 March, Canary Testperson-7Q was deported to Kabul by plane.";
        let key = [3u8; 32];
        let print = evidence_print(a, Some(&key));
        assert!(is_print(&print) && !is_print(a) && is_print("~") && !is_print("~ nothex"));
        assert!(!print.to_lowercase().contains("canary") && !print.contains("kabul"), "{print}");
        assert_eq!(evidence_print(&print, None), print);
        let plain = jaccard(&print_words(a), &print_words(b));
        let unkeyed = jaccard(&print_words(&evidence_print(a, None)), &print_words(b));
        let keyed = jaccard(&print_words(&print), &print_words(&evidence_print(b, Some(&key))));
        assert!(plain > 0.6 && (plain - unkeyed).abs() < 1e-9 && (plain - keyed).abs() < 1e-9);
        assert!(jaccard(&print_words(&print), &print_words(b)) < 0.01);
    }
}
