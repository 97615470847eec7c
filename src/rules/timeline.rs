//! The draft's place among the account's posts: `history` (recent *and* queued
//! posts) cleaned up once per request and shared by every frequency and repetition
//! rule, so that 1,000 history items cost one sort, not one per rule.
//!
//! Cleaning: exact duplicates count once (the same `id`, or — when one of the two
//! has no id — the same channel, time and text), the draft itself is dropped when the
//! queue already holds it (the draft's `id`, or an id-less item with its channel,
//! time and text), and an item without a channel is taken to be on the draft's
//! channel (a scheduler that leaves it out is sending one network's queue).
//!
//! Replies (`post.reply_to`) are not judged by the rules that read the timeline:
//! they answer a person in a thread instead of going to followers' feeds, and a
//! support team answering thirty customers an hour is doing its job.
//!
//! Times are milliseconds since the Unix epoch: window arithmetic on integers, no
//! time zone involved. Time zones only matter for quiet hours and for showing
//! times to people, both of which go through [`Timeline::when`] and friends.

use super::context::Hit;
use super::fingerprint::Fingerprint;
use crate::channel::Channel;
use crate::input::{Draft, HistoryItem};
use foldhash::{HashSet, HashSetExt};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use std::cell::OnceCell;

/// Milliseconds since the Unix epoch, or a length of time in milliseconds.
pub type Ms = i64;

/// "Never": a rule that no time satisfies (a cap of zero posts).
pub const NEVER: Ms = Ms::MAX;

/// One post of the history, after cleaning.
#[derive(Debug, Clone, Copy)]
pub struct Post {
    pub at: Ms,
    pub channel: Channel,
    /// Index into `draft.history`.
    pub item: usize,
}

/// The posts of one channel (or of all channels), sorted by time.
#[derive(Debug, Default)]
pub struct Lane {
    times: Vec<Ms>,
    /// Index into [`Timeline::posts`], parallel to `times`.
    posts: Vec<usize>,
}

/// The fullest window around a time, when it breaks a cap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crowd {
    /// The other posts in the window (indices into [`Timeline::posts`]), by time.
    pub others: Vec<usize>,
    /// Every time from the one asked about up to this one breaks the cap too.
    pub until: Ms,
}

impl Lane {
    fn push(&mut self, at: Ms, post: usize) {
        self.times.push(at);
        self.posts.push(post);
    }

    pub fn len(&self) -> usize {
        self.times.len()
    }

    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }

    /// Whether a post at `t` would make some window of length `window` that
    /// contains `t` hold more than `max` posts (counting the one at `t`).
    ///
    /// The windows worth looking at start at a post in `(t - window, t]` or at `t`
    /// itself: a window's count only changes when its start passes a post. A
    /// window starting at post `p` stays full for every time in `[t, p + window)`;
    /// the one starting at `t` stays full until its first post plus `window`. The
    /// latest of these ends is `until`. Cost: the posts within `window` of `t`.
    pub fn crowd(&self, t: Ms, window: Ms, max: u32) -> Option<Crowd> {
        let max = max as usize;
        if max == 0 {
            return Some(Crowd { others: Vec::new(), until: NEVER });
        }
        let lo = self.times.partition_point(|&x| x <= t.saturating_sub(window));
        let at_t = self.times.partition_point(|&x| x < t);
        let mut best: Option<(usize, usize)> = None; // (start, end) index range of the fullest window
        let mut until = None;
        let mut end = lo;
        let mut consider = |start: usize, start_time: Ms, end: usize| {
            let count = end - start;
            if count >= max {
                until = Some(start_time.saturating_add(window));
                if best.is_none_or(|(s, e)| count > e - s) {
                    best = Some((start, end));
                }
            }
        };
        // Windows starting at a post at or before `t`.
        for i in lo..self.times.len() {
            let s = self.times[i];
            if s > t {
                break;
            }
            let limit = s.saturating_add(window);
            while end < self.times.len() && self.times[end] < limit {
                end += 1;
            }
            consider(i, s, end);
        }
        // The window starting at `t` itself: it keeps its posts until the first one
        // of them is a window behind.
        let limit = t.saturating_add(window);
        let end_t = self.times.partition_point(|&x| x < limit);
        if at_t < end_t {
            consider(at_t, self.times[at_t], end_t);
        }
        let (start, end) = best?;
        Some(Crowd { others: self.posts[start..end].to_vec(), until: until.unwrap_or(NEVER) })
    }

    /// The post closest to `t` less than `gap` away, and `until`: every time from
    /// `t` up to it is less than `gap` from some post (the latest of them).
    pub fn too_close(&self, t: Ms, gap: Ms) -> Option<(usize, Ms)> {
        let lo = self.times.partition_point(|&x| x <= t.saturating_sub(gap));
        let hi = self.times.partition_point(|&x| x < t.saturating_add(gap));
        if lo >= hi {
            return None;
        }
        let nearest = (lo..hi).min_by_key(|&i| (self.times[i] - t).abs())?;
        Some((self.posts[nearest], self.times[hi - 1].saturating_add(gap)))
    }

    /// Posts in `(t - window, t + window)`, by time.
    pub fn around(&self, t: Ms, window: Ms) -> impl Iterator<Item = usize> + '_ {
        let lo = self.times.partition_point(|&x| x <= t.saturating_sub(window));
        let hi = self.times.partition_point(|&x| x < t.saturating_add(window));
        self.posts[lo..hi.max(lo)].iter().copied()
    }
}

/// The cleaned history around one draft.
#[derive(Debug)]
pub struct Timeline<'a> {
    draft: &'a Draft,
    /// The draft's time.
    pub at: Ms,
    pub channel: Channel,
    /// History posts by time: deduplicated, without the draft.
    pub posts: Vec<Post>,
    lanes: [Lane; Channel::ALL.len()],
    all: Lane,
    /// Where times are shown: the audience's zone, else the scheduler's offset, else UTC.
    zone: TimeZone,
    zone_label: String,
    draft_day: Date,
    prints: Vec<OnceCell<Option<Fingerprint>>>,
    draft_print: OnceCell<Fingerprint>,
}

fn lane_index(c: Channel) -> usize {
    Channel::ALL.iter().position(|x| *x == c).unwrap_or(Channel::ALL.len() - 1)
}

impl<'a> Timeline<'a> {
    pub fn new(draft: &'a Draft) -> Timeline<'a> {
        let at = draft.scheduled_at.as_millisecond();
        let channel = draft.channel;
        let is_draft = |h: &HistoryItem| match (&h.id, &draft.id) {
            (Some(a), Some(b)) => a == b,
            (Some(_), None) => false,
            (None, _) => same_post(h, channel, at, Some(draft.text.as_str())),
        };
        // Two items are one post when they share an id, or when one of them has
        // no id and they share channel, time and text. The first one stands for
        // the others. Hash sets keep this linear however many items collide.
        let n = draft.history.len();
        let mut ids: HashSet<&str> = HashSet::with_capacity(n);
        let mut contents: HashSet<(Channel, Ms, Option<&str>)> = HashSet::with_capacity(n);
        let mut idless: HashSet<(Channel, Ms, Option<&str>)> = HashSet::new();
        let mut posts: Vec<Post> = Vec::with_capacity(n);
        for (i, h) in draft.history.iter().enumerate() {
            if is_draft(h) {
                continue;
            }
            let post = Post { at: h.at.as_millisecond(), channel: h.channel.unwrap_or(channel), item: i };
            let content = (post.channel, post.at, h.text.as_deref());
            let seen = match h.id.as_deref() {
                Some(id) => ids.contains(id) || idless.contains(&content),
                None => contents.contains(&content),
            };
            if seen {
                continue;
            }
            match h.id.as_deref() {
                Some(id) => {
                    ids.insert(id);
                }
                None => {
                    idless.insert(content);
                }
            }
            contents.insert(content);
            posts.push(post);
        }
        posts.sort_by_key(|p| p.at);

        let mut lanes: [Lane; Channel::ALL.len()] = Default::default();
        let mut all = Lane::default();
        for (i, p) in posts.iter().enumerate() {
            lanes[lane_index(p.channel)].push(p.at, i);
            all.push(p.at, i);
        }
        let zone = draft.display_zone();
        let zone_label = zone_label(draft);
        let draft_day = zone.to_datetime(draft.scheduled_at).date();
        let prints = (0..posts.len()).map(|_| OnceCell::new()).collect();
        Timeline {
            draft,
            at,
            channel,
            posts,
            lanes,
            all,
            zone,
            zone_label,
            draft_day,
            prints,
            draft_print: OnceCell::new(),
        }
    }

    /// The posts of one channel.
    pub fn lane(&self, c: Channel) -> &Lane {
        &self.lanes[lane_index(c)]
    }

    /// The posts of every channel.
    pub fn all(&self) -> &Lane {
        &self.all
    }

    /// The history item behind a post.
    pub fn item(&self, post: usize) -> &'a HistoryItem {
        &self.draft.history[self.posts[post].item]
    }

    /// The words of a post, for similarity; `None` for items without text.
    pub fn print(&self, post: usize) -> Option<&Fingerprint> {
        self.prints[post].get_or_init(|| self.item(post).text.as_deref().map(Fingerprint::new)).as_ref()
    }

    /// The words of the draft.
    pub fn draft_print(&self) -> &Fingerprint {
        self.draft_print.get_or_init(|| Fingerprint::new(&self.draft.text))
    }

    /// How a time is shown next to the draft's: "09:00" on the draft's day,
    /// "Sun 3 May 09:00" on another, in the display zone (without its name).
    pub fn when(&self, t: Ms) -> String {
        let Ok(ts) = Timestamp::from_millisecond(t) else { return String::from("?") };
        let dt = self.zone.to_datetime(ts);
        if dt.date() == self.draft_day {
            dt.strftime("%H:%M").to_string()
        } else {
            dt.strftime("%a %-d %b %H:%M").to_string()
        }
    }

    /// [`Timeline::when`] followed by the zone's name.
    pub fn when_in_zone(&self, t: Ms) -> String {
        format!("{} {}", self.when(t), self.zone_label)
    }

    /// The display zone's name: "Europe/Berlin", "UTC+02:00" or "UTC".
    pub fn zone_label(&self) -> &str {
        &self.zone_label
    }

    /// A time as RFC 3339 in the display zone: what `suggested_time` carries.
    pub fn rfc3339(&self, t: Ms) -> Option<String> {
        let ts = Timestamp::from_millisecond(t).ok()?;
        Some(ts.to_zoned(self.zone.clone()).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string())
    }

    /// Other posts split into those before the draft and those queued after it,
    /// as "earlier: 09:00, 11:30; queued: 18:00 Europe/Berlin". With
    /// `channels`, each time is prefixed with its channel ("X 09:00").
    pub fn earlier_and_queued(&self, posts: &[usize], channels: bool) -> String {
        let show = |&p: &usize| {
            let post = &self.posts[p];
            if channels {
                format!("{} {}", post.channel.display_name(), self.when(post.at))
            } else {
                self.when(post.at)
            }
        };
        if posts.is_empty() {
            return "no other posts".to_owned();
        }
        let (before, after): (Vec<usize>, Vec<usize>) = posts.iter().partition(|&&p| self.posts[p].at <= self.at);
        let mut parts = Vec::new();
        if !before.is_empty() {
            parts.push(format!("earlier: {}", before.iter().map(show).collect::<Vec<_>>().join(", ")));
        }
        if !after.is_empty() {
            parts.push(format!("queued: {}", after.iter().map(show).collect::<Vec<_>>().join(", ")));
        }
        format!("{} {}", parts.join("; "), self.zone_label)
    }
}

impl Crowd {
    /// The finding of a cap: "4th LinkedIn post in 24 h; the policy allows 1;
    /// earlier: 09:00, 11:30, 15:10 Europe/Berlin". `channels` names each other
    /// post's channel (for caps across all channels).
    pub fn hit(&self, tl: &Timeline<'_>, what: &str, max: u32, window: Ms, channels: bool) -> Hit {
        Hit::whole_post()
            .arg("nth", ordinal(self.others.len() + 1))
            .arg("count", self.others.len() + 1)
            .arg("channel", what)
            .arg("max", max)
            .arg("window", duration(window))
            .arg("others", tl.earlier_and_queued(&self.others, channels))
    }
}

/// Whether a history item is the post with this channel, time and text.
fn same_post(h: &HistoryItem, channel: Channel, at: Ms, text: Option<&str>) -> bool {
    h.channel.is_none_or(|c| c == channel) && h.at.as_millisecond() == at && h.text.as_deref() == text
}

fn zone_label(draft: &Draft) -> String {
    if let Some((name, _)) = draft.audience.as_ref().and_then(|a| a.timezone.as_ref()) {
        return name.clone();
    }
    match draft.scheduled_offset {
        Some(o) if o.seconds() != 0 => offset_name(o),
        _ => "UTC".to_owned(),
    }
}

/// A fixed offset as people write it: "UTC+02:00", "UTC-04:00", "UTC+05:30".
pub fn offset_name(o: jiff::tz::Offset) -> String {
    let s = o.seconds();
    let sign = if s < 0 { '-' } else { '+' };
    let a = s.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", a / 3600, a % 3600 / 60)
}

/// The start of a post for a message: one line, at most `max` characters.
pub fn excerpt(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max).collect();
    // End on a word when one ends reasonably late.
    let cut = match cut.rfind(' ') {
        Some(i) if i > cut.len() / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

/// "1st", "2nd", "3rd", "4th", "11th", "22nd".
pub fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// " (and 2 more within 7 days)" after the post a finding names; empty for none.
pub fn and_more(n: usize, window: Ms) -> String {
    if n == 0 { String::new() } else { format!(" (and {n} more within {})", duration(window)) }
}

/// A length of time as people say it: "45 s", "30 min", "2 h 10 min", "24 h",
/// "7 days".
pub fn duration(ms: Ms) -> String {
    let secs = ms / 1000;
    let (d, h, m, s) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60, secs % 60);
    if secs < 60 {
        return format!("{secs} s");
    }
    if d > 0 && h == 0 && m == 0 && d != 1 {
        return format!("{d} days");
    }
    let hours = d * 24 + h;
    match (hours, m) {
        (0, m) if s == 0 || m >= 10 => format!("{m} min"),
        (0, m) => format!("{m} min {s} s"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// Milliseconds of a policy or parameter duration.
pub fn ms(d: crate::policy::Duration) -> Ms {
    i64::try_from(d.0.as_millis()).unwrap_or(NEVER)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lane(times: &[Ms]) -> Lane {
        let mut l = Lane::default();
        for (i, &t) in times.iter().enumerate() {
            l.push(t, i);
        }
        l
    }

    const H: Ms = 3_600_000;

    #[test]
    fn crowd_looks_at_every_window_containing_the_time() {
        // Posts at 0 h, 1 h, 30 h; cap 2 per 24 h.
        let l = lane(&[0, H, 30 * H]);
        // At 2 h: the window from 0 h holds 0 h, 1 h and the draft.
        let c = l.crowd(2 * H, 24 * H, 2).unwrap();
        assert_eq!(c.others, [0, 1]);
        // Full until the 0 h post is a day behind: at 24 h the window from 1 h
        // holds the 1 h post and the draft, which the cap allows.
        assert_eq!(c.until, 24 * H);
        assert!(l.crowd(24 * H, 24 * H, 2).is_none());
        // A queued post counts against the window ahead: at -1 h the window [-1 h, 23 h) holds both.
        let c = l.crowd(-H, 24 * H, 2).unwrap();
        assert_eq!(c.others, [0, 1]);
        assert_eq!(c.until, 24 * H);
        // Exactly 24 h apart is another day.
        assert!(lane(&[0]).crowd(24 * H, 24 * H, 1).is_none());
        assert!(lane(&[0]).crowd(24 * H - 1, 24 * H, 1).is_some());
        assert_eq!(lane(&[]).crowd(0, H, 0).unwrap().until, NEVER);
    }

    #[test]
    fn too_close_finds_the_nearest_and_the_way_out() {
        let l = lane(&[0, 10 * H]);
        assert_eq!(l.too_close(11 * H, 12 * H), Some((1, 22 * H)));
        assert_eq!(l.too_close(5 * H, 12 * H), Some((0, 22 * H)));
        assert_eq!(l.too_close(22 * H, 12 * H), None);
    }

    fn item(id: Option<&str>, channel: Option<Channel>, at: &str, text: Option<&str>) -> HistoryItem {
        HistoryItem { id: id.map(str::to_owned), text: text.map(str::to_owned), channel, at: at.parse().unwrap() }
    }

    #[test]
    fn duplicates_and_the_draft_itself_are_dropped() {
        let mut d = Draft::from_text("Hello there", "2026-05-05T10:00:00Z".parse().unwrap());
        d.id = Some("me".into());
        d.channel = Channel::X;
        let x = Some(Channel::X);
        d.history = vec![
            item(Some("a"), x, "2026-05-05T09:00:00Z", None),
            item(Some("a"), x, "2026-05-05T09:30:00Z", None), // same id, moved: the first stands
            item(None, x, "2026-05-05T08:00:00Z", Some("Hi")),
            item(None, None, "2026-05-05T08:00:00Z", Some("Hi")), // no channel: the draft's, so the same
            item(Some("b"), x, "2026-05-05T08:00:00Z", Some("Hi")), // an id-less twin came first
            item(Some("c"), x, "2026-05-05T07:00:00Z", Some("Yo")),
            item(Some("d"), x, "2026-05-05T07:00:00Z", Some("Yo")), // two ids: two posts
            item(Some("me"), x, "2026-05-05T10:00:00Z", None),      // the draft by id
            item(None, x, "2026-05-05T10:00:00Z", Some("Hello there")), // the draft by content
        ];
        let tl = Timeline::new(&d);
        let kept: Vec<usize> = tl.posts.iter().map(|p| p.item).collect();
        assert_eq!(kept, [5, 6, 2, 0]);
        // A draft without an id is only found by content: "me" is another post.
        d.id = None;
        let kept: Vec<usize> = Timeline::new(&d).posts.iter().map(|p| p.item).collect();
        assert_eq!(kept, [5, 6, 2, 0, 7]);
    }

    #[test]
    fn a_thousand_identical_items_are_one_post() {
        let mut d = Draft::from_text("Hello", "2026-05-05T10:00:00Z".parse().unwrap());
        d.history = (0..1000).map(|_| item(None, None, "2026-05-05T09:00:00Z", Some("Same"))).collect();
        assert_eq!(Timeline::new(&d).posts.len(), 1);
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(24 * H), "24 h");
        assert_eq!(duration(7 * 24 * H), "7 days");
        assert_eq!(duration(H / 2), "30 min");
        assert_eq!(duration(2 * H + 10 * 60_000), "2 h 10 min");
        assert_eq!(duration(45_000), "45 s");
        assert_eq!(ordinal(1), "1st");
        assert_eq!(ordinal(12), "12th");
        assert_eq!(ordinal(23), "23rd");
        assert_eq!(excerpt("Short\npost", 40), "Short post");
        assert_eq!(excerpt("Our spring menu is here: wild garlic soup", 30), "Our spring menu is here: wild…");
    }
}
