// unbroadcast editor: lints the draft as you type against this server's
// POST /v1/lint and draws the findings over the text.
//
// Plain modern JavaScript, no framework, no build step; the server embeds this
// file as it is. Drafts go only to this server (relative URLs, CSP
// connect-src 'self') and are kept in this browser's localStorage.
//
// Highlights: a <textarea> with a transparent background sits on a "mirror"
// <div> that has the same font, padding, wrapping and bidi settings. The mirror
// holds the same text as text nodes and <mark>s cut at the report's UTF-16
// offsets (JavaScript strings are UTF-16, so value.slice(utf16_start, utf16_end)
// is the excerpt exactly, emoji and Arabic included). Overlapping findings are
// cut into flat segments; each <mark> lists in data-w every warning covering it.
// A warning that stands for repeats (count > 1) marks its further occurrences
// too (more_spans: the first ten of them); its card says how many times.
// While you type, spans are moved by the edit (or dropped where the edit touched
// them) until the next report arrives.

const DEBOUNCE_MS = 250;
const STORE_KEY = 'unbroadcast.editor.v1';
const KEY_KEY = 'unbroadcast.api-key';

const CHANNELS = {
  x: 'X', linkedin: 'LinkedIn', facebook: 'Facebook', instagram: 'Instagram',
  threads: 'Threads', mastodon: 'Mastodon', bluesky: 'Bluesky', generic: 'Other',
};
const COUNTING = {
  x: 'as X counts: emoji and CJK count 2, links 23',
  bluesky: 'as Bluesky counts: characters as you see them',
  mastodon: 'as Mastodon counts: links count 23',
};
const CATEGORIES = {
  broadcast: 'Broadcast phrasing', bait: 'Engagement bait', personalization: 'Personalization',
  conversation: 'Conversation', frequency: 'Over-posting', repetition: 'Repetition', format: 'Format',
};
const LANGUAGES = { en: 'English', de: 'German', ar: 'Arabic', other: 'another language' };
const VERDICTS = {
  pass: { word: 'Pass', icon: '✓', why: 'Reads like a person talking with people.' },
  review: { word: 'Review', icon: '!', why: 'Some broadcast habits: worth another look before it goes out.' },
  block: { word: 'Block', icon: '✕', why: 'Reads like a broadcast: rework it before it goes out.' },
};
const SEVERITY_RANK = { info: 0, warning: 1, error: 2 };

// Examples, written for this page: what the checker is for, in each language.
const EXAMPLES = {
  en: {
    channel: 'x',
    text: "Big news! We're thrilled to announce our new autumn blend, roasted in small batches in Leipzig. Shop now, limited time offer! #coffee #espresso #autumn #sale",
  },
  de: {
    channel: 'instagram',
    text: 'Wir freuen uns, Ihnen mitzuteilen: Unsere neue Herbstmischung ist da! Jetzt kaufen und 20 % sparen. #kaffee #espresso #herbst #angebot',
  },
  ar: {
    channel: 'x',
    text: 'يسعدنا أن نعلن عن إطلاق مزيج Ethiopia Guji الجديد! اشترِ الآن، عرض لفترة محدودة. #قهوة #اسبريسو',
  },
};

const TITLE = document.title;
const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
};
// Text from the writer or a pack (an excerpt, a replacement, a message in Arabic)
// set inside an English sentence is isolated, so its direction cannot pull the
// sentence's quotes, colon or ellipsis to the wrong end: `bdi` where the sentence
// is built from elements, FSI … PDI (U+2068, U+2069) where it is one string.
const bdi = (text) => el('bdi', { text });
const iso = (text) => `\u2068${text}\u2069`;
/** A warning's message with the draft's words in it (“{match}”) isolated. */
const messageNodes = (w) => {
  const k = w.excerpt ? w.message.indexOf(w.excerpt) : -1;
  if (k < 0) return [w.message];
  return [w.message.slice(0, k), bdi(w.excerpt), w.message.slice(k + w.excerpt.length)];
};

const app = $('app');
const draft = $('draft');
const mirror = $('mirror');
const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');

const state = {
  report: null, // the last good report
  spans: [], // [{w, start, end, extra?}] in UTF-16 units of `shownText`; extra: a repeat's
  shownText: '', // the text `spans` refer to
  rules: null, // Map id -> rule document, from GET /v1/rules
  rulesLoading: false,
  history: [], // [{id?, text?, channel?, at}]
  ignore: [], // rule ids the writer chose to ignore
  key: sessionStorage.getItem(KEY_KEY) || '',
  seq: 0,
  controller: null,
  timer: 0,
  announced: '',
  over: false,
  problemField: null,
};

// ---------- time zones and times ----------

const myZone = (() => {
  try { return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'; } catch { return 'UTC'; }
})();

/** A zone's name as the IANA database spells it (`europe/berlin` → `Europe/Berlin`, as the service shows it), or null. */
function canonicalZone(z) {
  if (!z) return null;
  try { return new Intl.DateTimeFormat('en', { timeZone: z }).resolvedOptions().timeZone; } catch { return null; }
}

function validZone(z) {
  return canonicalZone(z) !== null;
}

/** The zone times on this page are entered in: the audience's if valid, else the browser's. */
function entryZone() {
  const z = canonicalZone($('aud-timezone').value.trim());
  return z ? { zone: z, whose: 'the audience' } : { zone: myZone, whose: 'your time zone' };
}

function zoneOffsetMinutes(utcMs, zone) {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
  const p = Object.fromEntries(f.formatToParts(new Date(utcMs)).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour % 24, +p.minute, +p.second);
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60000);
}

/** `2026-05-04T09:30` in `zone` → `2026-05-04T09:30:00+02:00`, or null. */
function localToRfc3339(local, zone) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(local || '');
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => +(x || 0));
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  let off = zoneOffsetMinutes(wall, zone);
  const off2 = zoneOffsetMinutes(wall - off * 60000, zone);
  if (off2 !== off) off = off2;
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  const pad = (n) => String(n).padStart(2, '0');
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${pad(s)}${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/** An RFC 3339 instant → the `datetime-local` value in `zone`. */
function instantToLocal(iso, zone) {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  });
  const p = Object.fromEntries(f.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${String(+p.hour % 24).padStart(2, '0')}:${p.minute}`;
}

function formatInstant(iso, zone) {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  try {
    return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone: zone }).format(new Date(t));
  } catch {
    return iso;
  }
}

// ---------- storage ----------

const FIELDS = ['channel', 'language', 'scheduled', 'aud-description', 'aud-interests', 'aud-locale',
  'aud-timezone', 'aud-handles', 'reply-author', 'reply-text'];

function save() {
  const data = { text: draft.value, fields: {}, history: state.history, ignore: state.ignore };
  for (const id of FIELDS) data.fields[id] = $(id).value;
  try { localStorage.setItem(STORE_KEY, JSON.stringify(data)); } catch { /* private mode or full: keep working */ }
}

let saveTimer = 0;
function saveSoon() {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(save, 300);
}

function restore() {
  let data = null;
  try { data = JSON.parse(localStorage.getItem(STORE_KEY) || 'null'); } catch { data = null; }
  if (!data || typeof data !== 'object') return;
  if (typeof data.text === 'string') draft.value = data.text;
  for (const id of FIELDS) {
    const v = data.fields && data.fields[id];
    const e = $(id);
    if (typeof v !== 'string') continue;
    e.value = v;
    // A value this page no longer offers (an old save): back to the default.
    if (e.tagName === 'SELECT' && e.value !== v) e.selectedIndex = 0;
  }
  if (Array.isArray(data.history)) state.history = data.history.filter((h) => h && typeof h.at === 'string');
  if (Array.isArray(data.ignore)) state.ignore = data.ignore.filter((x) => typeof x === 'string');
}

// ---------- the request ----------

const list = (s) => s.split(',').map((x) => x.trim()).filter(Boolean);

function scheduledAt() {
  const v = $('scheduled').value;
  return v ? localToRfc3339(v, entryZone().zone) : null;
}

function buildRequest(text) {
  const post = { text, channel: $('channel').value, language: $('language').value };
  const at = scheduledAt();
  if (at) post.scheduled_at = at;
  const author = $('reply-author').value.trim();
  const replyText = $('reply-text').value.trim();
  if (author || replyText) {
    post.reply_to = {};
    if (author) post.reply_to.author = author;
    if (replyText) post.reply_to.text = replyText;
  }
  const audience = {};
  const desc = $('aud-description').value.trim();
  if (desc) audience.description = desc;
  const interests = list($('aud-interests').value);
  if (interests.length) audience.interests = interests;
  const locale = $('aud-locale').value.trim();
  if (locale) audience.locale = locale;
  const tz = $('aud-timezone').value.trim();
  if (tz) audience.timezone = tz;
  const handles = list($('aud-handles').value);
  if (handles.length) audience.handles = handles;
  const req = { post };
  if (Object.keys(audience).length) req.audience = audience;
  if (state.history.length) req.history = state.history;
  if (state.ignore.length) req.options = { ignore: state.ignore };
  return req;
}

function headers(json) {
  const h = {};
  if (json) h['Content-Type'] = 'application/json';
  if (state.key) h.Authorization = `Bearer ${state.key}`;
  return h;
}

async function readBody(res) {
  const text = await res.text();
  try { return JSON.parse(text); } catch { return null; }
}

// ---------- linting ----------

function setStatus(status, words) {
  app.dataset.status = status;
  if (words !== undefined) $('status').textContent = words;
}

function scheduleLint() {
  clearTimeout(state.timer);
  state.timer = setTimeout(lint, DEBOUNCE_MS);
}

function lintNow() {
  clearTimeout(state.timer);
  lint();
}

async function lint() {
  clearTimeout(state.timer);
  const text = draft.value;
  if (state.controller) state.controller.abort();
  state.controller = null;
  const seq = ++state.seq;
  if (!text.trim()) {
    showEmpty();
    return;
  }
  const controller = new AbortController();
  state.controller = controller;
  setStatus('checking', 'Checking…');
  let res;
  let body;
  try {
    res = await fetch('v1/lint', {
      method: 'POST', headers: headers(true), body: JSON.stringify(buildRequest(text)),
      signal: controller.signal, cache: 'no-store', credentials: 'same-origin',
    });
    body = await readBody(res);
  } catch (e) {
    if (e.name === 'AbortError' || seq !== state.seq) return;
    showProblem({
      title: 'Cannot reach the server',
      detail: `The draft could not be sent (${e.message}). Is unbroadcast serve still running? Your draft is safe in this page.`,
    });
    return;
  }
  if (seq !== state.seq) return; // a newer request has started: its answer wins
  state.controller = null;
  if (res.ok && body && typeof body.score === 'number') {
    showReport(body, text);
  } else {
    showProblem(problemOf(res, body));
  }
}

function problemOf(res, body) {
  if (body && typeof body === 'object' && body.detail) {
    return { title: body.title || `Error ${res.status}`, detail: body.detail, pointer: body.pointer, status: res.status, type: body.type };
  }
  return { title: `The server answered ${res.status} ${res.statusText}`.trim(), detail: 'It sent no explanation.', status: res.status };
}

// ---------- spans and the mirror ----------

function spansOf(report) {
  const out = [];
  report.warnings.forEach((w, i) => {
    const add = (s, extra) => {
      if (s && s.utf16_end > s.utf16_start) out.push({ w: i, start: s.utf16_start, end: s.utf16_end, extra });
    };
    add(w.span, false);
    for (const s of w.more_spans || []) add(s, true);
  });
  return out;
}

/** Moves spans from `oldText` to `newText`: kept before the edit, shifted after it, dropped where it touched them. */
function rebase(spans, oldText, newText) {
  if (oldText === newText) return spans;
  const n = Math.min(oldText.length, newText.length);
  let p = 0;
  while (p < n && oldText.charCodeAt(p) === newText.charCodeAt(p)) p++;
  let s = 0;
  while (s < n - p && oldText.charCodeAt(oldText.length - 1 - s) === newText.charCodeAt(newText.length - 1 - s)) s++;
  const oldEnd = oldText.length - s;
  const delta = newText.length - oldText.length;
  const out = [];
  for (const sp of spans) {
    if (sp.end <= p) out.push(sp);
    else if (sp.start >= oldEnd) out.push({ ...sp, start: sp.start + delta, end: sp.end + delta });
  }
  return out;
}

function severityOf(i) {
  return state.report ? state.report.warnings[i].severity : 'warning';
}

/** Fills the mirror: text nodes and flat <mark>s over every stretch some span covers. */
function renderMirror() {
  const text = draft.value;
  const spans = state.spans.filter((s) => s.end <= text.length);
  const cuts = new Set([0, text.length]);
  for (const s of spans) { cuts.add(s.start); cuts.add(s.end); }
  const points = [...cuts].sort((a, b) => a - b);
  const frag = document.createDocumentFragment();
  for (let k = 0; k + 1 < points.length; k++) {
    const a = points[k];
    const b = points[k + 1];
    const piece = text.slice(a, b);
    const over = spans.filter((s) => s.start <= a && s.end >= b);
    if (!over.length) {
      frag.append(piece);
      continue;
    }
    const sev = over.map((s) => severityOf(s.w)).sort((x, y) => SEVERITY_RANK[y] - SEVERITY_RANK[x])[0];
    const mark = el('mark', {
      class: `sev-${sev}${over.length > 1 ? ' overlap' : ''}`, 'data-w': over.map((s) => s.w).join(' '), 'data-at': a,
    });
    mark.textContent = piece;
    frag.append(mark);
  }
  // A final newline needs something after it to take up its line, as in the textarea.
  frag.append('\u200b');
  mirror.replaceChildren(frag);
  markCurrent();
}

/** Warning i's own span (its first occurrence), while it is still in the text. */
function spanOf(i) {
  return state.spans.find((s) => s.w === i && !s.extra) || null;
}

function onDraftInput() {
  state.spans = rebase(state.spans, state.shownText, draft.value);
  state.shownText = draft.value;
  app.dataset.fresh = 'false';
  renderMirror();
  updateJumpButtons();
  saveSoon();
  if (!draft.value.trim()) {
    lintNow();
    return;
  }
  setStatus(app.dataset.status === 'error' ? 'error' : 'checking', 'Edited; checking when you pause…');
  scheduleLint();
}

// ---------- showing the report ----------

function showEmpty() {
  state.report = null;
  state.spans = [];
  state.shownText = draft.value;
  hideProblem();
  setStatus('empty', 'Nothing to check yet.');
  app.dataset.fresh = 'true';
  renderMirror();
  renderSummary(null);
  renderWarnings();
  renderCounter(null);
  document.title = TITLE;
}

function showReport(report, text) {
  state.report = report;
  state.spans = rebase(spansOf(report), text, draft.value);
  state.shownText = draft.value;
  hideProblem();
  clearInvalid();
  $('key-panel').hidden = true;
  const fresh = text === draft.value;
  app.dataset.fresh = String(fresh);
  // The gist under the draft too: on a phone the report is below it.
  const n = report.warnings.length;
  const gist = `Checked: ${report.score} · ${VERDICTS[report.verdict].word} · ${n === 1 ? '1 warning' : `${n} warnings`}.`;
  setStatus(fresh ? 'ok' : 'checking', fresh ? gist : 'Checking…');
  $('status-line').title = `Checked at ${new Date().toLocaleTimeString()}`;
  renderMirror();
  renderSummary(report);
  renderWarnings();
  renderCounter(report);
  announce(report);
  document.title = `${report.score} · ${VERDICTS[report.verdict].word} — unbroadcast`;
  if (!state.rules) loadRules();
}

function renderSummary(report) {
  const summary = $('summary');
  const verdict = report ? report.verdict : 'none';
  summary.dataset.verdict = verdict;
  $('verdict').dataset.verdict = verdict;
  const score = report ? report.score : null;
  $('gauge-score').textContent = score === null ? '–' : String(score);
  // Through CSSOM (allowed by the CSP), so the stylesheet's transition applies.
  $('gauge-fill').style.strokeDasharray = `${score || 0} 100`;
  $('gauge-label').textContent = score === null ? 'Score: none yet' : `Score ${score} of 100`;
  const v = VERDICTS[verdict];
  $('verdict-icon').textContent = v ? v.icon : '';
  $('verdict-text').textContent = v ? v.word : 'No verdict yet';
  $('verdict-why').textContent = v ? v.why : 'Scores run from 0 (talks with people) to 100 (pure broadcast).';
  if (report) {
    const l = report.language;
    const how = l.source === 'declared' ? 'as you set it' : `detected, ${Math.round(l.confidence * 100)}% sure`;
    $('language-used').textContent = `Read as ${LANGUAGES[l.code] || l.code} (${how}).`;
  } else {
    $('language-used').textContent = '';
  }
  const body = $('categories');
  body.replaceChildren();
  $('breakdown-panel').hidden = !report;
  if (!report) return;
  // At a glance, without opening the table: the categories that count, biggest first.
  const counted = Object.entries(report.categories).filter(([, c]) => c.counted > 0).sort((a, b) => b[1].counted - a[1].counted);
  $('breakdown-note').textContent = counted.length
    ? `— ${counted.map(([cat, c]) => `${CATEGORIES[cat] || cat} ${c.counted}`).join(' · ')}`
    : '— nothing counts';
  for (const [cat, name] of Object.entries(CATEGORIES)) {
    const c = report.categories[cat];
    if (!c) continue;
    const pct = c.cap ? Math.min(100, (c.counted / c.cap) * 100) : 0;
    const fill = el('span');
    fill.style.width = `${pct}%`;
    const capped = c.points > c.counted ? ` (capped from ${c.points})` : '';
    body.append(el('tr', { class: c.counted ? null : 'zero' },
      el('td', { text: name }),
      el('td', { text: `${c.counted} / ${c.cap}${capped}` }),
      el('td', {}, el('div', { class: 'bar' }, fill))));
  }
}

function renderCounter(report) {
  const counter = $('counter');
  const bar = $('counter-bar');
  const channel = $('channel').value;
  if (!report) {
    $('counter-text').textContent = '';
    $('counter-how').textContent = '';
    counter.dataset.over = 'false';
    bar.style.width = '0';
    bar.classList.remove('over');
    state.over = false;
    return;
  }
  const st = report.stats;
  const over = typeof st.limit === 'number' && st.weighted_length > st.limit;
  if (typeof st.limit === 'number') {
    $('counter-text').textContent = over
      ? `${st.weighted_length} / ${st.limit}: ${st.weighted_length - st.limit} over ${CHANNELS[channel] || channel}'s limit`
      : `${st.weighted_length} / ${st.limit}`;
    $('counter-how').textContent = COUNTING[channel] || 'characters';
    bar.style.width = `${Math.min(100, (st.weighted_length / Math.max(1, st.limit)) * 100)}%`;
  } else {
    $('counter-text').textContent = `${st.weighted_length}`;
    $('counter-how').textContent = 'characters; no length limit';
    bar.style.width = '0';
  }
  counter.dataset.over = String(over);
  bar.classList.toggle('over', over);
  state.over = over;
}

function announce(report) {
  const n = report.warnings.length;
  let words = `Score ${report.score}, ${VERDICTS[report.verdict].word}. ${n === 0 ? 'No warnings' : n === 1 ? '1 warning' : `${n} warnings`}.`;
  if (state.over) words += ' Over the length limit.';
  if (words !== state.announced) {
    state.announced = words;
    $('announce').textContent = words;
  }
}

function ruleDoc(id, lang) {
  const r = state.rules && state.rules.get(id);
  if (!r) return null;
  const vs = r.variants || [];
  return vs.find((v) => v.language === lang) || vs.find((v) => v.language === 'any') || vs.find((v) => v.language === 'en') || vs[0] || null;
}

function renderWarnings() {
  const ol = $('warnings');
  ol.replaceChildren();
  const report = state.report;
  $('warning-count').textContent = report ? `(${report.warnings.length})` : '';
  if (!report) {
    const words = draft.value.trim() ? 'No report for this draft yet.' : 'Write or paste a draft, or load an example above.';
    ol.append(el('li', { class: 'warnings-empty', text: words }));
    renderIgnored();
    return;
  }
  if (!report.warnings.length) {
    ol.append(el('li', { class: 'warnings-empty', text: 'No warnings. It reads like a person talking.' }));
  }
  report.warnings.forEach((w, i) => ol.append(warningItem(w, i, report)));
  updateJumpButtons();
  renderIgnored();
}

function warningItem(w, i, report) {
  const doc = ruleDoc(w.rule, report.language.code);
  const sev = { info: 'Info', warning: 'Warning', error: 'Error' }[w.severity] || w.severity;
  const li = el('li', { class: `warning sev-${w.severity}`, id: `w-${i}`, 'data-i': i, 'data-rule': w.rule });
  const count = w.count || 1;
  li.append(el('div', { class: 'w-head' },
    el('span', { class: 'w-sev', text: sev }),
    el('code', { class: 'w-rule', text: w.rule }),
    count > 1 ? el('span', { class: 'w-times', text: `${count} times` }) : null,
    el('span', { class: 'w-points', text: `+${w.points} ${w.points === 1 ? 'point' : 'points'}` })));
  if (w.span) {
    // Columns count code points, which is not what a writer sees with emoji; lines are.
    const multiline = state.shownText.includes('\n');
    const where = multiline ? `line ${w.span.line}` : '';
    li.append(el('button', {
      type: 'button', class: 'w-jump', 'data-i': i, title: 'Select these words in the draft',
      onclick: () => selectWarning(i),
    },
    el('span', { class: 'w-message', dir: 'auto' }, messageNodes(w)),
    el('span', { class: 'visually-hidden', text: ` Select in the draft${where ? `, ${where}` : ''}.` }),
    where ? el('span', { class: 'w-excerpt', 'aria-hidden': 'true', text: ` · ${where}` }) : null));
  } else {
    li.append(el('p', { class: 'w-message', dir: 'auto' }, messageNodes(w)), el('p', { class: 'hint', text: 'About the whole post.' }));
  }
  const marked = w.span ? 1 + (w.more_spans || []).length : 0;
  if (marked > 1 && count > marked) li.append(el('p', { class: 'hint', text: `The first ${marked} are marked in the draft.` }));
  if (doc && doc.why) li.append(el('p', { class: 'w-why' }, el('strong', { text: 'Why it matters: ' }), bdi(doc.why)));
  if (w.suggestion) li.append(el('p', { class: 'w-suggestion' }, el('strong', { text: 'Try: ' }), bdi(w.suggestion)));
  if (w.suggested_time) {
    const { zone } = entryZone();
    li.append(el('p', { class: 'w-time' },
      el('strong', { text: 'Earliest time that fits: ' }), `${formatInstant(w.suggested_time, zone)} (${zone}) `,
      el('button', { type: 'button', class: 'linkish use-time', onclick: () => useTime(w.suggested_time) }, 'Use this time')));
  }
  const actions = el('div', { class: 'w-actions' });
  if (w.span && Array.isArray(w.replacements)) {
    for (const rep of w.replacements) {
      const label = rep === '' ? ['Remove “', bdi(w.excerpt), '”'] : ['Replace with “', bdi(rep), '”'];
      actions.append(el('button', {
        type: 'button', class: 'apply', 'data-i': i,
        'aria-label': rep === '' ? `Remove “${iso(w.excerpt)}”` : `Replace “${iso(w.excerpt)}” with “${iso(rep)}”`,
        onclick: () => applyReplacement(i, rep),
      }, label));
    }
  }
  actions.append(el('button', {
    type: 'button', class: 'ignore quiet', onclick: () => ignoreRule(w.rule),
    'aria-label': `Ignore ${w.rule} in this browser`,
  }, 'Ignore rule'));
  li.append(actions);
  li.addEventListener('mouseenter', () => setActive(i, true));
  li.addEventListener('mouseleave', () => setActive(i, false));
  li.addEventListener('focusin', () => setActive(i, true));
  li.addEventListener('focusout', () => setActive(i, false));
  return li;
}

/** Jump and apply buttons only work while their span is still in the text. */
function updateJumpButtons() {
  for (const b of document.querySelectorAll('.w-jump, .apply')) {
    const i = +b.dataset.i;
    const gone = !spanOf(i);
    b.disabled = gone;
    b.title = gone ? 'The text here changed; checking again' : b.classList.contains('w-jump') ? 'Select these words in the draft' : '';
  }
}

function setActive(i, on) {
  for (const m of mirror.querySelectorAll('mark')) {
    if (m.dataset.w.split(' ').includes(String(i))) m.classList.toggle('active', on);
  }
}

/** Selects warning i's words in the draft and scrolls them into view. */
function selectWarning(i) {
  selectSpan(spanOf(i));
}

/** Selects the words of one span (a warning's, or one of its repeats'). */
function selectSpan(s) {
  if (!s) return;
  draft.focus({ preventScroll: true });
  draft.setSelectionRange(s.start, s.end, 'forward');
  const mark = [...mirror.querySelectorAll('mark')]
    .find((m) => +m.dataset.at >= s.start && m.dataset.w.split(' ').includes(String(s.w)));
  if (mark) mark.scrollIntoView({ block: 'nearest', inline: 'nearest', behavior: reducedMotion.matches ? 'auto' : 'smooth' });
  markCurrent();
}

/** Cards and marks of the warnings under the caret get a "current" look; on a
 * wide screen, where the report sits beside the draft, the card scrolls into view. */
function markCurrent(e) {
  const a = draft.selectionStart;
  const b = draft.selectionEnd;
  const here = new Set(document.activeElement === draft
    ? state.spans.filter((s) => (a === b ? s.start <= a && a < s.end : s.start < b && a < s.end)).map((s) => s.w)
    : []);
  let first = null;
  for (const li of document.querySelectorAll('.warning')) {
    const on = here.has(+li.dataset.i);
    if (on && !li.classList.contains('current') && !first) first = li;
    li.classList.toggle('current', on);
  }
  for (const m of mirror.querySelectorAll('mark')) {
    m.classList.toggle('active', m.dataset.w.split(' ').some((w) => here.has(+w)));
  }
  const report = $('report');
  if (first && e && (e.type === 'click' || e.type === 'keyup') && getComputedStyle(report).position === 'sticky') {
    const r = report.getBoundingClientRect();
    const c = first.getBoundingClientRect();
    if (c.top < r.top || c.bottom > r.bottom) report.scrollTop += c.top - r.top - 8;
  }
}

/** F8 / Shift+F8: selects the next (previous) highlighted stretch after (before) the caret. */
function nextWarning(back) {
  const seen = new Set();
  const spans = [...state.spans]
    .sort((x, y) => x.start - y.start || x.end - y.end || x.w - y.w)
    .filter((s) => { const k = `${s.start}:${s.end}`; return seen.has(k) ? false : seen.add(k); });
  const n = spans.length;
  if (!n) return;
  const a = draft.selectionStart;
  const b = draft.selectionEnd;
  const k = spans.findIndex((s) => s.start === a && s.end === b);
  let target;
  if (k >= 0) target = spans[(k + (back ? n - 1 : 1)) % n];
  else if (back) target = [...spans].reverse().find((s) => s.start < a) || spans[n - 1];
  else target = spans.find((s) => s.start >= a) || spans[0];
  selectSpan(target);
}

// ---------- acting on warnings ----------

function applyReplacement(i, rep) {
  const s = spanOf(i);
  const w = state.report && state.report.warnings[i];
  if (!s || !w) return;
  const before = draft.value;
  if (w.excerpt !== undefined && before.slice(s.start, s.end) !== w.excerpt) {
    lintNow();
    return;
  }
  let start = s.start;
  let end = s.end;
  let text = rep;
  if (rep === '') {
    // Removing a phrase: take the punctuation and space after it too, and start
    // the sentence with a capital if the phrase began it.
    const tail = /^[,:;]?[ \t]*/.exec(before.slice(end));
    end += tail ? tail[0].length : 0;
    const atSentenceStart = start === 0 || /[.!?\n]\s*$/.test(before.slice(0, start));
    if (atSentenceStart && end < before.length) {
      const next = before.slice(end, end + 2);
      const cp = String.fromCodePoint(next.codePointAt(0));
      if (cp.toLowerCase() !== cp.toUpperCase()) {
        text = cp.toUpperCase();
        end += cp.length;
      }
    }
  }
  draft.focus({ preventScroll: true });
  draft.setSelectionRange(start, end);
  // execCommand keeps the browser's undo history, so Ctrl+Z takes a replacement back.
  let done = false;
  try {
    done = text === '' ? document.execCommand('delete') : document.execCommand('insertText', false, text);
  } catch { done = false; }
  if (!done || draft.value === before) {
    draft.setRangeText(text, start, end, 'end');
    draft.dispatchEvent(new Event('input', { bubbles: true }));
  }
  lintNow();
}

function useTime(iso) {
  $('scheduled').value = instantToLocal(iso, entryZone().zone);
  onSettingsChange();
  $('scheduled').focus();
}

function ignoreRule(id) {
  if (!state.ignore.includes(id)) state.ignore.push(id);
  save();
  lintNow();
  draft.focus({ preventScroll: true });
}

function renderIgnored() {
  const p = $('ignored');
  p.replaceChildren();
  p.hidden = !state.ignore.length;
  if (!state.ignore.length) return;
  p.append('Ignored in this browser: ');
  state.ignore.forEach((id, k) => {
    if (k) p.append(', ');
    p.append(el('code', { text: id }), ' ', el('button', {
      type: 'button', class: 'linkish', 'aria-label': `Check ${id} again`,
      onclick: () => {
        state.ignore = state.ignore.filter((x) => x !== id);
        save();
        lintNow();
        $('warnings-h').scrollIntoView({ block: 'nearest' });
      },
    }, 'check again'));
  });
}

// ---------- problems ----------

const POINTER_FIELDS = [
  [/^\/post\/text/, 'draft'], [/^\/post\/channel/, 'channel'], [/^\/post\/language/, 'language'],
  [/^\/post\/scheduled_at/, 'scheduled'], [/^\/post\/reply_to\/author/, 'reply-author'],
  [/^\/post\/reply_to/, 'reply-text'], [/^\/audience\/description/, 'aud-description'],
  [/^\/audience\/interests/, 'aud-interests'], [/^\/audience\/locale/, 'aud-locale'],
  [/^\/audience\/timezone/, 'aud-timezone'], [/^\/audience\/handles/, 'aud-handles'],
  [/^\/history/, 'h-json'],
];

const FIELD_NAMES = {
  draft: 'the draft', channel: 'Channel', language: 'Language', scheduled: 'Goes out',
  'reply-author': 'Who wrote it', 'reply-text': 'What they wrote', 'aud-description': 'Who they are',
  'aud-interests': 'Interests', 'aud-locale': 'Locale', 'aud-timezone': 'Time zone',
  'aud-handles': 'People in it', 'h-json': 'Recent and queued posts',
};

function clearInvalid() {
  for (const e of document.querySelectorAll('[aria-invalid="true"]')) e.removeAttribute('aria-invalid');
  state.problemField = null;
}

const sentence = (s) => {
  const t = String(s || '').trim();
  if (!t) return '';
  return t[0].toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? '' : '.');
};

function showProblem(p) {
  clearInvalid();
  if (p.status === 401) {
    // The server's words are for programs ("send Authorization: Bearer …"); say it for people.
    p = {
      ...p,
      title: 'This server needs an API key',
      detail: state.key
        ? 'It did not accept the key you entered. Check it, or ask whoever runs the server for a current one.'
        : 'The page is open, but checking drafts needs one of the server\'s API keys. Ask whoever runs it.',
    };
  }
  setStatus('error', `Not checked: ${p.title}.`);
  app.dataset.fresh = 'false';
  $('problem').hidden = false;
  $('problem-title').textContent = p.title;
  let detail = sentence(p.detail);
  if (state.report) detail += ' The report below is for an earlier version of the draft.';
  $('problem-detail').textContent = detail;
  const action = $('problem-action');
  action.replaceChildren();
  if (p.status === 401) {
    $('key-panel').hidden = false;
    renderWarnings();
    return;
  }
  const hit = p.pointer !== undefined && POINTER_FIELDS.find(([re]) => re.test(p.pointer));
  if (hit) {
    const id = hit[1];
    const field = $(id);
    state.problemField = id;
    if (field && id !== 'draft') field.setAttribute('aria-invalid', 'true');
    if (id === 'h-json') {
      const m = /^\/history\/(\d+)/.exec(p.pointer);
      if (m) action.append(`It is about recent post ${+m[1] + 1} in the list. `);
    }
    action.append(el('button', {
      type: 'button', class: 'linkish', onclick: () => {
        const d = field.closest('details');
        if (d) d.open = true;
        field.focus();
      },
    }, `Go to ${FIELD_NAMES[id] || id}`));
  }
}

function hideProblem() {
  $('problem').hidden = true;
}

$('key-panel').addEventListener('submit', (e) => {
  e.preventDefault();
  state.key = $('api-key').value.trim();
  try {
    if (state.key) sessionStorage.setItem(KEY_KEY, state.key);
    else sessionStorage.removeItem(KEY_KEY);
  } catch { /* ignore */ }
  state.rules = null;
  loadRules();
  lintNow();
});

// ---------- rule documents ----------

async function loadRules() {
  if (state.rulesLoading || state.rules) return;
  state.rulesLoading = true;
  try {
    const res = await fetch('v1/rules', { headers: headers(false), credentials: 'same-origin' });
    if (res.ok) {
      const body = await res.json();
      state.rules = new Map(body.rules.map((r) => [r.id, r]));
      if (state.report) renderWarnings();
    }
  } catch {
    // The warnings still show messages and suggestions; "why" comes with the next try.
  } finally {
    state.rulesLoading = false;
  }
}

// ---------- settings, audience, reply ----------

function onSettingsChange() {
  updateNotes();
  saveSoon();
  if (draft.value.trim()) {
    setStatus('checking', 'Checking…');
    scheduleLint();
  }
}

function updateNotes() {
  const { zone, whose } = entryZone();
  const at = scheduledAt();
  $('scheduled-hint').textContent = at ? `${at}, in ${zone} (${whose}).` : `Empty: now. Times are in ${zone} (${whose}).`;
  const tz = $('aud-timezone').value.trim();
  const bits = [$('aud-description').value.trim(), $('aud-locale').value.trim(), canonicalZone(tz) || tz].filter(Boolean);
  $('audience-note').textContent = bits.length ? `— ${bits.map(iso).join(' · ')}` : '— anyone';
  const author = $('reply-author').value.trim();
  $('reply-note').textContent = author || $('reply-text').value.trim() ? `— ${author ? iso(author) : 'someone'}` : '';
  const n = state.history.length;
  $('history-note').textContent = n ? `(${n})` : '(none)';
  $('h-at-hint').textContent = `In ${zone} (${whose}).`;
  if (tz && !validZone(tz)) {
    $('aud-timezone-hint').firstChild.textContent = `“${iso(tz)}” is not a time zone this browser knows; times are taken in ${myZone}. `;
  } else {
    $('aud-timezone-hint').firstChild.textContent = 'For quiet hours and the time a post goes out. ';
  }
}

// ---------- history ----------

const HISTORY_FIELDS = new Set(['id', 'text', 'channel', 'at']);

/** Checks pasted history: an array of {at, text?, channel?, id?}; throws with words. */
function parseHistory(raw) {
  let data;
  try {
    data = JSON.parse(raw);
  } catch (e) {
    throw new Error(`This is not valid JSON: ${e.message}.`);
  }
  if (data && !Array.isArray(data) && Array.isArray(data.history)) data = data.history;
  if (!Array.isArray(data)) throw new Error('Expected a JSON array of posts, like [{"text": "…", "channel": "x", "at": "2026-05-04T09:30:00+02:00"}].');
  return data.map((item, k) => {
    const n = k + 1;
    if (!item || typeof item !== 'object' || Array.isArray(item)) throw new Error(`Post ${n} is not an object.`);
    for (const key of Object.keys(item)) {
      if (!HISTORY_FIELDS.has(key)) throw new Error(`Post ${n} has a field “${iso(key)}”; posts have only id, text, channel and at.`);
    }
    if (typeof item.at !== 'string') throw new Error(`Post ${n} has no “at”: when it went out, such as 2026-05-04T09:30:00+02:00.`);
    if (!/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})$/.test(item.at) || Number.isNaN(Date.parse(item.at))) {
      throw new Error(`Post ${n}: “${iso(item.at)}” is not a time with an offset, such as 2026-05-04T09:30:00+02:00.`);
    }
    if (item.channel !== undefined && item.channel !== null && !(item.channel in CHANNELS)) {
      throw new Error(`Post ${n}: “${iso(item.channel)}” is not a channel; use one of ${Object.keys(CHANNELS).join(', ')}.`);
    }
    for (const key of ['id', 'text']) {
      if (item[key] !== undefined && item[key] !== null && typeof item[key] !== 'string') throw new Error(`Post ${n}: “${key}” must be text.`);
    }
    const out = { at: item.at };
    if (item.id) out.id = item.id;
    if (item.text) out.text = item.text;
    if (item.channel) out.channel = item.channel;
    return out;
  });
}

function renderHistory() {
  const ol = $('history-list');
  ol.replaceChildren();
  const { zone } = entryZone();
  state.history.forEach((h, k) => {
    const when = formatInstant(h.at, zone);
    const ch = h.channel ? CHANNELS[h.channel] || h.channel : 'any channel';
    const text = h.text ? (h.text.length > 140 ? `${h.text.slice(0, 140)}…` : h.text) : '(no text)';
    ol.append(el('li', {},
      el('div', {},
        el('div', { class: 'h-meta' }, `${ch} · ${when}`, h.id ? [' · ', bdi(h.id)] : null),
        el('div', { class: 'h-text', dir: 'auto', text })),
      el('button', {
        type: 'button', 'aria-label': `Remove post ${k + 1} (${ch}, ${when})`,
        onclick: () => {
          state.history.splice(k, 1);
          historyChanged();
          const items = $('history-list').querySelectorAll('button');
          (items[Math.min(k, items.length - 1)] || $('h-text')).focus();
        },
      }, 'Remove')));
  });
  updateNotes();
}

function historyChanged() {
  renderHistory();
  save();
  onSettingsChange();
}

function setHistoryError(msg) {
  $('h-json-error').textContent = msg;
  if (msg) $('h-json').setAttribute('aria-invalid', 'true');
  else $('h-json').removeAttribute('aria-invalid');
}

function takeJson(replace) {
  const raw = $('h-json').value.trim();
  if (!raw) {
    setHistoryError('Paste a JSON array of posts first.');
    $('h-json').focus();
    return;
  }
  try {
    const items = parseHistory(raw);
    state.history = replace ? items : state.history.concat(items);
    setHistoryError('');
    $('h-json').value = '';
    historyChanged();
    $('announce').textContent = `${items.length} ${items.length === 1 ? 'post' : 'posts'} taken; ${state.history.length} in the list.`;
  } catch (e) {
    setHistoryError(e.message);
    $('h-json').focus();
  }
}

$('h-json-replace').addEventListener('click', () => takeJson(true));
$('h-json-append').addEventListener('click', () => takeJson(false));
$('h-clear').addEventListener('click', () => {
  state.history = [];
  historyChanged();
  $('announce').textContent = 'The list of recent posts is empty.';
});
$('h-add').addEventListener('click', () => {
  const local = $('h-at').value;
  const at = local ? localToRfc3339(local, entryZone().zone) : null;
  if (!at) {
    $('h-at').setAttribute('aria-invalid', 'true');
    setHistoryError('Give the time the post went out (or is scheduled).');
    $('h-at').focus();
    return;
  }
  $('h-at').removeAttribute('aria-invalid');
  setHistoryError('');
  const item = { at, channel: $('h-channel').value };
  const text = $('h-text').value.trim();
  if (text) item.text = text;
  state.history.push(item);
  $('h-text').value = '';
  historyChanged();
  $('announce').textContent = `Post added; ${state.history.length} in the list.`;
  $('h-text').focus();
});

// ---------- examples and new draft ----------

/** Replaces the whole draft the way typing would, so Ctrl+Z brings the old one back. */
function replaceDraft(text) {
  draft.focus({ preventScroll: true });
  draft.select();
  let done = false;
  try {
    done = text === '' ? document.execCommand('delete') : document.execCommand('insertText', false, text);
  } catch { done = false; }
  if (!done || draft.value !== text) {
    draft.value = text;
    draft.dispatchEvent(new Event('input', { bubbles: true }));
  }
  draft.setSelectionRange(0, 0);
}

for (const b of document.querySelectorAll('[data-example]')) {
  b.addEventListener('click', () => {
    const ex = EXAMPLES[b.dataset.example];
    $('channel').value = ex.channel;
    $('language').value = 'auto';
    updateNotes();
    replaceDraft(ex.text);
    lintNow();
  });
}

$('copy').addEventListener('click', async () => {
  const text = draft.value;
  let ok = false;
  try {
    await navigator.clipboard.writeText(text);
    ok = true;
  } catch {
    // No clipboard API (plain http on another host): copy the selection instead.
    draft.focus({ preventScroll: true });
    draft.select();
    try { ok = document.execCommand('copy'); } catch { ok = false; }
  }
  $('copy').textContent = ok ? 'Copied' : 'Copy failed: select and copy';
  $('announce').textContent = ok ? 'The draft is on the clipboard.' : 'Could not copy; select the text and copy it.';
  setTimeout(() => { $('copy').textContent = 'Copy text'; }, 2000);
});

$('clear').addEventListener('click', () => {
  replaceDraft('');
  $('announce').textContent = 'New draft. Ctrl+Z brings the old one back.';
});

// ---------- wiring ----------

function init() {
  const hc = $('h-channel');
  for (const [v, name] of Object.entries(CHANNELS)) hc.append(el('option', { value: v, text: name }));
  try {
    const dl = $('timezones');
    for (const z of Intl.supportedValuesOf('timeZone')) dl.append(el('option', { value: z }));
  } catch { /* older browsers: no suggestions */ }
  $('aud-timezone').placeholder = myZone;
  $('use-my-zone').textContent = `Use mine (${myZone})`;
  restore();
  hc.value = $('channel').value;
  state.shownText = draft.value;
  renderHistory();
  updateNotes();
  renderMirror();
  renderWarnings();

  draft.addEventListener('input', onDraftInput);
  for (const ev of ['select', 'keyup', 'click', 'focus', 'blur']) draft.addEventListener(ev, markCurrent);
  document.addEventListener('selectionchange', () => { if (document.activeElement === draft) markCurrent(); });
  // The mirror never scrolls on its own; if the browser scrolls the textarea
  // (it is as tall as its text, so rarely), follow it.
  draft.addEventListener('scroll', () => { mirror.scrollTop = draft.scrollTop; });

  for (const id of FIELDS) {
    const e = $(id);
    e.addEventListener(e.tagName === 'SELECT' || e.type === 'datetime-local' ? 'change' : 'input', () => {
      if (e.getAttribute('aria-invalid') === 'true') e.removeAttribute('aria-invalid');
      if (id === 'aud-timezone') renderHistory();
      if (id === 'channel') $('h-channel').value = $('channel').value;
      onSettingsChange();
    });
  }
  $('scheduled-now').setAttribute('aria-label', 'Now: clear the time');
  $('scheduled-now').addEventListener('click', () => {
    $('scheduled').value = '';
    onSettingsChange();
  });
  $('use-my-zone').addEventListener('click', () => {
    $('aud-timezone').value = myZone;
    $('aud-timezone').removeAttribute('aria-invalid');
    renderHistory();
    onSettingsChange();
  });

  document.addEventListener('keydown', (e) => {
    if (e.key === 'F8') {
      e.preventDefault();
      nextWarning(e.shiftKey);
    } else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.altKey) {
      e.preventDefault();
      lintNow();
    }
  });
  window.addEventListener('pagehide', save);

  if (state.key) $('api-key').value = state.key;
  loadRules();
  if (draft.value.trim()) lint();
  else showEmpty();
}

init();
