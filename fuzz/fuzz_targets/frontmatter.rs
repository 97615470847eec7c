//! Front matter on arbitrary bytes: an error or a split whose body lies inside
//! the file where `body_start` says.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unbroadcast::cli::frontmatter::split;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(s) = split(text) {
        assert!(s.body_start <= text.len());
        assert!(text[s.body_start..].starts_with(s.body));
    }
});
