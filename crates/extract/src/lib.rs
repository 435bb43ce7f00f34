//! `extract`: an article in, the claims it asserts out. Pure: no IO, deterministic, never panics.
//!
//! The recipe: split the main text into sentences; in each, find triggers from the lexicon
//! (`data/triggers.tsv`), drop those that are not asserted as having happened (modal, plan,
//! appeal, denial, risk, habitual, voluntary, conditional), fill the slots (count, date, actor,
//! destination, nationality, place, sources, persons); then a document pass carries actors,
//! nationalities and named people across sentences and merges repeated reports of one
//! occasion (`merge`).

use chrono::Datelike;
use domain::{Article, Claim, ClaimKind, CountryCode, Diagnostic, Nationality};

mod analyze;
mod counts;
mod dates;
mod lexicon;
mod merge;
mod text;

pub use analyze::Decision;
pub use merge::combine_counts;

/// Version of the extraction rules; stored with claims so reprocessing can tell them apart.
pub const VERSION: &str = concat!("extract/", env!("CARGO_PKG_VERSION"));

/// Extracts every claim the article's main text asserts happened.
pub fn extract(article: &Article) -> (Vec<Claim>, Vec<Diagnostic>) {
    let (claims, _, diagnostics) = run(article);
    (claims, diagnostics)
}

/// Like [`extract`], with every trigger's decision and the sentence it sits in.
pub fn explain(article: &Article) -> (Vec<Claim>, Vec<(String, Decision)>) {
    let (claims, decisions, _) = run(article);
    (claims, decisions)
}

/// Events this long before publication are background history, not monitoring.
const HISTORY_YEARS: i32 = 30;

fn run(article: &Article) -> (Vec<Claim>, Vec<(String, Decision)>, Vec<Diagnostic>) {
    let text = article.text.as_str();
    let mut diagnostics = Vec::new();
    let mut drafts = Vec::new();
    let mut decisions = Vec::new();
    let mut recent_year: Option<(usize, i32)> = None;
    let mut anchor: Option<domain::DateSpan> = None;
    let mut hints = Vec::new();
    let mut authorities = Vec::new();
    // Countries the page names, by name or adjective: a place elsewhere may be a namesake.
    let mut named: Vec<CountryCode> = Vec::new();
    let spans = text::sentences(text);
    // The year a section's heading names ("Lebanon: the 2023 wave"), for each sentence under it.
    let mut section_year: Option<i32> = None;
    let mut section_years = Vec::with_capacity(spans.len());
    for (index, span) in spans.iter().enumerate() {
        // Without a publication date, a year stated in the two previous sentences dates the next days.
        let nearby_year = match (article.published, recent_year) {
            (None, Some((at, year))) if index - at <= 4 || spans[at].paragraph == span.paragraph => {
                Some(year)
            }
            _ => None,
        };
        let ctx = dates::DateContext { published: article.published, nearby_year, anchor };
        let sentence = analyze::Sentence::new(text, span.start, span.end, span.paragraph, &ctx);
        if is_heading(&spans, index, text) {
            section_year = stated_year(&sentence);
        }
        section_years.push(section_year);
        let mut found = Vec::new();
        let before = drafts.len();
        analyze::analyse(&sentence, index, &mut drafts, &mut found);
        // "When they arrived, Eritrean authorities held them": the narrative goes on at the
        // time the text gave last.
        if let Some(anchor) = anchor.filter(|_| continues(&sentence)) {
            for draft in drafts[before..].iter_mut().filter(|d| d.claim.date.is_unknown()) {
                draft.claim.date = anchor;
            }
        }
        let sentence_text = text.get(span.start..span.end).unwrap_or("").to_owned();
        decisions.extend(found.into_iter().map(|d| (sentence_text.clone(), d)));
        hints.extend(analyze::destination_hints(&sentence));
        authorities.extend(analyze::authority_hints(&sentence));
        named.extend(analyze::named_countries(&sentence));
        if let Some(year) = stated_year(&sentence) {
            recent_year = Some((index, year));
        }
        if let Some(last) = sentence.dates.iter().rev().find(|d| !d.period && d.span.start.is_some()) {
            anchor = Some(last.span);
        }
    }
    // An occasion the text dates only by the section it is told in happened in that year.
    for draft in drafts.iter_mut().filter(|d| d.claim.date.is_unknown() && !d.claim.aggregate) {
        if let Some(year) = section_years.get(draft.sentence).copied().flatten() {
            draft.claim.date = dates::year_span(year);
        }
    }
    let title_actor = article.title.as_deref().and_then(title_actor);
    // A state named acting only once may be acting on something else ("Thai officials handed
    // over 20 looted bronzes").
    let authority = dominant(&authorities).filter(|c| authorities.iter().filter(|a| *a == c).count() >= 2);
    if let Some(title) = article.title.as_deref() {
        let ctx = dates::DateContext::default();
        named.extend(analyze::named_countries(&analyze::Sentence::new(title, 0, title.len(), 0, &ctx)));
    }
    fill_from_context(&mut drafts, title_actor, authority, text, &named);
    // "moved to Abu Dhabi" with no state acting: a transfer, not a return.
    drafts.retain(|d| !(d.weak && d.claim.perpetrator.is_none()));
    // Only where one state acts throughout: a round-up of several states' returns shares no
    // destination.
    let mut actors = drafts.iter().filter_map(|d| d.claim.perpetrator);
    let one_actor = actors.next().is_some_and(|first| actors.all(|a| a == first));
    if let Some(destination) = dominant(&hints).filter(|_| one_actor) {
        for draft in &mut drafts {
            let claim = &mut draft.claim;
            if claim.kind == ClaimKind::ForcedReturn
                && claim.destination.is_none()
                && claim.perpetrator.is_some_and(|p| p != destination)
                && !matches!(claim.nationality, Some(Nationality::Country(_)))
            {
                claim.destination = Some(destination);
            }
        }
    }
    // "Thailand deported 40 Uyghurs": a group with one home state goes there, when nothing on
    // the page says otherwise.
    for draft in &mut drafts {
        let claim = &mut draft.claim;
        if claim.kind == ClaimKind::ForcedReturn
            && claim.destination.is_none()
            && let Some(Nationality::Group(group)) = &claim.nationality
            && let Some(home) = analyze::group_home(group)
            && Some(home) != claim.perpetrator
        {
            claim.destination = Some(home);
        }
    }
    if let Some(published) = article.published {
        let before = drafts.len();
        drafts.retain(|d| {
            d.claim.date.start.and_then(|s| s.year).is_none_or(|y| y >= published.year() - HISTORY_YEARS)
        });
        if drafts.len() < before {
            diagnostics
                .push(Diagnostic::info(format!("{} historical claim(s) left out", before - drafts.len())));
        }
    }
    // A return nobody is said to carry out, to nowhere, of nobody in particular is a figure of
    // speech ("photography has pushed people back towards classic photos").
    drafts.retain(|d| {
        let c = &d.claim;
        c.perpetrator.is_some() || c.destination.is_some() || c.nationality.is_some() || c.place.is_some()
    });
    // Arrests in a page that never speaks of migration are crime news, not this record.
    if !drafts.is_empty() && !about_migration(text, article.title.as_deref()) {
        diagnostics.push(Diagnostic::info("no word of migration on the page: its claims were left out"));
        drafts.clear();
    }
    let claims = merge::merge(drafts);
    (claims, decisions, diagnostics)
}

/// What a later "on arrival" takes from the return before it.
#[derive(Clone, Copy)]
struct ArrivalFacts {
    destination: Option<CountryCode>,
    date: domain::DateSpan,
}

/// The country named most often, when no other is named as often.
fn dominant(codes: &[CountryCode]) -> Option<CountryCode> {
    let mut tally: Vec<(CountryCode, usize)> = Vec::new();
    for code in codes {
        match tally.iter_mut().find(|(c, _)| c == code) {
            Some((_, n)) => *n += 1,
            None => tally.push((*code, 1)),
        }
    }
    tally.sort_by_key(|t| std::cmp::Reverse(t.1));
    match tally.as_slice() {
        [(code, _)] => Some(*code),
        [(code, n), (_, m), ..] if n > m => Some(*code),
        _ => None,
    }
}

/// Word stems that place a page in the field: without one, nothing on it is a return.
const MIGRATION_STEMS: &[&str] = &[
    "deport",
    "repatriat",
    "refugee",
    "asylum",
    "migrant",
    "immigra",
    "refoul",
    "expel",
    "expuls",
    "extradit",
    "pushback",
    "push-back",
    "pushed back",
    "sent back",
    "forced return",
    "forcibly return",
    "returnee",
    "defector",
    "stateless",
    "border guard",
    "border police",
    "displaced",
    "exile",
    "handed over",
    "rendition",
    "abduct",
];

fn about_migration(text: &str, title: Option<&str>) -> bool {
    let mut lower = text.to_lowercase();
    if let Some(title) = title {
        lower.push(' ');
        lower.push_str(&title.to_lowercase());
    }
    MIGRATION_STEMS.iter().any(|stem| lower.contains(stem))
}

/// Whether a sentence opens by continuing the story at the time last given.
fn continues(sentence: &analyze::Sentence<'_>) -> bool {
    let words: Vec<&str> = sentence.tokens.iter().take(4).map(|t| t.lower.as_str()).collect();
    match words.as_slice() {
        ["when", rest @ ..] => rest.iter().any(|w| matches!(*w, "arrived" | "landed" | "reached")),
        ["on" | "upon", "arrival" | "landing" | "arriving", ..]
        | ["there", ",", ..]
        | ["once", "there", ..] => true,
        _ => false,
    }
}

/// A heading: a short line standing alone as its paragraph, with no closing punctuation.
fn is_heading(spans: &[text::Sentence], index: usize, text: &str) -> bool {
    let span = &spans[index];
    let alone = |other: Option<&text::Sentence>| other.is_none_or(|o| o.paragraph != span.paragraph);
    let line = text.get(span.start..span.end).unwrap_or("").trim();
    alone(index.checked_sub(1).and_then(|i| spans.get(i)))
        && alone(spans.get(index + 1))
        && !line.is_empty()
        && !line.contains('\n')
        && !line.ends_with(['.', '!', '?', '"', '\u{201d}', ')'])
        && line.split_whitespace().count() <= 12
}

/// The last explicit four-digit year in the sentence.
fn stated_year(sentence: &analyze::Sentence<'_>) -> Option<i32> {
    sentence.tokens.iter().rev().find_map(dates::year_of)
}

/// Stems of headline verbs for returns and detentions ("Deports", "Sends", "Forcibly").
const TITLE_VERBS: &[&str] = &[
    "deport",
    "repatriat",
    "return",
    "send",
    "sent",
    "expel",
    "push",
    "hand",
    "forc",
    "detain",
    "arrest",
    "flies",
    "flew",
    "remov",
    "extradit",
    "round",
    "kick",
    "turn",
    "ship",
    "jail",
    "hold",
    "held",
    "seiz",
];

/// The state a headline names as acting: its first country not after "to"/"into"/"from".
fn title_actor(title: &str) -> Option<CountryCode> {
    let ctx = dates::DateContext::default();
    let sentence = analyze::Sentence::new(title, 0, title.len(), 0, &ctx);
    sentence.names.iter().find_map(|name| {
        let before = name.first.checked_sub(1).map(|p| sentence.tokens[p].lower.as_str());
        if matches!(before, Some("to" | "into" | "from" | "in" | "of" | "for")) {
            return None;
        }
        // The name must act: a return or detention verb follows closely ("China Deports …").
        let acts = (name.last..(name.last + 3).min(sentence.tokens.len())).any(|i| {
            let w = sentence.tokens[i].lower.as_str();
            TITLE_VERBS.iter().any(|stem| w.starts_with(stem))
        });
        if !acts {
            return None;
        }
        analyze::acting_state(&sentence, name)
    })
}

/// The state whose bodies the text names ("a Home Office charter flight"), when they all belong
/// to one state: the actor of passives that name nobody else.
fn named_state_body(text: &str) -> Option<CountryCode> {
    let mut found: Option<CountryCode> = None;
    for (name, code) in analyze::institutions() {
        let named = text.match_indices(name.as_str()).any(|(at, _)| {
            let before_ok = !text[..at].ends_with(|c: char| c.is_alphanumeric());
            let after_ok = !text[at + name.len()..].starts_with(|c: char| c.is_alphanumeric());
            before_ok && after_ok
        });
        if named {
            match found {
                Some(other) if other != *code => return None,
                _ => found = Some(*code),
            }
        }
    }
    found
}

/// How many sentences back "them", "the men" may reach for their group.
const NEAR: usize = 2;

/// Carries actors, nationalities, destinations and named people across sentences.
fn fill_from_context(
    drafts: &mut [analyze::Draft],
    title_actor: Option<CountryCode>,
    authority: Option<CountryCode>,
    text: &str,
    named: &[CountryCode],
) {
    // "forced 17 Afghans back today … The 17 were held at a post before": a dateless detention
    // of the same counted group, told next to its dated return, is of that day.
    for i in 0..drafts.len() {
        let d = &drafts[i];
        let count = &d.claim.count;
        if d.claim.kind != ClaimKind::Detention
            || !d.claim.date.is_unknown()
            || d.claim.aggregate
            || count.low.is_none()
            || count.low != count.high
        {
            continue;
        }
        let (sentence, count) = (d.sentence, count.clone());
        let dated = drafts.iter().find(|r| {
            r.claim.kind == ClaimKind::ForcedReturn
                && !r.claim.aggregate
                && r.claim.date.precision == domain::DatePrecision::Day
                && r.claim.count.low == count.low
                && r.claim.count.high == count.high
                && r.sentence.abs_diff(sentence) <= 2 * NEAR
        });
        if let Some(date) = dated.map(|r| r.claim.date) {
            drafts[i].claim.date = date;
        }
    }
    // "the nine" after "nine North Korean defectors … two South Koreans": the people of the same
    // figure, not the people named last.
    for i in 0..drafts.len() {
        let count = &drafts[i].claim.count;
        if drafts[i].claim.nationality.is_some() || count.low.is_none() || count.low != count.high {
            continue;
        }
        let same_group = drafts[..i].iter().rev().find_map(|d| {
            (d.claim.count.low == count.low && d.claim.count.high == count.high)
                .then(|| d.claim.nationality.clone())
                .flatten()
        });
        if same_group.is_some() {
            drafts[i].claim.nationality = same_group;
        }
    }
    let stated_actor: Option<CountryCode> = drafts.iter().find_map(|d| d.claim.perpetrator);
    // A page about one group carries its nationality throughout; a round-up only nearby.
    let mut groups: Vec<&Nationality> = drafts.iter().filter_map(|d| d.claim.nationality.as_ref()).collect();
    groups.sort_by_key(|n| format!("{n:?}"));
    groups.dedup();
    let several_groups = groups.len() > 1;
    let mut last_actor = title_actor.or(stated_actor).or_else(|| named_state_body(text)).or(authority);
    let mut earlier_actor: Option<CountryCode> = None;
    let mut last_nationality: Option<(Option<CountryCode>, usize, Nationality)> = None;
    let mut last_destination: Option<(Option<CountryCode>, CountryCode)> = None;
    let mut last_return: Option<(usize, ArrivalFacts)> = None;
    for draft in drafts.iter_mut() {
        // "held in isolation since they arrived": by the state the last return went to.
        // Only a return told shortly before: an arrival pages later is another story.
        let arrived_from = last_return.filter(|(at, _)| *at + 8 >= draft.sentence).map(|(_, claim)| claim);
        // Where the text says where they were held, that place's state holds them.
        let held_at = draft.claim.place.as_ref().and_then(|p| p.country);
        if draft.on_arrival
            && draft.claim.perpetrator.is_none()
            && held_at.is_none()
            && let Some(destination) = arrived_from
                .and_then(|c| c.destination)
                .or_else(|| arrived_from.and(last_destination.map(|(_, d)| d)))
        {
            draft.claim.perpetrator = Some(destination);
        }
        // … and from the day of that return.
        if draft.on_arrival
            && draft.claim.date.is_unknown()
            && let Some(arrived) =
                arrived_from.map(|c| c.date).filter(|d| d.precision == domain::DatePrecision::Day)
        {
            draft.claim.date = if draft.since_arrival {
                domain::DateSpan { start: arrived.start, end: None, precision: domain::DatePrecision::Range }
            } else {
                arrived
            };
        }

        let claim = &mut draft.claim;
        if claim.kind == ClaimKind::ForcedReturn
            && claim.perpetrator.is_some()
            && claim.perpetrator == claim.destination
        {
            // A state does not deport people into itself: the subject was someone else.
            claim.perpetrator = None;
        }
        if let Some(Nationality::Country(n)) = &claim.nationality
            && claim.kind == ClaimKind::ForcedReturn
            && claim.perpetrator == Some(*n)
            && claim.destination.is_none()
        {
            claim.perpetrator = None;
        }
        // People are held by the state where they are held ("held at a centre in Assam").
        if claim.perpetrator.is_none() && claim.kind == ClaimKind::Detention {
            claim.perpetrator = claim.place.as_ref().and_then(|p| p.country);
        }
        let stated_actor = claim.perpetrator;
        // Another state's act is another story: "Germany deported 16,430 people" after a
        // paragraph on Ethiopians sent home from Saudi Arabia says nothing of their nationality.
        // A nationality the sentence does not state says where people are from, not, for a
        // figureless mention ("the group has been expelled"), where they were sent.
        let stated_nationality = claim.nationality.is_some();
        if claim.nationality.is_none() {
            claim.nationality = last_nationality
                .as_ref()
                .filter(|(actor, at, n)| {
                    let near = at + NEAR >= draft.sentence;
                    // "She and her three children were deported to Nigeria": not the Afghans of
                    // the paragraph before.
                    let elsewhere = claim.destination.is_some_and(|d| *n != Nationality::Country(d));
                    // "In total, 43 people were pushed back in June" after a list of several
                    // groups: the total is of all of them.
                    let total_of_groups =
                        several_groups && claim.aggregate && !draft.anaphoric && *at != draft.sentence;
                    (near || !several_groups)
                        && !total_of_groups
                        && !elsewhere
                        && (draft.anaphoric && near || stated_actor.is_none() || *actor == stated_actor)
                })
                .map(|(_, _, n)| n.clone());
        }
        match claim.perpetrator {
            Some(actor) => {
                if last_actor != Some(actor) {
                    earlier_actor = last_actor;
                }
                last_actor = Some(actor);
            }
            None => {
                // "A second group of 25 was sent back" after "Eritrean soldiers held them": a
                // state does not send its own people back to itself; the state before it did.
                let own = |a: &CountryCode| {
                    claim.kind == ClaimKind::ForcedReturn
                        && (claim.destination == Some(*a)
                            || claim.nationality == Some(Nationality::Country(*a)))
                };
                claim.perpetrator = match last_actor {
                    Some(a) if own(&a) => earlier_actor.filter(|e| !own(e)).or(Some(a)),
                    other => other,
                };
            }
        }
        if let Some(n) = &claim.nationality {
            last_nationality = Some((claim.perpetrator, draft.sentence, n.clone()));
        }
        // "Croatian police pushed back 25 people near Bihać": over the border, in Bosnia; but
        // only in a country the page names ("arrived at Bole airport" is not China's Bole).
        if claim.kind == ClaimKind::ForcedReturn
            && claim.destination.is_none()
            && let Some(there) = claim.place.as_ref().and_then(|p| p.country)
            && claim.perpetrator.is_some_and(|p| p != there)
            && named.contains(&there)
        {
            claim.destination = Some(there);
        }
        if claim.kind == ClaimKind::ForcedReturn
            && claim.destination.is_none()
            && (stated_nationality || !claim.count.is_unknown())
            && let Some(Nationality::Country(home)) = &claim.nationality
            && Some(*home) != claim.perpetrator
        {
            claim.destination = Some(*home);
        }
        if claim.kind == ClaimKind::ForcedReturn
            && claim.perpetrator.is_some()
            && claim.perpetrator == claim.destination
        {
            claim.perpetrator = last_actor.filter(|a| Some(*a) != claim.destination);
        }
        // "sent 202 people across": the same state's earlier destination, when nothing says otherwise.
        if claim.kind == ClaimKind::ForcedReturn {
            match (claim.destination, last_destination) {
                (Some(dest), _) => last_destination = Some((claim.perpetrator, dest)),
                (None, Some((actor, dest)))
                    if actor == claim.perpetrator
                        && !matches!(claim.nationality, Some(Nationality::Country(_))) =>
                {
                    claim.destination = Some(dest);
                }
                _ => {}
            }
        }
        // A return's place in a country the page never names, neither the actor's nor the
        // destination's, is a namesake.
        let place_country = claim.place.as_ref().and_then(|p| p.country);
        if claim.kind == ClaimKind::ForcedReturn
            && let Some(there) = place_country
            && !named.contains(&there)
            && claim.perpetrator.is_some_and(|p| p != there)
            && claim.destination != Some(there)
        {
            claim.place = None;
        }
        if claim.kind == ClaimKind::ForcedReturn && !claim.aggregate {
            last_return =
                Some((draft.sentence, ArrivalFacts { destination: claim.destination, date: claim.date }));
        }
    }
    // "the men", "them": the figure of the group counted just before, same people.
    for i in 0..drafts.len() {
        if !drafts[i].anaphoric || !drafts[i].claim.count.is_unknown() {
            continue;
        }
        let nationality = drafts[i].claim.nationality.clone();
        let sentence = drafts[i].sentence;
        let earlier = drafts[..i].iter().rev().find(|d| {
            let c = &d.claim.count;
            c.low.is_some()
                && !d.claim.aggregate
                && d.claim.nationality == nationality
                && d.sentence + NEAR >= sentence
        });
        if let Some(count) = earlier.map(|d| d.claim.count.clone()) {
            drafts[i].claim.count = count;
        }
    }
    // "Tashpulatov, 41, had been detained": a person named in full earlier, now by surname.
    let named: Vec<String> = drafts.iter().flat_map(|d| d.claim.persons.iter().cloned()).collect();
    for draft in drafts.iter_mut() {
        let claim = &mut draft.claim;
        if claim.count.low.is_some() || !claim.persons.is_empty() || claim.aggregate {
            continue;
        }
        let Some(evidence) = claim.evidence.first() else { continue };
        let said = |word: &str| {
            evidence.text.split(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'').any(|w| w == word)
        };
        let found = named.iter().find(|full| {
            let mut parts = full.split_whitespace();
            let surname = parts.next_back().unwrap_or("");
            parts.next().is_some() && surname.chars().count() >= 3 && said(surname)
        });
        if let Some(full) = found {
            claim.persons.push(full.clone());
            claim.count = domain::Count::exact(1, "");
        }
    }
    // "remained in custody until his departure": held up to the day of that return.
    for i in 0..drafts.len() {
        let d = &drafts[i];
        let held_until_return = d.claim.kind == ClaimKind::Detention
            && d.claim.date.precision == domain::DatePrecision::Day
            && d.claim.evidence.first().is_some_and(|e| {
                let lower = e.text.to_lowercase();
                ["until his ", "until her ", "until their "].iter().any(|u| {
                    lower.split(u).skip(1).any(|rest| {
                        ["departure", "deportation", "removal", "expulsion"]
                            .iter()
                            .any(|w| rest.starts_with(w))
                    })
                })
            });
        if !held_until_return {
            continue;
        }
        let (start, sentence, persons) = (d.claim.date.start, d.sentence, d.claim.persons.clone());
        let departure = drafts.iter().find(|r| {
            r.claim.kind == ClaimKind::ForcedReturn
                && !r.claim.aggregate
                && r.claim.date.precision == domain::DatePrecision::Day
                && r.claim.date.start >= start
                && (r.claim.persons.iter().any(|p| persons.contains(p))
                    || r.sentence.abs_diff(sentence) <= NEAR)
        });
        if let Some(end) = departure.and_then(|r| r.claim.date.start)
            && Some(end) != start
        {
            drafts[i].claim.date =
                domain::DateSpan { start, end: Some(end), precision: domain::DatePrecision::Range };
        }
    }
    // "She was sent back": the person named last in the same paragraph.
    for i in 0..drafts.len() {
        if !drafts[i].individual || !drafts[i].claim.persons.is_empty() {
            continue;
        }
        let paragraph = drafts[i].paragraph;
        let sentence = drafts[i].sentence;
        let actor = drafts[i].claim.perpetrator;
        // Not someone held by another state ("held in Belgrade" … "taken away in Osh").
        let named = drafts
            .iter()
            .filter(|d| {
                d.paragraph == paragraph
                    && d.sentence <= sentence + 1
                    && !d.claim.persons.is_empty()
                    && (actor.is_none() || d.claim.perpetrator.is_none() || d.claim.perpetrator == actor)
            })
            .flat_map(|d| d.claim.persons.clone())
            .next();
        if let Some(name) = named {
            drafts[i].claim.persons.push(name);
        }
    }
}

#[cfg(test)]
mod tests;
