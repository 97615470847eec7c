//! Linting arbitrary text on every channel: never a panic, every span on grapheme
//! boundaries with units that agree with the text, a score in 0–100.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;
use unbroadcast::Engine;
use unbroadcast::channel::Channel;
use unbroadcast::input::Draft;
use unicode_segmentation::UnicodeSegmentation;

static ENGINE: LazyLock<Engine> = LazyLock::new(|| Engine::with_defaults().expect("built-in packs load"));

fuzz_target!(|data: &[u8]| {
    let (channel, text) = match data.split_first() {
        Some((c, rest)) => (Channel::ALL[*c as usize % Channel::ALL.len()], String::from_utf8_lossy(rest)),
        None => return,
    };
    if text.trim().is_empty() {
        return;
    }
    let mut d = Draft::from_text(text.as_ref(), jiff::Timestamp::UNIX_EPOCH);
    d.channel = channel;
    let r = ENGINE.lint(&d);
    assert!(r.score <= 100);
    let bounds: Vec<usize> = text.grapheme_indices(true).map(|(i, _)| i).chain([text.len()]).collect();
    for w in &r.warnings {
        if let Some(s) = &w.span {
            assert!(bounds.binary_search(&s.byte_start).is_ok() && bounds.binary_search(&s.byte_end).is_ok());
            assert_eq!(s.start, text[..s.byte_start].chars().count());
            assert_eq!(s.utf16_end, text[..s.byte_end].encode_utf16().count());
            assert_eq!(w.excerpt.as_deref(), Some(&text[s.byte_start..s.byte_end]));
        }
    }
});
