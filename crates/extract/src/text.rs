//! Sentences and tokens with byte offsets into the article text.

/// A sentence: a byte span of the article text, and the paragraph it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
    pub paragraph: usize,
}

/// A token: a word, a number or one punctuation character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    /// Lower-cased text with curly apostrophes straightened.
    pub lower: String,
    pub kind: TokenKind,
    /// The first character is upper case.
    pub capital: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Word,
    Number,
    Punct,
}

impl Token {
    pub fn is_punct(&self) -> bool {
        self.kind == TokenKind::Punct
    }

    /// True when the token's first character in `text` is upper case.
    pub fn is_capitalized(&self, text: &str) -> bool {
        text.get(self.start..self.end).and_then(|s| s.chars().next()).is_some_and(char::is_uppercase)
    }
}

/// Words before a period that do not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "gen", "lt", "col", "sgt", "capt", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "no", "nos", "vs", "inc", "co", "corp", "jr", "sr",
    "gov", "sen", "rep", "prof", "u.s", "u.n", "u.k", "e.g", "i.e", "a.m", "p.m", "approx", "est", "mt",
    "ft", "rev", "hon",
];

/// Splits text into sentences. Paragraph breaks (blank lines) always end a sentence.
pub fn sentences(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut paragraph = 0;
    let mut offset = 0;
    for block in text.split("\n\n") {
        let block_start = offset;
        offset += block.len() + 2;
        if block.trim().is_empty() {
            continue;
        }
        split_block(text, block_start, block_start + block.len(), paragraph, &mut out);
        paragraph += 1;
    }
    out
}

fn split_block(text: &str, start: usize, end: usize, paragraph: usize, out: &mut Vec<Sentence>) {
    let block = &text[start..end];
    let mut sentence_start = 0;
    let chars: Vec<(usize, char)> = block.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        let is_end = matches!(c, '.' | '!' | '?') || (c == '\n');
        if !is_end {
            i += 1;
            continue;
        }
        // Include closing quotes and brackets after the terminator.
        let mut j = i + 1;
        while j < chars.len() && matches!(chars[j].1, '"' | '”' | '’' | '\'' | ')') {
            j += 1;
        }
        // A line break always ends a sentence: "- 3 June: …" list items stand alone.
        let next_is_space = j >= chars.len() || chars[j].1.is_whitespace() || c == '\n';
        if !next_is_space || (c == '.' && is_abbreviation(&block[..pos])) {
            i += 1;
            continue;
        }
        // The next sentence must start with an upper-case letter, a digit or a quote.
        let mut k = j;
        while k < chars.len() && chars[k].1.is_whitespace() {
            k += 1;
        }
        let starts_sentence = k >= chars.len()
            || chars[k].1.is_uppercase()
            || chars[k].1.is_ascii_digit()
            || matches!(chars[k].1, '"' | '“' | '‘' | '(' | '\'')
            || c == '\n';
        if !starts_sentence {
            i += 1;
            continue;
        }
        let stop = if j < chars.len() { chars[j].0 } else { block.len() };
        push_trimmed(text, start + sentence_start, start + stop, paragraph, out);
        sentence_start = if k < chars.len() { chars[k].0 } else { block.len() };
        i = k;
    }
    push_trimmed(text, start + sentence_start, end, paragraph, out);
}

fn push_trimmed(text: &str, start: usize, end: usize, paragraph: usize, out: &mut Vec<Sentence>) {
    let Some(slice) = text.get(start..end) else { return };
    let lead = slice.len() - slice.trim_start().len();
    let trail = slice.len() - slice.trim_end().len();
    if start + lead < end - trail {
        out.push(Sentence { start: start + lead, end: end - trail, paragraph });
    }
}

fn is_abbreviation(before: &str) -> bool {
    let word: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '.')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let lower = word.to_lowercase();
    if ABBREVIATIONS.contains(&lower.as_str()) {
        return true;
    }
    // A single capital letter is an initial ("J. Smith").
    let mut chars = word.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase())
}

/// Tokenizes a span of text; offsets are absolute byte offsets into `text`.
pub fn tokens(text: &str, start: usize, end: usize) -> Vec<Token> {
    let Some(slice) = text.get(start..end) else { return Vec::new() };
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = slice.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_alphanumeric() {
            let mut j = i + 1;
            while j < chars.len() {
                let cj = chars[j].1;
                if cj.is_alphanumeric() {
                    j += 1;
                    continue;
                }
                // Inner joiners: apostrophes, hyphens, and digit separators.
                let joins = matches!(cj, '\'' | '’' | '-')
                    || (matches!(cj, ',' | '.') && chars[j - 1].1.is_ascii_digit())
                    || (cj == '.'
                        && chars[j - 1].1.is_uppercase()
                        && j + 1 < chars.len()
                        && chars[j + 1].1.is_uppercase());
                if joins && j + 1 < chars.len() && chars[j + 1].1.is_alphanumeric() {
                    // "1,086" but not "1, 2"; "U.N" ; "Kim Cheol-ok"; "China's"
                    if matches!(cj, ',' | '.')
                        && !chars[j + 1].1.is_ascii_digit()
                        && !chars[j + 1].1.is_uppercase()
                    {
                        break;
                    }
                    j += 2;
                    continue;
                }
                break;
            }
            let stop = if j < chars.len() { chars[j].0 } else { slice.len() };
            let raw = &slice[pos..stop];
            let kind = if raw.chars().next().is_some_and(|c| c.is_ascii_digit())
                && raw.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.')
            {
                TokenKind::Number
            } else {
                TokenKind::Word
            };
            out.push(Token {
                start: start + pos,
                end: start + stop,
                lower: raw.to_lowercase().replace('’', "'"),
                kind,
                capital: raw.chars().next().is_some_and(char::is_uppercase),
            });
            i = j;
        } else {
            let stop = if i + 1 < chars.len() { chars[i + 1].0 } else { slice.len() };
            let raw = &slice[pos..stop];
            let lower = match c {
                '’' | '‘' => "'".to_owned(),
                '“' | '”' => "\"".to_owned(),
                '–' | '—' => "-".to_owned(),
                _ => raw.to_owned(),
            };
            out.push(Token {
                start: start + pos,
                end: start + stop,
                lower,
                kind: TokenKind::Punct,
                capital: false,
            });
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        sentences(text).iter().map(|s| &text[s.start..s.end]).collect()
    }

    #[test]
    fn splits_sentences_but_not_abbreviations() {
        assert_eq!(
            split("Some 80 were sent back on Aug. 29 by Mr. Lee. Then 40 more.\n\nNew paragraph here."),
            vec!["Some 80 were sent back on Aug. 29 by Mr. Lee.", "Then 40 more.", "New paragraph here."]
        );
        assert_eq!(split("The U.N. said so. It did."), vec!["The U.N. said so.", "It did."]);
        assert_eq!(split("He said “they left.” Then"), vec!["He said “they left.”", "Then"]);
        assert_eq!(
            split("- 3 June: 11 sent back.\n- 9 June: 7 held."),
            vec!["- 3 June: 11 sent back.", "- 9 June: 7 held."]
        );
    }

    #[test]
    fn tokens_keep_numbers_names_and_offsets() {
        let text = "Police held 1,086 people, Kim Cheol-ok's kin; China’s U.N envoy.";
        let lowers: Vec<String> = tokens(text, 0, text.len()).into_iter().map(|t| t.lower).collect();
        assert_eq!(
            lowers,
            vec![
                "police",
                "held",
                "1,086",
                "people",
                ",",
                "kim",
                "cheol-ok's",
                "kin",
                ";",
                "china's",
                "u.n",
                "envoy",
                "."
            ]
        );
        let toks = tokens(text, 0, text.len());
        assert_eq!(&text[toks[2].start..toks[2].end], "1,086");
        assert_eq!(toks[2].kind, TokenKind::Number);
    }
}
