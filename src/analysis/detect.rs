//! Language detection among English, German, Arabic and "other".
//!
//! Posts are short, so a statistical detector alone guesses too often. Evidence is
//! taken in order of strength: the script (Arabic letters settle it), then stop words
//! from the packs' lexicons and German-only letters, then `whatlang`'s trigram model,
//! and finally the audience's locale as a tie-breaker.

use crate::lang::Lang;
use serde::{Deserialize, Serialize};

/// Where a post's language came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LangSource {
    Declared,
    Detected,
}

/// The language a post was analysed as.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LanguageInfo {
    pub code: Lang,
    pub source: LangSource,
    /// 0–1; 1 for a declared language.
    pub confidence: f64,
}

/// What the analysis counted for detection.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Evidence {
    pub arabic_letters: usize,
    pub latin_letters: usize,
    pub other_letters: usize,
    pub en_stopwords: usize,
    pub de_stopwords: usize,
    /// ä, ö, ü, ß: letters English does not use.
    pub german_letters: usize,
    /// Function words of other Latin-script languages (Spanish, French, …).
    pub other_stopwords: usize,
    /// Letters of Persian and Urdu that Arabic does not use (پ چ ژ ی ے ٹ …).
    pub persian_letters: usize,
}

/// Frequent function words of Spanish, French, Italian, Portuguese, Dutch and
/// Turkish that are not English or German words: evidence for "other".
const OTHER_STOPWORDS: [&str; 64] = [
    "que", "los", "las", "por", "para", "una", "del", "con", "pero", "muy", "como", "está", "esta", "gracias", "hola",
    "les", "des", "une", "pour", "avec", "est", "sont", "dans", "sur", "pas", "vous", "nous", "très", "merci",
    "bonjour", "qui", "che", "della", "sono", "grazie", "perché", "anche", "questo", "não", "uma", "com", "mais",
    "também", "obrigado", "você", "het", "een", "niet", "zijn", "voor", "ook", "maar", "dit", "bir", "ve", "bu",
    "için", "çok", "ile", "gibi", "el", "la", "le", "de",
];

/// Whether a folded word is one of [`OTHER_STOPWORDS`].
pub(crate) fn is_other_stopword(w: &str) -> bool {
    w.len() <= 8 && OTHER_STOPWORDS.contains(&w)
}

impl Evidence {
    pub fn count_letter(&mut self, c: char) {
        if c.is_ascii_alphabetic() {
            self.latin_letters += 1;
        } else if c.is_ascii() {
            // digits, punctuation, space
        } else if matches!(c, '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}') {
            // The Arabic letters proper, without the table lookup below.
            self.arabic_letters += 1;
        } else if c.is_alphabetic() {
            match c {
                'پ' | 'چ' | 'ژ' | 'ی' | 'ے' | 'ٹ' | 'ڈ' | 'ڑ' | 'ں' | 'ہ' | 'ھ' => {
                    self.arabic_letters += 1;
                    self.persian_letters += 1;
                }
                '\u{0600}'..='\u{06FF}'
                | '\u{0750}'..='\u{077F}'
                | '\u{08A0}'..='\u{08FF}'
                | '\u{FB50}'..='\u{FDFF}'
                | '\u{FE70}'..='\u{FEFF}' => self.arabic_letters += 1,
                'ä' | 'ö' | 'ü' | 'ß' | 'Ä' | 'Ö' | 'Ü' | 'ẞ' => {
                    self.latin_letters += 1;
                    self.german_letters += 1;
                }
                '\u{00C0}'..='\u{024F}' => self.latin_letters += 1,
                _ => self.other_letters += 1,
            }
        }
    }
}

pub(crate) fn detect(text: &str, ev: &Evidence, hint: Option<Lang>) -> LanguageInfo {
    let letters = ev.arabic_letters + ev.latin_letters + ev.other_letters;
    let detected = |code, confidence: f64| LanguageInfo {
        code,
        source: LangSource::Detected,
        confidence: (confidence.clamp(0.0, 1.0) * 100.0).round() / 100.0,
    };
    if letters == 0 {
        return detected(hint.unwrap_or(Lang::Other), 0.0);
    }
    let share = |n: usize| n as f64 / letters as f64;
    if share(ev.arabic_letters) >= 0.5 {
        // Persian and Urdu write with Arabic letters plus a few of their own.
        let p = ev.persian_letters as f64 / ev.arabic_letters as f64;
        if ev.persian_letters >= 2 && p >= 0.04 {
            return detected(Lang::Other, 0.5 + p.min(0.5));
        }
        return detected(Lang::Ar, 0.5 + share(ev.arabic_letters) / 2.0);
    }
    if share(ev.other_letters) >= 0.5 {
        return detected(Lang::Other, share(ev.other_letters));
    }
    // Latin script: English, German or another language.
    let other = ev.other_stopwords as f64;
    if other >= 2.0 && other > (ev.en_stopwords + ev.de_stopwords) as f64 {
        return detected(Lang::Other, 0.5 + 0.4 * (other / (other + 2.0)));
    }
    let en = ev.en_stopwords as f64;
    let de = ev.de_stopwords as f64 + 1.5 * (ev.german_letters.min(4) as f64);
    let total = en + de;
    if total >= 3.0 && (en >= 2.0 * de || de >= 2.0 * en) {
        let (code, win) = if en > de { (Lang::En, en) } else { (Lang::De, de) };
        return detected(code, 0.6 + 0.4 * (win / total) * (total / (total + 2.0)));
    }
    // Weak evidence: ask the trigram model, which also recognises other languages.
    if let Some(info) = whatlang::detect(text) {
        let code = match info.lang() {
            whatlang::Lang::Eng => Lang::En,
            whatlang::Lang::Deu => Lang::De,
            _ => Lang::Other,
        };
        let conf = info.confidence();
        let agrees_with_words = match code {
            Lang::En => en >= de,
            Lang::De => de >= en,
            _ => total < 1.0,
        };
        if info.is_reliable() && agrees_with_words {
            return detected(code, 0.5 + conf / 2.0);
        }
    }
    // Too little to tell: the audience's language if it is a Latin one we know,
    // else whichever stop words were seen, else English.
    match hint {
        Some(h @ (Lang::En | Lang::De)) if !(en > de && h == Lang::De || de > en && h == Lang::En) => detected(h, 0.5),
        _ if de > en => detected(Lang::De, 0.4 + 0.1 * de.min(2.0)),
        _ => detected(Lang::En, if en > 0.0 { 0.5 } else { 0.3 }),
    }
}
