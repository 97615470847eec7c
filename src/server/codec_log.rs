//! What the log says about requests the HTTP/1 codec refuses: a request line or
//! header that does not parse (400), a head over actix-http's 128 KiB buffer
//! (431), a head not sent within `server.request_timeout` (408). Those never
//! reach the app — actix-http answers them itself, with an empty body and no
//! request id, and offers no hook to change that answer — but it reports each
//! 400 and 431 as an ERROR line from `actix_http::h1::dispatcher` ("stream
//! error: …"), so any client could write error lines at will.
//!
//! [`CodecLog`] takes the dispatcher's warnings and errors away from the log
//! output (see [`is_codec`]) and says each again as a WARN line, at most
//! [`WARNS_PER_MINUTE`] a minute; the rest go to debug, each with how many were
//! held back so far, and the first warning of a later minute says how many were
//! held back before it. (The 408 is logged by actix-http at trace only.)

use super::observe::{LOG_CLIP, clip};
use std::sync::mpsc::{SyncSender, sync_channel};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};
use tracing::dispatcher::Dispatch;
use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};

/// Where actix-http logs what happens on a connection.
const DISPATCHER: &str = "actix_http::h1::dispatcher";

/// Warn lines a minute at most: enough to notice a broken client or a scan,
/// few enough (14,400 a day) that a flood of bad requests cannot fill a disk.
pub const WARNS_PER_MINUTE: u32 = 10;

const WINDOW: Duration = Duration::from_secs(60);

/// Whether the event is one of actix-http's complaints about a connection.
pub fn is_codec(meta: &Metadata<'_>) -> bool {
    *meta.level() <= Level::WARN && meta.target() == DISPATCHER
}

/// How to say one refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Say {
    /// A warning; `held_before` lines went to debug in the minutes before it.
    Warn { held_before: u64 },
    /// A debug line, the `held`-th held back this minute.
    Debug { held: u64 },
}

/// A fixed one-minute window: the first [`WARNS_PER_MINUTE`] refusals in it warn.
#[derive(Debug, Default)]
struct Limiter {
    start: Option<Instant>,
    warned: u32,
    held: u64,
    /// Held back in earlier windows and not yet reported by a warning.
    unreported: u64,
}

impl Limiter {
    fn admit(&mut self, now: Instant) -> Say {
        if self.start.is_none_or(|s| now.duration_since(s) >= WINDOW) {
            self.start = Some(now);
            self.warned = 0;
            self.unreported += self.held;
            self.held = 0;
        }
        if self.warned < WARNS_PER_MINUTE {
            self.warned += 1;
            Say::Warn { held_before: std::mem::take(&mut self.unreported) }
        } else {
            self.held += 1;
            Say::Debug { held: self.held }
        }
    }
}

/// The layer: says codec refusals again, rate-limited. Give the other layers a
/// filter that drops [`is_codec`] events, or they say them too.
///
/// It says them from a thread of its own: tracing drops (or, through
/// `with_default`, panics on) an event made while another is being dispatched on
/// the same thread. The queue is bounded; when a flood fills it, what does not
/// fit is not said.
#[derive(Debug, Default)]
pub struct CodecLog {
    limiter: Mutex<Limiter>,
    queue: OnceLock<SyncSender<(Say, String)>>,
}

/// Refusals waiting for the logging thread.
const QUEUE: usize = 1024;

impl<S: Subscriber> Layer<S> for CodecLog {
    fn on_register_dispatch(&self, dispatch: &Dispatch) {
        // Weak: the dispatch owns this layer, and the thread must not keep it alive.
        let dispatch = dispatch.downgrade();
        let (tx, rx) = sync_channel::<(Say, String)>(QUEUE);
        let spawned = std::thread::Builder::new().name("unbroadcast-codec-log".into()).spawn(move || {
            // Ends when the layer, and with it the sender, is dropped.
            for (say, refusal) in rx {
                let Some(d) = dispatch.upgrade() else { break };
                tracing::dispatcher::with_default(&d, || say_it(say, &refusal));
            }
        });
        if spawned.is_ok() {
            let _ = self.queue.set(tx);
        }
    }

    /// Only warnings and errors concern it. Without a hint, the stack's would be
    /// "any level", and every disabled `debug!` in the process would cost a check.
    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(LevelFilter::WARN)
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        if !is_codec(event.metadata()) {
            return;
        }
        let Some(queue) = self.queue.get() else { return };
        let mut message = Message::default();
        event.record(&mut message);
        let say = self.limiter.lock().unwrap_or_else(PoisonError::into_inner).admit(Instant::now());
        let _ = queue.try_send((say, clip(&message.0, LOG_CLIP).into_owned()));
    }
}

fn say_it(say: Say, refusal: &str) {
    match say {
        Say::Warn { held_before: 0 } => tracing::warn!(refusal, "request refused by the HTTP layer"),
        Say::Warn { held_before } => {
            tracing::warn!(refusal, suppressed = held_before, "request refused by the HTTP layer");
        }
        Say::Debug { held } => tracing::debug!(refusal, suppressed = held, "request refused by the HTTP layer"),
    }
}

/// The `message` field of an event.
#[derive(Default)]
struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_warnings_a_minute_then_debug_then_the_count() {
        let mut l = Limiter::default();
        let t0 = Instant::now();
        let says: Vec<Say> = (0..13).map(|i| l.admit(t0 + Duration::from_millis(i))).collect();
        assert!(says[..10].iter().all(|s| *s == Say::Warn { held_before: 0 }));
        assert_eq!(says[10..], [Say::Debug { held: 1 }, Say::Debug { held: 2 }, Say::Debug { held: 3 }]);
        // The next minute: warnings again, the first with the count held back.
        assert_eq!(l.admit(t0 + WINDOW), Say::Warn { held_before: 3 });
        assert_eq!(l.admit(t0 + WINDOW), Say::Warn { held_before: 0 });
        // A quiet minute between does not lose the count.
        let mut l = Limiter::default();
        (0..11).for_each(|_| _ = l.admit(t0));
        assert_eq!(l.admit(t0 + 3 * WINDOW), Say::Warn { held_before: 1 });
    }

    /// A writer into a shared buffer.
    #[derive(Clone, Default)]
    struct Buf(std::sync::Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_dispatchers_errors_are_said_again_as_warnings() {
        let buf = Buf::default();
        let out = buf.clone();
        let dispatch =
            super::super::observe::subscriber(super::super::settings::LogFormat::Human, "info", move || out.clone())
                .unwrap();
        tracing::dispatcher::with_default(&dispatch, || {
            for _ in 0..12 {
                tracing::error!(target: "actix_http::h1::dispatcher", "stream error: request parse error: invalid Header provided");
            }
            tracing::error!(target: "actix_http::h1::service", "HTTP/1 service readiness error");
        });
        // Said from the layer's thread: wait for the error and ten warnings (the
        // other two are at debug, which is off).
        let start = Instant::now();
        let read = || String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        while read().lines().count() < 11 && start.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(10));
        }
        let log = read();
        let lines: Vec<&str> = log.lines().collect();
        assert_eq!(lines.iter().filter(|l| l.contains(" WARN ")).count(), 10, "{log}");
        assert!(lines.iter().all(|l| !l.contains(" ERROR ") || l.contains("readiness")), "{log}");
        assert!(
            lines.iter().all(|l| !l.contains(" WARN ") || l.contains("refusal=\"stream error: request parse")),
            "{log}"
        );
    }
}
