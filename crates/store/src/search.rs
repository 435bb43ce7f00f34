//! Full-text search as the stores answer it: which documents hold how many of the query's terms.
//! Terms are normalised (and, for sealed databases, blind-hashed) by the service; a store only
//! looks them up in its index (SQLite FTS5, PostgreSQL tsvector) and [`rank`]s the hits the same
//! way on both backends: more distinct terms matched first, then by document hash.

use domain::{ContentHash, NaiveDate};

/// The most terms one query may have.
pub const MAX_TERMS: usize = 32;

/// A document that matches at least one term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRow {
    pub hash: ContentHash,
    pub published: Option<NaiveDate>,
    /// How many distinct query terms the document holds.
    pub matches: usize,
}

/// Orders hits (more matches first, then by hash), keeps one row per document hash (the one
/// with most matches) and at most `limit`.
pub fn rank(mut rows: Vec<SearchRow>, limit: usize) -> Vec<SearchRow> {
    rows.sort_by(|a, b| b.matches.cmp(&a.matches).then(a.hash.0.cmp(&b.hash.0)));
    rows.dedup_by(|later, earlier| later.hash == earlier.hash);
    rows.truncate(limit);
    rows
}

/// Whether a term is one the stores index: non-empty and alphanumeric only.
pub fn is_term(term: &str) -> bool {
    !term.is_empty() && term.chars().all(char::is_alphanumeric)
}

/// The terms of a query or a document as the stores take them: each checked with [`is_term`]
/// before it reaches SQL, sorted and deduplicated.
pub fn checked_terms(terms: &[String]) -> Result<Vec<String>, crate::StoreError> {
    if let Some(bad) = terms.iter().find(|t| !is_term(t)) {
        return Err(crate::StoreError::InvalidInput(format!(
            "a search term of {} bytes is not normalised",
            bad.len()
        )));
    }
    let mut terms = terms.to_vec();
    terms.sort();
    terms.dedup();
    Ok(terms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_by_matches_then_hash_and_dedups() {
        let row = |n: u8, matches| SearchRow { hash: ContentHash([n; 32]), published: None, matches };
        let ranked = rank(vec![row(3, 1), row(1, 1), row(2, 2), row(1, 1), row(4, 1)], 3);
        let order: Vec<(u8, usize)> = ranked.iter().map(|r| (r.hash.0[0], r.matches)).collect();
        assert_eq!(order, vec![(2, 2), (1, 1), (3, 1)]);
        assert!(is_term("canary") && is_term("7q") && !is_term("a b") && !is_term(""));
    }
}
