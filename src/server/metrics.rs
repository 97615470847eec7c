//! What `GET /metrics` reports, in the Prometheus text format: requests by route,
//! method and status, latency per route, findings per rule, verdicts, rejected
//! drafts by problem type, and the loaded rules.
//!
//! Labels are bounded: routes are patterns (`/v1/rules/{id}`, never the id),
//! methods are the nine of RFC 9110 or `other` (HTTP lets a client make one up),
//! rule ids come from the loaded packs, problem types from one table.

use crate::report::Report;
use prometheus::{
    Encoder as _, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder,
};

/// Latency buckets in seconds: a lint takes tens of microseconds, a batch a few
/// milliseconds, so the buckets start well below a millisecond.
const BUCKETS: &[f64] = &[0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];

/// The service's metrics and their registry.
#[derive(Debug, Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    findings: IntCounterVec,
    verdicts: IntCounterVec,
    rejected: IntCounterVec,
    reloads: IntCounterVec,
    rules: IntGauge,
    rules_info: IntGaugeVec,
}

impl Metrics {
    pub fn new() -> Result<Metrics, prometheus::Error> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("unbroadcast_http_requests_total", "HTTP requests by route pattern, method and status."),
            &["route", "method", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new("unbroadcast_http_request_duration_seconds", "Time to answer a request, by route.")
                .buckets(BUCKETS.to_vec()),
            &["route"],
        )?;
        let findings = IntCounterVec::new(
            Opts::new("unbroadcast_findings_total", "Findings reported (each repeat counted), by rule."),
            &["rule"],
        )?;
        let verdicts =
            IntCounterVec::new(Opts::new("unbroadcast_verdicts_total", "Drafts linted, by verdict."), &["verdict"])?;
        let rejected = IntCounterVec::new(
            Opts::new("unbroadcast_rejected_drafts_total", "Drafts refused before linting, by problem type."),
            &["problem"],
        )?;
        let reloads = IntCounterVec::new(
            Opts::new("unbroadcast_reloads_total", "Rule pack reloads, by result (ok or refused)."),
            &["result"],
        )?;
        let rules = IntGauge::new("unbroadcast_rules_loaded", "Rules in the loaded rule set.")?;
        let rules_info = IntGaugeVec::new(
            Opts::new("unbroadcast_rules_info", "The loaded rule set's version (always 1)."),
            &["rules_version"],
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(findings.clone()))?;
        registry.register(Box::new(verdicts.clone()))?;
        registry.register(Box::new(rejected.clone()))?;
        registry.register(Box::new(reloads.clone()))?;
        registry.register(Box::new(rules.clone()))?;
        registry.register(Box::new(rules_info.clone()))?;
        Ok(Metrics { registry, requests, latency, findings, verdicts, rejected, reloads, rules, rules_info })
    }

    /// One answered request.
    pub fn request(&self, route: &str, method: &str, status: u16, seconds: f64) {
        let mut buf = itoa_status(status);
        self.requests.with_label_values(&[route, method_label(method), status_str(&mut buf)]).inc();
        self.latency.with_label_values(&[route]).observe(seconds);
    }

    /// One linted draft.
    pub fn report(&self, r: &Report) {
        self.verdicts.with_label_values(&[r.verdict.name()]).inc();
        for w in &r.warnings {
            // Occurrences, as before repeats were collapsed into one warning.
            self.findings.with_label_values(&[w.rule.as_str()]).inc_by(u64::from(w.count));
        }
    }

    /// One draft refused with a problem.
    pub fn rejected(&self, slug: &str) {
        self.rejected.with_label_values(&[slug]).inc();
    }

    /// A reload, and the rule set now serving.
    pub fn reload(&self, ok: bool) {
        self.reloads.with_label_values(&[if ok { "ok" } else { "refused" }]).inc();
    }

    /// The rule set now serving.
    pub fn rules_loaded(&self, count: usize, version: &str) {
        self.rules.set(i64::try_from(count).unwrap_or(i64::MAX));
        self.rules_info.reset();
        self.rules_info.with_label_values(&[version]).set(1);
    }

    /// The text exposition format.
    pub fn render(&self) -> Result<String, prometheus::Error> {
        let mut out = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut out)?;
        Ok(String::from_utf8_lossy(&out).into_owned())
    }
}

/// The method as a label: a standard one as it is, any other as `other`.
fn method_label(method: &str) -> &str {
    const KNOWN: [&str; 9] = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];
    if KNOWN.contains(&method) { method } else { "other" }
}

/// A status code as three ASCII digits, without allocating.
fn itoa_status(status: u16) -> [u8; 3] {
    let s = status.min(999);
    [b'0' + (s / 100) as u8, b'0' + (s / 10 % 10) as u8, b'0' + (s % 10) as u8]
}

fn status_str(buf: &mut [u8; 3]) -> &str {
    std::str::from_utf8(buf).unwrap_or("000")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_with_bounded_labels() {
        let m = Metrics::new().unwrap();
        m.request("/v1/lint", "POST", 200, 0.0004);
        m.request("/v1/lint", "POST", 422, 0.0001);
        m.rules_loaded(42, "abc");
        m.rules_loaded(43, "def");
        let text = m.render().unwrap();
        assert!(text.contains(r#"unbroadcast_http_requests_total{method="POST",route="/v1/lint",status="200"} 1"#));
        assert!(text.contains(r#"unbroadcast_http_requests_total{method="POST",route="/v1/lint",status="422"} 1"#));
        assert!(text.contains(r#"unbroadcast_http_request_duration_seconds_bucket{route="/v1/lint",le="0.0005"} 2"#));
        assert!(text.contains("unbroadcast_rules_loaded 43"));
        assert!(text.contains(r#"unbroadcast_rules_info{rules_version="def"} 1"#));
        assert!(!text.contains(r#"rules_version="abc""#), "an old version is not reported");
        // A client picks the method; one it makes up must not become a new series.
        m.request("unmatched", &"M".repeat(5000), 405, 0.0001);
        m.request("unmatched", "BREW", 405, 0.0001);
        let text = m.render().unwrap();
        assert!(text.contains(r#"unbroadcast_http_requests_total{method="other",route="unmatched",status="405"} 2"#));
    }
}
