//! The whole reader on arbitrary bytes: decoding, HTML-or-text detection, and the plain-text
//! reader with its boilerplate classifiers.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = read::read(&domain::RawPage::new(data.to_vec(), None));
});
