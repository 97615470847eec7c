//! Which grapheme clusters are emoji. Counting rules (X weighs an emoji as 2),
//! emoji walls and the editor's highlights all need the same answer.

use unicode_properties::emoji::{EmojiStatus, UnicodeEmoji, is_regional_indicator};

/// Whether a grapheme cluster displays as an emoji: a character with emoji
/// presentation, a text-default emoji forced to emoji style with U+FE0F, a keycap,
/// a skin-toned sequence or a flag.
pub fn is_emoji_grapheme(g: &str) -> bool {
    let mut chars = g.chars();
    let Some(first) = chars.next() else { return false };
    if first.is_ascii() {
        // `#`, `*` and digits are emoji only as keycaps (`1️⃣`).
        return g.contains('\u{20E3}');
    }
    if first < '\u{2000}' {
        // Below U+2000 only © and ® are emoji, and only with U+FE0F.
        return matches!(first, '©' | '®') && g.contains('\u{FE0F}');
    }
    if is_regional_indicator(first) {
        return chars.next().is_some_and(is_regional_indicator);
    }
    match first.emoji_status() {
        EmojiStatus::EmojiPresentation
        | EmojiStatus::EmojiPresentationAndModifierBase
        | EmojiStatus::EmojiPresentationAndEmojiComponent
        | EmojiStatus::EmojiPresentationAndModifierAndEmojiComponent => true,
        EmojiStatus::EmojiModifierBase | EmojiStatus::EmojiOther | EmojiStatus::EmojiOtherAndEmojiComponent => {
            g.contains('\u{FE0F}') || g.contains('\u{200D}') || g.chars().any(is_skin_tone)
        }
        _ => false,
    }
}

fn is_skin_tone(c: char) -> bool {
    ('\u{1F3FB}'..='\u{1F3FF}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_emoji_forms() {
        for g in ["😀", "👍🏽", "👨‍👩‍👧", "🇩🇪", "1️⃣", "❤️", "☝🏻"] {
            assert!(is_emoji_grapheme(g), "{g}");
        }
        for g in ["a", "1", "#", "©", "ع", "ß", "™", "❤"] {
            assert!(!is_emoji_grapheme(g), "{g}");
        }
    }
}
