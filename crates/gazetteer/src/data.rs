//! Parsing the embedded tables and building the name automaton.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind, StartKind};
use domain::CountryCode;

use crate::find::{CaseRule, Pattern, Target};
use crate::{City, CityId, Country, Entry, Gazetteer, GroupId, Region, RegionId, normalize};

const COUNTRIES: &str = include_str!("../data/countries.tsv");
const DEMONYMS: &str = include_str!("../data/demonyms.tsv");
const GROUPS: &str = include_str!("../data/groups.tsv");
const REGIONS: &str = include_str!("../data/regions.tsv");
const CITIES: &str = include_str!("../data/cities.tsv");
const CITY_STOPLIST: &str = include_str!("../data/city_stoplist.txt");
const BLOCKED: &str = include_str!("../data/blocked.txt");

/// A city of at least this population wins a name over a region ("Kabul" is the city).
const BIG_CITY: u64 = 100_000;

/// The name automaton and what each of its patterns stands for.
pub(crate) struct Names {
    /// Over the ASCII-lower-cased patterns; searched in the ASCII-lower-cased text, which has the
    /// same byte offsets.
    pub automaton: AhoCorasick,
    /// Indexed by pattern id.
    pub patterns: Vec<Pattern>,
}

/// Which pattern wins when two names are the same (ignoring ASCII case): lower first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    Block,
    Country,
    Demonym,
    Group,
    BigCity,
    Region,
    City,
    CityAlternate,
}

struct Candidate {
    pattern: Pattern,
    /// Lower wins: the class, then the larger population.
    rank: (Class, u64),
}

#[derive(Default)]
struct Patterns {
    by_key: HashMap<String, Candidate>,
}

impl Patterns {
    /// Adds `name` and its spelling variants (curly apostrophe, "St"/"St." for "Saint").
    fn add(&mut self, name: &str, target: Target, case: CaseRule, class: Class, population: u64) {
        let name = name.trim();
        if name.is_empty() {
            return;
        }
        let mut variants = vec![name.to_owned()];
        if name.contains('\'') {
            variants.push(name.replace('\'', "\u{2019}"));
        }
        if name.contains('\u{2019}') {
            variants.push(name.replace('\u{2019}', "'"));
        }
        if let Some(rest) = name.strip_prefix("Saint ") {
            variants.push(format!("St {rest}"));
            variants.push(format!("St. {rest}"));
        }
        for text in variants {
            let candidate = Candidate {
                pattern: Pattern { text: text.clone().into_boxed_str(), target, case },
                rank: (class, u64::MAX - population),
            };
            let key = text.to_ascii_lowercase();
            match self.by_key.get(&key) {
                Some(existing) if existing.rank <= candidate.rank => {}
                _ => {
                    self.by_key.insert(key, candidate);
                }
            }
        }
    }

    fn build(self) -> Result<Names, String> {
        let mut patterns: Vec<Pattern> = self.by_key.into_values().map(|c| c.pattern).collect();
        // HashMap order is random: sort so that pattern ids are deterministic.
        patterns.sort_by(|a, b| a.text.cmp(&b.text));
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .prefilter(false)
            .start_kind(StartKind::Anchored)
            .kind(Some(AhoCorasickKind::NoncontiguousNFA))
            .build(patterns.iter().map(|p| p.text.to_ascii_lowercase()))
            .map_err(|err| format!("name automaton: {err}"))?;
        Ok(Names { automaton, patterns })
    }
}

pub(crate) fn build() -> Result<Gazetteer, String> {
    let mut countries = Vec::new();
    let mut country_names = HashMap::new();
    for line in lines(COUNTRIES) {
        let [code, name, lat, lon, alternates] = fields(line)?;
        let code = country_code(code)?;
        countries.push(Country { code, name, lat: number(lat)?, lon: number(lon)? });
        for alias in std::iter::once(name).chain(split(alternates)) {
            country_names.entry(normalize(alias)).or_insert(code);
        }
    }
    countries.sort_by_key(|country| country.code);
    let country_idx: HashMap<CountryCode, usize> =
        countries.iter().enumerate().map(|(idx, country)| (country.code, idx)).collect();

    let mut demonyms = HashMap::new();
    for line in lines(DEMONYMS) {
        let [code, singular, plural] = fields(line)?;
        let country = country_code(code)?;
        for (forms, is_plural) in [(singular, false), (plural, true)] {
            for form in split(forms) {
                demonyms.entry(normalize(form)).or_insert((country, is_plural));
            }
        }
    }

    let mut groups = Vec::new();
    let mut group_names = HashMap::new();
    for line in lines(GROUPS) {
        let [canonical, alternates] = fields(line)?;
        let id = GroupId(u16::try_from(groups.len()).map_err(|_| "too many groups".to_owned())?);
        groups.push(canonical);
        for name in std::iter::once(canonical).chain(split(alternates)) {
            group_names.entry(normalize(name)).or_insert(id);
        }
    }

    let mut regions = Vec::new();
    let mut region_population = Vec::new();
    let mut region_names: HashMap<String, Vec<RegionId>> = HashMap::new();
    for line in lines(REGIONS) {
        let [code, name, country, lat, lon, population, alternates] = fields(line)?;
        let id = RegionId(u32::try_from(regions.len()).map_err(|_| "too many regions".to_owned())?);
        regions.push(Region {
            code: code.to_owned(),
            name: name.to_owned(),
            country: country_code(country)?,
            lat: number(lat)?,
            lon: number(lon)?,
        });
        region_population.push(integer(population)?);
        for alias in std::iter::once(name).chain(split(alternates)) {
            let ids = region_names.entry(normalize(alias)).or_default();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    for ids in region_names.values_mut() {
        ids.sort_by_key(|id| (u64::MAX - region_population[id.index()], *id));
    }

    let mut cities = Vec::new();
    for line in lines(CITIES) {
        let [name, _ascii, _alternates, country, admin1, lat, lon, population, capital] = fields(line)?;
        u32::try_from(cities.len()).map_err(|_| "too many cities".to_owned())?;
        cities.push(City {
            name: name.to_owned(),
            country: country_code(country)?,
            admin1: (!admin1.is_empty()).then(|| admin1.to_owned()),
            lat: number(lat)?,
            lon: number(lon)?,
            population: integer(population)?,
            capital: capital == "1",
        });
    }

    Ok(Gazetteer {
        countries,
        country_idx,
        country_names,
        demonyms,
        groups,
        group_names,
        regions,
        region_names,
        cities,
        names: OnceLock::new(),
    })
}

/// The automaton over every findable name, built on the first `find` (a few hundred
/// milliseconds: tens of thousands of patterns). Ids follow the table order, as in [`build`].
pub(crate) fn names() -> Result<Names, String> {
    let stoplist: HashSet<&str> = lines(CITY_STOPLIST).collect();
    let mut patterns = Patterns::default();
    for phrase in lines(BLOCKED) {
        patterns.add(phrase, Target::Block, CaseRule::Initial, Class::Block, 0);
    }
    for line in lines(COUNTRIES) {
        let [code, name, _lat, _lon, alternates] = fields(line)?;
        let target = Target::Entry(Entry::Country(country_code(code)?));
        for alias in std::iter::once(name).chain(split(alternates)) {
            patterns.add(alias, target, case_of(alias), Class::Country, 0);
        }
    }
    for line in lines(DEMONYMS) {
        let [code, singular, plural] = fields(line)?;
        let country = country_code(code)?;
        for (forms, plural) in [(singular, false), (plural, true)] {
            let target = Target::Entry(Entry::Demonym { country, plural });
            for form in split(forms) {
                patterns.add(form, target, case_of(form), Class::Demonym, 0);
            }
        }
    }
    for (idx, line) in lines(GROUPS).enumerate() {
        let [canonical, alternates] = fields(line)?;
        let id = GroupId(u16::try_from(idx).map_err(|_| "too many groups".to_owned())?);
        for name in std::iter::once(canonical).chain(split(alternates)) {
            patterns.add(name, Target::Entry(Entry::Group(id)), case_of(name), Class::Group, 0);
        }
    }
    for (idx, line) in lines(REGIONS).enumerate() {
        let [_code, name, _country, _lat, _lon, population, alternates] = fields(line)?;
        let id = RegionId(u32::try_from(idx).map_err(|_| "too many regions".to_owned())?);
        let population = integer(population)?;
        let target = Target::Entry(Entry::Region(id));
        for alias in std::iter::once(name).chain(split(alternates)) {
            if findable(alias, &stoplist) {
                patterns.add(alias, target, case_of(alias), Class::Region, population);
            }
        }
    }
    for (idx, line) in lines(CITIES).enumerate() {
        let [name, ascii, alternates, _country, _admin1, _lat, _lon, population, _capital] = fields(line)?;
        let id = CityId(u32::try_from(idx).map_err(|_| "too many cities".to_owned())?);
        let population = integer(population)?;
        let target = Target::Entry(Entry::City(id));
        let class = if population >= BIG_CITY { Class::BigCity } else { Class::City };
        for (names, class) in [(name, class), (ascii, class), (alternates, Class::CityAlternate)] {
            for alias in split(names).filter(|alias| findable(alias, &stoplist)) {
                patterns.add(alias, target, CaseRule::ExactOrUpper, class, population);
            }
        }
    }
    patterns.build()
}

/// Whether a region or city name may be reported by `find`: not a stop word, not an
/// abbreviation, at least three letters.
fn findable(name: &str, stoplist: &HashSet<&str>) -> bool {
    !stoplist.contains(name) && name.chars().filter(|ch| ch.is_alphabetic()).count() >= 3 && !is_acronym(name)
}

fn case_of(name: &str) -> CaseRule {
    if is_acronym(name) { CaseRule::Exact } else { CaseRule::Initial }
}

/// "US", "U.S.", "DPRK": two or more letters, all capitals.
fn is_acronym(name: &str) -> bool {
    let mut letters = name.chars().filter(|ch| ch.is_alphabetic());
    name.chars().filter(|ch| ch.is_alphabetic()).count() >= 2 && letters.all(char::is_uppercase)
}

/// The data lines of a table: no blank lines, no `#` comments.
fn lines(table: &'static str) -> impl Iterator<Item = &'static str> {
    table.lines().filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
}

fn fields<const N: usize>(line: &'static str) -> Result<[&'static str; N], String> {
    let mut out = [""; N];
    let mut parts = line.split('\t');
    for slot in &mut out {
        *slot = parts.next().ok_or_else(|| format!("too few fields in {line:?}"))?;
    }
    match parts.next() {
        Some(_) => Err(format!("too many fields in {line:?}")),
        None => Ok(out),
    }
}

fn split(names: &'static str) -> impl Iterator<Item = &'static str> {
    names.split('|').map(str::trim).filter(|name| !name.is_empty())
}

fn country_code(code: &str) -> Result<CountryCode, String> {
    code.parse().map_err(|err| format!("country code {code:?}: {err}"))
}

fn number(field: &str) -> Result<f64, String> {
    field.parse().map_err(|err| format!("number {field:?}: {err}"))
}

fn integer(field: &str) -> Result<u64, String> {
    field.parse().map_err(|err| format!("integer {field:?}: {err}"))
}
