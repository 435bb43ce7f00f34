//! Place and nationality names for refwatch: countries (ISO 3166-1), demonyms, groups that are not
//! countries (Uyghur, Rohingya…), first-level regions (ISO 3166-2) and cities of 15,000 people or
//! more, with coordinates.
//!
//! The tables are text files under `data/`, embedded at build time and parsed once, on the first
//! call to [`get`]. Countries, regions and cities come from GeoNames (CC-BY 4.0, see
//! `data/ATTRIBUTION.md`) through `scripts/regenerate.py`; demonyms, groups, the city stop list
//! and the blocked phrases are curated by hand.
//!
//! [`Gazetteer::find`] is the hot path used by the extractor on every sentence: a single
//! Aho-Corasick automaton (leftmost-longest) over the ASCII-lower-cased names, searched, anchored,
//! only at the capitalised word starts of the text. The automaton is built on the first `find`
//! (about 0.2 s in release for ~53,000 names); [`get`] itself only parses the tables.
//!
//! **Invariant:** no IO, deterministic, never panics on any input text.

mod data;
mod find;

use std::collections::HashMap;
use std::sync::OnceLock;

use domain::CountryCode;

/// The parsed gazetteer. Obtain it with [`get`].
pub struct Gazetteer {
    countries: Vec<Country>,
    country_idx: HashMap<CountryCode, usize>,
    country_names: HashMap<String, CountryCode>,
    demonyms: HashMap<String, (CountryCode, bool)>,
    groups: Vec<&'static str>,
    group_names: HashMap<String, GroupId>,
    regions: Vec<Region>,
    /// Lower-cased names → regions, most populous first.
    region_names: HashMap<String, Vec<RegionId>>,
    cities: Vec<City>,
    /// Built on the first `find`.
    names: OnceLock<data::Names>,
}

/// A country or territory with an ISO 3166-1 alpha-2 code. `lat`/`lon` is its capital (or its
/// largest place when GeoNames knows no capital).
#[derive(Debug, Clone, PartialEq)]
pub struct Country {
    pub code: CountryCode,
    pub name: &'static str,
    pub lat: f64,
    pub lon: f64,
}

/// A first-level subdivision. `lat`/`lon` is the mean position of its GeoNames populated places,
/// a stand-in for its centre.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    /// ISO 3166-2 code, such as "CN-JL".
    pub code: String,
    pub name: String,
    pub country: CountryCode,
    pub lat: f64,
    pub lon: f64,
}

/// A populated place of 15,000 people or more.
#[derive(Debug, Clone, PartialEq)]
pub struct City {
    pub name: String,
    pub country: CountryCode,
    /// ISO 3166-2 code of its first-level region, when known.
    pub admin1: Option<String>,
    pub lat: f64,
    pub lon: f64,
    pub population: u64,
    /// The national capital.
    pub capital: bool,
}

/// A group of people that is not a country (see [`Gazetteer::group_name`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupId(u16);

/// A first-level region (see [`Gazetteer::region`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionId(u32);

/// A city (see [`Gazetteer::city`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CityId(u32);

/// What a name in the text refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    Country(CountryCode),
    /// "Afghan", "Afghans", "Chinese". `plural` is true only for a distinct plural form, so
    /// "Chinese" is singular.
    Demonym {
        country: CountryCode,
        plural: bool,
    },
    Group(GroupId),
    Region(RegionId),
    City(CityId),
}

/// A gazetteer name found in a text: `text[start..end]` (UTF-8 byte offsets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub start: usize,
    pub end: usize,
    pub entry: Entry,
}

/// The gazetteer, parsed from the embedded data on first use (tens of milliseconds).
pub fn get() -> &'static Gazetteer {
    static GAZETTEER: OnceLock<Gazetteer> = OnceLock::new();
    GAZETTEER.get_or_init(|| {
        data::build().expect("the embedded gazetteer data is well-formed (checked by the tests)")
    })
}

impl GroupId {
    /// Position in [`Gazetteer::groups`].
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

impl RegionId {
    /// Position in [`Gazetteer::regions`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl CityId {
    /// Position in [`Gazetteer::cities`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl Gazetteer {
    /// Every gazetteer name in `text`, leftmost-longest, on word boundaries, non-overlapping, in
    /// text order.
    ///
    /// A match starts with an upper-case letter. Acronyms ("US", "UAE") match only in capitals;
    /// city names match with their own capitalisation or in all capitals; other names match in
    /// any case after the first letter. A region name followed by " province", " region",
    /// " state", " prefecture", " governorate" or " oblast" takes that word into its span, and a
    /// city name so followed becomes the region of that name when there is one.
    pub fn find(&self, text: &str) -> Vec<Match> {
        let names = self.names.get_or_init(|| {
            data::names().expect("the embedded gazetteer data is well-formed (checked by the tests)")
        });
        find::find(self, names, text)
    }

    pub fn country(&self, code: CountryCode) -> Option<&Country> {
        self.country_idx.get(&code).map(|&idx| &self.countries[idx])
    }

    /// All countries, ordered by code.
    pub fn countries(&self) -> &[Country] {
        &self.countries
    }

    /// A country by its name or an alternate name ("Burma", "Türkiye", "the Netherlands"),
    /// case-insensitive.
    pub fn country_by_name(&self, name: &str) -> Option<CountryCode> {
        let key = normalize(name);
        let key = key.strip_prefix("the ").unwrap_or(&key);
        self.country_names.get(key).copied()
    }

    /// The country of a demonym or adjective ("Afghan", "Afghans", "North Korean"),
    /// case-insensitive.
    pub fn demonym(&self, word: &str) -> Option<CountryCode> {
        self.demonyms.get(&normalize(word)).map(|&(code, _)| code)
    }

    /// A group by any of its spellings ("Uighurs"), case-insensitive.
    pub fn group_by_name(&self, name: &str) -> Option<GroupId> {
        self.group_names.get(&normalize(name)).copied()
    }

    /// The canonical name of a group, e.g. "Uyghur".
    pub fn group_name(&self, id: GroupId) -> &str {
        self.groups[id.index()]
    }

    /// Canonical names of all groups, indexed by [`GroupId::index`].
    pub fn groups(&self) -> &[&'static str] {
        &self.groups
    }

    pub fn region(&self, id: RegionId) -> &Region {
        &self.regions[id.index()]
    }

    /// All regions, ordered by ISO 3166-2 code and indexed by [`RegionId::index`].
    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    /// A region by name, with or without a trailing "province", "region", "state",
    /// "prefecture", "governorate" or "oblast" ("Jilin", "Jilin Province"), case-insensitive.
    /// Without `country`, the most populous region of that name ("Punjab" is Pakistan's).
    pub fn region_by_name(&self, name: &str, country: Option<CountryCode>) -> Option<RegionId> {
        let key = normalize(name);
        let bare = find::REGION_SUFFIXES
            .iter()
            .find_map(|suffix| key.strip_suffix(suffix.trim_start_matches(' ')))
            .map(str::trim_end)
            .filter(|bare| !bare.is_empty());
        [Some(key.as_str()), bare].into_iter().flatten().find_map(|key| {
            let ids = self.region_names.get(key)?;
            ids.iter()
                .copied()
                .find(|&id| country.is_none_or(|code| self.regions[id.index()].country == code))
        })
    }

    pub fn city(&self, id: CityId) -> &City {
        &self.cities[id.index()]
    }

    /// All cities, indexed by [`CityId::index`].
    pub fn cities(&self) -> &[City] {
        &self.cities
    }
}

/// Lower-case, trimmed, straight apostrophes, single spaces: the key of the name maps.
fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for word in name.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for ch in word.chars() {
            match ch {
                '\u{2019}' | '\u{02BC}' | '\u{2018}' => out.push('\''),
                _ => out.extend(ch.to_lowercase()),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
