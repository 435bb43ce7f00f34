//! Stable claim identities. A claim is known by the document it came from, its type and the
//! byte span of its first evidence sentence. Re-ingesting the same page gives the same key; a new
//! extractor version may move the span, so decisions also keep the evidence text and are matched
//! again by it ([`Resolver`]).

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

/// How a decision names a claim: its key when the decision was taken, and its evidence text so
/// that it can be found again when the span moves.
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
        let wanted = words(&claim.evidence);
        if wanted.is_empty() {
            return None;
        }
        let candidates = self.by_document.get(&(claim.key.document, claim.key.kind))?;
        let mut scored: Vec<(f64, usize)> = candidates
            .iter()
            .map(|(idx, candidate)| {
                // The best of its sentences: a new extractor may add or reorder evidence.
                let best =
                    candidate.evidence.iter().map(|e| jaccard(&wanted, &words(&e.text))).fold(0.0, f64::max);
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
