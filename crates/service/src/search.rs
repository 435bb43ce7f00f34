//! Full-text search over documents and claims (`refwatch search`, and the web app).
//!
//! The query is cut into the same normalised tokens as documents ([`crate::text::tokens`]). In a
//! database with a key, the tokens are blind-hashed with the search key before they reach the
//! store, so neither the index nor the query holds a word; without the key such a database
//! refuses to search. Stores rank the same way on both backends (distinct query terms matched,
//! then document hash: `store::search::rank`); titles and snippets are opened here, never in
//! the store.

use domain::{ContentHash, NaiveDate};
use store::Store;

use crate::ServiceError;
use crate::record::Unlocked;
use crate::text::{self, TextKeys};

/// Characters of text shown on each side of the first match.
const SNIPPET_CONTEXT: usize = 80;

/// One document that matches the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    pub document: ContentHash,
    pub published: Option<NaiveDate>,
    /// How many distinct query words the document holds.
    pub matches: usize,
    /// The title, when the document's text is readable (plain, or opened with the key).
    pub title: Option<String>,
    /// The text around the first match, when readable.
    pub snippet: Option<String>,
}

/// Documents holding any word of `query`, best first (most distinct words matched, then by
/// hash), at most `limit`. A database with a key needs `key`: without it this fails with
/// [`ServiceError::Sealed`] rather than searching plain words.
pub fn search<S: Store + ?Sized>(
    store: &S,
    key: Option<&Unlocked>,
    query: &str,
    limit: usize,
) -> Result<Vec<SearchHit>, ServiceError> {
    let keys: Option<&TextKeys> = match (text::is_sealed(store)?, key) {
        (true, None) => return Err(ServiceError::Sealed),
        (true, Some(key)) => Some(text::text_keys(key)?),
        (false, _) => None,
    };
    let terms = text::query_terms(query, keys);
    if terms.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    let wanted = text::query_tokens(query);
    store
        .search(&terms, limit)?
        .into_iter()
        .map(|row| {
            let readable = text::document_text(store, keys, &row.hash)?;
            let (title, snippet) = match readable {
                Some((title, body)) => (title, snippet(&body, &wanted)),
                None => (None, None),
            };
            Ok(SearchHit {
                document: row.hash,
                published: row.published,
                matches: row.matches,
                title,
                snippet,
            })
        })
        .collect()
}

/// About [`SNIPPET_CONTEXT`] characters either side of the first token of `text` in `wanted`,
/// on one line, with `…` where it was cut.
fn snippet(text: &str, wanted: &[String]) -> Option<String> {
    let (start, end, _) = text::token_spans(text).into_iter().find(|(_, _, token)| wanted.contains(token))?;
    let from = text[..start].char_indices().rev().nth(SNIPPET_CONTEXT).map_or(0, |(idx, _)| idx);
    let to = text[end..].char_indices().nth(SNIPPET_CONTEXT).map_or(text.len(), |(idx, _)| end + idx);
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    out.push_str(&text[from..to].split_whitespace().collect::<Vec<_>>().join(" "));
    if to < text.len() {
        out.push('…');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_surround_the_first_match() {
        let text = format!("{} Canary Testperson-7Q was\ndeported. {}", "a ".repeat(100), "b ".repeat(100));
        let shown = snippet(&text, &["testperson".to_owned()]).expect("snippet");
        assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
        assert!(shown.contains("Canary Testperson-7Q was deported."), "{shown}");
        assert_eq!(snippet(&text, &["nothing".to_owned()]), None);
        assert_eq!(snippet("Short one", &["short".to_owned()]).as_deref(), Some("Short one"));
    }
}
