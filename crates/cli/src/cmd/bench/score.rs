//! Scores for extracted text against gold text, as the public extraction benchmarks define them.
//!
//! Main text (Scrapinghub "article extraction benchmark"): the text is split into `\w+` words,
//! overlapping 4-word shingles are counted as multisets, each page's true positives, false
//! positives and false negatives become fractions of their sum, precision and recall are
//! averaged over pages, and F1 is the harmonic mean of the two averages. Accuracy is the share
//! of pages whose word sequence equals the gold one. WCXB's own figure is a per-page
//! bag-of-words F1 over lower-cased words, averaged over pages.
//!
//! `\w` is read as Unicode letters, digits and `_` (Python's `re.UNICODE`); combining marks
//! that Rust counts as alphabetic may make a rare word differ from Python's split.

use std::collections::HashMap;

use chrono::NaiveDate;

/// Shingle length of the Scrapinghub benchmark.
pub const SHINGLE: usize = 4;

/// One page's shingle matches as fractions of their sum (all zero when both texts are empty).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Matches {
    pub tp: f64,
    pub fp: f64,
    pub fn_: f64,
}

/// Main-text scores over a set of pages.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BodyScores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub accuracy: f64,
    pub pages: usize,
}

/// The `\w+` words of a text, in order.
pub fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| !is_word_char(c)).filter(|w| !w.is_empty()).collect()
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Shingle matching of one page: `gold` is the reference, `predicted` the extraction.
pub fn shingle_matches(gold: &str, predicted: &str, n: usize) -> Matches {
    let gold_words = words(gold);
    let predicted_words = words(predicted);
    let mut counts: HashMap<&[&str], (u32, u32)> = HashMap::new();
    for shingle in shingles(&gold_words, n) {
        counts.entry(shingle).or_default().0 += 1;
    }
    for shingle in shingles(&predicted_words, n) {
        counts.entry(shingle).or_default().1 += 1;
    }
    let (mut tp, mut fp, mut fn_) = (0.0, 0.0, 0.0);
    for (gold_count, predicted_count) in counts.into_values() {
        tp += f64::from(gold_count.min(predicted_count));
        fp += f64::from(predicted_count.saturating_sub(gold_count));
        fn_ += f64::from(gold_count.saturating_sub(predicted_count));
    }
    let sum = tp + fp + fn_;
    if sum > 0.0 {
        // Fractions, so that long pages weigh no more than short ones.
        return Matches { tp: tp / sum, fp: fp / sum, fn_: fn_ / sum };
    }
    Matches { tp, fp, fn_ }
}

/// Overlapping `n`-word windows; a text shorter than `n` words is one shingle.
fn shingles<'a, 'w>(words: &'a [&'w str], n: usize) -> impl Iterator<Item = &'a [&'w str]> {
    let count = if words.is_empty() { 0 } else { words.len().saturating_sub(n) + 1 };
    (0..count).map(move |i| &words[i..(i + n).min(words.len())])
}

pub fn precision(m: Matches) -> f64 {
    if m.fp == 0.0 && m.fn_ == 0.0 {
        1.0
    } else if m.tp == 0.0 && m.fp == 0.0 {
        0.0
    } else {
        m.tp / (m.tp + m.fp)
    }
}

pub fn recall(m: Matches) -> f64 {
    if m.fp == 0.0 && m.fn_ == 0.0 {
        1.0
    } else if m.tp == 0.0 && m.fn_ == 0.0 {
        0.0
    } else {
        m.tp / (m.tp + m.fn_)
    }
}

/// Whether two texts have the same word sequence (the benchmark's "accuracy").
pub fn exact_words(gold: &str, predicted: &str) -> bool {
    words(gold) == words(predicted)
}

/// Averages per-page matches: precision over pages that predicted something, recall over pages
/// whose gold has something, F1 as the harmonic mean of the two averages.
pub fn body_scores(pages: &[(Matches, bool)]) -> BodyScores {
    let precisions: Vec<f64> =
        pages.iter().filter(|(m, _)| m.tp + m.fp > 0.0).map(|(m, _)| precision(*m)).collect();
    let recalls: Vec<f64> =
        pages.iter().filter(|(m, _)| m.tp + m.fn_ > 0.0).map(|(m, _)| recall(*m)).collect();
    let precision = mean(&precisions);
    let recall = mean(&recalls);
    let f1 = harmonic(precision, recall);
    let exact = pages.iter().filter(|(_, exact)| *exact).count();
    let accuracy = if pages.is_empty() { 0.0 } else { exact as f64 / pages.len() as f64 };
    BodyScores { precision, recall, f1, accuracy, pages: pages.len() }
}

/// WCXB's per-page figure: F1 of the lower-cased word multisets.
pub fn bag_of_words_f1(gold: &str, predicted: &str) -> f64 {
    let mut counts: HashMap<String, (u32, u32)> = HashMap::new();
    for word in words(gold) {
        counts.entry(word.to_lowercase()).or_default().0 += 1;
    }
    for word in words(predicted) {
        counts.entry(word.to_lowercase()).or_default().1 += 1;
    }
    let (mut common, mut n_gold, mut n_predicted) = (0u32, 0u32, 0u32);
    for (g, p) in counts.into_values() {
        common += g.min(p);
        n_gold += g;
        n_predicted += p;
    }
    if n_gold == 0 && n_predicted == 0 {
        return 1.0;
    }
    if common == 0 {
        return 0.0;
    }
    harmonic(f64::from(common) / f64::from(n_predicted), f64::from(common) / f64::from(n_gold))
}

/// Title or author exact match: the same lower-cased word sequence.
pub fn same_words(gold: &str, predicted: Option<&str>) -> bool {
    let Some(predicted) = predicted else { return false };
    let lower = |text: &str| words(text).iter().map(|w| w.to_lowercase()).collect::<Vec<_>>();
    let gold = lower(gold);
    !gold.is_empty() && gold == lower(predicted)
}

/// Author exact match: the same names in the same order. The reader joins several names
/// with "; " where the gold writes a list in prose ("A, B and C"): the word "and" between
/// two of the names read is a list separator, not a missing word. Punctuation (",", "&",
/// ";") is not a word, so it never decides a match.
pub fn same_authors(gold: &str, predicted: Option<&str>) -> bool {
    let Some(predicted) = predicted else { return false };
    let lower = |text: &str| words(text).iter().map(|w| w.to_lowercase()).collect::<Vec<_>>();
    let gold = lower(gold);
    let names: Vec<Vec<String>> = predicted.split(';').map(lower).filter(|name| !name.is_empty()).collect();
    if gold.is_empty() || names.is_empty() {
        return false;
    }
    let mut rest = gold.as_slice();
    for (idx, name) in names.iter().enumerate() {
        let after_and = rest.split_first().filter(|(first, _)| idx > 0 && *first == "and").map(|(_, r)| r);
        rest = match (
            rest.strip_prefix(name.as_slice()),
            after_and.and_then(|r| r.strip_prefix(name.as_slice())),
        ) {
            (Some(after), _) | (None, Some(after)) => after,
            (None, None) => return false,
        };
    }
    rest.is_empty()
}

/// Date exact match: gold `YYYY-MM-DD` (or `YYYY-MM`, compared to that precision).
pub fn same_date(gold: &str, predicted: Option<NaiveDate>) -> bool {
    let Some(predicted) = predicted else { return false };
    let predicted = predicted.format("%Y-%m-%d").to_string();
    let gold = gold.trim();
    let gold = gold.get(..10).unwrap_or(gold);
    gold.len() >= 7 && predicted.starts_with(gold)
}

pub fn mean(values: &[f64]) -> f64 {
    if values.is_empty() { 0.0 } else { values.iter().sum::<f64>() / values.len() as f64 }
}

fn harmonic(a: f64, b: f64) -> f64 {
    if a + b > 0.0 { 2.0 * a * b / (a + b) } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn words_split_on_non_word_characters() {
        assert_eq!(
            words("It's 3 o'clock—snake_case, Größe!"),
            ["It", "s", "3", "o", "clock", "snake_case", "Größe"]
        );
        assert!(words(" … ").is_empty());
    }

    #[test]
    fn identical_texts_match_fully() {
        let text = "the quick brown fox jumps over the lazy dog";
        let m = shingle_matches(text, text, SHINGLE);
        assert_eq!(m, Matches { tp: 1.0, fp: 0.0, fn_: 0.0 });
        assert!(!exact_words(text, "The quick, brown fox jumps over the lazy dog."));
        assert!(exact_words(text, "the quick; brown fox — jumps over the lazy dog"));
    }

    #[test]
    fn extra_and_missing_shingles_count_as_fractions() {
        // gold: a b c d e → shingles abcd, bcde; predicted: a b c d x → abcd, bcdx.
        let m = shingle_matches("a b c d e", "a b c d x", SHINGLE);
        assert!(close(m.tp, 1.0 / 3.0) && close(m.fp, 1.0 / 3.0) && close(m.fn_, 1.0 / 3.0), "{m:?}");
        assert!(close(precision(m), 0.5) && close(recall(m), 0.5));
    }

    #[test]
    fn shingles_are_multisets() {
        // gold repeats "a b c d" twice; predicted has it once: one match, one miss.
        let m = shingle_matches("a b c d. a b c d", "a b c d", SHINGLE);
        // gold shingles: abcd, bcda, cdab, dabc, abcd (5); predicted: abcd (1).
        assert!(close(m.tp, 1.0 / 5.0) && close(m.fp, 0.0) && close(m.fn_, 4.0 / 5.0), "{m:?}");
        assert!(close(precision(m), 1.0) && close(recall(m), 0.2));
    }

    #[test]
    fn short_texts_are_one_shingle() {
        assert_eq!(shingle_matches("two words", "two words", SHINGLE).tp, 1.0);
        assert_eq!(shingle_matches("two words", "two other", SHINGLE).tp, 0.0);
        assert_eq!(shingle_matches("", "", SHINGLE), Matches { tp: 0.0, fp: 0.0, fn_: 0.0 });
    }

    #[test]
    fn empty_prediction_has_no_precision_entry_and_zero_recall() {
        let gold = "one two three four five";
        let empty = shingle_matches(gold, "", SHINGLE);
        let perfect = shingle_matches(gold, gold, SHINGLE);
        let scores = body_scores(&[(empty, false), (perfect, true)]);
        // Precision averages only the page that predicted something.
        assert!(close(scores.precision, 1.0) && close(scores.recall, 0.5), "{scores:?}");
        assert!(close(scores.f1, 2.0 * 0.5 / 1.5));
        assert!(close(scores.accuracy, 0.5));
        assert_eq!(scores.pages, 2);
    }

    #[test]
    fn f1_is_the_harmonic_mean_of_averages_not_the_average_of_f1s() {
        let a = shingle_matches("a b c d e", "a b c d e f g h i", SHINGLE); // p 2/6, r 1
        let b = shingle_matches("a b c d e f g h i", "a b c d e", SHINGLE); // p 1, r 2/6
        let s = body_scores(&[(a, false), (b, false)]);
        assert!(close(s.precision, 2.0 / 3.0) && close(s.recall, 2.0 / 3.0), "{s:?}");
        assert!(close(s.f1, 2.0 / 3.0));
    }

    #[test]
    fn bag_of_words_ignores_order_and_case() {
        assert!(close(bag_of_words_f1("Alpha beta gamma", "gamma ALPHA beta"), 1.0));
        assert!(close(bag_of_words_f1("a b", "a c"), 0.5));
        assert!(close(bag_of_words_f1("a b", ""), 0.0));
        assert!(close(bag_of_words_f1("", ""), 1.0));
    }

    #[test]
    fn metadata_matches_by_words_and_date_precision() {
        assert!(same_words("Jane  Doe", Some("jane doe")));
        assert!(!same_words("Jane Doe", Some("By Jane Doe")));
        assert!(!same_words("Jane Doe", None));
        assert!(same_authors("Ana Ruiz, Tom Lee, and Eli Stone", Some("Ana Ruiz; Tom Lee; Eli Stone")));
        assert!(same_authors("Ana Ruiz & Tom Lee", Some("Ana Ruiz; Tom Lee")));
        assert!(same_authors("Ana Ruiz and Tom Lee", Some("Ana Ruiz; Tom Lee")));
        // "and" counts as a separator only between two names read, in the same order.
        assert!(!same_authors("Ana Ruiz and Tom Lee", Some("Ana Ruiz")));
        assert!(!same_authors("Ana Ruiz and Tom Lee", Some("Tom Lee; Ana Ruiz")));
        assert!(!same_authors("Ana Ruiz and", Some("Ana Ruiz")));
        assert!(same_authors("Ana and Tom Lee", Some("Ana and Tom Lee")));
        let day = NaiveDate::from_ymd_opt(2025, 9, 4);
        assert!(same_date("2025-09-04", day));
        assert!(same_date("2025-09", day));
        assert!(!same_date("2025-09-05", day));
        assert!(!same_date("2025", day));
        assert!(!same_date("2025-09-04", None));
    }
}
