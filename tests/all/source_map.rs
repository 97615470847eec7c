//! Property tests for the Markdown extraction and its source map: whatever the
//! file holds, extraction does not panic, every post range maps into the file on
//! character boundaries, and text taken over from the file maps back to itself.

use proptest::prelude::*;
use unbroadcast::cli::{directives, markdown};

/// Markdown-ish text: code spans and fences, HTML and comments, emphasis, links
/// without reference definitions, multi-byte letters and emoji.
fn markdownish() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "a",
        "Shop now",
        " ",
        "\n",
        "\n\n",
        "    ",
        "`",
        "```\n",
        "<",
        ">",
        "<!--",
        "-->",
        "<b>",
        "</b>",
        "*",
        "_",
        "#",
        "!",
        "(",
        ")",
        "https://ex.com/x",
        "ä",
        "مرحبا",
        "👋🏽",
        "\r\n",
        "\\",
        "<!-- unbroadcast-disable bait -->",
        "<https://ex.com>",
        "- ",
        "> ",
        "1. ",
        "---\n",
    ]);
    prop::collection::vec(atoms, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn extraction_maps_back_into_the_file(body in markdownish(), offset in 0usize..4) {
        let file = format!("{}{body}", "-".repeat(offset));
        for prose in [markdown::markdown(&body, offset), markdown::plain(&body, offset)] {
            let t = &prose.text;
            let bounds: Vec<usize> = t.char_indices().map(|(i, _)| i).chain([t.len()]).collect();
            for (k, &i) in bounds.iter().enumerate() {
                for &j in &bounds[k..] {
                    let r = prose.map.range(i..j);
                    prop_assert!(offset <= r.start && r.start <= r.end && r.end <= file.len(), "{r:?}");
                    prop_assert!(file.is_char_boundary(r.start) && file.is_char_boundary(r.end));
                }
                // Without `[`, nothing is written: every character is the file's own.
                if let Some(c) = t[i..].chars().next() {
                    let at = prose.map.start(i);
                    prop_assert!(file[at..].starts_with(c), "{c:?} at {i} maps to {at} in {file:?}");
                }
            }
            for c in &prose.comments {
                prop_assert!(file[c.clone()].starts_with("<!--"));
            }
            let _ = directives::parse(&file, &prose.comments);
        }
    }

    #[test]
    fn links_never_break_the_map(label in "[a-zä ]{0,8}", url in "(https://)?[a-z]{1,6}\\.com(/[a-z]{0,4})?") {
        let body = format!("see [{label}]({url} \"t\") and [{label}][r] then\n\n[r]: {url}\n");
        let p = markdown::markdown(&body, 0);
        prop_assert!(!p.text.contains('['), "{:?}", p.text);
        let at = p.text.find(url.as_str()).map(|i| p.map.range(i..i + url.len()));
        if let Some(r) = at {
            prop_assert!(body[r].contains(url.as_str()) || !label.trim().is_empty());
        }
    }
}
