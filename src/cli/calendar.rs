//! A content repo is a calendar. When one run lints several post files, each
//! file's `channel`, `scheduled_at` and text become history for the others, so
//! five LinkedIn posts planned for one Monday, or the same text scheduled on three
//! networks, fail in CI before anything is published.
//!
//! Only post files (and a post on standard input) with a valid `scheduled_at` take
//! part, as givers and as receivers: a post without a time is not on the calendar,
//! and judging it at "now" against the plan would make CI depend on the hour it
//! runs. `.jsonl` lines are API requests that bring their own history (often of
//! other accounts), so they neither give nor receive. Each entry's id is its path,
//! so two files with the same text and time are two posts, not one sent twice.
//!
//! One settings file is one account: files governed by the same `unbroadcast.toml`
//! share a calendar, so a repo holding several accounts (each directory with its
//! own settings) is judged account by account.

use super::inputs::Item;
use crate::channel::Channel;
use crate::input::{HistoryIn, parse_time};
use jiff::{SignedDuration, Timestamp};

/// How far from a post the calendar looks: every window of the frequency and
/// repetition rules (7 days) plus the 14 days a suggested time may lie ahead,
/// with room to spare. Posts further away cannot change any finding.
const REACH: SignedDuration = SignedDuration::from_hours(30 * 24);

/// One post of the calendar.
struct Entry {
    item: usize,
    at: Timestamp,
    history: HistoryIn,
}

/// Adds the other post files of the same account to each post file's history,
/// nearest first, keeping every request within its engine's history limit.
pub fn attach(items: &mut [Item]) {
    let entries: Vec<Entry> = items
        .iter()
        .enumerate()
        .filter(|(_, it)| it.file.is_some())
        .filter_map(|(i, it)| {
            let post = &it.request.as_ref().ok()?.post;
            let (at, _) = parse_time(post.scheduled_at.as_deref()?, "").ok()?;
            // A file with an unknown channel reports its own error; it is not a post
            // the others can be judged against.
            let channel: Channel = match post.channel.as_deref() {
                None => Channel::Generic,
                Some(c) => c.parse().ok()?,
            };
            let history = HistoryIn {
                id: Some(it.path.clone()),
                text: Some(post.text.clone()),
                channel: Some(channel.name().to_owned()),
                at: post.scheduled_at.clone()?,
            };
            Some(Entry { item: i, at, history })
        })
        .collect();
    if entries.len() < 2 {
        return;
    }
    for me in &entries {
        let project = std::sync::Arc::clone(&items[me.item].project);
        let max_history = project.engine.config().limits.max_history;
        let mut near: Vec<(SignedDuration, &HistoryIn)> = entries
            .iter()
            .filter(|e| e.item != me.item && std::sync::Arc::ptr_eq(&items[e.item].project, &project))
            .map(|e| (e.at.duration_since(me.at).abs(), &e.history))
            .filter(|(d, _)| *d <= REACH)
            .collect();
        near.sort_by_key(|(d, _)| *d);
        let Ok(request) = items[me.item].request.as_mut() else { continue };
        let history = request.history.get_or_insert_with(Vec::new);
        let room = max_history.saturating_sub(history.len());
        history.extend(near.into_iter().take(room).map(|(_, h)| h.clone()));
    }
}
