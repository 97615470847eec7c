//! Over-posting (issue 4), end to end: the draft judged against its history —
//! unsorted, duplicated, queued, in mixed offsets, across summer-time switches,
//! without text, 1,000 items long — through the engine as the API uses it, and
//! a content repo's front matter as the calendar through the binary.

use crate::cli::{dir_with, run};
use crate::support::{engine, now};
use serde_json::{Value, json};
use unbroadcast::input::InputErrorKind;
use unbroadcast::{LintRequest, Report, Warning};

fn lint(req: Value) -> Report {
    engine().lint_request(LintRequest::from_json(req).unwrap(), now()).unwrap()
}

fn warning<'r>(r: &'r Report, rule: &str) -> Option<&'r Warning> {
    r.warnings.iter().find(|w| w.rule == rule)
}

#[track_caller]
fn fired<'r>(r: &'r Report, rule: &str) -> &'r Warning {
    let ids: Vec<&str> = r.warnings.iter().map(|w| w.rule.as_str()).collect();
    warning(r, rule).unwrap_or_else(|| panic!("{rule} did not fire: {ids:?}"))
}

fn linkedin_draft(at: &str, history: Value) -> Value {
    json!({
        "post": { "text": "Three things we learned from a year of four-day weeks in support.", "channel": "linkedin", "scheduled_at": at },
        "audience": { "timezone": "Europe/Berlin" },
        "history": history,
    })
}

fn frequency_view(r: &Report) -> Vec<(String, String, Option<String>)> {
    r.warnings
        .iter()
        .filter(|w| w.category.name() == "frequency" || w.category.name() == "repetition")
        .map(|w| (w.rule.clone(), w.message.clone(), w.suggested_time.clone()))
        .collect()
}

#[test]
fn unsorted_history_is_read_in_time_order() {
    let sorted = json!([
        { "channel": "linkedin", "at": "2026-05-05T07:00:00Z", "text": "Hiring: two people for support." },
        { "channel": "linkedin", "at": "2026-05-05T09:30:00Z" },
        { "channel": "x", "at": "2026-05-05T11:00:00Z" },
        { "channel": "linkedin", "at": "2026-05-05T13:10:00Z" },
    ]);
    let mut shuffled = sorted.as_array().unwrap().clone();
    shuffled.reverse();
    shuffled.swap(0, 2);
    let a = lint(linkedin_draft("2026-05-05T16:00:00+02:00", sorted));
    let b = lint(linkedin_draft("2026-05-05T16:00:00+02:00", Value::Array(shuffled)));
    assert_eq!(frequency_view(&a), frequency_view(&b));
    let w = fired(&a, "frequency.daily-cap");
    assert_eq!(
        w.message,
        "4th LinkedIn post in 24 h; the policy allows 1; earlier: 09:00, 11:30, 15:10 Europe/Berlin."
    );
}

#[test]
fn duplicate_entries_count_once() {
    // The same queue entry twice (one id), the same post twice without ids, and
    // the draft itself in the queue, by id and by channel, time and text.
    let draft = "Three things we learned from a year of four-day weeks in support.";
    let history = json!([
        { "id": "q1", "channel": "linkedin", "at": "2026-05-05T07:00:00Z" },
        { "id": "q1", "channel": "linkedin", "at": "2026-05-05T07:00:00Z" },
        { "channel": "linkedin", "at": "2026-05-04T20:00:00Z", "text": "Hiring!" },
        { "channel": "linkedin", "at": "2026-05-04T20:00:00Z", "text": "Hiring!" },
        { "channel": "linkedin", "at": "2026-05-05T14:00:00Z", "text": draft },
        { "id": "me", "channel": "linkedin", "at": "2026-05-05T14:00:00Z", "text": draft },
    ]);
    let mut req = linkedin_draft("2026-05-05T16:00:00+02:00", history);
    req["id"] = json!("me");
    let r = lint(req);
    let w = fired(&r, "frequency.daily-cap");
    assert_eq!(
        w.message,
        "3rd LinkedIn post in 24 h; the policy allows 1; earlier: Mon 4 May 22:00, 09:00 Europe/Berlin."
    );
    assert!(warning(&r, "repetition.near-duplicate").is_none(), "the draft is not its own duplicate");
    // Two entries with different ids and the same text and time are two posts.
    let r = lint(linkedin_draft(
        "2026-05-05T16:00:00+02:00",
        json!([
            { "id": "a", "channel": "linkedin", "at": "2026-05-05T07:00:00Z" },
            { "id": "b", "channel": "linkedin", "at": "2026-05-05T07:00:00Z" },
        ]),
    ));
    assert!(fired(&r, "frequency.daily-cap").message.starts_with("3rd LinkedIn post"));
}

#[test]
fn queued_posts_count_against_their_own_windows() {
    // Tonight's draft (22:30) shares a 24 h window with tomorrow morning's queued post;
    // the one queued for next week does not count against today.
    let r = lint(linkedin_draft(
        "2026-05-05T22:30:00+02:00",
        json!([
            { "channel": "linkedin", "at": "2026-05-06T09:00:00+02:00", "text": "Webinar on Thursday." },
            { "channel": "linkedin", "at": "2026-05-12T09:00:00+02:00" },
        ]),
    ));
    let w = fired(&r, "frequency.daily-cap");
    assert_eq!(w.message, "2nd LinkedIn post in 24 h; the policy allows 1; queued: Wed 6 May 09:00 Europe/Berlin.");
    // The earliest time that shares no day with the queued post: a day after it.
    assert_eq!(w.suggested_time.as_deref(), Some("2026-05-07T09:00:00+02:00"));
    // Too close to it and in the night as well: one time for every finding.
    for rule in ["frequency.min-gap", "frequency.quiet-hours"] {
        assert_eq!(fired(&r, rule).suggested_time, w.suggested_time, "{rule}");
    }
}

#[test]
fn mixed_utc_offsets_are_one_timeline() {
    // 07:00Z, 11:30+02:00 and 09:10-04:00 are 09:00, 11:30 and 15:10 in Berlin.
    let r = lint(linkedin_draft(
        "2026-05-05T14:00:00Z",
        json!([
            { "channel": "linkedin", "at": "2026-05-05T09:10:00-04:00" },
            { "channel": "linkedin", "at": "2026-05-05T07:00:00Z" },
            { "channel": "linkedin", "at": "2026-05-05T11:30:00+02:00" },
        ]),
    ));
    let w = fired(&r, "frequency.daily-cap");
    assert_eq!(
        w.message,
        "4th LinkedIn post in 24 h; the policy allows 1; earlier: 09:00, 11:30, 15:10 Europe/Berlin."
    );
    // The suggestion is written in the audience's zone, whatever the input used.
    assert_eq!(w.suggested_time.as_deref(), Some("2026-05-06T15:10:00+02:00"));
    // Without an audience zone, times show in the offset the scheduler wrote.
    let mut req =
        linkedin_draft("2026-05-05T16:00:00+02:00", json!([{ "channel": "linkedin", "at": "2026-05-05T07:00:00Z" }]));
    req.as_object_mut().unwrap().remove("audience");
    let r = lint(req);
    assert_eq!(
        fired(&r, "frequency.daily-cap").message,
        "2nd LinkedIn post in 24 h; the policy allows 1; earlier: 09:00 UTC+02:00."
    );
}

#[test]
fn summer_time_switch_days_in_berlin() {
    // 29 March 2026: 02:00 → 03:00. From Saturday 12:00 (+01:00) to Sunday 12:30
    // (+02:00) is 23 h 30 min on the wall clock's "next day": one rolling day.
    let r = lint(linkedin_draft(
        "2026-03-29T12:30:00+02:00",
        json!([{ "channel": "linkedin", "at": "2026-03-28T12:00:00+01:00" }]),
    ));
    let w = fired(&r, "frequency.daily-cap");
    assert_eq!(w.message, "2nd LinkedIn post in 24 h; the policy allows 1; earlier: Sat 28 Mar 12:00 Europe/Berlin.");
    assert_eq!(w.suggested_time.as_deref(), Some("2026-03-29T13:00:00+02:00"));
    // 25 October 2026: 03:00 → 02:00. Saturday 12:00 (+02:00) to Sunday 11:30
    // (+01:00) is 24 h 30 min: already another day.
    let r = lint(linkedin_draft(
        "2026-10-25T11:30:00+01:00",
        json!([{ "channel": "linkedin", "at": "2026-10-24T12:00:00+02:00" }]),
    ));
    assert!(warning(&r, "frequency.daily-cap").is_none(), "{:?}", frequency_view(&r));
    // Quiet hours follow the local clock on both days.
    let quiet = |at: &str| warning(&lint(linkedin_draft(at, json!([]))), "frequency.quiet-hours").cloned();
    assert!(quiet("2026-03-29T04:30:00Z").is_some(), "06:30 CEST");
    assert!(quiet("2026-03-29T05:00:00Z").is_none(), "07:00 CEST");
    assert!(quiet("2026-10-25T05:30:00Z").is_some(), "06:30 CET");
    assert!(quiet("2026-10-25T06:00:00Z").is_none(), "07:00 CET");
    let w = quiet("2026-03-29T00:30:00Z").unwrap();
    assert!(w.message.starts_with("Goes out at 01:30 Europe/Berlin"), "{}", w.message);
    assert_eq!(w.suggested_time.as_deref(), Some("2026-03-29T07:00:00+02:00"));
}

#[test]
fn unknown_time_zone_is_a_clear_error() {
    let req = LintRequest::from_json(json!({ "post": { "text": "Hi" }, "audience": { "timezone": "Europe/Berlinn" } }))
        .unwrap();
    let e = engine().lint_request(req, now()).unwrap_err();
    assert_eq!((e.kind, e.pointer.as_str()), (InputErrorKind::UnknownTimezone, "/audience/timezone"));
    assert_eq!(e.message, "unknown time zone 'Europe/Berlinn'; use an IANA name such as Europe/Berlin");
    // The CLI names the file and exits 2; the other files are still linted.
    let d = dir_with(&[
        ("posts/a.md", b"---\nchannel: x\nscheduled_at: 2026-05-05T10:00:00Z\naudience: { timezone: Mars/Olympus }\n---\nAnna, does Tuesday work for you?\n"),
        ("posts/b.md", b"Anna, does Tuesday work for you?\n"),
    ]);
    let r = run(d.path(), &["--no-config", "lint", "posts"], b"");
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("posts/a.md:4: error: /audience/timezone: unknown time zone 'Mars/Olympus'; use an IANA name such as Europe/Berlin"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("posts/b.md: score"), "{}", r.stdout);
}

#[test]
fn history_without_text_counts_but_is_never_compared() {
    let text = "Three things we learned from a year of four-day weeks in support.";
    let r = lint(json!({
        "post": { "text": text, "channel": "x", "scheduled_at": "2026-05-05T10:00:00Z" },
        "history": [
            { "channel": "x", "at": "2026-05-05T09:50:00Z" },
            { "channel": "linkedin", "at": "2026-05-05T10:05:00Z" },
            { "channel": "facebook", "at": "2026-05-05T10:10:00Z", "text": "" },
        ],
    }));
    assert!(fired(&r, "frequency.min-gap").message.starts_with("10 min after the X post at 09:50"));
    for rule in ["repetition.near-duplicate", "repetition.blast", "repetition.template"] {
        assert!(warning(&r, rule).is_none(), "{rule}");
    }
}

#[test]
fn replies_are_not_counted_against_the_feed() {
    let history: Vec<Value> = (0..8).map(|i| json!({ "channel": "x", "at": format!("2026-05-05T09:{:02}:00Z", i * 5), "text": "Thanks for writing, we are on it and will get back to you today." })).collect();
    let r = lint(json!({
        "post": { "text": "Thanks for writing, we are on it and will get back to you today.", "channel": "x", "scheduled_at": "2026-05-05T09:42:00Z",
                  "reply_to": { "author": "@anna", "text": "My order has not arrived." } },
        "audience": { "timezone": "America/New_York" },
        "history": history,
    }));
    assert!(
        !r.warnings.iter().any(|w| w.rule.starts_with("frequency.") || w.rule.starts_with("repetition.")),
        "{:?}",
        frequency_view(&r)
    );
}

/// 1,000 history items, from two weeks before the draft to a week after, one
/// every 30 minutes round seven networks: the numbers in the findings agree with
/// counting by hand.
#[test]
fn a_thousand_history_items() {
    let draft_at: i64 = 1_778_000_000;
    let channels = ["x", "linkedin", "facebook", "instagram", "threads", "mastodon", "bluesky"];
    let items: Vec<(i64, &str)> = (0..1000i64)
        .map(|i| (draft_at - 14 * 86_400 + i * 1800 + 600, channels[(i as usize * 3) % channels.len()]))
        .collect();
    let ts = |s: i64| jiff::Timestamp::from_second(s).unwrap();
    let history: Vec<Value> = items
        .iter()
        .enumerate()
        .map(|(i, (at, c))| {
            json!({ "id": format!("p{i}"), "channel": c, "at": ts(*at).to_string(), "text": format!("Post {i}: a note about coffee number {i}") })
        })
        .collect();
    let scheduled = ts(draft_at).to_string();
    let r = lint(
        json!({ "post": { "text": "A fresh thought about coffee.", "channel": "x", "scheduled_at": scheduled }, "history": history }),
    );

    let day = 86_400;
    let on_x: Vec<i64> = items.iter().filter(|(_, c)| *c == "x").map(|(t, _)| *t).collect();
    // The fullest 24 h window that holds the draft: it starts at the draft or at
    // an X post of the day before.
    let fullest = std::iter::once(draft_at)
        .chain(on_x.iter().copied().filter(|t| *t > draft_at - day && *t <= draft_at))
        .map(|s| on_x.iter().filter(|t| **t >= s && **t < s + day).count())
        .max()
        .unwrap();
    let w = fired(&r, "frequency.daily-cap");
    assert!(w.message.starts_with(&format!("{}th X post in 24 h; the policy allows 5;", fullest + 1)), "{}", w.message);
    // The nearest X post is the one 10 minutes after the draft.
    let nearest = on_x.iter().min_by_key(|t| (**t - draft_at).abs()).unwrap();
    assert_eq!(*nearest - draft_at, 600);
    assert!(fired(&r, "frequency.min-gap").message.starts_with("10 min before the X post at"));
    // Two posts an hour across all channels, plus the draft: no burst.
    assert!(warning(&r, "frequency.burst").is_none());
    // The queue keeps X full for a week; the first free time is when only four X
    // posts are left within a day behind it: a day after the fifth-last.
    let expected =
        ts(on_x[on_x.len() - 5] + day).to_zoned(jiff::tz::TimeZone::UTC).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string();
    assert_eq!(w.suggested_time.as_deref(), Some(expected.as_str()));
    // One more item is over the default limit.
    let mut too_many = history.clone();
    too_many.push(json!({ "at": scheduled }));
    let req = LintRequest::from_json(json!({ "post": { "text": "Hi" }, "history": too_many })).unwrap();
    assert_eq!(engine().lint_request(req, now()).unwrap_err().kind, InputErrorKind::TooManyHistoryItems);
}

#[test]
fn channel_policies_are_overridden_by_settings_and_requests() {
    let history = json!([{ "channel": "linkedin", "at": "2026-05-05T07:00:00Z" }]);
    let mut req = linkedin_draft("2026-05-05T20:00:00+02:00", history.clone());
    req["options"] = json!({ "channels": { "linkedin": { "daily": 2, "min_gap": "6h" } } });
    let r = lint(req);
    assert!(warning(&r, "frequency.daily-cap").is_none() && warning(&r, "frequency.min-gap").is_none());
    // The settings file's [channels.linkedin] does the same for every post.
    let d = dir_with(&[
        ("unbroadcast.toml", b"[channels.linkedin]\ndaily = 2\nmin_gap = \"6h\"\n"),
        (
            "a.md",
            b"---\nchannel: linkedin\nscheduled_at: 2026-05-05T12:00:00+02:00\n---\nAnna, does Tuesday work for you?\n",
        ),
        (
            "b.md",
            b"---\nchannel: linkedin\nscheduled_at: 2026-05-05T19:00:00+02:00\n---\nBen, did the new grinder arrive?\n",
        ),
    ]);
    let r = run(d.path(), &["lint", "a.md", "b.md"], b"");
    assert!(!r.stdout.contains("frequency."), "{}", r.stdout);
    let r = run(d.path(), &["--no-config", "lint", "a.md", "b.md"], b"");
    assert!(r.stdout.contains("frequency.daily-cap"), "{}", r.stdout);
}

const CALENDAR: &[(&str, &[u8])] = &[
    (
        "posts/2026-05-04-hiring.md",
        b"---\nchannel: linkedin\nscheduled_at: 2026-05-04T09:00:00+02:00\naudience: { timezone: Europe/Berlin }\n---\nWe are hiring two people for support. Know someone who would love it? Tell them to write to Anna.\n",
    ),
    (
        "posts/2026-05-04-report.md",
        b"---\nchannel: linkedin\nscheduled_at: 2026-05-04T11:30:00+02:00\naudience: { timezone: Europe/Berlin }\n---\nWhat did 2,000 of you tell us about delivery? The short version: faster is nice, predictable is better.\n",
    ),
    (
        "posts/2026-05-04-webinar.md",
        b"---\nchannel: linkedin\nscheduled_at: 2026-05-04T15:10:00+02:00\naudience: { timezone: Europe/Berlin }\n---\nOn Thursday we walk through the delivery results live. Bring your questions, we will answer every one.\n",
    ),
    (
        "posts/2026-05-04-late.md",
        b"---\nchannel: linkedin\nscheduled_at: 2026-05-04T16:00:00+02:00\naudience: { timezone: Europe/Berlin }\n---\nOne more thing for today: how do you plan your week, on paper or in an app?\n",
    ),
    ("posts/drafts/idea.md", b"---\nchannel: linkedin\n---\nAn idea without a date: what would you like us to write about?\n"),
    (
        "posts/requests.jsonl",
        b"{\"post\":{\"text\":\"Another account's post, Anna, what do you think?\",\"channel\":\"linkedin\",\"scheduled_at\":\"2026-05-04T16:05:00+02:00\"}}\n",
    ),
];

#[test]
fn a_content_repo_is_a_calendar() {
    let d = dir_with(CALENDAR);
    let r = run(d.path(), &["--no-config", "lint", "--format", "json", "posts"], b"");
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let v: Vec<Value> = serde_json::from_str(&r.stdout).unwrap();
    let by_path = |p: &str| v.iter().find(|e| e["path"] == p).unwrap_or_else(|| panic!("{p} in {}", r.stdout));
    let rules = |e: &Value| -> Vec<String> {
        e["warnings"].as_array().unwrap().iter().map(|w| w["rule"].as_str().unwrap().to_owned()).collect()
    };
    let late = by_path("posts/2026-05-04-late.md");
    let cap = late["warnings"].as_array().unwrap().iter().find(|w| w["rule"] == "frequency.daily-cap").unwrap();
    assert_eq!(
        cap["message"],
        "4th LinkedIn post in 24 h; the policy allows 1; earlier: 09:00, 11:30, 15:10 Europe/Berlin."
    );
    assert_eq!(cap["suggested_time"], "2026-05-05T15:10:00+02:00");
    assert!(cap.get("span").is_none(), "frequency findings are about the whole post");
    assert_eq!(late["verdict"], "review");
    // Every dated post sees the others; the undated draft and the API request do not.
    assert!(rules(by_path("posts/2026-05-04-hiring.md")).contains(&"frequency.daily-cap".to_owned()));
    assert!(!rules(by_path("posts/drafts/idea.md")).iter().any(|r| r.starts_with("frequency.")));
    assert!(!rules(by_path("posts/requests.jsonl")).iter().any(|r| r.starts_with("frequency.")));
    // Spread over the week, the same files pass.
    let spread: Vec<(String, Vec<u8>)> = CALENDAR
        .iter()
        .enumerate()
        .map(|(i, (p, c))| {
            (
                p.to_string(),
                String::from_utf8_lossy(c).replace("2026-05-04T", &format!("2026-05-{:02}T", 4 + i)).into_bytes(),
            )
        })
        .collect();
    let spread: Vec<(&str, &[u8])> = spread.iter().map(|(p, c)| (p.as_str(), c.as_slice())).collect();
    let d = dir_with(&spread);
    let r = run(d.path(), &["--no-config", "lint", "-q", "posts"], b"");
    assert!(!r.stdout.contains("frequency."), "{}", r.stdout);
    // --no-calendar judges each file alone.
    let d = dir_with(CALENDAR);
    let r = run(d.path(), &["--no-config", "lint", "-q", "--no-calendar", "posts"], b"");
    assert!(!r.stdout.contains("frequency."), "{}", r.stdout);
}

#[test]
fn rules_command_documents_the_new_rules() {
    let d = dir_with(&[]);
    let r = run(d.path(), &["rules", "frequency"], b"");
    assert_eq!(r.code, 0);
    for id in
        ["frequency.burst", "frequency.daily-cap", "frequency.min-gap", "frequency.quiet-hours", "frequency.weekly-cap"]
    {
        assert!(r.stdout.contains(id), "{id}: {}", r.stdout);
    }
    assert!(r.stdout.contains("Why it matters") && r.stdout.contains("with history"), "{}", r.stdout);
    let r = run(d.path(), &["rules", "repetition"], b"");
    for id in ["repetition.blast", "repetition.near-duplicate", "repetition.template"] {
        assert!(r.stdout.contains(id), "{id}");
    }
}

/// The README's calendar excerpt is real output of `lint examples/calendar`.
#[test]
fn the_readme_shows_real_calendar_output() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let block = readme
        .split("<!-- calendar-output:start -->")
        .nth(1)
        .unwrap()
        .split("<!-- calendar-output:end -->")
        .next()
        .unwrap();
    let r = run(root, &["--no-config", "lint", "examples/calendar"], b"");
    assert_eq!(r.code, 1, "{}", r.stderr);
    let actual: Vec<&str> = r.stdout.lines().collect();
    for line in block.lines().filter(|l| !l.trim().is_empty() && !l.starts_with("```")) {
        assert!(actual.contains(&line), "README line not in the output:\n{line}\n\noutput:\n{}", r.stdout);
    }
}
