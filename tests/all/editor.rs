//! The editor page (`GET /`): its headers in process, and the page itself in a
//! real headless Chromium driven through chromedriver (WebDriver, `fantoccini`)
//! against the real binary. The browser test types drafts in English, Arabic
//! (mixed with English) and full of emoji and checks that the score, the
//! warnings and the highlights land on the right words; applies a replacement
//! and undoes it; works the page by keyboard; shows an API error in words; asks
//! for a key when the API wants one; and fits a 360 px screen. Each state is
//! saved as `target/screenshots/editor-*.png`.
//!
//! Needs `chromium` and `chromedriver` (Debian: `chromium`, `chromium-driver`;
//! or set `UNBROADCAST_CHROMIUM` / `UNBROADCAST_CHROMEDRIVER`). Without them the
//! browser test says why it was skipped and passes, except under CI (`CI` set),
//! where it fails.

use crate::http::{call, state_with};
use actix_web::test as web_test;
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use unbroadcast::server::create_app;
use unbroadcast::server::settings::{Secret, ServerSettings};

// ---------- in process: what the server sends ----------

#[actix_web::test]
async fn the_page_and_its_assets_are_served_with_strict_headers() {
    // Open even when the API needs a key: the page asks for it.
    let settings = ServerSettings { api_keys: vec![Secret::new("k-1")], ..ServerSettings::default() };
    let app = web_test::init_service(create_app(state_with(&settings))).await;
    for (path, ct, needle) in [
        ("/", "text/html; charset=utf-8", "<textarea id=\"draft\" dir=\"auto\""),
        ("/editor.css", "text/css; charset=utf-8", ".mirror"),
        ("/editor.js", "text/javascript; charset=utf-8", "v1/lint"),
    ] {
        let a = call(&app, web_test::TestRequest::get().uri(path).to_request()).await;
        assert_eq!(a.status, 200, "{path}");
        assert_eq!(a.content_type(), ct, "{path}");
        assert!(a.text().contains(needle), "{path}");
        let csp = a.header("content-security-policy").unwrap();
        assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"), "{csp}");
        assert!(!csp.contains("unsafe"), "{csp}");
        assert_eq!(a.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(a.header("cache-control"), Some("no-cache"));
        let etag = a.header("etag").unwrap().to_owned();
        assert!(etag.starts_with(&format!("\"{}-", env!("CARGO_PKG_VERSION"))), "{etag}");

        // A browser that has this version gets 304 and no body.
        for inm in [etag.clone(), format!("W/{etag}"), format!("\"other\", {etag}")] {
            let req = web_test::TestRequest::get().uri(path).insert_header(("if-none-match", inm)).to_request();
            let a = call(&app, req).await;
            assert_eq!(a.status, 304, "{path}");
            assert!(a.body.is_empty());
            assert_eq!(a.header("etag"), Some(etag.as_str()));
        }
        let req = web_test::TestRequest::get().uri(path).insert_header(("if-none-match", "\"0.0.0-old\"")).to_request();
        assert_eq!(call(&app, req).await.status, 200);
    }
    // The API behind it stays closed.
    let a = call(&app, crate::http::post_json("/v1/lint", &json!({"post": {"text": "hi"}}))).await;
    assert_eq!(a.status, 401);
}

// ---------- the browser test ----------

const EN_DRAFT: &str = "Big news! We're thrilled to announce our new autumn blend, roasted in small batches in \
                        Leipzig. Shop now, limited time offer! #coffee #espresso #autumn #sale";
/// Arabic with an English name in the middle of the line, before a flagged phrase.
const AR_DRAFT: &str = "يسعدنا أن نعلن عن إطلاق مزيج Ethiopia Guji الجديد! اشترِ الآن، عرض لفترة محدودة. #قهوة";
/// ZWJ sequences, skin tones and flags before and between the flagged phrases.
const EMOJI_DRAFT: &str = "🎉👩🏽‍💻🇩🇪 Big news! 🔥🔥 Shop now 👨‍👩‍👧‍👦 limited time offer 🇸🇦✨";

/// Where the browser and its driver are, or why they are not there.
struct Tools {
    chromium: PathBuf,
    chromedriver: PathBuf,
}

fn find_tool(env: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        return Some(PathBuf::from(p)).filter(|p| p.is_file());
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    names.iter().find_map(|n| std::env::split_paths(&path).map(|d| d.join(n)).find(|p| p.is_file()))
}

fn find_tools() -> Result<Tools, String> {
    let chromium = find_tool("UNBROADCAST_CHROMIUM", &["chromium", "chromium-browser", "google-chrome"]);
    let chromedriver = find_tool("UNBROADCAST_CHROMEDRIVER", &["chromedriver"]);
    match (chromium, chromedriver) {
        (Some(chromium), Some(chromedriver)) => Ok(Tools { chromium, chromedriver }),
        (c, d) => {
            let missing: Vec<&str> = [c.is_none().then_some("chromium"), d.is_none().then_some("chromedriver")]
                .into_iter()
                .flatten()
                .collect();
            Err(format!(
                "{} not found (PATH, or UNBROADCAST_CHROMIUM / UNBROADCAST_CHROMEDRIVER); on Debian: \
                 apt-get install chromium chromium-driver",
                missing.join(" and ")
            ))
        }
    }
}

/// `target/screenshots`, next to the build.
fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| {
        // The test binary is target/<profile>/deps/all-<hash>.
        let exe = std::env::current_exe().unwrap();
        exe.ancestors().nth(3).map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("target"))
    });
    let dir = target.join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    // Only this run's states: no stale picture from an older run or a renamed step.
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with("editor-") && name.ends_with(".png") {
            let _ = std::fs::remove_file(e.path());
        }
    }
    dir
}

/// A child process killed when dropped, so a failing test leaves nothing running.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `unbroadcast serve` on a free port, stopped when dropped.
struct Served {
    server: crate::serve::Server,
    _dir: tempfile::TempDir,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.server.child.kill();
        let _ = self.server.child.wait();
    }
}

/// Starts the binary with no settings file and `env`; returns it and its base URL.
fn start_server(env: &[(&str, &str)]) -> (Served, String) {
    let dir = tempfile::tempdir().unwrap();
    let args = ["--no-config", "--bind", "127.0.0.1:0", "--workers", "2", "--log-level", "warn"];
    let server = crate::serve::start(dir.path(), &args, env);
    let base = format!("http://{}/", server.addr);
    (Served { server, _dir: dir }, base)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// chromedriver on a free port, once it says it is ready.
fn start_driver(tools: &Tools, log: &Path) -> (Proc, String) {
    let port = free_port();
    let child = Command::new(&tools.chromedriver)
        .arg(format!("--port={port}"))
        .arg(format!("--log-path={}", log.display()))
        // Screenshots and times the same on every machine.
        .env("TZ", "UTC")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", tools.chromedriver.display()));
    let child = Proc(child);
    let start = Instant::now();
    loop {
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
            let req = format!("GET /status HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
            // chromedriver may keep the connection open: read until the answer says ready.
            let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
            let (mut seen, mut buf) = (Vec::new(), [0u8; 4096]);
            if s.write_all(req.as_bytes()).is_ok() {
                while let Ok(n @ 1..) = s.read(&mut buf) {
                    seen.extend_from_slice(&buf[..n]);
                    if String::from_utf8_lossy(&seen).contains("\"ready\":true") {
                        break;
                    }
                }
            }
            if String::from_utf8_lossy(&seen).contains("\"ready\":true") {
                break;
            }
        }
        assert!(start.elapsed() < Duration::from_secs(20), "chromedriver did not get ready; log: {}", log.display());
        std::thread::sleep(Duration::from_millis(50));
    }
    (child, format!("http://127.0.0.1:{port}"))
}

#[test]
fn the_editor_works_in_a_real_browser() {
    let tools = match find_tools() {
        Ok(t) => t,
        Err(why) => {
            crate::support::skip_unless_ci("the editor's browser test", &format!("{why}; .ci/run installs them"));
            return;
        }
    };
    let shots = screenshot_dir();
    let profile = tempfile::tempdir().unwrap();
    let log = profile.path().join("chromedriver.log");
    // A small text limit, so the API's text-too-long error is quick to reach.
    let (_server, base) = start_server(&[("UNBROADCAST_LINT__LIMITS__MAX_TEXT_CHARS", "600")]);
    let (_keyed, keyed_base) = start_server(&[("UNBROADCAST_SERVER__API_KEYS", "editor-test-key")]);
    let (_driver, driver_url) = start_driver(&tools, &log);
    let result = actix_web::rt::System::new().block_on(async {
        // The steps, in light mode with motion reduced (steady screenshots).
        let (light_base, dark_base) = (base.clone(), base.clone());
        session(&tools, &driver_url, &profile.path().join("light"), &["--force-prefers-reduced-motion"], &shots, |b| {
            Box::pin(async move { b.run(&light_base, &keyed_base).await })
        })
        .await?;
        // Dark mode: the same contrast checks, and a screenshot.
        session(&tools, &driver_url, &profile.path().join("dark"), &["--force-dark-mode"], &shots, |b| {
            Box::pin(async move { b.run_dark(&dark_base).await })
        })
        .await
    });
    if let Err(e) = result {
        let log = std::fs::read_to_string(&log).unwrap_or_default();
        let tail: String =
            log.lines().rev().take(30).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join("\n");
        panic!("{e}\nscreenshots: {}\nchromedriver log (last lines):\n{tail}", shots.display());
    }
}

type Steps<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + 'a>>;

/// Opens a browser session with a fresh profile, runs `steps` in it and closes
/// it, also when a step fails.
async fn session(
    tools: &Tools,
    driver_url: &str,
    user_data: &Path,
    extra: &[&str],
    shots: &Path,
    steps: impl for<'a> FnOnce(&'a Browser) -> Steps<'a>,
) -> Result<(), String> {
    let mut args: Vec<String> = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--lang=en-US",
        "--window-size=1280,960",
    ]
    .iter()
    .chain(extra)
    .map(|s| (*s).to_owned())
    .collect();
    args.push(format!("--user-data-dir={}", user_data.display()));
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": { "binary": tools.chromium, "args": args },
    });
    let mut builder = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
    builder.capabilities(caps.as_object().unwrap().clone());
    let c = builder.connect(driver_url).await.map_err(|e| format!("no browser session: {e}"))?;
    let b = Browser { c, shots: shots.to_path_buf() };
    let outcome = futures_catch(std::panic::AssertUnwindSafe(steps(&b))).await;
    let _ = b.c.close().await;
    outcome
}

/// Runs the steps; a panic inside becomes an `Err` so the session is closed first.
async fn futures_catch<F: std::future::Future<Output = ()>>(f: std::panic::AssertUnwindSafe<F>) -> Result<(), String> {
    use std::pin::pin;
    use std::task::Poll;
    let mut f = pin!(f.0);
    std::future::poll_fn(|cx| match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f.as_mut().poll(cx))) {
        Ok(Poll::Ready(())) => Poll::Ready(Ok(())),
        Ok(Poll::Pending) => Poll::Pending,
        Err(p) => {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            Poll::Ready(Err(msg))
        }
    })
    .await
}

struct Browser {
    c: Client,
    shots: PathBuf,
}

/// What the page shows, read in one script.
const READ_PAGE: &str = r#"
const app = document.getElementById('app');
const draft = document.getElementById('draft');
const marks = [...document.querySelectorAll('#mirror mark')].map(m => ({text: m.textContent, w: m.dataset.w.split(' ').map(Number)}));
const warnings = [...document.querySelectorAll('#warnings .warning')].map(li => ({
  i: Number(li.dataset.i), rule: li.dataset.rule,
  why: (li.querySelector('.w-why') || {}).textContent || '',
  suggestion: (li.querySelector('.w-suggestion') || {}).textContent || '',
  apply: [...li.querySelectorAll('.apply')].map(b => b.textContent),
  times: (li.querySelector('.w-times') || {}).textContent || '',
  hints: [...li.querySelectorAll('.hint')].map(h => h.textContent),
}));
return {
  status: app.dataset.status, fresh: app.dataset.fresh, text: draft.value,
  mirror: document.getElementById('mirror').textContent.replace(/\u200b$/, ''),
  score: document.getElementById('gauge-score').textContent,
  verdict: document.getElementById('verdict-text').textContent,
  counter: document.getElementById('counter-text').textContent,
  over: document.getElementById('counter').dataset.over,
  problem: document.getElementById('problem').hidden ? null : document.getElementById('problem').textContent,
  keyPanel: !document.getElementById('key-panel').hidden,
  marks, warnings,
};
"#;

/// How the report's buttons and messages hold the draft's and the packs' words:
/// the isolating element in each, and where a trailing colon is drawn.
const ISOLATION_CHECK: &str = r#"
const apply = [...document.querySelectorAll('#warnings .apply')].map((b) => {
  const iso = b.querySelector('bdi, [dir="auto"]');
  let colon = null;
  if (iso && iso.textContent.endsWith(':')) {
    const t = iso.firstChild, r = document.createRange();
    r.setStart(t, t.length - 1); r.setEnd(t, t.length);
    const c = r.getBoundingClientRect();
    r.setStart(t, 0); r.setEnd(t, 1);
    colon = { colonRight: c.right, firstLeft: r.getBoundingClientRect().left };
  }
  return { label: b.textContent, isolated: iso ? iso.textContent : null, colon };
});
const messages = [...document.querySelectorAll('#warnings .w-message')].map((m) => ({
  rule: m.closest('.warning').dataset.rule, text: m.textContent, auto: !!m.closest('[dir="auto"]'),
  isolated: [...m.querySelectorAll('bdi, [dir="auto"]')].map((e) => e.textContent),
}));
return { apply, messages };
"#;

/// The mirror must lay text out exactly like the textarea above it.
const LAYOUT_CHECK: &str = r#"
const t = document.getElementById('draft'), m = document.getElementById('mirror');
const a = getComputedStyle(t), b = getComputedStyle(m);
const props = ['font-family','font-size','font-weight','font-style','line-height','letter-spacing','word-spacing',
  'padding-top','padding-right','padding-bottom','padding-left','border-left-width','border-right-width',
  'white-space','overflow-wrap','word-break','tab-size','unicode-bidi','text-align','text-indent','text-transform','box-sizing'];
const diff = props.filter(p => a.getPropertyValue(p) !== b.getPropertyValue(p)).map(p => `${p}: ${a.getPropertyValue(p)} vs ${b.getPropertyValue(p)}`);
const tr = t.getBoundingClientRect(), mr = m.getBoundingClientRect();
if (Math.abs(tr.width - mr.width) > 0.5) diff.push(`width ${tr.width} vs ${mr.width}`);
if (Math.abs(tr.height - mr.height) > 0.5) diff.push(`height ${tr.height} vs ${mr.height}`);
if (t.scrollHeight > t.clientHeight + 1) diff.push(`textarea scrolls: ${t.scrollHeight} > ${t.clientHeight}`);
if (t.matches(':dir(rtl)') !== m.matches(':dir(rtl)')) diff.push('direction differs');
return diff;
"#;

/// WCAG 2.x contrast of everything on screen: text against the background
/// behind it (4.5:1, or 3:1 for large text), the draft's text over each kind
/// of highlight, and the borders of form controls (3:1). Returns the failures
/// and the lowest ratios seen.
const CONTRAST_CHECK: &str = r#"
const parse = (s) => {
  const m = /rgba?\(([^)]+)\)/.exec(s);
  if (!m) return null;
  const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
  return { rgb: p.slice(0, 3), a: p.length > 3 ? p[3] : 1 };
};
const over = (top, rgb) => rgb.map((v, i) => top.rgb[i] * top.a + v * (1 - top.a));
const lum = (rgb) => {
  const [r, g, b] = rgb.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
const bgOf = (el) => {
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const c = parse(getComputedStyle(e).backgroundColor);
    if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
  }
  let rgb = [255, 255, 255];
  for (const l of layers.reverse()) rgb = over(l, rgb);
  return rgb;
};
const visible = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden'
  && !e.closest('.visually-hidden, [aria-hidden="true"], [hidden]');
const fails = [];
let minText = 99, minLarge = 99, minUi = 99;
const check = (what, fg, bg, need, kind) => {
  const r = ratio(fg, bg);
  if (kind === 'ui') minUi = Math.min(minUi, r); else if (need === 3) minLarge = Math.min(minLarge, r); else minText = Math.min(minText, r);
  if (r < need) fails.push(`${what}: ${r.toFixed(2)} < ${need}`);
};
for (const e of document.querySelectorAll('body *')) {
  if (!visible(e)) continue;
  const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  const cs = getComputedStyle(e);
  const bg = bgOf(e);
  if (own || ['INPUT', 'SELECT', 'TEXTAREA'].includes(e.tagName)) {
    const c = parse(e instanceof SVGElement ? cs.fill : cs.color);
    if (!c) continue;
    const size = parseFloat(cs.fontSize), weight = parseInt(cs.fontWeight, 10);
    const large = size >= 24 || (size >= 18.66 && weight >= 700);
    const label = `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${e.className && e.className.baseVal === undefined ? e.className : ''} "${(e.textContent || e.value || '').trim().slice(0, 30)}"`;
    check(label, over(c, bg), bg, large ? 3 : 4.5, 'text');
  }
  if (['INPUT', 'SELECT'].includes(e.tagName) || e.classList.contains('editor')) {
    const b = parse(cs.borderTopColor);
    if (b && parseFloat(cs.borderTopWidth) > 0) check(`border of ${e.tagName.toLowerCase()}#${e.id || e.className}`, over(b, bgOf(e.parentElement)), bgOf(e.parentElement), 3, 'ui');
  }
}
const draft = document.getElementById('draft');
const ink = parse(getComputedStyle(draft).color);
for (const m of document.querySelectorAll('#mirror mark')) {
  const bg = bgOf(m);
  check(`draft text over a ${m.className} highlight`, over(ink, bg), bg, 4.5, 'text');
}
return { fails, minText: +minText.toFixed(2), minLarge: +minLarge.toFixed(2), minUi: +minUi.toFixed(2),
  dark: matchMedia('(prefers-color-scheme: dark)').matches };
"#;

impl Browser {
    async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.c.execute(script, args).await.unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    async fn page(&self) -> Value {
        self.js(READ_PAGE, vec![]).await
    }

    async fn by_id(&self, id: &str) -> Element {
        self.c.find(Locator::Id(id)).await.unwrap_or_else(|e| panic!("#{id}: {e}"))
    }

    async fn shot(&self, name: &str) {
        let png = self.c.screenshot().await.unwrap();
        assert!(png.starts_with(b"\x89PNG"), "{name}: not a PNG");
        std::fs::write(self.shots.join(format!("editor-{name}.png")), png).unwrap();
    }

    /// Waits until `pred` holds for what the page shows.
    async fn wait_for(&self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let start = Instant::now();
        loop {
            let p = self.page().await;
            if pred(&p) {
                return p;
            }
            if start.elapsed() > Duration::from_secs(15) {
                let _ = self.shot("timeout").await;
                panic!("timed out waiting for {what}; the page shows:\n{p:#}");
            }
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits for a report of the text now in the draft.
    async fn checked(&self) -> Value {
        self.wait_for("a report of the current draft", |p| p["status"] == "ok" && p["fresh"] == "true").await
    }

    /// The text under each warning's marks, joined (overlaps cut marks into pieces).
    fn marked(p: &Value) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for w in p["warnings"].as_array().unwrap() {
            let i = w["i"].as_u64().unwrap();
            let text: String = p["marks"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|m| m["w"].as_array().unwrap().iter().any(|x| x.as_u64() == Some(i)))
                .map(|m| m["text"].as_str().unwrap())
                .collect();
            if !text.is_empty() {
                out.push((w["rule"].as_str().unwrap().to_owned(), text));
            }
        }
        out
    }

    async fn assert_layout_matches(&self, when: &str) {
        let diff = self.js(LAYOUT_CHECK, vec![]).await;
        assert_eq!(diff, json!([]), "{when}: the highlight layer and the text differ");
    }

    /// Puts text in the draft the way a paste does (chromedriver cannot type
    /// characters outside the BMP, such as most emoji).
    async fn paste(&self, text: &str) {
        self.js(
            "const d = document.getElementById('draft'); d.focus(); d.select(); document.execCommand('insertText', false, arguments[0]);",
            vec![json!(text)],
        )
        .await;
    }

    /// Runs [`CONTRAST_CHECK`]; fails on any pair under WCAG AA.
    async fn assert_contrast(&self, when: &str) -> Value {
        let r = self.js(CONTRAST_CHECK, vec![]).await;
        assert_eq!(r["fails"], json!([]), "{when}: contrast under WCAG AA: {r:#}");
        eprintln!("contrast, {when}: {r}");
        r
    }

    /// Arabic inside the English report is bidi-isolated (`bdi` or `dir=auto`):
    /// the replacements on their buttons, with the colon of “إليكم شيئًا جديدًا:”
    /// at the left end of its words as Arabic reads, and the draft's words quoted in
    /// each message; messages take their own direction.
    async fn assert_isolated(&self, marked: &[(String, String)]) {
        let r = self.js(ISOLATION_CHECK, vec![]).await;
        let apply = r["apply"].as_array().unwrap();
        assert!(apply.iter().any(|a| a["label"].as_str().unwrap().contains("إليكم شيئًا جديدًا:")), "{r:#}");
        for a in apply {
            let Some(iso) = a["isolated"].as_str() else { panic!("not isolated: {a}") };
            let label = a["label"].as_str().unwrap();
            assert!(label == format!("Replace with “{iso}”") || label == format!("Remove “{iso}”"), "{a}");
            if let Some(c) = a.get("colon").filter(|c| !c.is_null()) {
                let (colon, first) = (c["colonRight"].as_f64().unwrap(), c["firstLeft"].as_f64().unwrap());
                assert!(colon <= first + 0.5, "the colon belongs left of the Arabic words: {a}");
            }
        }
        assert!(apply.iter().any(|a| !a["colon"].is_null()), "a replacement ending in a colon was measured: {r:#}");
        for m in r["messages"].as_array().unwrap() {
            assert_eq!(m["auto"], true, "{m}");
            let rule = m["rule"].as_str().unwrap();
            for (_, words) in
                marked.iter().filter(|(r, w)| r == rule && m["text"].as_str().unwrap().contains(w.as_str()))
            {
                assert!(
                    m["isolated"].as_array().unwrap().iter().any(|x| x == words.as_str()),
                    "{words:?} isolated in {m}"
                );
            }
        }
    }

    async fn new_draft(&self) {
        self.by_id("clear").await.click().await.unwrap();
        self.wait_for("an empty draft", |p| p["text"] == "" && p["status"] == "empty").await;
    }

    async fn run_dark(&self, base: &str) {
        self.c.goto(base).await.unwrap();
        self.c.find(Locator::Css("[data-example=\"en\"]")).await.unwrap().click().await.unwrap();
        self.checked().await;
        let r = self.assert_contrast("dark, English report").await;
        assert_eq!(r["dark"], true, "--force-dark-mode gives prefers-color-scheme: dark");
        self.shot("dark").await;
    }

    async fn run(&self, base: &str, keyed_base: &str) {
        let c = &self.c;
        c.goto(base).await.unwrap();
        assert!(c.title().await.unwrap().contains("unbroadcast"));
        let p = self.page().await;
        assert_eq!(p["status"], "empty", "{p:#}");
        self.shot("empty").await;

        // 1. English, typed key by key: debounced, linted, highlighted.
        let draft = self.by_id("draft").await;
        draft.click().await.unwrap();
        draft.send_keys(EN_DRAFT).await.unwrap();
        let p = self.checked().await;
        assert_eq!(p["text"], EN_DRAFT);
        assert_eq!(p["mirror"], EN_DRAFT, "the highlight layer holds the same text");
        let score: u32 = p["score"].as_str().unwrap().parse().unwrap();
        assert!(score >= 20, "{p:#}");
        assert!(["Review", "Block"].contains(&p["verdict"].as_str().unwrap()), "{p:#}");
        let rules: Vec<&str> = p["warnings"].as_array().unwrap().iter().map(|w| w["rule"].as_str().unwrap()).collect();
        for r in
            ["broadcast.announcement", "broadcast.hard-sell", "format.hashtag-stuffing", "conversation.no-question"]
        {
            assert!(rules.contains(&r), "{r} in {rules:?}");
        }
        let marked = Self::marked(&p);
        for (rule, words) in [
            ("broadcast.announcement", "Big news"),
            ("broadcast.announcement", "We're thrilled to announce"),
            ("broadcast.hard-sell", "Shop now"),
            ("broadcast.hard-sell", "limited time offer"),
            ("format.hashtag-stuffing", "#autumn #sale"),
        ] {
            assert!(marked.contains(&(rule.to_owned(), words.to_owned())), "{rule} over {words:?}: {marked:?}");
        }
        // "Why it matters" comes from GET /v1/rules.
        let hard = p["warnings"].as_array().unwrap().iter().find(|w| w["rule"] == "broadcast.hard-sell").unwrap();
        assert!(hard["why"].as_str().unwrap().starts_with("Why it matters: Imperatives to buy now"), "{hard:#}");
        assert!(hard["suggestion"].as_str().unwrap().starts_with("Try: "), "{hard:#}");
        assert_eq!(p["counter"], format!("{} / 280", EN_DRAFT.chars().count()));
        // The breakdown: every category in the table, the counting ones at a glance.
        let rows = self.js("return document.querySelectorAll('#categories tr').length;", vec![]).await;
        assert_eq!(rows, 7);
        let note = self.by_id("breakdown-note").await.text().await.unwrap();
        assert!(note.starts_with("— Broadcast phrasing "), "{note}");
        self.assert_layout_matches("English").await;
        self.assert_contrast("light, English report").await;
        self.shot("english").await;

        // 2. Keyboard only: Tab leaves the draft and reaches the warnings; Enter on
        // one selects its words in the draft.
        let mut reached = None;
        for _ in 0..40 {
            c.active_element().await.unwrap().send_keys(&Key::Tab.to_string()).await.unwrap();
            let info = self
                .js(
                    "const a = document.activeElement; return {cls: a.className, i: a.dataset.i ?? null, id: a.id};",
                    vec![],
                )
                .await;
            if info["cls"] == "w-jump" {
                reached = Some(info["i"].as_str().unwrap().parse::<usize>().unwrap());
                break;
            }
        }
        let i = reached.expect("Tab reaches a warning in the list");
        c.active_element().await.unwrap().send_keys(&Key::Enter.to_string()).await.unwrap();
        let sel = self
            .js(
                "const d = document.getElementById('draft'); return {active: document.activeElement === d, \
                 text: d.value.slice(d.selectionStart, d.selectionEnd)};",
                vec![],
            )
            .await;
        let expected = Self::marked(&p).into_iter().nth(0).map(|(_, t)| t);
        assert_eq!(sel["active"], true, "Enter on a warning puts the caret in the draft");
        let by_i: String = p["marks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["w"].as_array().unwrap().iter().any(|x| x.as_u64() == Some(i as u64)))
            .map(|m| m["text"].as_str().unwrap())
            .collect();
        assert_eq!(sel["text"], by_i, "the selection is the warning's span (first marked: {expected:?})");
        self.shot("keyboard").await;
        // F8 moves to the next warning.
        self.by_id("draft").await.send_keys(&Key::F8.to_string()).await.unwrap();
        let sel2 = self
            .js(
                "const d = document.getElementById('draft'); return d.value.slice(d.selectionStart, d.selectionEnd);",
                vec![],
            )
            .await;
        assert_ne!(sel2, sel["text"], "F8 selects the next warning");
        assert!(!sel2.as_str().unwrap().is_empty());

        // 3. One click applies a replacement; the draft is linted again; Ctrl+Z undoes it.
        let apply = self
            .js(
                "const b = [...document.querySelectorAll('.warning[data-rule=\"broadcast.hard-sell\"] .apply')]\
                   .find(b => b.getAttribute('aria-label').includes('Shop now')); b.scrollIntoView(); return b.dataset.i;",
                vec![],
            )
            .await;
        let apply = apply.as_str().unwrap().to_owned();
        c.find(Locator::Css(&format!(".apply[data-i=\"{apply}\"]"))).await.unwrap().click().await.unwrap();
        let replacement = "If you'd like to try it, here's where to look";
        let p2 = self
            .wait_for("the replacement, linted", |p| {
                p["status"] == "ok" && p["fresh"] == "true" && p["text"].as_str().unwrap().contains(replacement)
            })
            .await;
        assert_eq!(p2["text"], EN_DRAFT.replace("Shop now", replacement));
        let marked2 = Self::marked(&p2);
        assert!(!marked2.iter().any(|(_, w)| w == "Shop now"), "{marked2:?}");
        assert!(marked2.contains(&("broadcast.hard-sell".to_owned(), "limited time offer".to_owned())), "{marked2:?}");
        let score2: u32 = p2["score"].as_str().unwrap().parse().unwrap();
        assert!(score2 < score, "the score drops after the fix: {score} → {score2}");
        self.assert_layout_matches("after a replacement").await;
        self.shot("replaced").await;
        let undo = format!("{}z{}", Key::Control, Key::Null);
        self.by_id("draft").await.send_keys(&undo).await.unwrap();
        self.wait_for("the replacement undone", |p| {
            p["text"] == EN_DRAFT && p["status"] == "ok" && p["fresh"] == "true"
        })
        .await;

        // The draft survives a reload.
        c.refresh().await.unwrap();
        let p = self.checked().await;
        assert_eq!(p["text"], EN_DRAFT, "the draft is kept in localStorage");
        // From here on, anything the Content-Security-Policy blocks is noted.
        self.js(
            "window.__csp = []; document.addEventListener('securitypolicyviolation', \
             (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));",
            vec![],
        )
        .await;

        // 4. Arabic, mixed with English on one line, typed.
        self.new_draft().await;
        let draft = self.by_id("draft").await;
        draft.send_keys(AR_DRAFT).await.unwrap();
        let p = self.checked().await;
        assert_eq!(p["text"], AR_DRAFT);
        let marked = Self::marked(&p);
        for (rule, words) in [
            ("broadcast.announcement", "يسعدنا أن نعلن عن"),
            ("broadcast.hard-sell", "اشترِ الآن"),
            ("broadcast.hard-sell", "عرض لفترة محدودة"),
        ] {
            assert!(marked.contains(&(rule.to_owned(), words.to_owned())), "{rule} over {words:?}: {marked:?}");
        }
        self.assert_layout_matches("Arabic").await;
        // Right to left: the opening phrase is marked at the right edge of the box,
        // and the English name sits to the left of it on the same line.
        let geo = self
            .js(
                "const m = document.getElementById('mirror'); const r = m.getBoundingClientRect();\
                 const pad = parseFloat(getComputedStyle(m).paddingRight);\
                 const first = m.querySelector('mark').getBoundingClientRect();\
                 const t = document.getElementById('draft');\
                 return {rtl: t.matches(':dir(rtl)'), gap: r.right - pad - first.right, top: first.top - r.top};",
                vec![],
            )
            .await;
        assert_eq!(geo["rtl"], true, "{geo}");
        assert!(geo["gap"].as_f64().unwrap().abs() < 2.0, "the first Arabic phrase starts at the right: {geo}");
        self.assert_isolated(&marked).await;
        self.shot("arabic").await;

        // 5. Emoji: ZWJ sequences, skin tones, flags (pasted: chromedriver types only BMP).
        self.new_draft().await;
        self.paste(EMOJI_DRAFT).await;
        let p = self.checked().await;
        assert_eq!(p["text"], EMOJI_DRAFT);
        let marked = Self::marked(&p);
        for (rule, words) in [
            ("broadcast.announcement", "Big news"),
            ("broadcast.hard-sell", "Shop now"),
            ("broadcast.hard-sell", "limited time offer"),
        ] {
            assert!(marked.contains(&(rule.to_owned(), words.to_owned())), "{rule} over {words:?}: {marked:?}");
        }
        // X weighs each emoji 2, whatever its length in code points.
        assert_eq!(p["counter"], "57 / 280", "{p:#}");
        self.assert_layout_matches("emoji").await;
        self.shot("emoji").await;

        // Repeats (issue 12): one card that says how many times, and the first
        // occurrences it lists all marked in the draft.
        self.new_draft().await;
        self.paste(&"Shop now! ".repeat(13)).await;
        let p = self.checked().await;
        let hard: Vec<&Value> =
            p["warnings"].as_array().unwrap().iter().filter(|w| w["rule"] == "broadcast.hard-sell").collect();
        assert_eq!(hard.len(), 1, "one card for 13 repeats: {p:#}");
        assert_eq!(hard[0]["times"], "13 times", "{p:#}");
        assert_eq!(hard[0]["hints"], json!(["The first 11 are marked in the draft."]), "{p:#}");
        let marked = Self::marked(&p);
        assert!(marked.contains(&("broadcast.hard-sell".to_owned(), "Shop now".repeat(11))), "{marked:?}");
        let single = p["warnings"].as_array().unwrap().iter().find(|w| w["rule"] == "conversation.no-question");
        assert_eq!(single.unwrap()["times"], "", "a single finding says no count: {p:#}");
        self.assert_layout_matches("repeats").await;
        self.shot("repeats").await;

        // Overlapping findings (German: the announcement inside a we-vs-you span).
        self.by_id("language").await.select_by_value("auto").await.unwrap();
        c.find(Locator::Css("[data-example=\"de\"]")).await.unwrap().click().await.unwrap();
        let p = self.checked().await;
        let marked = Self::marked(&p);
        assert!(
            marked.contains(&("broadcast.announcement".to_owned(), "Wir freuen uns, Ihnen mitzuteilen".to_owned())),
            "{marked:?}"
        );
        assert!(
            marked.iter().any(|(r, w)| r == "personalization.we-vs-you" && w.starts_with("Wir freuen uns")),
            "{marked:?}"
        );
        let overlap = self.js("return document.querySelectorAll('#mirror mark.overlap').length;", vec![]).await;
        assert!(overlap.as_u64().unwrap() >= 1, "overlapping spans are cut into marked pieces");
        self.shot("overlap").await;

        // Audience, time and history: a post ten minutes after the last one on X
        // gets a frequency warning with a time that fits, and one click takes it.
        self.new_draft().await;
        self.js(
            "const set = (id, v, ev) => { const e = document.getElementById(id); e.value = v; \
             e.dispatchEvent(new Event(ev, {bubbles: true})); }; \
             set('channel', 'x', 'change'); set('aud-timezone', 'europe/berlin', 'input'); \
             set('scheduled', '2026-05-04T09:30', 'change'); \
             document.getElementById('history-panel').open = true;",
            vec![],
        )
        .await;
        let json_box = self.by_id("h-json").await;
        json_box.send_keys(r#"[{"at": 5}"#).await.unwrap();
        self.by_id("h-json-replace").await.click().await.unwrap();
        let err = self.by_id("h-json-error").await.text().await.unwrap();
        assert!(err.starts_with("This is not valid JSON"), "{err}");
        json_box.clear().await.unwrap();
        json_box.send_keys(r#"[{"at": 5}]"#).await.unwrap();
        self.by_id("h-json-replace").await.click().await.unwrap();
        let err = self.by_id("h-json-error").await.text().await.unwrap();
        assert!(err.contains("Post 1 has no “at”"), "{err}");
        json_box.clear().await.unwrap();
        json_box
            .send_keys(
                r#"[{"id": "p1", "text": "Morning, everyone", "channel": "x", "at": "2026-05-04T09:20:00+02:00"}]"#,
            )
            .await
            .unwrap();
        self.by_id("h-json-replace").await.click().await.unwrap();
        assert_eq!(self.by_id("history-note").await.text().await.unwrap(), "(1)");
        // One by one: the form adds a post, its time taken in the audience's zone.
        self.by_id("h-text").await.send_keys("What grinder do you use at home?").await.unwrap();
        self.js(
            "const e = document.getElementById('h-at'); e.value = '2026-05-03T18:00'; \
             e.dispatchEvent(new Event('change', {bubbles: true}));",
            vec![],
        )
        .await;
        self.by_id("h-add").await.click().await.unwrap();
        assert_eq!(self.by_id("history-note").await.text().await.unwrap(), "(2)");
        let items = self
            .js("return [...document.querySelectorAll('#history-list li')].map(li => li.textContent);", vec![])
            .await;
        assert!(items[1].as_str().unwrap().contains("What grinder do you use at home?"), "{items}");
        let saved = self.js("return JSON.parse(localStorage.getItem('unbroadcast.editor.v1')).history;", vec![]).await;
        assert_eq!(saved[1]["at"], "2026-05-03T18:00:00+02:00", "{saved}");
        let hint = self.by_id("scheduled-hint").await.text().await.unwrap();
        // Typed in lower case, the zone is shown as IANA spells it, as the service does.
        assert!(hint.starts_with("2026-05-04T09:30:00+02:00, in Europe/Berlin"), "{hint}");
        self.by_id("draft").await.send_keys("Anna, how do you take your espresso on a Monday?").await.unwrap();
        let p = self.checked().await;
        let gap = p["warnings"].as_array().unwrap().iter().find(|w| w["rule"] == "frequency.min-gap");
        assert!(gap.is_some(), "{p:#}");
        self.shot("history").await;
        let use_time = c.find(Locator::Css(".warning[data-rule=\"frequency.min-gap\"] .use-time")).await.unwrap();
        use_time.click().await.unwrap();
        let p = self.checked().await;
        assert_eq!(self.js("return document.getElementById('scheduled').value;", vec![]).await, "2026-05-04T09:50");
        assert!(!p["warnings"].as_array().unwrap().iter().any(|w| w["rule"] == "frequency.min-gap"), "{p:#}");
        self.by_id("h-clear").await.click().await.unwrap();
        self.by_id("scheduled-now").await.click().await.unwrap();
        self.js(
            "const e = document.getElementById('aud-timezone'); e.value = ''; \
             e.dispatchEvent(new Event('input', {bubbles: true})); document.getElementById('history-panel').open = false;",
            vec![],
        )
        .await;

        // Over X's 280: the counter turns red and says by how much.
        self.new_draft().await;
        self.paste(&"How do you take your coffee in the morning? ".repeat(7)).await;
        let p = self.checked().await;
        assert_eq!(p["over"], "true", "{p:#}");
        assert_eq!(p["counter"], "308 / 280: 28 over X's limit");
        let red = self.js("return getComputedStyle(document.getElementById('counter')).color;", vec![]).await;
        assert_eq!(red, "rgb(179, 38, 30)", "the counter is red over the limit");
        self.shot("over-limit").await;

        // 6. An error from the API (text over the server's limit) in words; the last
        // report stays visible.
        self.paste(&"How do you take your coffee in the morning? ".repeat(15)).await;
        let p = self
            .wait_for("the API's error", |p| {
                p["status"] == "error" && p["problem"].as_str().is_some_and(|s| !s.is_empty())
            })
            .await;
        let problem = p["problem"].as_str().unwrap();
        assert!(problem.contains("Draft text too long") && problem.contains("the limit is 600"), "{problem}");
        self.assert_contrast("light, an error").await;
        self.shot("error").await;
        let csp = self.js("return window.__csp;", vec![]).await;
        assert_eq!(csp, json!([]), "the page breaks its own Content-Security-Policy");

        // 7. A server with API keys: the page asks for one, and then works.
        c.goto(keyed_base).await.unwrap();
        self.by_id("draft").await.send_keys("Shop now, everyone").await.unwrap();
        self.wait_for("the key form", |p| p["keyPanel"] == true && p["status"] == "error").await;
        self.shot("key").await;
        let key = self.by_id("api-key").await;
        key.send_keys("editor-test-key").await.unwrap();
        key.send_keys(&Key::Enter.to_string()).await.unwrap();
        let p = self.checked().await;
        assert!(Self::marked(&p).contains(&("broadcast.hard-sell".to_owned(), "Shop now".to_owned())), "{p:#}");

        // 8. 360 px wide: one column, nothing wider than the screen.
        c.goto(base).await.unwrap();
        c.set_window_size(360, 1400).await.unwrap();
        c.find(Locator::Css("[data-example=\"en\"]")).await.unwrap().click().await.unwrap();
        let p = self.checked().await;
        assert!(!p["warnings"].as_array().unwrap().is_empty());
        let fit =
            self.js("return {inner: window.innerWidth, scroll: document.documentElement.scrollWidth};", vec![]).await;
        assert!(fit["inner"].as_u64().unwrap() <= 400, "{fit}");
        assert!(fit["scroll"].as_u64() <= fit["inner"].as_u64(), "no sideways scrolling at 360 px: {fit}");
        self.assert_layout_matches("360 px").await;
        self.shot("narrow").await;
    }
}
