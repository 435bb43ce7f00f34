//! `extract`: an article in, the claims it asserts out. Pure: no IO, never panics.

use domain::{Article, Claim, Diagnostic};

/// Extracts every claim the article's main text asserts happened.
pub fn extract(article: &Article) -> (Vec<Claim>, Vec<Diagnostic>) {
    let _ = article;
    (Vec::new(), Vec::new())
}
