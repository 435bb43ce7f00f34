use super::*;

fn cc(code: &str) -> CountryCode {
    code.parse().expect("test country code")
}

/// The matched substrings of `text` with a short description of each entry.
fn check(text: &str, expect: &[(&str, &str)]) {
    let gazetteer = get();
    let found: Vec<(String, String)> = gazetteer
        .find(text)
        .into_iter()
        .map(|m| (text[m.start..m.end].to_owned(), describe(gazetteer, m.entry)))
        .collect();
    let expect: Vec<(String, String)> =
        expect.iter().map(|(span, entry)| ((*span).to_owned(), (*entry).to_owned())).collect();
    assert_eq!(found, expect, "in {text:?}");
}

fn describe(gazetteer: &Gazetteer, entry: Entry) -> String {
    match entry {
        Entry::Country(code) => format!("country {code}"),
        Entry::Demonym { country, plural } => {
            format!("demonym {country}{}", if plural { " plural" } else { "" })
        }
        Entry::Group(id) => format!("group {}", gazetteer.group_name(id)),
        Entry::Region(id) => format!("region {}", gazetteer.region(id).code),
        Entry::City(id) => {
            let city = gazetteer.city(id);
            format!("city {} {}", city.name, city.country)
        }
    }
}

#[test]
fn embedded_data_parses_completely() {
    // `get` would panic on malformed data; also every data line became a record.
    let gazetteer = get();
    let count = |table: &str| data_lines(table);
    assert_eq!(gazetteer.countries().len(), count(include_str!("../data/countries.tsv")));
    assert_eq!(gazetteer.regions().len(), count(include_str!("../data/regions.tsv")));
    assert_eq!(gazetteer.cities().len(), count(include_str!("../data/cities.tsv")));
    assert_eq!(gazetteer.groups().len(), count(include_str!("../data/groups.tsv")));
    assert!(gazetteer.countries().len() >= 240);
    assert!(gazetteer.cities().len() > 30_000);
    // Every demonym and region refers to a known country.
    for region in gazetteer.regions() {
        assert!(gazetteer.country(region.country).is_some(), "{}", region.code);
    }
    for line in include_str!("../data/demonyms.tsv").lines().filter(|l| !l.starts_with('#')) {
        let code = line.split('\t').next().expect("a code");
        assert!(gazetteer.country(cc(code)).is_some(), "demonym country {code}");
    }
}

fn data_lines(table: &str) -> usize {
    table.lines().filter(|line| !line.trim().is_empty() && !line.starts_with('#')).count()
}

#[test]
fn north_koreans_sent_back_from_jilin() {
    check(
        "North Koreans were sent back by China's police in Jilin province",
        &[
            ("North Koreans", "demonym KP plural"),
            ("China", "country CN"),
            ("Jilin province", "region CN-JL"),
        ],
    );
    let region = get().region(get().region_by_name("Jilin province", None).expect("Jilin"));
    assert_eq!(region.code, "CN-JL");
    assert_eq!(region.name, "Jilin");
    assert!((42.0..45.0).contains(&region.lat) && (124.0..129.0).contains(&region.lon), "{region:?}");
}

#[test]
fn curly_apostrophes_and_possessives() {
    check(
        "China’s border with North Korea’s Ryanggang",
        &[("China", "country CN"), ("North Korea", "country KP")],
    );
    check("Cox’s Bazar camps", &[("Cox’s Bazar", "city Cox’s Bāzār BD")]);
    check("Cox's Bazar camps", &[("Cox's Bazar", "city Cox’s Bāzār BD")]);
}

#[test]
fn groups() {
    check("Uighurs deported", &[("Uighurs", "group Uyghur")]);
    check("a Rohingya man", &[("Rohingya", "group Rohingya")]);
    assert_eq!(get().group_by_name("uyghurs").map(|id| get().group_name(id)), Some("Uyghur"));
}

#[test]
fn word_boundaries() {
    check("the woman in Romania", &[("Romania", "country RO")]);
    check(
        "an Iranian and Iranians from Iran",
        &[("Iranian", "demonym IR"), ("Iranians", "demonym IR plural"), ("Iran", "country IR")],
    );
    check("Pakistan-Afghanistan border", &[("Pakistan", "country PK"), ("Afghanistan", "country AF")]);
}

#[test]
fn lower_case_is_not_a_name() {
    check("they ate turkey and chinese food", &[]);
    check("Turkey deported them", &[("Turkey", "country TR")]);
    check("Türkiye deported them", &[("Türkiye", "country TR")]);
    check("let us go", &[]);
    check("Us and the US", &[("US", "country US")]);
}

#[test]
fn country_variants() {
    let gazetteer = get();
    for (name, code) in [
        ("Burma", "MM"),
        ("Myanmar", "MM"),
        ("Türkiye", "TR"),
        ("turkey", "TR"),
        ("Ivory Coast", "CI"),
        ("South Korea", "KR"),
        ("Republic of Korea", "KR"),
        ("North Korea", "KP"),
        ("DPRK", "KP"),
        ("People's Republic of China", "CN"),
        ("People’s Republic of China", "CN"),
        ("UAE", "AE"),
        ("the US", "US"),
        ("United States", "US"),
        ("the Netherlands", "NL"),
        ("the Philippines", "PH"),
    ] {
        assert_eq!(gazetteer.country_by_name(name), Some(cc(code)), "{name}");
    }
    assert_eq!(gazetteer.country_by_name("Korea"), None);
    check(
        "deported to the Netherlands and the Philippines",
        &[("Netherlands", "country NL"), ("Philippines", "country PH")],
    );
    check("across Latin America and in the United States", &[("United States", "country US")]);
}

#[test]
fn demonyms() {
    let gazetteer = get();
    for (word, code) in [
        ("North Korean", "KP"),
        ("North Koreans", "KP"),
        ("Chinese", "CN"),
        ("Thai", "TH"),
        ("Afghan", "AF"),
        ("Afghans", "AF"),
        ("Syrians", "SY"),
        ("Eritrean", "ER"),
        ("Venezuelans", "VE"),
    ] {
        assert_eq!(gazetteer.demonym(word), Some(cc(code)), "{word}");
    }
    assert_eq!(gazetteer.demonym("Rohingya"), None);
    check("Afghans and a Syrian", &[("Afghans", "demonym AF plural"), ("Syrian", "demonym SY")]);
}

#[test]
fn border_cities() {
    let gazetteer = get();
    for (name, code) in [
        ("Hunchun", "CN"),
        ("Dandong", "CN"),
        ("Tumen", "CN"),
        ("Sinuiju", "KP"),
        ("Hyesan", "KP"),
        ("Moreh", "IN"),
        ("Cox's Bazar", "BD"),
        ("Aswan", "EG"),
        ("Izmir", "TR"),
        ("Kabul", "AF"),
    ] {
        let text = format!("They crossed at {name} on Monday.");
        let found = gazetteer.find(&text);
        let [m] = found.as_slice() else { panic!("{name}: {found:?}") };
        assert_eq!(&text[m.start..m.end], name);
        let Entry::City(id) = m.entry else { panic!("{name}: {m:?}") };
        assert_eq!(gazetteer.city(id).country, cc(code), "{name}");
    }
    let kabul = gazetteer.find("Kabul")[0].entry;
    let Entry::City(kabul) = kabul else { panic!("{kabul:?}") };
    assert!(gazetteer.city(kabul).capital);
    assert_eq!(gazetteer.city(kabul).admin1.as_deref(), Some("AF-KAB"));
}

#[test]
fn noisy_city_names_are_not_places() {
    check("Police in Nice said the Mobile unit can Split in March or May", &[]);
    check("Reading and Bath", &[]);
}

#[test]
fn regions() {
    let gazetteer = get();
    let punjab = gazetteer.region_by_name("Punjab", Some(cc("IN"))).expect("Punjab, India");
    assert_eq!(gazetteer.region(punjab).code, "IN-PB");
    let punjab = gazetteer.region_by_name("punjab province", None).expect("Punjab");
    assert_eq!(gazetteer.region(punjab).code, "PK-PB");
    check("in Jilin Province and Sindh", &[("Jilin Province", "region CN-JL"), ("Sindh", "region PK-SD")]);
}

#[test]
fn find_never_panics_on_odd_text() {
    let gazetteer = get();
    for text in ["", "A", "É", "Ü\u{0301}", "China\u{2019}", "US.", "\u{feff}Syria", "中国 China 中国"]
    {
        let _ = gazetteer.find(text);
    }
}

#[test]
fn country_coordinates() {
    let gazetteer = get();
    let china = gazetteer.country(cc("CN")).expect("China");
    assert_eq!(china.name, "China");
    assert!((china.lat - 39.9).abs() < 1.0 && (china.lon - 116.4).abs() < 1.0);
}

/// `cargo test --release -p gazetteer -- --ignored --nocapture timing`
#[test]
#[ignore = "timing, run in release"]
fn timing() {
    let started = std::time::Instant::now();
    let gazetteer = data::build().expect("embedded data");
    println!("parse: {:?}", started.elapsed());
    let started = std::time::Instant::now();
    gazetteer.find("China");
    println!("automaton: {:?}", started.elapsed());
    let text = "North Koreans were sent back by China's police in Jilin province, near Hunchun and \
                Dandong, the Ministry of Public Security said on Tuesday according to Reuters. ";
    let text = text.repeat(1000);
    let started = std::time::Instant::now();
    let n = gazetteer.find(&text).len();
    println!("find: {} bytes, {n} matches, {:?}", text.len(), started.elapsed());
}

#[test]
fn directions_are_not_regions() {
    check("North and South, East or West, the Central and Northern areas", &[]);
}

#[test]
fn a_news_paragraph() {
    check(
        "Thai authorities deported 40 Uyghur men to China’s Xinjiang region, the New York Times \
         reported. Pakistan expelled Afghans through Chaman; Iran used Islam Qala.",
        &[
            ("Thai", "demonym TH"),
            ("Uyghur", "group Uyghur"),
            ("China", "country CN"),
            ("Xinjiang region", "region CN-XJ"),
            ("Pakistan", "country PK"),
            ("Afghans", "demonym AF plural"),
            ("Chaman", "city Chaman PK"),
            ("Iran", "country IR"),
        ],
    );
}
