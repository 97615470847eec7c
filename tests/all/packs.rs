//! Every example in every pack runs: texts under `fire` must trigger their rule,
//! texts under `pass` must not. Plus the invariants that keep packs honest.

use crate::support::{engine, now};
use std::collections::BTreeMap;
use unbroadcast::pack::{Kind, PackSource};
use unbroadcast::rules::RuleSet;

#[test]
fn every_example_in_every_pack() {
    let e = engine();
    let mut failures = Vec::new();
    let mut ran = 0;
    for rule in e.rules().rules() {
        for v in &rule.variants {
            for (must_fire, list) in [(true, &v.examples.fire), (false, &v.examples.pass)] {
                for ex in list {
                    ran += 1;
                    let req = RuleSet::example_request(v, ex);
                    let report = match e.lint_request(req, now()) {
                        Ok(r) => r,
                        Err(err) => {
                            failures.push(format!(
                                "{} ({}): example {:?} is not a valid request: {err}",
                                rule.id,
                                v.source,
                                ex.text()
                            ));
                            continue;
                        }
                    };
                    let fired = report.warnings.iter().any(|w| w.rule == rule.id);
                    if fired != must_fire {
                        let others: Vec<&str> = report.warnings.iter().map(|w| w.rule.as_str()).collect();
                        failures.push(format!(
                            "{} ({}): {} on {:?} (language {:?}; fired: {:?})",
                            rule.id,
                            v.source,
                            if must_fire { "did not fire" } else { "fired" },
                            ex.text(),
                            report.language.code,
                            others
                        ));
                    }
                }
            }
        }
    }
    assert!(ran > 0);
    assert!(failures.is_empty(), "{} of {ran} examples failed:\n{}", failures.len(), failures.join("\n"));
}

/// Each built-in rule has at least two firing and two passing examples for every
/// language it covers (a language-independent rule covers en, de and ar).
#[test]
fn two_examples_each_way_per_language() {
    let e = engine();
    let mut missing = Vec::new();
    for rule in e.rules().rules() {
        let mut counts: BTreeMap<(&str, bool), usize> = BTreeMap::new();
        let mut covered = Vec::new();
        for v in &rule.variants {
            if v.language == "any" {
                covered.extend(["en", "de", "ar"]);
            } else {
                covered.push(v.language);
            }
            for (fire, list) in [(true, &v.examples.fire), (false, &v.examples.pass)] {
                for ex in list {
                    let report = e.lint_request(RuleSet::example_request(v, ex), now()).expect("valid example");
                    *counts.entry((report.language.code.code(), fire)).or_default() += 1;
                }
            }
        }
        for lang in covered {
            for fire in [true, false] {
                let n = counts.get(&(lang, fire)).copied().unwrap_or(0);
                if n < 2 {
                    missing.push(format!(
                        "{}: {n} {} example(s) in {lang}",
                        rule.id,
                        if fire { "fire" } else { "pass" }
                    ));
                }
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// The issue's floor: at least 120 phrase and pattern entries per language.
#[test]
fn at_least_120_entries_per_language() {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for src in unbroadcast::pack::builtin_sources() {
        let pack = unbroadcast::pack::Pack::parse(src).expect("built-in pack parses");
        let n: usize = pack.spec.rules.iter().map(|r| r.get_ref().phrases.len() + r.get_ref().patterns.len()).sum();
        *counts.entry(pack.spec.pack.language.clone()).or_default() += n;
    }
    for lang in ["en", "de", "ar"] {
        let n = counts.get(lang).copied().unwrap_or(0);
        assert!(n >= 120, "{lang} has {n} phrase/pattern entries");
    }
}

/// Every rule category has rules in every language (or a language-independent one).
#[test]
fn every_category_covers_every_language() {
    let e = engine();
    for cat in ["broadcast", "bait", "personalization", "conversation", "frequency", "repetition", "format"] {
        for lang in ["en", "de", "ar"] {
            let covered = e
                .rules()
                .rules()
                .iter()
                .filter(|r| r.category.name() == cat)
                .any(|r| r.variants.iter().any(|v| v.language == lang || v.language == "any"));
            assert!(covered, "{cat} has no rule for {lang}");
        }
    }
}

/// Every rule carries its docs: message, why, suggestion.
#[test]
fn every_rule_is_documented() {
    for rule in engine().rules().rules() {
        for v in &rule.variants {
            assert!(v.why.len() >= 40, "{}: `why` is too thin to explain anything", rule.id);
            assert!(!v.suggestion.is_empty() && !v.message.is_empty(), "{}", rule.id);
        }
    }
}

/// Every code rule in the registry has a pack entry (so docs, points, examples).
#[test]
fn every_code_rule_has_a_pack_entry() {
    let e = engine();
    for def in unbroadcast::rules::code::REGISTRY {
        let r = e.rules().get(def.id).unwrap_or_else(|| panic!("{} has no pack entry", def.id));
        assert!(r.variants.iter().all(|v| v.kind == Kind::Code), "{}", def.id);
    }
}

fn pack_error(text: &str) -> String {
    let mut sources = unbroadcast::pack::builtin_sources();
    sources.push(PackSource { name: "extra/bad.toml".into(), text: text.into() });
    RuleSet::compile(sources).expect_err("the pack must be refused").to_string()
}

const RULE_HEAD: &str = "[pack]\nlanguage = \"en\"\n\n[[rule]]\n";
const RULE_TAIL: &str = "severity = \"info\"\npoints = 1\nmessage = \"m\"\nwhy = \"w\"\nsuggestion = \"s\"\n[rule.examples]\nfire = [\"a\"]\npass = [\"b\"]\n";

#[test]
fn malformed_packs_are_refused_with_file_rule_and_field() {
    let cases = [
        // unknown field
        (format!("{RULE_HEAD}id = \"bait.extra\"\ncategory = \"bait\"\nkind = \"phrases\"\nphrasez = [\"x\"]\n{RULE_TAIL}"), vec!["extra/bad.toml:8", "bait.extra", "phrasez"]),
        // bad regex
        (format!("{RULE_HEAD}id = \"bait.extra\"\ncategory = \"bait\"\nkind = \"pattern\"\npatterns = [\"(unclosed\"]\n{RULE_TAIL}"), vec!["extra/bad.toml:8", "bait.extra", "patterns"]),
        // duplicate id (already defined by the built-in English pack)
        (format!("{RULE_HEAD}id = \"bait.share\"\ncategory = \"bait\"\nkind = \"phrases\"\nphrases = [\"zzz unique\"]\n{RULE_TAIL}"), vec!["extra/bad.toml:4", "bait.share", "duplicate"]),
        // unknown category
        (format!("{RULE_HEAD}id = \"spam.extra\"\ncategory = \"spam\"\nkind = \"phrases\"\nphrases = [\"x\"]\n{RULE_TAIL}"), vec!["extra/bad.toml:", "spam.extra", "unknown variant `spam`"]),
        // category that disagrees with the id
        (format!("{RULE_HEAD}id = \"bait.extra\"\ncategory = \"format\"\nkind = \"phrases\"\nphrases = [\"x\"]\n{RULE_TAIL}"), vec!["extra/bad.toml:4", "bait.extra", "category"]),
        // a phrase another rule already owns
        (format!("{RULE_HEAD}id = \"bait.extra\"\ncategory = \"bait\"\nkind = \"phrases\"\nphrases = [\"Share THIS post\"]\n{RULE_TAIL}"), vec!["extra/bad.toml:8", "bait.extra", "bait.share"]),
        // a pattern that matches nothing visible
        (format!("{RULE_HEAD}id = \"bait.extra\"\ncategory = \"bait\"\nkind = \"pattern\"\npatterns = [\"a*\"]\n{RULE_TAIL}"), vec!["bait.extra", "empty"]),
        // placeholder the rule cannot fill
        (format!("{RULE_HEAD}id = \"bait.extra\"\ncategory = \"bait\"\nkind = \"phrases\"\nphrases = [\"zzz unique\"]\n{}", RULE_TAIL.replace("message = \"m\"", "message = \"{nope}\"")), vec!["bait.extra", "message", "{nope}"]),
        // a code rule that does not exist
        (format!("{RULE_HEAD}id = \"bait.extra\"\ncategory = \"bait\"\nkind = \"code\"\n{RULE_TAIL}"), vec!["bait.extra", "kind", "no code rule"]),
        // bad params of a code rule
        ("[pack]\nlanguage = \"de\"\n[[rule]]\nid = \"personalization.we-vs-you\"\ncategory = \"personalization\"\nkind = \"code\"\nseverity = \"info\"\npoints = 8\nmessage = \"m\"\nwhy = \"w\"\nsuggestion = \"s\"\nparams = { min_we = 3 }\n[rule.examples]\nfire = [\"a\"]\npass = [\"b\"]\n".to_owned(), vec!["personalization.we-vs-you", "params", "ratio"]),
        // points that differ between languages of one rule
        ("[pack]\nlanguage = \"any\"\n[[rule]]\nid = \"bait.share\"\ncategory = \"bait\"\nkind = \"phrases\"\nphrases = [\"zzz teilen\"]\nseverity = \"warning\"\npoints = 3\nmessage = \"m\"\nwhy = \"w\"\nsuggestion = \"s\"\n[rule.examples]\nfire = [\"a\"]\npass = [\"b\"]\n".to_owned(), vec!["bait.share", "points"]),
        // no examples
        (format!("{RULE_HEAD}id = \"bait.extra\"\ncategory = \"bait\"\nkind = \"phrases\"\nphrases = [\"zzz unique\"]\n{}", RULE_TAIL.replace("fire = [\"a\"]", "fire = []")), vec!["bait.extra", "examples"]),
        // an example that is not a valid request
        (format!("{RULE_HEAD}id = \"bait.extra\"\ncategory = \"bait\"\nkind = \"phrases\"\nphrases = [\"zzz unique\"]\n{}", RULE_TAIL.replace("fire = [\"a\"]", "fire = [{ text = \"a\", channel = \"myspace\" }]")), vec!["bait.extra", "examples.fire[0]", "myspace"]),
        // unbalanced phrase grammar, on the phrase's own line
        (format!("{RULE_HEAD}id = \"bait.extra\"\ncategory = \"bait\"\nkind = \"phrases\"\nphrases = [\n  \"zzz ok\",\n  \"(zzz|yyy unique\",\n]\n{RULE_TAIL}"), vec!["extra/bad.toml:10", "bait.extra", "phrases", "never closed"]),
        // a grammar that multiplies out past the cap
        (format!("{RULE_HEAD}id = \"bait.extra\"\ncategory = \"bait\"\nkind = \"phrases\"\nphrases = [\"(a|b|c|d|e|f|g|h|i|j) (a|b|c|d|e|f|g|h|i|j) (a|b|c|d|e|f|g|h|i|j) (zz|yy|xx)\"]\n{RULE_TAIL}"), vec!["extra/bad.toml:8", "bait.extra", "2000"]),
        // unbalanced `unless`
        (format!("{RULE_HEAD}id = \"bait.extra\"\ncategory = \"bait\"\nkind = \"phrases\"\nphrases = [\"zzz unique\"]\nunless = [\"[please\"]\n{RULE_TAIL}"), vec!["extra/bad.toml:9", "bait.extra", "unless"]),
        // not TOML at all
        ("this is = = not toml".to_owned(), vec!["extra/bad.toml:1"]),
        // unknown pack language
        ("[pack]\nlanguage = \"fr\"\n".to_owned(), vec!["extra/bad.toml", "pack.language", "fr"]),
    ];
    for (text, needles) in cases {
        let err = pack_error(&text);
        for n in needles {
            assert!(err.contains(n), "error {err:?} should mention {n:?}\npack:\n{text}");
        }
    }
}

#[test]
fn rules_version_changes_with_the_packs() {
    let base = RuleSet::with_builtin(Vec::new()).unwrap();
    let again = RuleSet::with_builtin(Vec::new()).unwrap();
    assert_eq!(base.version(), again.version());
    let extra = PackSource {
        name: "extra/ok.toml".into(),
        text: format!(
            "{RULE_HEAD}id = \"bait.extra\"\ncategory = \"bait\"\nkind = \"phrases\"\nphrases = [\"zzz unique\"]\n{RULE_TAIL}"
        ),
    };
    let more = RuleSet::with_builtin(vec![extra]).unwrap();
    assert_ne!(base.version(), more.version());
    assert!(more.get("bait.extra").is_some());
}

/// docs/rules.md carries a complete pack: it must load next to the built-in ones
/// and its examples must behave as the page says.
#[test]
fn the_documented_pack_loads_and_its_examples_hold() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md")).unwrap();
    let block = doc.split("<!-- doc-pack:start -->").nth(1).unwrap().split("<!-- doc-pack:end -->").next().unwrap();
    let toml = block.trim().trim_start_matches("```toml").trim_end_matches("```");
    let set = RuleSet::with_builtin(vec![PackSource { name: "docs/rules.md".into(), text: toml.into() }]).unwrap();
    let engine = unbroadcast::Engine::new(set, unbroadcast::EngineConfig::default()).unwrap();
    let rule = engine.rules().get("bait.link-in-comments").expect("the documented rule is loaded");
    for v in &rule.variants {
        for (fire, list) in [(true, &v.examples.fire), (false, &v.examples.pass)] {
            for ex in list {
                let r = engine.lint_request(RuleSet::example_request(v, ex), now()).unwrap();
                assert_eq!(r.warnings.iter().any(|w| w.rule == rule.id), fire, "{:?}", ex.text());
            }
        }
    }
}

/// Span regexes are compiled on first use; every built-in one must compile.
#[test]
fn every_builtin_pattern_compiles_with_its_guard() {
    engine().rules().compile_all_patterns().unwrap();
}

/// Fragments a replacement must not leave beside it: the subject of the phrase
/// it replaced, or the connector that tied that phrase to the rest (issue 12).
fn leftovers(lang: &str) -> (&'static [&'static str], &'static [&'static str]) {
    match lang {
        "en" => (&["we're", "we are", "we", "i'm", "i am"], &["that", "about"]),
        "de" => (&["wir sind", "wir", "ich bin"], &["dass"]),
        "ar" => (&["نحن"], &["عن"]),
        _ => (&[], &[]),
    }
}

#[test]
fn every_replacement_fits_its_fire_examples() {
    let e = engine();
    let mut failures = Vec::new();
    let mut applied = 0;
    for rule in e.rules().rules() {
        for v in rule.variants.iter().filter(|v| !v.replacements.is_empty()) {
            for ex in &v.examples.fire {
                let report = e.lint_request(RuleSet::example_request(v, ex), now()).unwrap();
                let text = ex.text();
                for w in report.warnings.iter().filter(|w| w.rule == rule.id) {
                    let Some(span) = &w.span else { continue };
                    let (before, after) = (&text[..span.byte_start], &text[span.byte_end..]);
                    let (subjects, connectors) = leftovers(report.language.code.code());
                    for rep in &w.replacements {
                        applied += 1;
                        let out = format!("{before}{rep}{after}");
                        let low_before = before.to_lowercase();
                        let low_after = after.to_lowercase();
                        let mut bad = Vec::new();
                        if subjects.iter().any(|s| {
                            low_before.trim_end().ends_with(s)
                                && !low_before.trim_end()[..low_before.trim_end().len() - s.len()]
                                    .ends_with(char::is_alphanumeric)
                        }) {
                            bad.push("leaves the subject before it");
                        }
                        if connectors.iter().any(|c| {
                            low_after
                                .trim_start()
                                .strip_prefix(c)
                                .is_some_and(|r| !r.starts_with(char::is_alphanumeric))
                        }) {
                            bad.push("leaves a connector after it");
                        }
                        for d in [",,", ", ,", ": :", "::", ",.", ":,", ",:", "،،", "  "] {
                            if out.contains(d) && !text.contains(d) {
                                bad.push("doubles punctuation or spaces");
                            }
                        }
                        let starts_sentence =
                            before.trim_end().is_empty() || before.trim_end().ends_with(['.', '!', '?', '\n']);
                        let first = out[before.len()..].trim_start().chars().next();
                        let was_upper =
                            text[before.len()..].trim_start().chars().next().is_some_and(char::is_uppercase);
                        if starts_sentence && was_upper && first.is_some_and(char::is_lowercase) {
                            bad.push("loses the capital at the sentence start");
                        }
                        if out.trim_start().starts_with([',', ':', ';', '،']) {
                            bad.push("starts with punctuation");
                        }
                        if !bad.is_empty() {
                            failures.push(format!(
                                "{} ({}): {text:?} → {out:?}: {}",
                                rule.id,
                                v.source,
                                bad.join(", ")
                            ));
                        }
                    }
                }
            }
        }
    }
    assert!(applied > 5, "only {applied} replacements were tried");
    assert!(failures.is_empty(), "{} replacements do not fit:\n{}", failures.len(), failures.join("\n"));
}
