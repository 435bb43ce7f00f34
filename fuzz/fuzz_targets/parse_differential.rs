//! Differential fuzzing of the reader's fast parser: wherever it takes a page, it must build
//! the tree html5ever builds (`read::check_parse` compares the two).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut bytes = b"<!DOCTYPE html><html><head>".to_vec();
    bytes.extend_from_slice(data);
    let check = read::check_parse(&domain::RawPage::new(bytes, None));
    assert!(check != read::ParseCheck::Differs, "the fast parser built another tree than html5ever");
});
