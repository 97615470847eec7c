//! One pass over a draft that every rule reads: language, grapheme clusters, words,
//! the folded matching form, located features (hashtags, mentions, links, emoji,
//! questions, exclamation runs, capitals, pronouns, invitations) and the offset map.
//!
//! Rules never re-scan the raw text for these; they ask the analysis. All ranges
//! here are byte ranges of the original text, on grapheme cluster boundaries.

mod detect;
mod lexicon;

pub use detect::{LangSource, LanguageInfo};
pub use lexicon::{Lexicon, LexiconSpec};

use crate::lang::Lang;
use crate::text::emoji::is_emoji_grapheme;
use crate::text::normalize::Normalizer;
use crate::text::{Normalized, OffsetMap};
use detect::Evidence;
use lexicon::{FIRST_PLURAL, FORMAL, SECOND};
use std::cell::OnceCell;
use std::ops::Range;
use unicode_segmentation::UnicodeSegmentation;

/// What a word is part of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WordRole {
    Prose,
    Hashtag,
    Mention,
    Link,
}

/// A word of the post (UAX #29 word boundaries on the folded text).
#[derive(Debug, Clone)]
pub struct Word {
    /// Range in the folded text.
    pub norm: Range<usize>,
    /// Range in the original text.
    pub orig: Range<usize>,
    pub role: WordRole,
}

/// A link in the post, with its host folded to lower case and without `www.`.
#[derive(Debug, Clone)]
pub struct Link {
    pub range: Range<usize>,
    pub host: String,
}

/// Located features. Each list is sorted by position.
#[derive(Debug, Clone, Default)]
pub struct Features {
    pub hashtags: Vec<Range<usize>>,
    pub mentions: Vec<Range<usize>>,
    pub links: Vec<Link>,
    /// Each emoji grapheme cluster.
    pub emoji: Vec<Range<usize>>,
    /// Runs of two or more emoji with nothing but spaces between them.
    pub emoji_runs: Vec<Range<usize>>,
    /// `?` and `؟` outside links.
    pub question_marks: Vec<Range<usize>>,
    /// All `!`-like marks outside links.
    pub exclamations: usize,
    /// Runs such as `!!`, `!!!1`, `?!?!`, `‼`.
    pub exclamation_runs: Vec<Range<usize>>,
    /// Words of three or more letters written in capitals.
    pub caps_words: Vec<Range<usize>>,
    /// Prose words that contain letters with case.
    pub cased_words: usize,
    /// Prose words with at least one lower-case letter.
    pub lower_words: usize,
    /// Of those, the words whose first letter is a capital ("Title").
    pub capitalised_words: usize,
    pub second_person: Vec<Range<usize>>,
    pub first_person_plural: Vec<Range<usize>>,
    pub invitations: Vec<Range<usize>>,
    /// Each occurrence of the most repeated content word: prose words of three or
    /// more letters that are not function words (stop words, pronouns) of the
    /// post's language. Empty for languages without a lexicon.
    pub repeated_word: Vec<Range<usize>>,
}

/// The lexicons of the languages with packs.
#[derive(Debug, Default)]
pub struct Lexicons {
    pub en: Lexicon,
    pub de: Lexicon,
    pub ar: Lexicon,
}

impl Lexicons {
    pub fn get(&self, lang: Lang) -> Option<&Lexicon> {
        match lang {
            Lang::En => Some(&self.en),
            Lang::De => Some(&self.de),
            Lang::Ar => Some(&self.ar),
            Lang::Other => None,
        }
    }
}

/// The analysis of one text. Build with [`Analysis::new`].
#[derive(Debug)]
pub struct Analysis<'t> {
    pub text: &'t str,
    pub offsets: OffsetMap,
    pub norm: Normalized,
    pub words: Vec<Word>,
    pub graphemes: usize,
    pub language: LanguageInfo,
    pub features: Features,
    sentences: OnceCell<Vec<Range<usize>>>,
    blind: OnceCell<crate::text::blind::Blind>,
}

impl<'t> Analysis<'t> {
    /// Analyses `text`. `declared` skips detection; `hint` (the audience's language)
    /// breaks ties when detecting.
    pub fn new(text: &'t str, declared: Option<Lang>, hint: Option<Lang>, lexicons: &Lexicons) -> Self {
        let mut bounds = Vec::with_capacity(text.len() + 1);
        let mut normalizer = Normalizer::with_capacity(text.len() + 8);
        let mut emoji = Vec::new();
        let mut evidence = Evidence::default();
        crate::text::graphemes::for_each(text, |b, g| {
            normalizer.push(bounds.len(), g);
            bounds.push(b);
            if g.len() == 1 {
                evidence.count_letter(g.as_bytes()[0] as char);
            } else {
                if is_emoji_grapheme(g) {
                    emoji.push(b..b + g.len());
                }
                if let Some(c) = g.chars().next() {
                    evidence.count_letter(c);
                }
            }
        });
        let graphemes = bounds.len();
        let norm = normalizer.finish();
        let offsets = OffsetMap::new(text, bounds);

        let links = find_links(text);
        let hashtags = find_tags(text, &['#', '＃'], &links, true);
        let mentions = find_tags(text, &['@', '＠'], &links, false);

        let bounds = offsets.grapheme_bounds();
        let words: Vec<Word> = crate::text::words::word_indices(&norm.text)
            .map(|(i, w)| {
                let g = norm.source_graphemes(i..i + w.len());
                let orig = bounds[g.start]..bounds[g.end];
                let role = if within(&orig, links.iter().map(|l| &l.range)) {
                    WordRole::Link
                } else if within(&orig, mentions.iter()) {
                    WordRole::Mention
                } else if within(&orig, hashtags.iter()) {
                    WordRole::Hashtag
                } else {
                    WordRole::Prose
                };
                Word { norm: i..i + w.len(), orig, role }
            })
            .collect();

        let language = match declared {
            Some(code) => LanguageInfo { code, source: LangSource::Declared, confidence: 1.0 },
            None => {
                for w in words.iter().filter(|w| w.role == WordRole::Prose) {
                    let s = &norm.text[w.norm.clone()];
                    evidence.en_stopwords += usize::from(lexicons.en.is_stopword(s));
                    evidence.de_stopwords += usize::from(lexicons.de.is_stopword(s));
                    evidence.other_stopwords += usize::from(detect::is_other_stopword(s));
                }
                detect::detect(text, &evidence, hint)
            }
        };

        let mut features = Features { hashtags, mentions, links, emoji, ..Features::default() };
        features.emoji_runs = emoji_runs(text, &features.emoji);
        scan_marks(text, &mut features);
        for w in words.iter().filter(|w| w.role == WordRole::Prose) {
            let orig = &text[w.orig.clone()];
            if orig.chars().next().is_some_and(is_caseless_script) {
                continue;
            }
            let (cased, upper) = orig.chars().fold((0, 0), |(c, u), ch| {
                let (up, low) = if ch.is_ascii() {
                    (ch.is_ascii_uppercase(), ch.is_ascii_lowercase())
                } else {
                    (ch.is_uppercase(), ch.is_lowercase())
                };
                (c + usize::from(up || low), u + usize::from(up))
            });
            if cased > 0 {
                features.cased_words += 1;
                if upper == cased && cased >= 3 {
                    features.caps_words.push(w.orig.clone());
                }
                if upper < cased {
                    features.lower_words += 1;
                    features.capitalised_words += usize::from(orig.chars().next().is_some_and(char::is_uppercase));
                }
            }
        }
        if let Some(lex) = lexicons.get(language.code) {
            features.repeated_word = most_repeated_word(&words, &norm.text, lex);
            for w in words.iter().filter(|w| w.role == WordRole::Prose) {
                let flags = lex.flags(&norm.text[w.norm.clone()]);
                if flags & SECOND != 0 || flags & FORMAL != 0 && is_formal_address(text, &w.orig) {
                    features.second_person.push(w.orig.clone());
                }
                if flags & FIRST_PLURAL != 0 {
                    features.first_person_plural.push(w.orig.clone());
                }
            }
            let lang = language.code;
            if let Some(ac) = lex.invitations() {
                for m in ac.find_iter(&norm.text) {
                    if crate::text::boundaries_ok(&norm.text, m.range(), lang) {
                        let g = norm.source_graphemes(m.range());
                        features.invitations.push(bounds[g.start]..bounds[g.end]);
                    }
                }
            }
            if let Some((ac, flags)) = lex.multiword() {
                for m in ac.find_iter(&norm.text) {
                    if crate::text::boundaries_ok(&norm.text, m.range(), lang) {
                        let g = norm.source_graphemes(m.range());
                        let r = bounds[g.start]..bounds[g.end];
                        if flags[m.pattern().as_usize()] & SECOND != 0 {
                            features.second_person.push(r);
                        } else {
                            features.first_person_plural.push(r);
                        }
                    }
                }
                features.second_person.sort_by_key(|r| r.start);
                features.first_person_plural.sort_by_key(|r| r.start);
            }
        }

        Analysis {
            text,
            offsets,
            norm,
            words,
            graphemes,
            language,
            features,
            sentences: OnceCell::new(),
            blind: OnceCell::new(),
        }
    }

    /// Sentence ranges (UAX #29), computed on first use.
    /// The punctuation-blind view of the folded text that phrase rules match
    /// on, built once for all of them.
    pub fn blind(&self) -> &crate::text::blind::Blind {
        self.blind.get_or_init(|| crate::text::blind::Blind::new(&self.norm.text))
    }

    pub fn sentences(&self) -> &[Range<usize>] {
        self.sentences.get_or_init(|| {
            self.text
                .split_sentence_bound_indices()
                .filter(|(_, s)| s.chars().any(char::is_alphanumeric))
                .map(|(i, s)| i..i + s.trim_end().len())
                .collect()
        })
    }

    /// The original byte range of a range of the folded text.
    pub fn orig_range(&self, norm: Range<usize>) -> Range<usize> {
        let g = self.norm.source_graphemes(norm);
        let b = self.offsets.grapheme_bounds();
        b[g.start]..b[g.end]
    }

    /// Words that are prose (not part of a link, hashtag or mention).
    pub fn prose_words(&self) -> impl Iterator<Item = &Word> {
        self.words.iter().filter(|w| w.role == WordRole::Prose)
    }

    /// The folded form of a word.
    pub fn folded(&self, w: &Word) -> &str {
        &self.norm.text[w.norm.clone()]
    }
}

/// The occurrences (original ranges) of the content word that occurs most often;
/// on a tie, the one that occurs first.
fn most_repeated_word(words: &[Word], folded: &str, lex: &Lexicon) -> Vec<Range<usize>> {
    let mut content: Vec<(&str, usize)> = words
        .iter()
        .enumerate()
        .filter(|(_, w)| w.role == WordRole::Prose)
        .map(|(i, w)| (&folded[w.norm.clone()], i))
        .filter(|(s, _)| s.chars().count() >= 3 && !s.chars().all(char::is_numeric) && !lex.is_function_word(s))
        .collect();
    // Sorted by word, then position: equal words are neighbours, in text order.
    content.sort_unstable();
    let mut best: &[(&str, usize)] = &[];
    for group in content.chunk_by(|a, b| a.0 == b.0) {
        if group.len() > best.len() || group.len() == best.len() && best.first().is_some_and(|b| group[0].1 < b.1) {
            best = group;
        }
    }
    best.iter().map(|&(_, i)| words[i].orig.clone()).collect()
}

fn within<'a>(r: &Range<usize>, mut ranges: impl Iterator<Item = &'a Range<usize>>) -> bool {
    ranges.any(|o| o.start <= r.start && r.end <= o.end)
}

pub(crate) fn find_links(text: &str) -> Vec<Link> {
    let mut finder = linkify::LinkFinder::new();
    finder.kinds(&[linkify::LinkKind::Url]).url_must_have_scheme(false);
    finder
        .links(text)
        .filter(|l| {
            // Bare "example.com" is a link; bare "e.g." or "v1.2" is not.
            let s = l.as_str();
            s.contains("://") || s.starts_with("www.") || looks_like_domain(s)
        })
        .map(|l| Link { range: l.start()..l.end(), host: host_of(l.as_str()) })
        .collect()
}

fn looks_like_domain(s: &str) -> bool {
    let host = s.split(['/', '?', '#']).next().unwrap_or("");
    let tld = host.rsplit('.').next().unwrap_or("");
    host.contains('.') && tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic())
}

fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#', ':']).next().unwrap_or(rest).to_lowercase();
    host.strip_prefix("www.").map(str::to_owned).unwrap_or(host)
}

/// Hashtags (`#tag`, not all digits) or mentions (`@user`, `@user@host.tld`).
fn find_tags(text: &str, sigils: &[char], links: &[Link], hashtag: bool) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    // The ASCII sigil by memchr; the fullwidth one only in non-ASCII text.
    let mut at: Vec<(usize, char)> =
        memchr::memchr_iter(sigils[0] as u8, text.as_bytes()).map(|i| (i, sigils[0])).collect();
    if !text.is_ascii() {
        at.extend(text.match_indices(sigils[1]).map(|(i, _)| (i, sigils[1])));
        at.sort_unstable();
    }
    for (i, c) in at {
        if links.iter().any(|l| l.range.contains(&i)) {
            continue;
        }
        if text[..i].chars().next_back().is_some_and(|p| crate::text::is_word_char(p) || sigils.contains(&p)) {
            continue;
        }
        let body_start = i + c.len_utf8();
        let body = &text[body_start..];
        let mut len = body
            .char_indices()
            .find(|&(_, ch)| {
                !(if hashtag {
                    crate::text::is_word_char(ch) || is_mark(ch)
                } else {
                    ch.is_ascii_alphanumeric() || ch == '_' || ch == '.'
                })
            })
            .map_or(body.len(), |(j, _)| j);
        if !hashtag {
            // "@anna." ends a sentence: the dot is not part of the handle.
            len = body[..len].trim_end_matches('.').len();
            // Fediverse handles: @user@host.tld
            let after = &body[len..];
            if let Some(host) = after.strip_prefix('@') {
                let hl = host
                    .char_indices()
                    .find(|&(_, ch)| !(ch.is_ascii_alphanumeric() || ch == '-' || ch == '.'))
                    .map_or(host.len(), |(j, _)| j);
                let h = host[..hl].trim_end_matches('.');
                if h.contains('.') {
                    len += 1 + h.len();
                }
            }
        }
        let name = &body[..len];
        let ok = if hashtag { name.chars().any(char::is_alphabetic) } else { !name.is_empty() };
        if ok {
            out.push(i..body_start + len);
        }
    }
    out
}

/// Letters of scripts without case (Arabic, Hebrew, CJK, …): a word starting with
/// one cannot be shouted, so the case tables need not be consulted.
fn is_caseless_script(c: char) -> bool {
    matches!(c, '\u{0590}'..='\u{08FF}' | '\u{0E00}'..='\u{0EFF}' | '\u{3040}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7AF}' | '\u{FB1D}'..='\u{FEFC}')
}

fn is_mark(c: char) -> bool {
    use unicode_properties::general_category::{GeneralCategoryGroup, UnicodeGeneralCategory};
    c.general_category_group() == GeneralCategoryGroup::Mark
}

fn emoji_runs(text: &str, emoji: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut runs: Vec<(Range<usize>, usize)> = Vec::new();
    for e in emoji {
        match runs.last_mut() {
            Some((run, n)) if text[run.end..e.start].chars().all(char::is_whitespace) => {
                run.end = e.end;
                *n += 1;
            }
            _ => runs.push((e.clone(), 1)),
        }
    }
    runs.into_iter().filter(|(_, n)| *n >= 2).map(|(r, _)| r).collect()
}

/// Question marks and exclamation runs outside links.
fn scan_marks(text: &str, f: &mut Features) {
    let in_link = |i: usize| f.links.iter().any(|l| l.range.contains(&i));
    let is_bang = |c: char| matches!(c, '!' | '¡' | '‼' | '❗' | '❕' | '⁉');
    let mut run: Option<(usize, usize, usize)> = None; // start, end, bangs
    let mut runs = Vec::new();
    let mut questions = Vec::new();
    let mut bangs_total = 0;
    for (i, c) in text.char_indices() {
        let q = matches!(c, '?' | '؟' | '⁇' | '⁈' | '⁉');
        let b = is_bang(c);
        let one_after_bang = c == '1' && run.is_some();
        if (q || b || one_after_bang) && !in_link(i) {
            if q {
                questions.push(i..i + c.len_utf8());
            }
            let weight = match c {
                '‼' | '⁉' => 2,
                _ => usize::from(b),
            };
            bangs_total += weight;
            let r = run.get_or_insert((i, i, 0));
            r.1 = i + c.len_utf8();
            r.2 += weight;
        } else if let Some((s, e, n)) = run.take()
            && n >= 2
        {
            runs.push(s..e);
        }
    }
    if let Some((s, e, n)) = run
        && n >= 2
    {
        runs.push(s..e);
    }
    f.question_marks = questions;
    f.exclamations = bangs_total;
    f.exclamation_runs = runs;
}

/// A capitalised German formal pronoun ("Sie", "Ihnen") that is not the first word
/// of a sentence, where it could also be "they".
fn is_formal_address(text: &str, range: &Range<usize>) -> bool {
    let word = &text[range.clone()];
    if !word.chars().next().is_some_and(char::is_uppercase) || word.chars().skip(1).any(char::is_uppercase) {
        return false;
    }
    let before = text[..range.start]
        .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '"' | '„' | '“' | '»' | '«' | '(' | '-' | '–'));
    match before.chars().next_back() {
        None => false,
        Some(c) => !matches!(c, '.' | '!' | '?' | ':' | '…' | '\n'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicons() -> Lexicons {
        let en = LexiconSpec {
            second_person: vec!["you".into(), "your".into()],
            first_person_plural: vec!["we".into(), "our".into()],
            stopwords: vec!["the".into(), "and".into(), "is".into(), "to".into()],
            invitations: vec!["let us know".into()],
            ..LexiconSpec::default()
        };
        let de = LexiconSpec {
            second_person: vec!["du".into(), "euch".into()],
            formal_second_person: vec!["Sie".into(), "Ihnen".into()],
            stopwords: vec!["der".into(), "die".into(), "und".into(), "ist".into(), "nicht".into()],
            ..LexiconSpec::default()
        };
        let ar = LexiconSpec {
            second_person_suffixes: vec!["كم".into()],
            suffix_exceptions: vec!["حكم".into()],
            ..LexiconSpec::default()
        };
        Lexicons {
            en: Lexicon::compile([&en]).unwrap(),
            de: Lexicon::compile([&de]).unwrap(),
            ar: Lexicon::compile([&ar]).unwrap(),
        }
    }

    #[test]
    fn features_of_an_english_post() {
        let lx = lexicons();
        let text =
            "We LOVE our customers and the team!!! Tell us at https://ex.com/a?b=1 #Sale #2024 @anna. Let us know?";
        let a = Analysis::new(text, None, None, &lx);
        assert_eq!(a.language.code, Lang::En);
        let s = |r: &Range<usize>| &text[r.clone()];
        assert_eq!(a.features.hashtags.iter().map(s).collect::<Vec<_>>(), ["#Sale"]);
        assert_eq!(a.features.mentions.iter().map(s).collect::<Vec<_>>(), ["@anna"]);
        assert_eq!(a.features.links[0].host, "ex.com");
        assert_eq!(a.features.question_marks.len(), 1, "the ? inside the URL does not count");
        assert_eq!(a.features.exclamation_runs.iter().map(s).collect::<Vec<_>>(), ["!!!"]);
        assert_eq!(a.features.caps_words.iter().map(s).collect::<Vec<_>>(), ["LOVE"]);
        assert_eq!(
            (a.features.capitalised_words, a.features.lower_words),
            (3, 12),
            "We, Tell, Let; LOVE has no lower case"
        );
        assert_eq!(a.features.first_person_plural.len(), 2);
        assert_eq!(a.features.invitations.iter().map(s).collect::<Vec<_>>(), ["Let us know"]);
    }

    #[test]
    fn capitalised_words_among_words_with_lower_case() {
        let lx = lexicons();
        let a = Analysis::new("Which Pastry Are You, Really? NFL Week 3 iPhone", Some(Lang::En), None, &lx);
        // Which Pastry Are You Really Week capitalised; iPhone is not; NFL has no lower case.
        assert_eq!((a.features.capitalised_words, a.features.lower_words), (6, 7));
    }

    #[test]
    fn the_most_repeated_content_word() {
        let lx = lexicons();
        let s = |a: &Analysis<'_>, text: &str| {
            a.features.repeated_word.iter().map(|r| text[r.clone()].to_owned()).collect::<Vec<_>>()
        };
        let text = "Pizza deals: the best PIZZA and the cheapest pizza, https://pizza.example.com #pizza";
        let a = Analysis::new(text, Some(Lang::En), None, &lx);
        assert_eq!(s(&a, text), ["Pizza", "PIZZA", "pizza"], "folded, prose only, not in links or hashtags");
        let text = "the and the and the we we we 2024 2024 2024 ok ok ok";
        let a = Analysis::new(text, Some(Lang::En), None, &lx);
        assert!(a.features.repeated_word.is_empty(), "function words, numbers and short words do not count");
        let text = "bread and cakes, cakes and bread";
        let a = Analysis::new(text, Some(Lang::En), None, &lx);
        assert_eq!(s(&a, text), ["bread", "bread"], "a tie goes to the word that comes first");
        let a = Analysis::new("سلام سلام سلام", Some(Lang::Other), None, &lx);
        assert!(a.features.repeated_word.is_empty(), "no lexicon, no function words to leave out");
    }

    #[test]
    fn persian_is_other() {
        let a = Analysis::new("یعنی چی این کار رو کردی؟ من نمی‌دونم چرا", None, None, &lexicons());
        assert_eq!(a.language.code, Lang::Other);
        let a = Analysis::new("شكرا لكم على الطلب، نراكم قريبا", None, None, &lexicons());
        assert_eq!(a.language.code, Lang::Ar);
    }

    #[test]
    fn spanish_is_other() {
        let a = Analysis::new(
            "Hola Carmen, por el momento no es posible elegir el transportista de tu pedido",
            None,
            None,
            &lexicons(),
        );
        assert_eq!(a.language.code, Lang::Other);
    }

    #[test]
    fn german_formal_sie_only_mid_sentence() {
        let lx = lexicons();
        let text = "Sie kamen zu spät. Bestellen Sie jetzt und sparen Sie!";
        let a = Analysis::new(text, Some(Lang::De), None, &lx);
        assert_eq!(a.features.second_person.len(), 2);
        assert!(a.features.second_person.iter().all(|r| r.start > 10));
    }

    #[test]
    fn arabic_suffixes_and_detection() {
        let lx = lexicons();
        let text = "نشكركم على ثقتكم، حكم المباراة";
        let a = Analysis::new(text, None, None, &lx);
        assert_eq!(a.language.code, Lang::Ar);
        assert_eq!(a.features.second_person.len(), 2, "حكم is an exception");
    }

    #[test]
    fn emoji_runs_and_fediverse_handles() {
        let lx = lexicons();
        let text = "🔥 🔥🔥 hi @anna@social.example 😀";
        let a = Analysis::new(text, None, None, &lx);
        assert_eq!(a.features.emoji.len(), 4);
        assert_eq!(a.features.emoji_runs.len(), 1);
        assert_eq!(&text[a.features.mentions[0].clone()], "@anna@social.example");
    }
}
