//! Language identification with whatlang, reported as ISO 639-1.

use whatlang::Lang;

/// The article's language, or `None` when the text is too short or the guess unreliable.
pub fn detect(text: &str) -> Option<String> {
    // Six hundred characters decide the language; more only costs time.
    let sample = prefix(text, 600);
    if sample.split_whitespace().count() < 5 {
        return None;
    }
    if is_clearly_english(sample) {
        return Some("en".to_owned());
    }
    let info = whatlang::detect(sample)?;
    if !info.is_reliable() {
        return None;
    }
    iso_639_1(info.lang()).map(str::to_owned)
}

/// English function words that are not also common words of other Latin-script languages.
const ENGLISH_WORDS: &[&str] = &[
    "the", "of", "and", "to", "that", "for", "with", "said", "from", "has", "have", "were", "this", "which",
    "their", "they", "been", "would", "by", "its", "are", "he", "she", "his", "her", "who", "not", "but",
];

/// Most pages are English, and whatlang's trigram scoring is the costliest step of reading a
/// plain-text page; running text where a fifth of the words are English function words and
/// "the" occurs repeatedly is English without asking it.
fn is_clearly_english(sample: &str) -> bool {
    let mut words = 0;
    let mut english = 0;
    let mut the = 0;
    for word in sample.split_whitespace() {
        let word = word.trim_matches(|c: char| !c.is_alphabetic()).to_ascii_lowercase();
        if word.is_empty() {
            continue;
        }
        words += 1;
        if word == "the" {
            the += 1;
        }
        if ENGLISH_WORDS.contains(&word.as_str()) {
            english += 1;
        }
    }
    words >= 20 && the >= 2 && english * 5 >= words
}

fn prefix(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Two-letter codes for the languages whatlang knows.
fn iso_639_1(lang: Lang) -> Option<&'static str> {
    const TABLE: &[(Lang, &str)] = &[
        (Lang::Epo, "eo"),
        (Lang::Eng, "en"),
        (Lang::Rus, "ru"),
        (Lang::Cmn, "zh"),
        (Lang::Spa, "es"),
        (Lang::Por, "pt"),
        (Lang::Ita, "it"),
        (Lang::Ben, "bn"),
        (Lang::Fra, "fr"),
        (Lang::Deu, "de"),
        (Lang::Ukr, "uk"),
        (Lang::Kat, "ka"),
        (Lang::Ara, "ar"),
        (Lang::Hin, "hi"),
        (Lang::Jpn, "ja"),
        (Lang::Heb, "he"),
        (Lang::Yid, "yi"),
        (Lang::Pol, "pl"),
        (Lang::Amh, "am"),
        (Lang::Jav, "jv"),
        (Lang::Kor, "ko"),
        (Lang::Nob, "nb"),
        (Lang::Dan, "da"),
        (Lang::Swe, "sv"),
        (Lang::Fin, "fi"),
        (Lang::Tur, "tr"),
        (Lang::Nld, "nl"),
        (Lang::Hun, "hu"),
        (Lang::Ces, "cs"),
        (Lang::Ell, "el"),
        (Lang::Bul, "bg"),
        (Lang::Bel, "be"),
        (Lang::Mar, "mr"),
        (Lang::Kan, "kn"),
        (Lang::Ron, "ro"),
        (Lang::Slv, "sl"),
        (Lang::Hrv, "hr"),
        (Lang::Srp, "sr"),
        (Lang::Mkd, "mk"),
        (Lang::Lit, "lt"),
        (Lang::Lav, "lv"),
        (Lang::Est, "et"),
        (Lang::Tam, "ta"),
        (Lang::Vie, "vi"),
        (Lang::Urd, "ur"),
        (Lang::Tha, "th"),
        (Lang::Guj, "gu"),
        (Lang::Uzb, "uz"),
        (Lang::Pan, "pa"),
        (Lang::Aze, "az"),
        (Lang::Ind, "id"),
        (Lang::Tel, "te"),
        (Lang::Pes, "fa"),
        (Lang::Mal, "ml"),
        (Lang::Ori, "or"),
        (Lang::Mya, "my"),
        (Lang::Nep, "ne"),
        (Lang::Sin, "si"),
        (Lang::Khm, "km"),
        (Lang::Tuk, "tk"),
        (Lang::Aka, "ak"),
        (Lang::Zul, "zu"),
        (Lang::Sna, "sn"),
        (Lang::Afr, "af"),
        (Lang::Lat, "la"),
        (Lang::Slk, "sk"),
        (Lang::Cat, "ca"),
        (Lang::Tgl, "tl"),
        (Lang::Hye, "hy"),
        (Lang::Cym, "cy"),
    ];
    TABLE.iter().find(|(l, _)| *l == lang).map(|(_, code)| *code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_and_german() {
        assert_eq!(
            detect("The minister said on Tuesday that the families had been sent back across the border, and that the government would not comment on the matter until the courts had ruled.")
                .as_deref(),
            Some("en")
        );
        assert_eq!(
            detect(
                "Die Regierung hat am Freitag mitgeteilt, dass die Männer in ihre Heimat abgeschoben wurden."
            )
            .as_deref(),
            Some("de")
        );
    }

    #[test]
    fn english_shortcut_does_not_take_other_languages() {
        let dutch = "De regering heeft op vrijdag gezegd dat de mannen naar hun land zijn teruggestuurd en dat er \
                     in de komende weken meer vluchten zullen volgen, zo meldt het ministerie.";
        assert!(!is_clearly_english(dutch));
        assert_eq!(detect(dutch).as_deref(), Some("nl"));
        let french = "Le gouvernement a annoncé vendredi que les hommes avaient été renvoyés dans leur pays et que \
                      d'autres vols suivraient dans les prochaines semaines, selon le ministère.";
        assert!(!is_clearly_english(french));
    }

    #[test]
    fn too_short_is_none() {
        assert_eq!(detect("Hello"), None);
        assert_eq!(detect(""), None);
    }
}
