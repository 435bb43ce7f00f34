//! The trigger lexicon and factuality cues, loaded from the data files in `data/`.

use std::collections::HashMap;
use std::sync::OnceLock;

use domain::ClaimKind;

use crate::text::Token;

/// What a trigger needs around it before it counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    People,
    Weak,
    Passive,
    Noun,
    Gerund,
}

#[derive(Debug)]
struct Pattern {
    kind: ClaimKind,
    rule: Rule,
    /// Each step: the alternatives for one token, or `None` for a gap.
    steps: Vec<Option<Vec<String>>>,
}

/// A trigger found in a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trigger {
    pub kind: ClaimKind,
    pub rule: Rule,
    /// Token index of the first word of the trigger (the verb or noun).
    pub first: usize,
    /// Token index after its last word.
    pub last: usize,
    /// The tokens inside gaps ("sent [as many as 600 North Koreans] back").
    pub gap: Option<(usize, usize)>,
}

const MAX_GAP: usize = 6;

struct Lexicon {
    by_first: HashMap<String, Vec<Pattern>>,
}

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let mut by_first: HashMap<String, Vec<Pattern>> = HashMap::new();
        for line in include_str!("../data/triggers.tsv").lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let mut cols = line.split('\t');
            let (Some(kind), Some(rule), Some(pattern)) = (cols.next(), cols.next(), cols.next()) else {
                continue;
            };
            let Ok(kind) = kind.parse::<ClaimKind>() else { continue };
            let rule = match rule {
                "weak" => Rule::Weak,
                "passive" => Rule::Passive,
                "noun" => Rule::Noun,
                "gerund" => Rule::Gerund,
                _ => Rule::People,
            };
            let steps: Vec<Option<Vec<String>>> = pattern
                .split_whitespace()
                .map(|w| if w == "~" { None } else { Some(w.split('|').map(str::to_owned).collect()) })
                .collect();
            let Some(Some(first)) = steps.first() else { continue };
            for word in first.clone() {
                by_first.entry(word).or_default().push(Pattern { kind, rule, steps: steps.clone() });
            }
        }
        Lexicon { by_first }
    })
}

/// Finds triggers in a sentence's tokens, longest pattern first at each position.
pub fn triggers(tokens: &[Token]) -> Vec<Trigger> {
    let lexicon = lexicon();
    let mut out = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let Some(patterns) = lexicon.by_first.get(&token.lower) else { continue };
        let best = patterns
            .iter()
            .filter_map(|p| match_pattern(p, tokens, i).map(|(last, gap)| (p, last, gap)))
            .max_by_key(|(p, _, _)| p.steps.len());
        if let Some((pattern, last, gap)) = best {
            out.push(Trigger { kind: pattern.kind, rule: pattern.rule, first: i, last, gap });
        }
    }
    out
}

fn match_pattern(
    pattern: &Pattern,
    tokens: &[Token],
    start: usize,
) -> Option<(usize, Option<(usize, usize)>)> {
    let mut pos = start;
    let mut gap = None;
    let mut steps = pattern.steps.iter().peekable();
    while let Some(step) = steps.next() {
        match step {
            Some(words) => {
                let token = tokens.get(pos)?;
                if !words.contains(&token.lower) {
                    return None;
                }
                pos += 1;
            }
            None => {
                // A gap: find the next step's word within MAX_GAP tokens, no punctuation between.
                let Some(Some(next_words)) = steps.peek() else { return None };
                let mut found = None;
                for k in 0..=MAX_GAP {
                    let token = tokens.get(pos + k)?;
                    if next_words.contains(&token.lower) {
                        found = Some(k);
                        break;
                    }
                    // A gap stays within one phrase: "brought to Leipzig from prisons" is not
                    // "brought to prisons".
                    if token.is_punct() && token.lower != "-"
                        || matches!(token.lower.as_str(), "from" | "after")
                    {
                        return None;
                    }
                }
                let k = found?;
                if k > 0 && gap.is_none() {
                    gap = Some((pos, pos + k));
                }
                pos += k;
            }
        }
    }
    Some((pos, gap))
}

/// Classes of factuality cues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cue {
    Modal,
    Negation,
    Plan,
    Attempt,
    Appeal,
    Denial,
    Risk,
    Habitual,
    Voluntary,
}

impl Cue {
    pub fn as_str(self) -> &'static str {
        match self {
            Cue::Modal => "modal",
            Cue::Negation => "negation",
            Cue::Plan => "plan",
            Cue::Attempt => "attempt",
            Cue::Appeal => "appeal",
            Cue::Denial => "denial",
            Cue::Risk => "risk",
            Cue::Habitual => "habitual",
            Cue::Voluntary => "voluntary",
        }
    }
}

fn cues() -> &'static HashMap<String, Cue> {
    static CUES: OnceLock<HashMap<String, Cue>> = OnceLock::new();
    CUES.get_or_init(|| {
        let mut map = HashMap::new();
        for line in include_str!("../data/cues.tsv").lines() {
            if line.starts_with('#') {
                continue;
            }
            let Some((class, words)) = line.split_once('\t') else { continue };
            let cue = match class {
                "modal" => Cue::Modal,
                "negation" => Cue::Negation,
                "plan" => Cue::Plan,
                "attempt" => Cue::Attempt,
                "appeal" => Cue::Appeal,
                "denial" => Cue::Denial,
                "risk" => Cue::Risk,
                "habitual" => Cue::Habitual,
                "voluntary" => Cue::Voluntary,
                _ => continue,
            };
            for word in words.split_whitespace() {
                map.insert(word.to_owned(), cue);
            }
        }
        map
    })
}

/// The cue at token `i`, if any; multiword cues are written with "_" in the data file.
pub fn cue_at(tokens: &[Token], i: usize) -> Option<(Cue, usize)> {
    let map = cues();
    let first = &tokens.get(i)?.lower;
    // "May" inside a sentence is the month, not the modal ("since early May").
    if first == "may" && i > 0 && tokens[i].capital {
        return None;
    }
    if let Some(second) = tokens.get(i + 1) {
        let two = format!("{first}_{}", second.lower);
        if let Some(cue) = map.get(&two) {
            return Some((*cue, 2));
        }
    }
    map.get(first.as_str()).map(|cue| (*cue, 1))
}

fn authorities() -> &'static std::collections::HashSet<&'static str> {
    static WORDS: OnceLock<std::collections::HashSet<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| {
        include_str!("../data/authorities.txt")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .flat_map(str::split_whitespace)
            .collect()
    })
}

/// True for "authorities", "police", "government"…
pub fn is_authority_word(lower: &str) -> bool {
    authorities().contains(lower)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokens;

    fn found(sentence: &str) -> Vec<String> {
        let toks = tokens(sentence, 0, sentence.len());
        triggers(&toks)
            .iter()
            .map(|t| {
                format!(
                    "{} {}",
                    t.kind,
                    toks[t.first..t.last].iter().map(|t| t.lower.as_str()).collect::<Vec<_>>().join(" ")
                )
            })
            .collect()
    }

    #[test]
    fn finds_verbs_with_gaps() {
        assert_eq!(
            found("Authorities sent as many as 600 North Koreans back across the border."),
            vec!["forced_return sent as many as 600 north koreans back"]
        );
        assert_eq!(
            found("She was detained, then deported."),
            vec!["detention detained", "forced_return deported"]
        );
        assert_eq!(found("the return of over 500 North Koreans"), vec!["forced_return return of"]);
    }

    #[test]
    fn gaps_stop_at_punctuation_and_other_senses_do_not_match() {
        assert!(found("He sent letters, and came back.").is_empty());
        assert!(found("Deportivo won; the deportee list").is_empty());
    }

    #[test]
    fn cues_are_classified() {
        let toks = tokens("may no longer", 0, 13);
        assert_eq!(cue_at(&toks, 0), Some((Cue::Modal, 1)));
        assert_eq!(cue_at(&toks, 1), Some((Cue::Negation, 2)));
    }
}
