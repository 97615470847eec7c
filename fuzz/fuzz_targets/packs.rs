//! Pack parsing and compilation on arbitrary bytes: a bad pack is an error, never
//! a panic. The pack is compiled on its own (every validation runs; compiling the
//! built-in packs too would make each run 50 ms and the fuzzer blind).
#![no_main]

use libfuzzer_sys::fuzz_target;
use unbroadcast::pack::{Pack, PackSource};
use unbroadcast::rules::RuleSet;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let src = PackSource { name: "fuzz.toml".into(), text: text.to_owned() };
    if Pack::parse(src.clone()).is_ok() {
        let _ = RuleSet::compile(vec![src]);
    }
});
