//! Sentence analysis: triggers → factuality → slots (count, date, actor, destination,
//! nationality, place, sources, persons). One function per slot; each reads the sentence's
//! tokens and the gazetteer names found in it.

use domain::{Claim, ClaimKind, Count, CountryCode, DateSpan, Evidence, Nationality, Place, PlacePrecision};
use gazetteer::Entry;

use crate::counts::{self, CountMention, is_people_word};
use crate::dates::{self, DateContext, DateMention};
use crate::lexicon::{self, Cue, Rule, Trigger, is_authority_word};
use crate::text::{Token, TokenKind};

/// A gazetteer name over tokens `[first, last)`.
#[derive(Debug, Clone, Copy)]
pub struct Name {
    pub first: usize,
    pub last: usize,
    pub entry: Entry,
}

/// Everything found in one sentence.
pub struct Sentence<'a> {
    pub text: &'a str,
    pub start: usize,
    pub end: usize,
    pub paragraph: usize,
    pub tokens: Vec<Token>,
    pub names: Vec<Name>,
    pub dates: Vec<DateMention>,
    pub counts: Vec<CountMention>,
    /// Tokens inside a comma-delimited relative clause (", which borders China,").
    pub relative: Vec<bool>,
}

/// Why a trigger did or did not become a claim (for `--explain`).
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub trigger: String,
    pub kind: ClaimKind,
    pub accepted: bool,
    pub reason: String,
}

/// A claim before the document-level pass, with what that pass needs to know.
#[derive(Debug, Clone)]
pub struct Draft {
    pub claim: Claim,
    pub sentence: usize,
    pub paragraph: usize,
    /// The claim is about one unnamed-count person ("she was sent back").
    pub individual: bool,
    /// The claim's people are a group named before ("the men", "them"): its figure may be carried.
    pub anaphoric: bool,
    /// Found by a verb of movement that means a return only with a destination ("moved to",
    /// "escorted across"): without an acting state it is a transfer, not a return.
    pub weak: bool,
    /// Told as happening where the people arrived ("held on arrival", "since they arrived"):
    /// the receiving state acts.
    pub on_arrival: bool,
    /// "held since they arrived": from the arrival on, still going.
    pub since_arrival: bool,
}

impl<'a> Sentence<'a> {
    pub fn new(text: &'a str, start: usize, end: usize, paragraph: usize, ctx: &DateContext) -> Sentence<'a> {
        let tokens = crate::text::tokens(text, start, end);
        let names = names(text, start, end, &tokens);
        let dates = dates::find(&tokens, text, ctx);
        let is_group =
            |i: usize| names.iter().any(|n| n.first <= i && i < n.last && is_people_entry(n.entry));
        let counts = counts::find(&tokens, text, &is_group);
        let dates: Vec<DateMention> = dates.into_iter().filter(|d| !is_reporting_date(&tokens, d)).collect();
        let mut relative = relative_clauses(&tokens);
        let mut dates = dates;
        if let Some(dash) = dateline_end(&tokens) {
            for m in &mut relative[..=dash] {
                *m = true;
            }
            // A dateline's date is when the story was filed, not when anything happened.
            dates.retain(|d: &DateMention| d.first > dash);
        }
        Sentence { text, start, end, paragraph, tokens, names, dates, counts, relative }
    }

    fn word(&self, i: usize) -> &str {
        self.tokens.get(i).map_or("", |t| t.lower.as_str())
    }

    fn name_at(&self, i: usize) -> Option<&Name> {
        self.names.iter().find(|n| n.first == i)
    }

    fn name_covering(&self, i: usize) -> Option<&Name> {
        self.names.iter().find(|n| n.first <= i && i < n.last)
    }

    fn slice(&self, first: usize, last: usize) -> &'a str {
        let (Some(a), Some(b)) = (self.tokens.get(first), self.tokens.get(last.saturating_sub(1))) else {
            return "";
        };
        self.text.get(a.start..b.end).unwrap_or("")
    }
}

/// "said on Sunday", "told reporters on Friday": when something was said, not when it happened.
fn is_reporting_date(tokens: &[Token], date: &DateMention) -> bool {
    let before =
        |k: usize| date.first.checked_sub(k).and_then(|i| tokens.get(i)).map_or("", |t| t.lower.as_str());
    let reporting = |w: &str| {
        matches!(
            w,
            "said"
                | "says"
                | "told"
                | "announced"
                | "reported"
                | "confirmed"
                | "added"
                | "stated"
                | "briefing"
        )
    };
    // "Turkish officials on Monday denied …": the day of the statement.
    let after = tokens.get(date.last).map_or("", |t| t.lower.as_str());
    let states = matches!(
        after,
        "said"
            | "denied"
            | "announced"
            | "told"
            | "confirmed"
            | "reported"
            | "denies"
            | "says"
            | "expressed"
            | "warned"
            | "urged"
            | "condemned"
            | "called"
            | "voiced"
            | "welcomed"
    );
    // "On Friday Eswatini's government said the five had been held …": a date opening the
    // sentence whose subject then speaks.
    let opens = date.first == 0 || date.first == 1 && before(1) == "on";
    let speaks_next = opens
        && (date.last..(date.last + 6).min(tokens.len()))
            .any(|i| reporting(&tokens[i].lower) || matches!(tokens[i].lower.as_str(), "denied" | "says"));
    states
        || speaks_next
        || reporting(before(1))
        || (matches!(before(1), "on" | "late" | "early") && reporting(before(2)))
        || (before(1) == "on" && matches!(before(2), "late" | "early") && reporting(before(3)))
        || (before(1) == "on" && before(2) == "reporters" && reporting(before(3)))
}

/// "SEOUL, Oct. 13 (Yonhap) —": the place and date of reporting, up to the dash.
fn dateline_end(tokens: &[Token]) -> Option<usize> {
    let close = tokens.iter().take(16).position(|t| t.lower == ")")?;
    let dash = close + 1;
    let first_is_place = tokens.first().is_some_and(|t| t.kind == TokenKind::Word);
    (first_is_place && tokens.get(dash).is_some_and(|t| matches!(t.lower.as_str(), "-" | "—" | "–")))
        .then_some(dash)
}

/// Marks tokens of relative clauses closed by a comma: ", which … ,", "who … ,", "where … ,".
fn relative_clauses(tokens: &[Token]) -> Vec<bool> {
    let mut mask = vec![false; tokens.len()];
    let mut i = 0;
    while i + 1 < tokens.len() {
        let opens = tokens[i].lower == ","
            && matches!(tokens[i + 1].lower.as_str(), "which" | "who" | "where" | "whose")
            || matches!(tokens[i].lower.as_str(), "who" | "whose");
        if opens && let Some(close) = (i + 1..tokens.len()).find(|&k| tokens[k].lower == ",") {
            for m in &mut mask[i..=close] {
                *m = true;
            }
            i = close + 1;
            continue;
        }
        i += 1;
    }
    mask
}

fn is_people_entry(entry: Entry) -> bool {
    matches!(entry, Entry::Demonym { .. } | Entry::Group(_))
}

fn names(text: &str, start: usize, end: usize, tokens: &[Token]) -> Vec<Name> {
    let Some(slice) = text.get(start..end) else { return Vec::new() };
    gazetteer::get()
        .find(slice)
        .into_iter()
        .filter_map(|m| {
            let (a, b) = (start + m.start, start + m.end);
            let first = tokens.iter().position(|t| t.start >= a && t.start < b)?;
            let last = tokens.iter().rposition(|t| t.end <= b + 3 && t.start < b).map(|l| l + 1)?;
            Some(Name { first, last: last.max(first + 1), entry: m.entry })
        })
        .collect()
}

fn country_of(entry: Entry) -> Option<CountryCode> {
    let gaz = gazetteer::get();
    match entry {
        Entry::Country(code) => Some(code),
        Entry::Demonym { country, .. } => Some(country),
        Entry::Region(id) => Some(gaz.region(id).country),
        Entry::City(id) => Some(gaz.city(id).country),
        Entry::Group(_) => None,
    }
}

fn nationality_of(entry: Entry) -> Option<Nationality> {
    match entry {
        Entry::Demonym { country, .. } => Some(Nationality::Country(country)),
        Entry::Group(id) => Some(Nationality::Group(gazetteer::get().group_name(id).to_owned())),
        _ => None,
    }
}

/// Words that may stand between an actor and its verb ("China forcibly repatriated").
fn is_adverb(lower: &str) -> bool {
    lower.ends_with("ly")
        || matches!(
            lower,
            "also"
                | "then"
                | "later"
                | "had"
                | "has"
                | "have"
                | "was"
                | "were"
                | "been"
                | "again"
                | "just"
                | "quietly"
                | "once"
                | "first"
                | "recently"
                | "on"
                | "late"
                | "early"
                | "in"
                | "last"
                | "this"
                | "that"
                | "night"
                | "morning"
                | "day"
                | "week"
                | "month"
                | "year"
                | "subsequently"
                | "soon"
                | "eventually"
                | "already"
        )
        || lower.chars().all(|c| c.is_ascii_digit())
}

const BE: &[&str] = &["was", "were", "been", "be", "being", "is", "are", "got", "get"];

/// Analyses every trigger in the sentence.
pub fn analyse(s: &Sentence<'_>, index: usize, out: &mut Vec<Draft>, decisions: &mut Vec<Decision>) {
    let triggers = lexicon::triggers(&s.tokens);
    for trigger in &triggers {
        let words = s.slice(trigger.first, trigger.last).to_owned();
        match check(s, trigger) {
            Err(reason) => {
                decisions.push(Decision { trigger: words, kind: trigger.kind, accepted: false, reason })
            }
            Ok(()) => {
                let drafts = build(s, trigger, index);
                let reason = if drafts.is_empty() {
                    "no claim could be built".to_owned()
                } else {
                    "asserted".to_owned()
                };
                decisions.push(Decision {
                    trigger: words,
                    kind: trigger.kind,
                    accepted: !drafts.is_empty(),
                    reason,
                });
                out.extend(drafts);
            }
        }
    }
}

/// Start of the clause the trigger sits in: after "that", "said", a semicolon or a colon.
fn clause_start(s: &Sentence<'_>, trigger: &Trigger) -> usize {
    // "- 9 June: 7 men were detained": a date heading the line labels it; it is no clause.
    let label = |i: usize| s.word(i) == ":" && s.dates.iter().any(|d| d.last == i && d.first <= 2);
    (0..trigger.first)
        .rev()
        .filter(|&i| !s.relative.get(i).copied().unwrap_or(false) && !label(i))
        .find(|&i| {
            matches!(
                s.word(i),
                ";" | ":" | "that" | "said" | "says" | "told" | "which" | "but" | "while" | "\""
            )
        })
        .map_or(0, |i| i + 1)
}

/// End of the trigger's clause: a semicolon, a colon, or a contrasting conjunction.
fn clause_end(s: &Sentence<'_>, trigger: &Trigger) -> usize {
    (trigger.last..s.tokens.len())
        .find(|&i| matches!(s.word(i), ";" | ":" | "while" | "whereas" | "although" | "but"))
        .unwrap_or(s.tokens.len())
}

/// Factuality: is the trigger asserted to have happened?
fn check(s: &Sentence<'_>, trigger: &Trigger) -> Result<(), String> {
    if s.tokens.last().is_some_and(|t| t.lower == "?") {
        return Err("question".into());
    }
    let start = clause_start(s, trigger);
    let window_start = trigger.first.saturating_sub(7).max(start);
    for i in window_start..trigger.first {
        if let Some((cue, width)) = lexicon::cue_at(&s.tokens, i) {
            return Err(format!("{} cue \"{}\" before the trigger", cue.as_str(), s.slice(i, i + width)));
        }
    }
    // Denials, appeals and plans govern the clause they introduce ("denied that any … had been sent back").
    for i in trigger.first.saturating_sub(14)..start {
        if let Some((cue @ (Cue::Denial | Cue::Appeal | Cue::Plan), width)) = lexicon::cue_at(&s.tokens, i) {
            return Err(format!("{} cue \"{}\" governs the clause", cue.as_str(), s.slice(i, i + width)));
        }
    }
    // "any refugees", "no one": nobody in particular.
    if (start..trigger.first).any(|i| matches!(s.word(i), "any" | "anyone" | "nobody")) {
        return Err("no particular people (\"any\")".into());
    }
    // "an agreement on the return of", "talks about the deportation of": a topic, not an event.
    if trigger.rule == Rule::Noun {
        let mut k = trigger.first;
        while k > 0
            && matches!(
                s.word(k - 1),
                "the" | "a" | "an" | "forced" | "forcible" | "mass" | "any" | "further"
            )
        {
            k -= 1;
        }
        if k > 0
            && matches!(
                s.word(k - 1),
                "on" | "about"
                    | "regarding"
                    | "over"
                    | "for"
                    | "against"
                    | "to"
                    | "into"
                    | "with"
                    | "under"
                    | "concerning"
            )
        {
            return Err(format!("nominal after \"{}\": a topic, not an event", s.word(k - 1)));
        }
    }
    // Conditionals and voluntariness anywhere in the clause.
    for i in start..s.tokens.len() {
        if matches!(s.word(i), ";") && i > trigger.last {
            break;
        }
        if let Some((Cue::Voluntary, _)) = lexicon::cue_at(&s.tokens, i) {
            return Err(format!("voluntary cue \"{}\"", s.word(i)));
        }
        let opens_background = |k: usize| matches!(s.word(k), "in" | "during") && s.word(k + 1) == "which";
        if (i + 1 < trigger.first && opens_background(i))
            || (i == start && start >= 2 && opens_background(start - 2))
        {
            return Err("inside a \"during which\" clause: background".into());
        }
        if i < trigger.first && matches!(s.word(i), "if" | "unless" | "whether") {
            return Err(format!("conditional \"{}\"", s.word(i)));
        }
    }
    let prev = (start..trigger.first).rev().find(|&i| !is_adverb(s.word(i))).map(|i| s.word(i));
    // ", arresting at least 30 people": an -ing adjunct of a past event, with its own figure.
    if trigger.rule == Rule::Gerund {
        // ", detaining 70 Syrians and deporting 29 of them": a second adjunct joined by "and".
        let earlier_adjunct = (1..trigger.first).any(|i| s.word(i - 1) == "," && s.word(i).ends_with("ing"));
        // "before deporting him to Cairo": the act that closed what the sentence tells.
        let temporal = trigger.first > 0 && matches!(s.word(trigger.first - 1), "before" | "after");
        let adjunct = trigger.first > 0
            && (s.word(trigger.first - 1) == ","
                || s.word(trigger.first - 1) == "and" && earlier_adjunct
                || temporal);
        let figure = s.counts.iter().any(|c| c.first >= trigger.last && c.first <= trigger.last + 1)
            || temporal && matches!(s.word(trigger.last), "him" | "her" | "them");
        if !(adjunct && figure) {
            return Err("an -ing form outside a participial adjunct with a figure".into());
        }
        return Ok(());
    }
    // "the detained students", "a deported man": the participle is an adjective.
    if trigger.rule != Rule::Noun
        && trigger.first > 0
        && matches!(
            s.word(trigger.first - 1),
            "the" | "a" | "an" | "their" | "his" | "her" | "its" | "these" | "newly" | "recently"
        )
    {
        return Err("participle used as an adjective".into());
    }
    // "the 35 detained asylum seekers", "Deported migrants are beaten": a participle right
    // before a people noun, after a figure or opening the sentence, describes them.
    if trigger.rule != Rule::Noun
        && trigger.last == trigger.first + 1
        && (is_people_word(s.word(trigger.last)) || is_people_word(s.word(trigger.last + 1)))
        && (trigger.first == 0
            || s.tokens.get(trigger.first - 1).is_some_and(|t| t.kind == TokenKind::Number)
            || crate::counts::small_number(s.word(trigger.first - 1)).is_some())
    {
        return Err("participle used as an adjective".into());
    }
    let has_aux = aux_before(s, trigger.first);
    match nearest_aux(s, trigger.first) {
        Some("be") => return Err("infinitive (\"be deported\"): not an event".into()),
        Some("is" | "are") => return Err("present tense: a generic statement".into()),
        _ => {}
    }
    // "those forcibly repatriated face torture": a participle describing people, not an event.
    if trigger.rule != Rule::Noun && !has_aux {
        // "was among those deported": one of the people of an occasion, not a description.
        let among = prev == Some("those") && trigger.first >= 2 && s.word(trigger.first - 2) == "among";
        // "a crew who then left them adrift": a relative clause with its own object acts.
        let acts_on_object =
            prev == Some("who") && matches!(s.word(trigger.first + 1), "them" | "him" | "her");
        let describes = !among
            && !acts_on_object
            && prev.is_some_and(|p| matches!(p, "those" | "anyone" | "people" | "others" | "who" | "whom"));
        let risk_after = (trigger.last..(trigger.last + 5).min(s.tokens.len())).any(|i| {
            matches!(
                s.word(i),
                "face" | "faces" | "risk" | "risks" | "are" | "remain" | "could" | "would" | "may"
            )
        });
        // "as many as 100 people detained by Border Force at the start of last month": a
        // counted group and a named agent report the act itself.
        let counted = counted_right_before(s, trigger);
        let agent = s.word(trigger.last) == "by" && !risk_after;
        // "we documented 43 people pushed back from Croatia in June": a tally of the acts.
        let tallied = counted
            && (trigger.first.saturating_sub(7)..trigger.first).any(|i| {
                matches!(
                    s.word(i),
                    "documented" | "recorded" | "counted" | "registered" | "verified" | "logged"
                )
            });
        if (describes || (risk_after && prev.is_some_and(is_people_word))) && !(counted && agent) && !tallied
        {
            return Err("participle describing people, not an event".into());
        }
    }
    // "Exhibitions of her work have been held in Cologne", "talks were held": events are held too.
    if s.word(trigger.first) == "held" {
        let mut k = trigger.first;
        while k > start
            && (is_adverb(s.word(k - 1)) || BE.contains(&s.word(k - 1)) || s.word(k - 1) == "have")
        {
            k -= 1;
        }
        let subject_noun = (start..k).rev().take(6).map(|i| s.word(i)).find(|w| is_event_noun(w));
        if let Some(noun) = subject_noun {
            return Err(format!("\"{noun} … held\": an event, not a detention"));
        }
    }
    // "the coast guard picked the group up": a rescue at sea, not an arrest.
    if s.word(trigger.first) == "picked"
        && (start..s.tokens.len().min(trigger.last + 6)).any(|i| {
            matches!(s.word(i), "coastguard" | "rescue" | "rescuers" | "rescued" | "lifeboat")
                || s.word(i) == "coast" && s.word(i + 1) == "guard"
        })
    {
        return Err("picked up at sea: a rescue, not an arrest".into());
    }
    // "was stopped at the airport, questioned overnight and then held at a hotel": the last
    // verb of a chain shares the first one's "was"; "and held a vigil" is active.
    let chained = coordinated_passive(s, trigger, start)
        && !matches!(
            s.word(trigger.last),
            "a" | "an" | "the" | "their" | "its" | "his" | "her" | "talks" | "meetings" | "up"
        );
    // "has held solo exhibitions", "had held talks": the perfect of an active verb needs a
    // person as its object.
    let perfect = matches!(nearest_aux(s, trigger.first), Some("has" | "have" | "had" | "'ve" | "'d"));
    if trigger.rule == Rule::Passive
        && perfect
        && !people_reference(s, trigger.last, (trigger.last + 6).min(clause_limit(s, trigger)))
    {
        return Err("an active perfect (\"has held\") without a person as object".into());
    }
    // "we've rounded up some of the best ones": an active verb whose object is not people.
    if trigger.rule == Rule::People
        && trigger.gap.is_none()
        && trigger.first > 0
        && (matches!(s.word(trigger.first - 1), "we" | "i" | "you" | "we've" | "i've" | "you've" | "we'd")
            || perfect && matches!(s.word(trigger.first.saturating_sub(2)), "we" | "i" | "you"))
        && !people_reference(s, trigger.last, clause_limit(s, trigger))
    {
        return Err("an active verb whose object is not people".into());
    }
    if trigger.rule == Rule::Passive && !has_aux && !chained {
        let pronoun_object = matches!(s.word(trigger.last), "them" | "him" | "her" | "the" | "all");
        // "100 Rohingya refugees held at a detention centre": a reduced relative on counted people.
        let reduced = trigger.first > 0
            && (is_people_word(s.word(trigger.first - 1))
                || s.name_covering(trigger.first - 1).is_some_and(|n| is_people_entry(n.entry)))
            && matches!(s.word(trigger.last), "at" | "in")
            && s.counts.iter().any(|c| c.last == trigger.first);
        if !pronoun_object && !reduced {
            return Err("needs a passive (\"were held\") or a person as object".into());
        }
    }
    // Background: an event long before the report is history, not monitoring.
    Ok(())
}

/// True when an auxiliary ("were", "had been") stands right before the verb, adverbs aside.
fn aux_before(s: &Sentence<'_>, first: usize) -> bool {
    nearest_aux(s, first).is_some()
}

/// "were abducted in Nairobi and rendered to Turkey": the second verb shares the first's "were".
fn coordinated_passive(s: &Sentence<'_>, trigger: &Trigger, start: usize) -> bool {
    trigger.first > 0
        && matches!(s.word(trigger.first - 1), "and" | "then")
        && (start..trigger.first).any(|i| matches!(s.word(i), "was" | "were" | "been"))
}

/// "… and more than 15,000 were deported": after a clause with a verb of its own, an "and"
/// followed by a new subject and a passive verb.
fn opens_passive_clause(s: &Sentence<'_>, and: usize) -> bool {
    let earlier_verb = (0..and).any(|i| {
        let w = s.word(i);
        w.len() > 4 && w.ends_with("ed") && s.counts.iter().all(|c| i < c.first || i >= c.last)
    });
    let limit = (and + 9).min(s.tokens.len());
    let aux = (and + 2..limit)
        .take_while(|&i| !matches!(s.word(i), "," | ";" | "and"))
        .find(|&i| matches!(s.word(i), "was" | "were" | "been") && nearest_aux_index(s, i + 1) == Some(i));
    earlier_verb
        && aux.is_some_and(|i| {
            let verb = (i + 1..limit)
                .map(|k| s.word(k))
                .find(|w| !(w.ends_with("ly") || matches!(*w, "later" | "then" | "also" | "again" | "all")))
                .unwrap_or("");
            verb.ends_with("ed") || verb.ends_with("en") || matches!(verb, "sent" | "held" | "put" | "kept")
        })
}

/// The state whose custody a trigger ending in "to … custody" hands people to ("Chinese").
fn custody_of(s: &Sentence<'_>, trigger: &Trigger) -> Option<CountryCode> {
    let last = trigger.last.checked_sub(1)?;
    if s.word(last) != "custody" {
        return None;
    }
    match s.name_covering(last.checked_sub(1)?)?.entry {
        Entry::Demonym { country, .. } => Some(country),
        Entry::Country(code) => Some(code),
        _ => None,
    }
}

/// "have been returned", "has deported", "have all been sent back": the present perfect.
fn present_perfect(s: &Sentence<'_>, verb: usize) -> bool {
    let mut k = verb;
    while k > 0 {
        k -= 1;
        match s.word(k) {
            "has" | "have" | "'ve" => return true,
            "been" | "also" | "all" | "already" | "now" | "reportedly" | "since" => {}
            w if w.ends_with("ly") => {}
            _ => return false,
        }
    }
    false
}

/// Where the trigger's own passive clause starts, after an "and" that opens it, else `start`.
fn passive_clause_start(s: &Sentence<'_>, trigger: &Trigger, start: usize) -> usize {
    let Some(aux) = nearest_aux_index(s, trigger.first) else {
        return start;
    };
    (start..aux).rev().find(|&i| s.word(i) == "and" && opens_passive_clause(s, i)).map_or(start, |i| i + 1)
}

/// Where the auxiliary right before the verb stands, adverbs aside.
fn nearest_aux_index(s: &Sentence<'_>, first: usize) -> Option<usize> {
    let mut k = first;
    while k > 0 {
        k -= 1;
        let w = s.word(k);
        if matches!(
            w,
            "was" | "were" | "been" | "had" | "has" | "have" | "being" | "be" | "'d" | "got" | "is" | "are"
        ) {
            return Some(k);
        }
        if !(w.ends_with("ly")
            || matches!(
                w,
                "also" | "then" | "later" | "again" | "just" | "already" | "soon" | "all" | "both"
            ))
        {
            return None;
        }
    }
    None
}

/// The auxiliary right before the verb, adverbs aside.
fn nearest_aux<'s>(s: &'s Sentence<'_>, first: usize) -> Option<&'s str> {
    nearest_aux_index(s, first).map(|k| s.word(k))
}

/// True when the clause refers to people who were acted on.
fn people_reference(s: &Sentence<'_>, from: usize, to: usize) -> bool {
    // "Djokovic was taken back into detention": a person named by surname alone, as the
    // subject opening the clause.
    let surname_subject = |i: usize| {
        s.tokens[i].is_capitalized(s.text)
            && s.tokens[i].kind == TokenKind::Word
            && s.name_covering(i).is_none()
            && matches!(s.word(i + 1), "was" | "had")
            && (i == 0 || s.tokens[i - 1].is_punct() || matches!(s.word(i - 1), "and" | "that"))
            && !is_authority_word(s.word(i))
            && !is_organisation_word(s.word(i))
            && !matches!(s.word(i), "it" | "this" | "that" | "there" | "he" | "she" | "who" | "which")
    };
    (from..to.min(s.tokens.len())).any(surname_subject)
        || (from..to.min(s.tokens.len())).any(|i| {
            let w = s.word(i);
            is_people_word(w)
                || matches!(w, "them" | "him" | "her" | "they" | "he" | "she" | "us" | "those")
                || matches!(w, "group" | "family" | "convoy") && i > 0 && s.word(i - 1) == "the"
                || s.name_covering(i).is_some_and(|n| is_people_entry(n.entry))
        })
        || s.counts.iter().any(|c| c.first < to && c.last > from)
        || person_names(s).iter().any(|(a, _, _)| *a >= from && *a < to)
}

/// A country the people were sent to: "to China", "into Bangladesh", "to Asmara", "to North Korean officials".
fn destination(s: &Sentence<'_>, trigger: &Trigger, end: usize) -> Option<CountryCode> {
    let from = trigger.gap.map_or(trigger.first, |(a, _)| a);
    // "to Dushanbe and … flown on to Urumqi": the onward leg is where they ended up.
    let onward = (from..end.min(s.tokens.len())).find(|&i| s.word(i) == "on" && s.word(i + 1) == "to");
    let from = onward.map_or(from, |i| i + 1);
    for i in from..end.min(s.tokens.len()) {
        // "left them adrift in Turkish waters", "between Lesbos and the Turkish coast": the far
        // side named by its adjective.
        if let Some(name) = s.name_at(i).filter(|n| n.first == i)
            && let Entry::Demonym { country, .. } = name.entry
            && is_side_word(s.word(name.last))
            && !matches!(s.word(name.last), "border" | "frontier")
        {
            let mut k = i;
            while k > 0 && s.word(k - 1) == "the" {
                k -= 1;
            }
            if k > 0
                && matches!(
                    s.word(k - 1),
                    "in" | "into" | "off" | "near" | "and" | "towards" | "toward" | "to"
                )
            {
                return Some(country);
            }
        }
        // "… had landed in Eswatini", "arrived in Kabul"
        let arrival = s.word(i) == "in" && i > 0 && matches!(s.word(i - 1), "landed" | "arrived");
        // "dumped them near the Libyan border": only a border named by its far side.
        let at_border = matches!(s.word(i), "near" | "at" | "across")
            && matches!(s.word(i + 1), "the")
            && s.name_at(i + 2).is_some_and(|n| {
                matches!(n.entry, Entry::Demonym { .. }) && matches!(s.word(n.last), "border" | "frontier")
            });
        if !matches!(s.word(i), "to" | "into" | "towards" | "toward") && !arrival && !at_border {
            continue;
        }
        // "deported for entering the country to sneak into the US": where they were heading,
        // not where they were sent.
        let heading = (i.saturating_sub(3)..i).any(|k| {
            matches!(
                s.word(k),
                "sneak"
                    | "enter"
                    | "entering"
                    | "reach"
                    | "reaching"
                    | "cross"
                    | "crossing"
                    | "trying"
                    | "tried"
                    | "attempting"
            )
        });
        if heading {
            continue;
        }
        // Skip "the", "the border with", "officials in".
        for j in i + 1..(i + 5).min(s.tokens.len()) {
            if let Some(name) = s.name_at(j) {
                return match name.entry {
                    Entry::Demonym { country, .. }
                        if s.tokens.get(name.last).is_some_and(|t| is_authority_word(&t.lower))
                            || is_side_word(s.word(name.last)) =>
                    {
                        Some(country)
                    }
                    Entry::Demonym { .. } | Entry::Group(_) => None,
                    entry => country_of(entry),
                };
            }
            if !matches!(s.word(j), "the" | "its" | "their" | "neighbouring" | "neighboring" | "nearby") {
                break;
            }
        }
    }
    None
}

/// The far side of a border, named by an adjective: "the Belarusian side", "the Bosnian bank".
fn is_side_word(lower: &str) -> bool {
    matches!(
        lower,
        "side" | "bank" | "border" | "coast" | "shore" | "territory" | "soil" | "waters" | "frontier"
    )
}

/// Countries a page names as where people were taken, anywhere in it: "a charter flight to
/// Jamaica", "landed in Dubai", "deported to Eritrea". Used for returns whose own sentence names
/// no destination ("17 people were deported").
pub fn destination_hints(s: &Sentence<'_>) -> Vec<CountryCode> {
    let mut found = Vec::new();
    for i in 0..s.tokens.len() {
        let preps: &[&str] = match s.word(i) {
            "flight" | "flights" | "charter" | "charters" | "plane" | "aircraft" | "deported"
            | "deportation" | "deportations" | "repatriated" | "repatriation" | "expelled" | "removal"
            | "removals" => &["to"],
            "flown" | "flew" | "landed" => &["to", "in", "into"],
            _ => continue,
        };
        if !preps.contains(&s.word(i + 1)) {
            continue;
        }
        let mut j = i + 2;
        while s.word(j) == "the" {
            j += 1;
        }
        if let Some(name) = s.name_at(j)
            && !matches!(name.entry, Entry::Demonym { .. } | Entry::Group(_))
            && let Some(country) = country_of(name.entry)
        {
            found.push(country);
        }
    }
    found
}

/// States the page names as acting ("the Croatian authorities", "Croatia's police chief"):
/// the actor of passives when the page names no other.
/// Countries the sentence names, by name or adjective ("Turkey", "Turkish").
pub fn named_countries(s: &Sentence<'_>) -> Vec<CountryCode> {
    s.names
        .iter()
        .filter_map(|name| match name.entry {
            Entry::Country(code) => Some(code),
            Entry::Demonym { country, .. } => Some(country),
            _ => None,
        })
        .collect()
}

pub fn authority_hints(s: &Sentence<'_>) -> Vec<CountryCode> {
    s.names
        .iter()
        .filter_map(|name| match name.entry {
            Entry::Demonym { country, plural: false } if is_authority_word(s.word(name.last)) => {
                Some(country)
            }
            Entry::Country(code)
                if (s.word(name.last - 1).ends_with("'s") || s.word(name.last - 1).ends_with("’s"))
                    && is_authority_word(s.word(name.last)) =>
            {
                Some(code)
            }
            _ => None,
        })
        .collect()
}

/// The acting state: a subject before the verb, or "by X" after a passive.
fn actor(s: &Sentence<'_>, trigger: &Trigger) -> Option<CountryCode> {
    let start = clause_start(s, trigger);
    // "by Chinese authorities", "by Vietnamese soldiers", "by the BSF"; inside the trigger
    // too ("intercepted by the Indian coast guard").
    for i in trigger.first + 1..(trigger.last + 8).min(s.tokens.len()) {
        if s.word(i) == "by" && s.word(i + 1) != "way" {
            for j in i + 1..(i + 4).min(s.tokens.len()) {
                if let Some(name) = s.name_at(j)
                    && let Some(code) = acting_state(s, name)
                {
                    return Some(code);
                }
            }
        }
        if s.tokens[i].is_punct() && s.word(i) != "-" {
            break;
        }
    }
    // "received 11 citizens extradited from Russia": a participle after a counted group is its
    // own clause; the subject of the sentence did something else.
    let reduced = counted_right_before(s, trigger) && !aux_before(s, trigger.first);
    if reduced && trigger.kind == ClaimKind::ForcedReturn {
        return from_state(s, trigger);
    }
    // Nearest state before the verb, in the same clause, not after "to/into/from/in".
    let mut best = None;
    for name in s.names.iter().filter(|n| {
        n.first >= start && n.last <= trigger.first && !s.relative.get(n.first).copied().unwrap_or(false)
    }) {
        // "police in Assam", "officers in Dubai": the state that holds the place.
        if name.first >= 2
            && matches!(s.word(name.first - 1), "in" | "at")
            && is_authority_word(s.word(name.first - 2))
            && let Some(code) = country_of(name.entry)
        {
            best = Some(code);
            continue;
        }
        let before = name.first.checked_sub(1).map(|p| s.word(p));
        if matches!(
            before,
            Some(
                "to" | "into"
                    | "from"
                    | "in"
                    | "at"
                    | "near"
                    | "across"
                    | "of"
                    | "with"
                    | "for"
                    | "by"
                    | "escaped"
                    | "fled"
                    | "left"
                    | "leaving"
                    | "fleeing"
                    | "crossed"
                    | "entered"
                    | "reached"
                    | "visited"
                    | "about"
                    | "on"
            )
        ) {
            continue;
        }
        if let Some(code) = acting_state(s, name) {
            best = Some(code);
        }
    }
    if best.is_none() {
        best = institution(s, start, trigger);
    }
    if best.is_none() && trigger.kind == ClaimKind::ForcedReturn {
        return from_state(s, trigger);
    }
    best
}

/// A counted group of people ends right where the trigger starts ("100 people detained").
fn counted_right_before(s: &Sentence<'_>, trigger: &Trigger) -> bool {
    s.counts.iter().any(|c| c.last == trigger.first && c.head.is_some())
}

/// "deported from Turkey to China": the state people were removed from.
fn from_state(s: &Sentence<'_>, trigger: &Trigger) -> Option<CountryCode> {
    (trigger.last..(trigger.last + 3).min(s.tokens.len())).find_map(|i| {
        if s.word(i) != "from" {
            return None;
        }
        match s.name_at(i + 1)?.entry {
            Entry::Country(code) => Some(code),
            _ => None,
        }
    })
}

pub fn institutions() -> &'static [(String, CountryCode)] {
    static TABLE: std::sync::OnceLock<Vec<(String, CountryCode)>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| code_table(include_str!("../data/institutions.tsv")))
}

/// A `name<TAB>ISO code` table from `data/`; `#` lines are comments.
fn code_table(data: &str) -> Vec<(String, CountryCode)> {
    data.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .filter_map(|(name, code)| Some((name.to_owned(), code.trim().parse().ok()?)))
        .collect()
}

/// The one state a group calls home (`data/group_homes.tsv`), if it has one.
pub fn group_home(group: &str) -> Option<CountryCode> {
    static TABLE: std::sync::OnceLock<Vec<(String, CountryCode)>> = std::sync::OnceLock::new();
    TABLE
        .get_or_init(|| code_table(include_str!("../data/group_homes.tsv")))
        .iter()
        .find(|(name, _)| name == group)
        .map(|(_, code)| *code)
}

/// A state body named as the subject or the agent: "the Home Office removed", "by the BSF".
fn institution(s: &Sentence<'_>, start: usize, trigger: &Trigger) -> Option<CountryCode> {
    let (Some(from), Some(to)) =
        (s.tokens.get(start), s.tokens.get((trigger.last + 8).min(s.tokens.len()) - 1))
    else {
        return None;
    };
    let region = s.text.get(from.start..to.end)?;
    let mut best: Option<(usize, CountryCode)> = None;
    for (name, code) in institutions() {
        let mut offset = 0;
        while let Some(found) = region[offset..].find(name.as_str()) {
            let at = offset + found;
            offset = at + name.len();
            let bounded = !region[..at].ends_with(|c: char| c.is_alphanumeric())
                && !region[at + name.len()..].starts_with(|c: char| c.is_alphanumeric());
            if !bounded {
                continue;
            }
            let absolute = from.start + at;
            let Some(token) = s.tokens.iter().position(|t| t.start == absolute) else { continue };
            let before = token.checked_sub(1).map(|p| s.word(p));
            let agent =
                before == Some("by") || before == Some("the") && token >= 2 && s.word(token - 2) == "by";
            let subject =
                token < trigger.first && !matches!(before, Some("to" | "from" | "into" | "with" | "of"));
            if (agent || subject) && best.is_none_or(|(t, _)| token > t && token < trigger.first) {
                best = Some((token, *code));
            }
        }
    }
    best.map(|(_, code)| code)
}

/// A name that stands for a state that acts: "China", "Chinese authorities", "China's police", "Beijing".
pub fn acting_state(s: &Sentence<'_>, name: &Name) -> Option<CountryCode> {
    let next = s.word(name.last);
    let after = s.word(name.last + 1);
    match name.entry {
        Entry::Country(code) => {
            // "China's", or "China" followed by a verb or authority noun.
            Some(code).filter(|_| !is_people_word(next))
        }
        Entry::Demonym { country, plural: false } => {
            (is_authority_word(next) || is_authority_word(after) && !is_people_word(next)).then_some(country)
        }
        Entry::City(id) => {
            let city = gazetteer::get().city(id);
            city.capital.then_some(city.country).filter(|_| !matches!(next, "-" | "based"))
        }
        _ => None,
    }
}

/// People's nationality: the people word of the count, or a demonym/group in the clause.
fn nationality(s: &Sentence<'_>, count: Option<&CountMention>, trigger: &Trigger) -> Option<Nationality> {
    // "a couple from Sri Lanka", "12 men from Eritrea"
    // Only as the subject: in "deported 40 Uyghurs from Thailand" the state is where they were.
    if let Some(count) = count
        && count.last < trigger.first
        && s.word(count.last) == "from"
        && let Some(name) = s.name_at(count.last + 1)
        && let Entry::Country(code) = name.entry
    {
        return Some(Nationality::Country(code));
    }
    if let Some(count) = count {
        for i in count.first..count.last {
            if let Some(name) = s.name_covering(i)
                && let Some(n) = nationality_of(name.entry)
            {
                return Some(n);
            }
        }
    }
    // "An Uzbek opposition activist, Farrukh Tashpulatov, was extradited": the whole subject.
    let from = trigger.gap.map_or(trigger.first, |(a, _)| a).saturating_sub(6).min(clause_start(s, trigger));
    let to = (trigger.last + 8).min(s.tokens.len());
    s.names
        .iter()
        .filter(|n| n.first >= from && n.first < to)
        .filter(|n| match n.entry {
            Entry::Demonym { plural, .. } => {
                plural
                    || is_people_word(s.word(n.last))
                    || is_person_noun(s.word(n.last + 1)) && !is_organisation_word(s.word(n.last))
                    || s.word(n.last) == "," && !is_authority_word(s.word(n.last))
            }
            Entry::Group(_) => true,
            _ => false,
        })
        .filter(|n| !is_authority_word(s.word(n.last)) && !is_side_word(s.word(n.last)))
        // "a Polish refugee charity", "an Afghan women's group": an organisation, not people.
        .filter(|n| !is_organisation_word(s.word(n.last + 1)) && !is_organisation_word(s.word(n.last + 2)))
        .find_map(|n| nationality_of(n.entry))
}

fn is_organisation_word(lower: &str) -> bool {
    matches!(
        lower,
        "charity"
            | "charities"
            | "organisation"
            | "organization"
            | "group"
            | "groups"
            | "association"
            | "council"
            | "network"
            | "foundation"
            | "agency"
            | "ngo"
            | "committee"
            | "society"
            | "union"
            | "advocates"
            | "advocacy"
            | "campaigners"
    )
}

/// Where it happened: a region or city after "in", "at" or "near".
fn place(s: &Sentence<'_>, trigger: &Trigger) -> Option<Place> {
    let gaz = gazetteer::get();
    let limit = clause_limit(s, trigger);
    let from = passive_clause_start(s, trigger, 0);
    // "The men, who had lived in Almaty since 2019, were detained": not where it happened.
    let in_relative = |i: usize| s.relative.get(i).copied().unwrap_or(false);
    for name in s.names.iter().filter(|n| n.first >= from && n.last <= limit && !in_relative(n.first)) {
        if !located(s, name, &["in", "at", "near"]) {
            continue;
        }
        let text = s.slice(name.first, name.last).to_owned();
        match name.entry {
            Entry::Region(id) => {
                let region = gaz.region(id);
                return Some(Place {
                    name: text,
                    country: Some(region.country),
                    admin1: Some(region.code.clone()),
                    lat: Some(region.lat),
                    lon: Some(region.lon),
                    precision: PlacePrecision::Admin1,
                });
            }
            Entry::City(id) => {
                let city = gaz.city(id);
                return Some(Place {
                    name: text,
                    country: Some(city.country),
                    admin1: city.admin1.clone(),
                    lat: Some(city.lat),
                    lon: Some(city.lon),
                    precision: PlacePrecision::City,
                });
            }
            _ => {}
        }
    }
    None
}

/// "in Jilin", "at the Park Hotel": a name right after one of `preps`, perhaps with "the".
fn located(s: &Sentence<'_>, name: &Name, preps: &[&str]) -> bool {
    let before = |k: usize| name.first.checked_sub(k).map(|p| s.word(p));
    before(1).is_some_and(|w| preps.contains(&w))
        || before(1) == Some("the") && before(2).is_some_and(|w| preps.contains(&w))
}

/// Who the sentence attributes its claims to: "X said", "according to X", "citing X".
pub fn sources(s: &Sentence<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let n = s.tokens.len();
    for i in 0..n {
        let w = s.word(i);
        let np = if matches!(
            w,
            "said"
                | "says"
                | "say"
                | "told"
                | "reported"
                | "confirmed"
                | "found"
                | "stated"
                | "announced"
                | "estimated"
                | "counted"
                | "verified"
                | "documented"
                | "claimed"
        ) && !(i > 0 && matches!(s.word(i - 1), "an" | "the"))
        {
            // (Not "an estimated 500": a hedge on the figure, not a source.)
            // Noun phrase before the verb, skipping "has", "also", "had".
            let mut end = i;
            while end > 0
                && matches!(
                    s.word(end - 1),
                    "has" | "had" | "have" | "also" | "later" | "earlier" | "separately"
                )
            {
                end -= 1;
            }
            let mut begin = end;
            while begin > 0 && end - begin < 7 {
                let t = &s.tokens[begin - 1];
                if t.is_punct() && !matches!(t.lower.as_str(), "(" | ")" | "'")
                    || matches!(t.lower.as_str(), "that" | "and" | "as" | "but")
                {
                    break;
                }
                begin -= 1;
            }
            Some((begin, end))
        } else if (w == "according" && s.word(i + 1) == "to") || w == "citing" {
            let begin = if w == "citing" { i + 1 } else { i + 2 };
            let mut end = begin;
            while end < n && end - begin < 8 {
                let t = &s.tokens[end];
                if t.is_punct() && !matches!(t.lower.as_str(), "(" | ")" | "'")
                    || matches!(t.lower.as_str(), "who" | "that" | "and" | "which")
                {
                    break;
                }
                end += 1;
            }
            Some((begin, end))
        } else {
            None
        };
        let Some((begin, end)) = np else { continue };
        if let Some(source) = clean_source(s, begin, end)
            && !out.contains(&source)
        {
            out.push(source);
        }
    }
    out
}

fn clean_source(s: &Sentence<'_>, mut begin: usize, mut end: usize) -> Option<String> {
    while begin < end
        && matches!(
            s.word(begin),
            "the"
                | "a"
                | "an"
                | "also"
                | "reports"
                | "report"
                | "by"
                | "though"
                | "although"
                | "but"
                | "and"
                | "while"
        )
    {
        begin += 1;
    }
    // Drop a parenthesised abbreviation: "Human Rights Watch (HRW)".
    if end >= begin + 3 && s.word(end - 1) == ")" && s.word(end - 3) == "(" {
        end -= 3;
    }
    // Drop trailing time words: "activists said on Friday" has none before the verb, but "X on Friday said" does.
    if begin >= end {
        return None;
    }
    let first = &s.tokens[begin];
    if matches!(
        first.lower.as_str(),
        "he" | "she" | "they" | "it" | "we" | "i" | "you" | "this" | "which" | "who"
    ) {
        return None;
    }
    let text = s.slice(begin, end).trim().to_owned();
    let words = end - begin;
    let capital = (begin..end).any(|i| s.tokens[i].is_capitalized(s.text));
    let known = (begin..end).any(|i| {
        matches!(
            s.word(i),
            "activists"
                | "missionary"
                | "officials"
                | "sources"
                | "family"
                | "relatives"
                | "witnesses"
                | "ministry"
                | "group"
                | "groups"
                | "police"
                | "government"
                | "spokesperson"
                | "spokesman"
                | "station"
                | "newspaper"
                | "source"
                | "expert"
                | "experts"
                | "lawyers"
                | "campaigners"
                | "media"
                | "agency"
                | "wife"
                | "husband"
                | "sister"
                | "brother"
                | "mother"
                | "father"
                | "daughter"
                | "son"
                | "families"
                | "monitor"
                | "monitors"
                | "observers"
                | "lawyer"
                | "attorney"
                | "researchers"
                | "residents"
                | "rapporteur"
        )
    });
    (words > 0 && words <= 8 && (capital || known) && !text.is_empty()).then_some(text)
}

/// Person names stated in the sentence: "identified as X", "named X", "we are calling X", "The woman, X,".
/// Returns (first token, last token, name).
pub fn person_names(s: &Sentence<'_>) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let n = s.tokens.len();
    let name_from = |begin: usize| -> Option<(usize, usize, String)> {
        let mut end = begin;
        while end < n
            && end - begin < 4
            && s.tokens[end].kind == TokenKind::Word
            && s.tokens[end].is_capitalized(s.text)
        {
            if s.name_covering(end).is_some() || dates::month_number(s.word(end)).is_some() {
                break;
            }
            end += 1;
        }
        (end - begin >= 2).then(|| (begin, end, s.slice(begin, end).to_owned()))
    };
    let end_of = |begin: usize| name_from(begin).map_or(begin, |(_, end, _)| end);
    for i in 0..n {
        let w = s.word(i);
        let cue_len = if (w == "identified" || w == "known") && s.word(i + 1) == "as" {
            2
        } else if matches!(w, "named" | "calling" | "called") {
            1
        } else if w == "," && i >= 1 && is_person_noun(s.word(i - 1)) && i >= 2 && s.word(i - 2) != "a" {
            // "The woman, Ri Sun-hee, had been…": the name is followed by a comma.
            1
        } else {
            0
        };
        if cue_len == 0 {
            continue;
        }
        if let Some(found) = name_from(i + cue_len) {
            if w == "," && s.word(found.1) != "," {
                continue;
            }
            out.push(found);
        }
    }
    // "Novak Testname was deported", "the lawyer said Novak Testname had been held": a two- or
    // three-word name as the subject of a passive, opening the sentence or a reported clause.
    if out.is_empty() {
        let starts = std::iter::once(0)
            .chain((0..n).filter(|&i| matches!(s.word(i), "said" | "says" | "that")).map(|i| i + 1));
        for start in starts {
            // "Marek Testname, a tennis player, was deported": past an appositive.
            let verb_at = if s.word(end_of(start)) == "," {
                (end_of(start) + 1..(end_of(start) + 9).min(n))
                    .find(|&k| s.word(k) == ",")
                    .map_or(end_of(start), |k| k + 1)
            } else {
                end_of(start)
            };
            if let Some((begin, end, name)) = name_from(start)
                && end - begin <= 3
                && matches!(s.word(verb_at), "was" | "had")
                && !(begin..end).any(|k| {
                    is_authority_word(s.word(k))
                        || is_people_word(s.word(k))
                        || NOT_NAMES.contains(&s.word(k))
                })
            {
                out.push((begin, end, name));
            }
        }
    }
    out
}

/// Capitalised words that start sentences but are not names.
const NOT_NAMES: &[&str] = &[
    "the",
    "a",
    "an",
    "this",
    "that",
    "these",
    "those",
    "on",
    "in",
    "at",
    "by",
    "after",
    "before",
    "when",
    "while",
    "his",
    "her",
    "their",
    "its",
    "our",
    "my",
    "one",
    "two",
    "some",
    "many",
    "most",
    "all",
    "both",
    "each",
    "every",
    "human",
    "rights",
    "watch",
    "amnesty",
    "international",
    "ministry",
    "department",
    "office",
    "court",
    "house",
    "united",
    "nations",
    "news",
    "agency",
    "group",
    "council",
    "commission",
    "committee",
    "union",
    "party",
    "force",
];

fn is_person_noun(lower: &str) -> bool {
    matches!(
        lower,
        "woman"
            | "man"
            | "girl"
            | "boy"
            | "mother"
            | "father"
            | "defector"
            | "refugee"
            | "teacher"
            | "student"
            | "husband"
            | "wife"
            | "son"
            | "daughter"
            | "activist"
            | "journalist"
            | "worker"
            | "migrant"
            | "dissident"
            | "brother"
            | "sister"
            | "cousin"
            | "uncle"
            | "aunt"
            | "nephew"
            | "niece"
            | "friend"
            | "colleague"
            | "lawyer"
            | "pastor"
            | "priest"
            | "imam"
            | "cleric"
            | "doctor"
            | "nurse"
            | "businessman"
            | "businesswoman"
            | "poet"
            | "writer"
            | "blogger"
            | "artist"
            | "singer"
            | "scholar"
            | "academic"
            | "monk"
            | "nun"
            | "defendant"
            | "teenager"
            | "asylum-seeker"
            | "seeker"
    )
}

/// One person as the object or subject: "sent her back", "She was deported", "the woman was".
fn individual(s: &Sentence<'_>, trigger: &Trigger) -> bool {
    let start = clause_start(s, trigger);
    let object = (trigger.first + 1..(trigger.last + 2).min(s.tokens.len()))
        .any(|i| matches!(s.word(i), "her" | "him"))
        // "abducted the activist", "caught a woman"
        || (matches!(s.word(trigger.last), "the" | "a" | "an")
            && is_person_noun(s.word(trigger.last + 1))
            && !matches!(s.word(trigger.last + 2), "and" | "with"));
    let subject = (start..trigger.first).any(|i| {
        matches!(s.word(i), "she" | "he") || is_person_noun(s.word(i)) && s.word(i.saturating_sub(1)) != "a"
    });
    object || subject
}

fn women(s: &Sentence<'_>) -> Option<bool> {
    // "One woman said soldiers detained her husband": the woman speaks; she is not in the group.
    let speaks = |i: usize| {
        (i + 1..i + 3).any(|k| matches!(s.word(k), "said" | "says" | "told" | "recalled" | "added"))
    };
    (0..s.tokens.len())
        .any(|i| {
            matches!(
                s.word(i),
                "women" | "woman" | "girls" | "girl" | "mothers" | "mother" | "daughters" | "she"
            ) && !speaks(i)
        })
        .then_some(true)
}

/// Builds the claims one accepted trigger asserts: one per (count, date) pair or nationality.
fn build(s: &Sentence<'_>, trigger: &Trigger, index: usize) -> Vec<Draft> {
    let start = clause_start(s, trigger);
    let end = s.tokens.len();
    if trigger.rule != Rule::Noun && !people_reference(s, start, end) {
        return Vec::new();
    }
    // Counts: in a gap ("sent 600 back"), after an active verb, or before a passive one.
    let passive = (aux_before(s, trigger.first)
        && (trigger.first.saturating_sub(3)..trigger.first).any(|i| BE.contains(&s.word(i))))
        || coordinated_passive(s, trigger, start);
    let mut chosen: Vec<&CountMention> = Vec::new();
    // "1,800 deportations of Syrians": the figure whose head is the trigger itself.
    chosen.extend(
        s.counts.iter().filter(|c| c.head.is_some_and(|h| h == trigger.first || h + 1 == trigger.last)),
    );
    if let Some((a, b)) = trigger.gap
        && chosen.is_empty()
    {
        chosen.extend(s.counts.iter().filter(|c| c.first >= a && c.last <= b));
    }
    // "arrested 1,000 Afghans … and deported 350 of them": the object ends where the next
    // verb of the subject starts.
    // "rounded up hundreds … and more than 15,000 were deported": a new subject with its own
    // passive verb starts a new clause too.
    let end_of_clause = (trigger.last..clause_end(s, trigger))
        .find(|&i| {
            s.word(i) == "and"
                && (s.word(i + 1).ends_with("ed")
                    || matches!(s.word(i + 1), "then" | "later" | "subsequently")
                        && s.word(i + 2).ends_with("ed")
                    || opens_passive_clause(s, i))
        })
        .unwrap_or_else(|| clause_end(s, trigger));
    // "… landed on Friday, days after a first flight brought back 190 people": another occasion.
    let end_of_clause = (trigger.last..end_of_clause)
        .find(|&i| {
            matches!(s.word(i), "after" | "before" | "when" | "whereas")
                && i.checked_sub(1).is_some_and(|p| {
                    s.tokens[p].is_punct()
                        || matches!(
                            s.word(p),
                            "days" | "weeks" | "hours" | "months" | "shortly" | "soon" | "just"
                        )
                })
        })
        .unwrap_or(end_of_clause);
    if chosen.is_empty() && !passive {
        chosen.extend(s.counts.iter().filter(|c| c.first >= trigger.last && c.last <= end_of_clause));
    }
    if chosen.is_empty() {
        // The subject of a passive: the first figure of the clause, its breakdowns dropped below.
        // "… rounded up hundreds, and more than 15,000 were deported": the subject starts after
        // the "and" that opens the passive clause.
        let subject_start = passive_clause_start(s, trigger, start);
        chosen.extend(s.counts.iter().filter(|c| c.first >= subject_start && c.last <= trigger.first));
    }
    if chosen.is_empty() {
        chosen.extend(s.counts.iter().filter(|c| c.first >= trigger.last && c.last <= end_of_clause));
    } else if passive && s.dates.len() >= 2 {
        // "80 were sent back on Aug. 29 and another 40 on the 18th": more occasions after the verb.
        chosen.extend(
            s.counts
                .iter()
                .filter(|c| c.first >= trigger.last && c.head.is_none() && c.last <= end_of_clause),
        );
    }
    // "Those include nearly 50 people in July 2021, and last year the return of 80 people on
    // 29 August, …": the list of occasions starts before the noun.
    if trigger.rule == Rule::Noun
        && !chosen.is_empty()
        && let Some(include) = (start..trigger.first)
            .find(|&i| matches!(s.word(i), "include" | "includes" | "included" | "including"))
    {
        let before: Vec<&CountMention> =
            s.counts.iter().filter(|c| c.first > include && c.last <= trigger.first).collect();
        chosen.splice(0..0, before);
    }
    // Breakdowns ("fourteen people, nine men and five women") follow a total: keep the total.
    // "seized the group, among them at least one child": who was in it, not how many.
    chosen.retain(|c| {
        !(c.first >= 1 && matches!(s.word(c.first - 1), "including" | "includes")
            || c.first >= 2
                && s.word(c.first - 2) == "among"
                && matches!(s.word(c.first - 1), "them" | "whom"))
    });
    let mut chosen = drop_breakdowns(s, chosen);
    // "detained 14 protesters", "arrested five suspected smugglers": a figure right after the
    // verb that counts no people the record is about.
    if trigger.kind == ClaimKind::Detention
        && !passive
        && chosen.is_empty()
        && counts::number_at(&s.tokens, trigger.last).is_some()
        && dates::year_of(&s.tokens[trigger.last]).is_none()
    {
        return Vec::new();
    }

    // "forcibly returned": the adverb settles the sense a weak verb leaves open.
    let forced =
        trigger.first > 0 && matches!(s.word(trigger.first - 1), "forcibly" | "forcefully" | "summarily");
    if trigger.rule == Rule::Weak && !forced {
        let object = chosen.iter().any(|c| c.first >= trigger.first)
            || (trigger.first..(trigger.last + 4).min(end))
                .any(|i| matches!(s.word(i), "them" | "him" | "her"))
            || passive && people_reference(s, start, trigger.first);
        let near = (trigger.last + 6).min(end);
        let back = (trigger.first..near).any(|i| matches!(s.word(i), "back" | "across" | "home" | "out"));
        // "800,000 Afghans have been returned from Pakistan": a state sent them.
        let sent_from = passive && from_state(s, trigger).is_some();
        if !object || (destination(s, trigger, near).is_none() && !back && !sent_from) {
            return Vec::new();
        }
    }
    let dates_after: Vec<&DateMention> = s.dates.iter().collect();
    let bare_noun = trigger.rule == Rule::Noun
        && !matches!(
            s.word(trigger.last.saturating_sub(1)),
            "of" | "carrying" | "left" | "departed" | "landed" | "took"
        );
    if bare_noun {
        // "670 forced returns": a plural noun counts only with a figure right before it.
        let figure = s.counts.iter().find(|c| {
            c.head.is_some_and(|h| h == trigger.first || h + 1 == trigger.last)
                || (c.last <= trigger.first && c.last + 2 >= trigger.first)
        });
        match figure {
            Some(c) => chosen = vec![c],
            None => return Vec::new(),
        }
    }
    if trigger.rule == Rule::Noun && chosen.is_empty() && dates_after.is_empty() {
        // "a repatriation of a large number of North Koreans": an occasion without figures.
        if !(trigger.first > 0
            && matches!(s.word(trigger.first - 1), "a" | "the")
            && people_reference(s, trigger.last, end))
        {
            return Vec::new();
        }
    }

    let sources = sources(s);
    let persons: Vec<String> = person_names(s).into_iter().map(|(_, _, name)| name).collect();
    let mut perpetrator = actor(s, trigger);
    // States hold people on their own soil: a prison in Tecoluca is El Salvador's, whoever
    // flew the people there, unless the text names the holder ("by US forces", "the US base").
    if trigger.kind == ClaimKind::Detention
        && let Some(held_in) = detention_country(s, trigger)
        && perpetrator.is_some_and(|p| p != held_in)
        && !named_agent(s, trigger)
        && !foreign_base(s)
    {
        perpetrator = Some(held_in);
    }
    // "transferred to Chinese custody": handed to another state, a return to it.
    let handed_to = (trigger.kind == ClaimKind::Detention)
        .then(|| custody_of(s, trigger))
        .flatten()
        .filter(|c| perpetrator != Some(*c));
    let kind = if handed_to.is_some() { ClaimKind::ForcedReturn } else { trigger.kind };
    let dest = match handed_to {
        Some(state) => Some(state),
        None if trigger.kind == ClaimKind::ForcedReturn => destination(s, trigger, end_of_clause),
        None => None,
    };
    let evidence =
        Evidence { start: s.start, end: s.end, text: s.text.get(s.start..s.end).unwrap_or("").to_owned() };

    // Pair counts with dates when a sentence lists several occasions.
    let list_dates: Vec<&DateMention> =
        s.dates.iter().filter(|d| d.last > trigger.first || trigger.rule == Rule::Noun).collect();
    let paired =
        chosen.len() >= 2 && list_dates.len() >= chosen.len().min(list_dates.len()) && list_dates.len() >= 2;
    let mut drafts = Vec::new();
    let units: Vec<(Option<&CountMention>, Option<&DateMention>)> = if paired {
        chosen.iter().map(|c| (Some(*c), nearest_date_after(&list_dates, c))).collect()
    } else if chosen.is_empty() {
        vec![(None, pick_date(s, trigger))]
    } else {
        chosen.iter().map(|c| (Some(*c), pick_date(s, trigger))).collect()
    };
    let single = !paired && units.len() == 1;
    for (count_mention, date) in units {
        let mut count = count_mention.map_or_else(Count::unknown, |c| c.count.clone());
        let is_individual = count_mention.is_none() && individual(s, trigger);
        if is_individual || (count_mention.is_none() && !persons.is_empty() && single) {
            count = Count::exact(1, "");
        }
        let nationality = nationality(s, count_mention, trigger);
        // "was among those sent back": membership of an occasion told elsewhere; a date nearby
        // belongs to the person's story ("who crossed into China in 1998").
        let among = trigger.first >= 2
            && s.word(trigger.first - 1) == "those"
            && s.word(trigger.first - 2) == "among";
        let date_span = if among {
            DateSpan::UNKNOWN
        } else {
            date.map_or(DateSpan::UNKNOWN, |d| held_until(s, trigger, d).unwrap_or(overnight(s, trigger, d)))
        };
        // "held since January" describes a state that lasts, not a total of events.
        let stative = s.word(trigger.first) == "held" && trigger.last == trigger.first + 1
            || s.word(trigger.first) == "been";
        // A whole year with a large figure is a total over that year, not one occasion.
        let yearly_total = |d: &DateMention| {
            d.span.precision == domain::DatePrecision::Year && count.low.is_some_and(|low| low >= 100)
        };
        // "A total of 1,200 Eritreans were deported in March and April"
        // "In total, we documented 43 people pushed back in June"
        let totalled = count_mention.is_some_and(|c| {
            c.first >= 2 && s.word(c.first - 2) == "total" && s.word(c.first - 1) == "of"
                || c.first >= 2 && s.word(c.first - 2) == "in" && s.word(c.first - 1) == "all"
        }) || (s.word(0) == "in"
            && s.word(1) == "total"
            && s.word(2) == ","
            && date.is_some_and(|d| {
                matches!(d.span.precision, domain::DatePrecision::Month | domain::DatePrecision::Year)
            }));
        // "at least 20 people have been returned … this year": a tally of the year so far.
        let tally_so_far = |d: &DateMention| {
            d.span.precision == domain::DatePrecision::Year && present_perfect(s, trigger.first)
        };
        let aggregate = !stative
            && (totalled
                || date.is_some_and(|d| {
                    d.period || is_long_range(&d.span) || yearly_total(d) || tally_so_far(d)
                }))
            || several_places(s, trigger);
        let claim = Claim {
            kind,
            aggregate,
            date: date_span,
            count,
            perpetrator,
            destination: dest,
            nationality: nationality.clone(),
            place: place(s, trigger),
            women: women(s),
            children: None,
            sources: sources.clone(),
            persons: persons.clone(),
            evidence: vec![evidence.clone()],
        };
        let mut anaphoric = count_mention.is_none() && !is_individual && refers_back(s, start, end);
        // "the 32 – four women, 27 men and a girl – … and overnight they were moved": the
        // group counted earlier in the same sentence.
        let mut claim = claim;
        if anaphoric
            && let Some(earlier) = s
                .counts
                .iter()
                .find(|c| c.last <= trigger.first && c.count.low.is_some() && c.count.low == c.count.high)
        {
            claim.count = earlier.count.clone();
            anaphoric = false;
        }
        drafts.push(Draft {
            on_arrival: trigger.kind == ClaimKind::Detention && arrival(s, trigger),
            since_arrival: trigger.kind == ClaimKind::Detention
                && (trigger.last..clause_end(s, trigger))
                    .any(|i| s.word(i) == "since" && matches!(s.word(i + 2), "arrived" | "landed")),
            claim,
            sentence: index,
            paragraph: s.paragraph,
            individual: is_individual,
            anaphoric,
            weak: trigger.rule == Rule::Weak
                && !forced
                && matches!(
                    s.word(trigger.first),
                    "moved" | "escorted" | "drove" | "driven" | "driving" | "transferred" | "flown" | "put"
                ),
        });
    }
    // "bringing the total for July to 22": a running total beside the occasion.
    if let Some(total) = running_total(s, trigger)
        && let Some(first) = drafts.first()
    {
        let mut claim = first.claim.clone();
        claim.aggregate = true;
        claim.count = total;
        drafts.push(Draft {
            claim,
            sentence: index,
            paragraph: s.paragraph,
            individual: false,
            anaphoric: false,
            weak: first.weak,
            on_arrival: first.on_arrival,
            since_arrival: first.since_arrival,
        });
    }
    drafts
}

/// The country of the place people were held in: "held at Branch 235 in Damascus", "driven to
/// a prison in Tecoluca". Only a place after the verb, within its clause, counts.
fn detention_country(s: &Sentence<'_>, trigger: &Trigger) -> Option<CountryCode> {
    let end = clause_limit(s, trigger).min(trigger.last + 16);
    let gaz = gazetteer::get();
    s.names.iter().filter(|n| n.first >= trigger.last && n.last <= end).find_map(|name| {
        if !located(s, name, &["in", "at"]) {
            return None;
        }
        match name.entry {
            Entry::Region(id) => Some(gaz.region(id).country),
            Entry::City(id) => Some(gaz.city(id).country),
            _ => None,
        }
    })
}

/// Where what the trigger tells ends: its clause, or a subordinate clause after it ("even as
/// fighting raged in Idlib", "when they reached Kabul").
fn clause_limit(s: &Sentence<'_>, trigger: &Trigger) -> usize {
    let end = clause_end(s, trigger);
    (trigger.last..end)
        .find(|&i| {
            matches!(
                s.word(i),
                "as" | "when"
                    | "where"
                    | "while"
                    | "after"
                    | "before"
                    | "because"
                    | "since"
                    | "who"
                    | "which"
            ) && (i.checked_sub(1).is_some_and(|p| s.tokens[p].is_punct() || s.word(p) == "even"))
        })
        .unwrap_or(end)
}

/// The acting state is written as the agent: "by Chinese police", "by the Home Office".
fn named_agent(s: &Sentence<'_>, trigger: &Trigger) -> bool {
    // "police in Istanbul held …": the authority of the place named as the subject.
    let start = clause_start(s, trigger);
    let local_subject = s.names.iter().any(|n| {
        n.first >= start + 2
            && n.last <= trigger.first
            && matches!(s.word(n.first - 1), "in" | "at")
            && is_authority_word(s.word(n.first - 2))
    });
    local_subject
        || (trigger.first + 1..(trigger.last + 8).min(s.tokens.len()))
            .take_while(|&i| !s.tokens[i].is_punct() || s.word(i) == "-")
            .any(|i| {
                s.word(i) == "by" && (i + 1..(i + 4).min(s.tokens.len())).any(|j| s.name_at(j).is_some())
            })
}

/// "the US base in Djibouti": a state holding people on ground it runs abroad.
fn foreign_base(s: &Sentence<'_>) -> bool {
    s.names.iter().any(|n| matches!(s.word(n.last), "base" | "bases" | "-run" | "embassy" | "consulate"))
}

/// "held at a hotel … until a judge ordered his release on 10 January": with an earlier date
/// in the sentence, the stay runs from it to the release.
fn held_until(s: &Sentence<'_>, trigger: &Trigger, date: &DateMention) -> Option<DateSpan> {
    if trigger.kind != ClaimKind::Detention || date.first < trigger.last {
        return None;
    }
    (trigger.last..date.first).find(|&i| matches!(s.word(i), "until" | "till"))?;
    let earlier = s.dates.iter().rfind(|d| d.last <= trigger.first)?;
    let (start, end) = (earlier.span.start?, date.span.end.or(date.span.start)?);
    let key = |d: domain::PartialDate| (d.year, d.month, d.day);
    (start.year == end.year && key(start) < key(end)).then_some(DateSpan {
        start: Some(start),
        end: Some(end),
        precision: domain::DatePrecision::Range,
    })
}

/// "on 18 August, and overnight they were moved": the night runs into the next day.
fn overnight(s: &Sentence<'_>, trigger: &Trigger, date: &DateMention) -> DateSpan {
    let span = date.span;
    let here = (date.last..trigger.first).any(|i| s.word(i) == "overnight")
        || (trigger.last..(trigger.last + 3).min(s.tokens.len())).any(|i| s.word(i) == "overnight");
    let next = span.start.filter(|_| span.precision == domain::DatePrecision::Day).and_then(|d| {
        // An unstated year is reckoned as a common year: 28 February runs into 1 March.
        let day = domain::PartialDate { year: Some(d.year.unwrap_or(2001)), ..d }.to_date()?.succ_opt()?;
        Some(domain::PartialDate { year: d.year, ..domain::PartialDate::from_date(day) })
    });
    match next {
        Some(end) if here => {
            DateSpan { start: span.start, end: Some(end), precision: domain::DatePrecision::Range }
        }
        _ => span,
    }
}

/// "rounded up in Jizan, Jeddah, Riyadh and Dammam", "held in depots around the country": many
/// places are many occasions, a total.
fn several_places(s: &Sentence<'_>, trigger: &Trigger) -> bool {
    let (start, end) = (clause_start(s, trigger), clause_limit(s, trigger));
    let place_at = |i: usize| {
        s.name_at(i).filter(|n| n.first == i && matches!(n.entry, Entry::City(_) | Entry::Region(_)))
    };
    // The longest list of places after "in", "from" or "across": "in A, B, C and D".
    let mut places = 0;
    for i in start..end {
        if !matches!(s.word(i), "in" | "from" | "across") {
            continue;
        }
        let (mut k, mut listed) = (i + 1, 0);
        while let Some(name) = place_at(k).filter(|n| n.last <= end) {
            listed += 1;
            k = name.last;
            match (s.word(k), s.word(k + 1)) {
                (",", "and") => k += 2,
                (",", _) | ("and", _) => k += 1,
                _ => break,
            }
        }
        places = places.max(listed);
    }
    let spread = (start..end).any(|i| {
        matches!(s.word(i), "around" | "across" | "throughout")
            && s.word(i + 1) == "the"
            && matches!(s.word(i + 2), "country" | "region")
            || s.word(i) == "nationwide"
            || matches!(s.word(i), "several" | "various" | "many" | "different")
                && matches!(
                    s.word(i + 1),
                    "states"
                        | "provinces"
                        | "regions"
                        | "cities"
                        | "prisons"
                        | "centres"
                        | "centers"
                        | "camps"
                )
    });
    places >= 3 || spread
}

/// Things that are held without anyone being detained.
fn is_event_noun(lower: &str) -> bool {
    matches!(
        lower,
        "exhibition"
            | "exhibitions"
            | "talks"
            | "meeting"
            | "meetings"
            | "election"
            | "elections"
            | "event"
            | "events"
            | "games"
            | "ceremony"
            | "ceremonies"
            | "concert"
            | "concerts"
            | "rally"
            | "rallies"
            | "conference"
            | "conferences"
            | "hearing"
            | "hearings"
            | "discussions"
            | "festival"
            | "festivals"
            | "competition"
            | "competitions"
            | "session"
            | "sessions"
            | "workshop"
            | "workshops"
            | "vote"
            | "referendum"
            | "funeral"
            | "vigil"
            | "vigils"
            | "protest"
            | "protests"
            | "summit"
            | "race"
            | "races"
            | "auction"
            | "party"
            | "celebrations"
    )
}

/// "held on arrival", "detained upon landing", "since they arrived".
fn arrival(s: &Sentence<'_>, trigger: &Trigger) -> bool {
    (trigger.last..clause_end(s, trigger)).any(|i| {
        matches!(s.word(i), "on" | "upon") && matches!(s.word(i + 1), "arrival" | "landing")
            || matches!(s.word(i), "since" | "after" | "when" | "once")
                && matches!(s.word(i + 1), "they" | "he" | "she")
                && matches!(s.word(i + 2), "arrived" | "landed")
    })
}

/// "the men", "the group", "them": people the text has already counted.
fn refers_back(s: &Sentence<'_>, start: usize, end: usize) -> bool {
    (start..end.min(s.tokens.len())).any(|i| {
        matches!(s.word(i), "them" | "they")
            || s.word(i) == "those" && i == start
            || s.word(i) == "the"
                && matches!(
                    s.word(i + 1),
                    "men" | "women" | "group" | "detainees" | "deportees" | "returnees" | "refugees"
                )
    })
}

/// "between 7 May and 3 June": a span of weeks with one figure is a total, not one occasion.
fn is_long_range(span: &DateSpan) -> bool {
    let days = |d: Option<domain::PartialDate>| {
        d.and_then(|d| chrono::NaiveDate::from_ymd_opt(d.year.unwrap_or(2001), d.month, d.day))
    };
    span.precision == domain::DatePrecision::Range
        && matches!((days(span.start), days(span.end)), (Some(a), Some(b)) if (b - a).num_days() > 21)
}

/// "the total … to N", "a total of N".
fn running_total(s: &Sentence<'_>, trigger: &Trigger) -> Option<Count> {
    let at = (trigger.last..s.tokens.len()).find(|&i| s.word(i) == "total")?;
    let end = (at..s.tokens.len().min(at + 6)).find(|&i| s.word(i) == "to" || s.word(i) == "of")?;
    let token = s.tokens.get(end + 1)?;
    let n = counts::small_number(&token.lower)?;
    Some(Count::exact(n, token.lower.clone()))
}

fn drop_breakdowns<'s>(s: &Sentence<'_>, chosen: Vec<&'s CountMention>) -> Vec<&'s CountMention> {
    let mut out: Vec<&CountMention> = Vec::new();
    for count in chosen {
        let generic = count.head.is_some_and(|h| {
            matches!(
                s.word(h),
                "men"
                    | "women"
                    | "children"
                    | "boys"
                    | "girls"
                    | "man"
                    | "woman"
                    | "child"
                    | "families"
                    | "others"
            )
        });
        let nationality = count.head.and_then(|h| s.name_covering(h)).is_some();
        if let Some(prev) = out.last() {
            // A later count right after a total with a generic head is a breakdown.
            let close = count.first <= prev.last + 3;
            let bigger = out.iter().any(|p| p.count.low.or(p.count.high) >= count.count.low);
            if generic && !nationality && (close || bigger) {
                continue;
            }
            if !nationality && count.head.is_none() && close {
                continue;
            }
        }
        out.push(count);
    }
    out
}

fn nearest_date_after<'d>(dates: &[&'d DateMention], count: &CountMention) -> Option<&'d DateMention> {
    dates
        .iter()
        .find(|d| d.first >= count.last)
        .or_else(|| dates.iter().rev().find(|d| d.last <= count.first))
        .copied()
}

/// The date of the trigger's occasion: the nearest date expression in the clause.
fn pick_date<'s>(s: &'s Sentence<'_>, trigger: &Trigger) -> Option<&'s DateMention> {
    let distance = |d: &DateMention| {
        if d.first >= trigger.last {
            // "were detained in Zagreb and returned to Bosnia the next morning": a date after a
            // second verb belongs to that verb.
            let other_verb = (trigger.last..d.first)
                .any(|i| s.word(i) == "and" && s.word(i + 1).ends_with("ed") && s.word(i + 1).len() > 4);
            d.first - trigger.last + if other_verb { 10 } else { 0 }
        } else {
            // "on 2 April and handed over … the following day": a date before "and" belongs to
            // the first verb.
            let coordinated = (d.last..trigger.first).any(|i| s.word(i) == "and");
            trigger.first.saturating_sub(d.last) + 1 + if coordinated { 10 } else { 0 }
        }
    };
    // The trigger's own clause first ("officials on Monday denied … said she had been deported"
    // dates the denial, not the return), then the rest of the sentence outside relative clauses.
    let (start, end) = (clause_start(s, trigger), clause_end(s, trigger));
    let in_clause = |d: &&DateMention| d.first >= start && d.last <= end;
    let outside = |d: &&DateMention| !s.relative.get(d.first).copied().unwrap_or(false);
    s.dates
        .iter()
        .filter(in_clause)
        .filter(outside)
        .min_by_key(|d| distance(d))
        .or_else(|| s.dates.iter().filter(outside).min_by_key(|d| distance(d)))
        .or_else(|| s.dates.iter().min_by_key(|d| distance(d)))
}
