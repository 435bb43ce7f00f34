//! The HTML reader on arbitrary markup: the input is wrapped in a page skeleton so that the
//! fuzzer spends its time inside the HTML path (metadata, scoring, walking), not in detection.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut bytes = b"<!DOCTYPE html><html><head>".to_vec();
    bytes.extend_from_slice(data);
    let _ = read::read(&domain::RawPage::new(bytes, Some("https://example.org/2024/01/02/x".into())));
});
