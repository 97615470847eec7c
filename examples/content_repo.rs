//! Writes a synthetic content repository for the CI benchmark (issue 6): N post
//! files in en, de and ar across channels and directories, with front matter,
//! named audiences, inline disables, code blocks and links — the shape of the
//! sample repo in `tests/fixtures/content-repo`, at scale.
//!
//! `cargo run --release --example content_repo -- DIR 10000`, then time
//! `unbroadcast lint DIR` (see `benches/content_repo.sh` and docs/performance.md).

use std::fmt::Write as _;
use std::path::PathBuf;

const SETTINGS: &str = r#"[lint]
include = ["posts/**/*.md", "calendar/**/*.md"]
exclude = ["posts/archive"]

[lint.per_file_ignores]
"calendar/**" = ["conversation.no-question"]

[audiences.commuters]
description = "commuters who grab a coffee at the station kiosk"
interests = ["flat white", "breakfast"]
locale = "en-GB"
timezone = "Europe/London"

[audiences.baristas]
description = "home baristas in Berlin"
interests = ["Espresso", "Latte Art"]
locale = "de-DE"
timezone = "Europe/Berlin"

[audiences.riyadh]
description = "coffee lovers in Riyadh"
interests = ["قهوة مختصة"]
locale = "ar-SA"
timezone = "Asia/Riyadh"
"#;

/// (language, audience, body) — bodies between 200 and 900 characters.
const POSTS: [(&str, &str, &str); 6] = [
    (
        "en",
        "commuters",
        "<!-- unbroadcast-disable-next-line broadcast.hard-sell -->\nWe're excited to announce our spring menu! Shop now at [the kiosk](https://bit.ly/kiosk-menu).\nLike and share to win a free flat white 🎉\n\n```text\nSPRING2026 is the code: 10% OFF!!! #coffee #spring #deal\n```\n",
    ),
    (
        "en",
        "commuters",
        "Anna, you asked whether the 7:40 crowd would want oat milk in their flat white.\n\nWe tried three brands this week and the one from the farm near Reading foamed best. Which size do you usually take on the train, and should we keep a jug ready from six?\n",
    ),
    (
        "de",
        "baristas",
        "Wir freuen uns, Ihnen unseren neuen Kurs vorzustellen! JETZT ANMELDEN, NUR NOCH WENIGE PLÄTZE!!!\n\nAlle Infos zum Kurs: <https://example.de/kurs> — und `Mühle Nr. 3` bringen wir mit.\n",
    ),
    (
        "de",
        "baristas",
        "Anna, du hattest nach dem Mahlgrad für die neue Bohne gefragt. Wir sind bei Stufe 12 gelandet, mit 18 Gramm und 25 Sekunden. Wie sieht deine Latte Art damit aus?\n",
    ),
    ("ar", "riyadh", "يسعدنا أن نعلن عن افتتاح فرعنا الجديد!!! شارك المنشور مع أصدقائك 🎉🎉🎉 #قهوة #الرياض #افتتاح\n"),
    (
        "ar",
        "riyadh",
        "سارة، سألتِ عن القهوة المختصة من إثيوبيا. وصلت الشحنة صباح اليوم وجربناها بالتقطير البارد. أي طريقة تحضير تفضلين في البيت؟\n",
    ),
];

const CHANNELS: [&str; 5] = ["x", "linkedin", "mastodon", "bluesky", "instagram"];

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: content_repo DIR [FILES]");
        std::process::exit(2);
    };
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(10_000);
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("unbroadcast.toml"), SETTINGS)?;
    for i in 0..n {
        let (lang, audience, body) = POSTS[i % POSTS.len()];
        let channel = CHANNELS[i % CHANNELS.len()];
        // 100 files per directory, like a repo with a folder per week.
        let sub = if i % 10 == 9 { "calendar" } else { "posts" };
        let folder = dir.join(sub).join(lang).join(format!("week-{:03}", i / 100));
        std::fs::create_dir_all(&folder)?;
        let (day, hour) = (1 + (i / 24) % 28, i % 24);
        let mut text = String::with_capacity(body.len() + 160);
        let _ = write!(
            text,
            "---\nchannel: {channel}\nlanguage: {lang}\nscheduled_at: 2026-05-{day:02}T{hour:02}:00:00Z\naudience: {audience}\ntitle: Post {i}\n---\n{body}"
        );
        std::fs::write(folder.join(format!("{i:05}.md")), text)?;
    }
    eprintln!("wrote {n} posts under {}", dir.display());
    Ok(())
}
