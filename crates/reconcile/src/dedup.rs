//! Near-duplicate documents: syndicated copies and light rewrites of one story are one source.
//!
//! Each text is cut into word 3-shingles, each shingle hashed once with BLAKE3, and the text
//! summarised by a MinHash signature of [`N_HASHES`] minima (the permutations are cheap mixes of
//! the BLAKE3 value). The share of equal minima estimates the Jaccard similarity of the shingle
//! sets; texts at or above [`NEAR_DUPLICATE`] are one source. Candidates come from banding the
//! signature ([`N_BANDS`] bands): only texts that agree on a whole band are compared, so unrelated
//! texts cost nothing. Texts too short to shingle are grouped only when their words are identical.
//!
//! A [`Signature`] is what a store keeps instead of the text, so that sealed texts need not be
//! opened to find copies. For a sealed database the shingles are hashed with a key derived from
//! the data key ([`Signature::of`] with `Some(key)`), so the stored minima cannot confirm a guessed
//! sentence; signatures made with different keys (or none) never match each other.

use std::collections::HashMap;

use domain::ContentHash;

/// What identifies a document: the hash of its page.
pub type DocId = ContentHash;

/// The estimated Jaccard similarity of shingle sets from which two texts are one source.
pub const NEAR_DUPLICATE: f64 = 0.7;
/// MinHash signature length.
pub const N_HASHES: usize = 64;
/// Bands of the signature used to find candidates (`N_HASHES / N_BANDS` rows each). With 16 bands
/// of 4 rows, a pair at Jaccard 0.7 is a candidate with probability 1 - (1 - 0.7^4)^16 ≈ 0.99.
pub const N_BANDS: usize = 16;

const SHINGLE: usize = 3;

/// Index of a source group within one [`SourceGroups`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupId(pub u32);

/// Documents partitioned into independent sources.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceGroups {
    /// Each group's documents, in input order; groups ordered by their first document.
    pub groups: Vec<Vec<DocId>>,
    of: HashMap<DocId, GroupId>,
}

impl SourceGroups {
    /// The group of a document; `None` for a document that was not given.
    pub fn group_of(&self, doc: &DocId) -> Option<GroupId> {
        self.of.get(doc).copied()
    }

    /// Groups with more than one document: the copies found.
    pub fn copies(&self) -> impl Iterator<Item = &[DocId]> {
        self.groups.iter().filter(|g| g.len() > 1).map(Vec::as_slice)
    }
}

/// A text's near-duplicate signature: MinHash minima of its word 3-shingles, or the hash of its
/// words when it is too short to shingle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature(Fingerprint);

/// Stored signature bytes that do not decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed near-duplicate signature ({0} bytes)")]
pub struct SignatureError(pub usize);

impl Signature {
    /// The signature of `text`; shingles are hashed with BLAKE3 keyed by `key` when given.
    pub fn of(text: &str, key: Option<&[u8; 32]>) -> Signature {
        Signature(fingerprint(text, key))
    }

    /// `0 || 64 × u64 LE` (MinHash) or `1 || 32-byte hash` (short text).
    pub fn to_bytes(&self) -> Vec<u8> {
        match &self.0 {
            Fingerprint::Min(minima) => {
                let mut out = Vec::with_capacity(1 + 8 * N_HASHES);
                out.push(0);
                for value in minima.iter() {
                    out.extend_from_slice(&value.to_le_bytes());
                }
                out
            }
            Fingerprint::Short(hash) => {
                let mut out = vec![1];
                out.extend_from_slice(hash);
                out
            }
        }
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Signature, SignatureError> {
        let err = || SignatureError(bytes.len());
        match bytes.split_first() {
            Some((0, rest)) if rest.len() == 8 * N_HASHES => {
                let mut minima = Box::new([0u64; N_HASHES]);
                for (slot, chunk) in minima.iter_mut().zip(rest.chunks_exact(8)) {
                    *slot = u64::from_le_bytes(chunk.try_into().map_err(|_| err())?);
                }
                Ok(Signature(Fingerprint::Min(minima)))
            }
            Some((1, rest)) => Ok(Signature(Fingerprint::Short(rest.try_into().map_err(|_| err())?))),
            _ => Err(err()),
        }
    }
}

/// Groups documents whose texts are near-duplicates. Deterministic; about linear in the number
/// of documents when they are unrelated.
pub fn source_groups(docs: &[(DocId, &str)]) -> SourceGroups {
    let signatures: Vec<(DocId, Signature)> =
        docs.iter().map(|(doc, text)| (*doc, Signature::of(text, None))).collect();
    source_groups_of(&signatures)
}

/// [`source_groups`] from stored signatures instead of texts.
pub fn source_groups_of(docs: &[(DocId, Signature)]) -> SourceGroups {
    let fingerprints: Vec<&Fingerprint> = docs.iter().map(|(_, signature)| &signature.0).collect();
    let mut parent: Vec<usize> = (0..docs.len()).collect();

    // Identical documents (same hash given twice) and identical short texts.
    let mut exact: HashMap<(u8, [u8; 32]), usize> = HashMap::new();
    for (idx, ((doc, _), print)) in docs.iter().zip(&fingerprints).enumerate() {
        if let Fingerprint::Short(words) = **print {
            match exact.get(&(1, words)) {
                Some(&first) => union(&mut parent, first, idx),
                None => {
                    exact.insert((1, words), idx);
                }
            }
        }
        match exact.get(&(0, doc.0)) {
            Some(&first) => union(&mut parent, first, idx),
            None => {
                exact.insert((0, doc.0), idx);
            }
        }
    }

    let rows = N_HASHES / N_BANDS;
    for band in 0..N_BANDS {
        let mut buckets: HashMap<&[u64], Vec<usize>> = HashMap::new();
        for (idx, print) in fingerprints.iter().enumerate() {
            if let Fingerprint::Min(signature) = print {
                buckets.entry(&signature[band * rows..(band + 1) * rows]).or_default().push(idx);
            }
        }
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for members in buckets.values() {
            for (i, &a) in members.iter().enumerate() {
                for &b in &members[i + 1..] {
                    pairs.push((a, b));
                }
            }
        }
        pairs.sort_unstable();
        for (a, b) in pairs {
            if let (Fingerprint::Min(x), Fingerprint::Min(y)) = (fingerprints[a], fingerprints[b])
                && similarity(x, y) >= NEAR_DUPLICATE
            {
                union(&mut parent, a, b);
            }
        }
    }

    let mut groups: Vec<Vec<DocId>> = Vec::new();
    let mut root_group: HashMap<usize, usize> = HashMap::new();
    let mut of = HashMap::new();
    for (idx, (doc, _)) in docs.iter().enumerate() {
        let root = find(&mut parent, idx);
        let group = *root_group.entry(root).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        if !groups[group].contains(doc) {
            groups[group].push(*doc);
        }
        of.entry(*doc).or_insert(GroupId(u32::try_from(group).unwrap_or(u32::MAX)));
    }
    SourceGroups { groups, of }
}

/// The estimated Jaccard similarity of two texts' word 3-shingle sets (0 when either text has
/// fewer than three words, unless both are identical).
pub fn similarity_of(a: &str, b: &str) -> f64 {
    match (fingerprint(a, None), fingerprint(b, None)) {
        (Fingerprint::Min(x), Fingerprint::Min(y)) => similarity(&x, &y),
        (Fingerprint::Short(x), Fingerprint::Short(y)) if x == y => 1.0,
        _ => 0.0,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Fingerprint {
    Min(Box<[u64; N_HASHES]>),
    Short([u8; 32]),
}

fn similarity(x: &[u64; N_HASHES], y: &[u64; N_HASHES]) -> f64 {
    x.iter().zip(y.iter()).filter(|(a, b)| a == b).count() as f64 / N_HASHES as f64
}

fn fingerprint(text: &str, key: Option<&[u8; 32]>) -> Fingerprint {
    let hasher = || key.map_or_else(blake3::Hasher::new, blake3::Hasher::new_keyed);
    let words: Vec<String> =
        text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    if words.len() < SHINGLE {
        return Fingerprint::Short(*hasher().update(words.join(" ").as_bytes()).finalize().as_bytes());
    }
    let mut signature = Box::new([u64::MAX; N_HASHES]);
    for shingle in words.windows(SHINGLE) {
        let mut hasher = hasher();
        for word in shingle {
            hasher.update(word.as_bytes());
            hasher.update(b" ");
        }
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&hasher.finalize().as_bytes()[..8]);
        let value = u64::from_le_bytes(bytes);
        for (i, slot) in signature.iter_mut().enumerate() {
            let permuted = mix(value ^ SEEDS_BASE.wrapping_mul(i as u64 + 1));
            if permuted < *slot {
                *slot = permuted;
            }
        }
    }
    Fingerprint::Min(signature)
}

const SEEDS_BASE: u64 = 0x9e37_79b9_7f4a_7c15;

/// A 64-bit finaliser (splitmix64): one cheap permutation per seed.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn find(parent: &mut [usize], mut idx: usize) -> usize {
    while parent[idx] != idx {
        parent[idx] = parent[parent[idx]];
        idx = parent[idx];
    }
    idx
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    // The smaller index stays root so that results do not depend on hash-map order.
    if ra < rb {
        parent[rb] = ra;
    } else if rb < ra {
        parent[ra] = rb;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(n: u8) -> DocId {
        ContentHash([n; 32])
    }

    const STORY: &str = "Border police in the northern province of Varnia sent back more than 500 people \
        from Ostmark on Monday, according to the Lantern Rights Group, which said buses crossed at \
        three points before dawn and that families were separated at the holding centre near Kesh. \
        The group said the returnees face detention and forced labour after their return.";

    #[test]
    fn syndicated_copy_with_chrome_is_one_source() {
        let copy = format!("Reprinted with permission. {STORY} Share this article.");
        let other = "A court in Dalmor ruled on Tuesday that a group of 40 asylum seekers may stay while \
            their appeal is heard, a lawyer for the families said after the hearing ended late at night.";
        let groups = source_groups(&[(doc(1), STORY), (doc(2), &copy), (doc(3), other)]);
        assert_eq!(groups.group_of(&doc(1)), groups.group_of(&doc(2)));
        assert_ne!(groups.group_of(&doc(1)), groups.group_of(&doc(3)));
        assert_eq!(groups.copies().count(), 1);
    }

    #[test]
    fn same_event_by_another_outlet_is_independent() {
        let other = "More than five hundred Ostmark nationals were returned across the Varnia border this \
            week, a spokesperson for the Lantern Rights Group told our reporter, adding that the \
            authorities had not answered questions about where the people were being held now.";
        let groups = source_groups(&[(doc(1), STORY), (doc(2), other)]);
        assert_ne!(groups.group_of(&doc(1)), groups.group_of(&doc(2)));
    }

    #[test]
    fn signatures_round_trip_and_keys_separate_them_issue_4() {
        let copy = format!("Reprinted with permission. {STORY} Share this article.");
        let key = [7u8; 32];
        for text in [STORY, "too short", ""] {
            let signature = Signature::of(text, Some(&key));
            assert_eq!(Signature::from_bytes(&signature.to_bytes()).ok(), Some(signature.clone()));
            assert_ne!(signature, Signature::of(text, None));
        }
        assert!(Signature::from_bytes(&[0, 1, 2]).is_err());
        let keyed = |text: &str| Signature::of(text, Some(&key));
        let groups =
            source_groups_of(&[(doc(1), keyed(STORY)), (doc(2), keyed(&copy)), (doc(3), keyed("other"))]);
        assert_eq!(groups.group_of(&doc(1)), groups.group_of(&doc(2)));
        assert_ne!(groups.group_of(&doc(1)), groups.group_of(&doc(3)));
        let mixed = source_groups_of(&[(doc(1), keyed(STORY)), (doc(2), Signature::of(&copy, None))]);
        assert_ne!(mixed.group_of(&doc(1)), mixed.group_of(&doc(2)));
    }

    #[test]
    fn short_and_empty_texts_group_only_when_identical() {
        let groups = source_groups(&[(doc(1), ""), (doc(2), "Hello"), (doc(3), "hello!"), (doc(4), "")]);
        assert_eq!(groups.group_of(&doc(2)), groups.group_of(&doc(3)));
        assert_eq!(groups.group_of(&doc(1)), groups.group_of(&doc(4)));
        assert_ne!(groups.group_of(&doc(1)), groups.group_of(&doc(2)));
        assert_eq!(groups.group_of(&doc(9)), None);
    }
}
