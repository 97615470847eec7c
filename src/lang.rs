//! Languages the engine knows. English, German and Arabic have packs of their own;
//! everything else is `Other` and only gets the language-independent rules.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A post's language as the engine treats it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    De,
    Ar,
    Other,
}

impl Lang {
    /// The languages with packs of their own, in a fixed order.
    pub const SUPPORTED: [Lang; 3] = [Lang::En, Lang::De, Lang::Ar];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
            Lang::Ar => "ar",
            Lang::Other => "other",
        }
    }

    /// The language of a BCP 47 locale such as `de-DE` or `ar_EG`; `None` when the
    /// tag is not a language tag at all.
    pub fn from_locale(locale: &str) -> Option<Lang> {
        let primary = locale.split(['-', '_']).next()?.to_ascii_lowercase();
        if primary.len() < 2 || primary.len() > 3 || !primary.bytes().all(|b| b.is_ascii_alphabetic()) {
            return None;
        }
        Some(match primary.as_str() {
            "en" | "eng" => Lang::En,
            "de" | "deu" | "ger" => Lang::De,
            "ar" | "ara" | "arb" => Lang::Ar,
            _ => Lang::Other,
        })
    }

    /// What goes between the items of a list in a message: Arabic has its own
    /// comma (U+060C).
    pub fn list_separator(self) -> &'static str {
        match self {
            Lang::Ar => "، ",
            _ => ", ",
        }
    }

    /// Whether the language's script has letter case (shouting only exists there).
    pub fn has_case(self) -> bool {
        !matches!(self, Lang::Ar)
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Lang {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "en" => Ok(Lang::En),
            "de" => Ok(Lang::De),
            "ar" => Ok(Lang::Ar),
            "other" => Ok(Lang::Other),
            _ => Err(()),
        }
    }
}

/// The language a pack is written for: one language, or every language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PackLang {
    Any,
    Only(Lang),
}

impl PackLang {
    pub fn applies_to(self, lang: Lang) -> bool {
        match self {
            PackLang::Any => true,
            PackLang::Only(l) => l == lang,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            PackLang::Any => "any",
            PackLang::Only(l) => l.code(),
        }
    }
}

impl FromStr for PackLang {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "any" => Ok(PackLang::Any),
            "en" => Ok(PackLang::Only(Lang::En)),
            "de" => Ok(PackLang::Only(Lang::De)),
            "ar" => Ok(PackLang::Only(Lang::Ar)),
            _ => Err(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales_map_to_languages() {
        assert_eq!(Lang::from_locale("de-DE"), Some(Lang::De));
        assert_eq!(Lang::from_locale("ar_EG"), Some(Lang::Ar));
        assert_eq!(Lang::from_locale("EN"), Some(Lang::En));
        assert_eq!(Lang::from_locale("fr-CA"), Some(Lang::Other));
        assert_eq!(Lang::from_locale("12"), None);
        assert_eq!(Lang::from_locale(""), None);
    }
}
