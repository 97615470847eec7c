//! `[server]` in `unbroadcast.toml`: how the HTTP service listens, what it accepts
//! and who may call it. It sits in the same file as `[lint]` so a team keeps one
//! settings file for the command line and the service.
//!
//! Secrets (API keys, the admin token) are [`Secret`]s: they deserialize like
//! strings but never print, in `Debug`, in logs or when settings are serialized.

use crate::policy::Duration;
use jiff::SignedDuration;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// `[server]`: every field has a default, so the section may be left out.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerSettings {
    /// `host:port` to listen on; port 0 picks a free port.
    pub bind: String,
    /// Worker threads; absent: one per CPU core.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workers: Option<usize>,
    /// Largest body `POST /v1/lint` accepts.
    pub max_body: ByteSize,
    /// Largest body `POST /v1/lint/batch` accepts.
    pub max_batch_body: ByteSize,
    /// Most drafts in one batch.
    pub max_batch: usize,
    /// Time a client has to send a whole request (head and body).
    pub request_timeout: Duration,
    /// How long an idle keep-alive connection stays open.
    pub keep_alive: Duration,
    /// On SIGTERM/SIGINT, how long in-flight requests may take to finish.
    pub shutdown_timeout: Duration,
    /// Bearer tokens that may call `/v1/*` and `/metrics`; empty: open.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub api_keys: Vec<Secret>,
    /// Bearer token for `/v1/admin/*`; absent: those endpoints are off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_token: Option<Secret>,
    /// Origins browsers may call from (`https://app.example.com`, or `*`); empty: no CORS.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cors_origins: Vec<String>,
    pub log_format: LogFormat,
    /// A `tracing` filter such as `info` or `unbroadcast=debug,actix_server=warn`.
    pub log_level: String,
}

impl Default for ServerSettings {
    fn default() -> Self {
        ServerSettings {
            bind: "127.0.0.1:8080".into(),
            workers: None,
            max_body: ByteSize(256 * 1024),
            // A hundred typical posts with their history fit easily: a typical
            // request is 1–5 KiB; even a hundred 20-KiB ones fit.
            max_batch_body: ByteSize(4 * 1024 * 1024),
            max_batch: 100,
            request_timeout: Duration(SignedDuration::from_secs(30)),
            keep_alive: Duration(SignedDuration::from_secs(5)),
            shutdown_timeout: Duration(SignedDuration::from_secs(30)),
            api_keys: Vec::new(),
            admin_token: None,
            cors_origins: Vec::new(),
            log_format: LogFormat::Human,
            log_level: "info".into(),
        }
    }
}

impl ServerSettings {
    /// Checks values serde cannot: ranges, origins, the log filter. Messages name
    /// the setting as `server.field`.
    pub fn check(&self) -> Result<(), String> {
        if self.bind.trim().is_empty() || !self.bind.contains(':') {
            return Err(format!("server.bind: '{}' is not host:port such as 127.0.0.1:8080", self.bind));
        }
        if self.workers == Some(0) {
            return Err("server.workers: must be at least 1 (leave it out for one per core)".into());
        }
        for (name, v) in [("max_body", self.max_body), ("max_batch_body", self.max_batch_body)] {
            if v.0 < 1024 {
                return Err(format!("server.{name}: {} bytes is too small to hold a request; use at least 1KiB", v.0));
            }
        }
        if self.max_batch == 0 {
            return Err("server.max_batch: must be at least 1".into());
        }
        for (name, d) in [
            ("request_timeout", self.request_timeout),
            ("keep_alive", self.keep_alive),
            ("shutdown_timeout", self.shutdown_timeout),
        ] {
            if d.0.is_zero() {
                return Err(format!("server.{name}: must be longer than zero"));
            }
        }
        for (i, k) in self.api_keys.iter().enumerate() {
            k.check().map_err(|m| format!("server.api_keys[{i}]: {m}"))?;
        }
        if let Some(t) = &self.admin_token {
            t.check().map_err(|m| format!("server.admin_token: {m}"))?;
        }
        for o in &self.cors_origins {
            check_origin(o, self.cors_origins.len()).map_err(|m| format!("server.cors_origins: {m}"))?;
        }
        tracing_subscriber::EnvFilter::try_new(&self.log_level)
            .map_err(|e| format!("server.log_level: '{}' is not a log filter such as info: {e}", self.log_level))?;
        Ok(())
    }
}

fn check_origin(o: &str, count: usize) -> Result<(), String> {
    if o == "*" {
        return if count == 1 { Ok(()) } else { Err("'*' allows every origin; list it alone".into()) };
    }
    let rest = o.strip_prefix("https://").or_else(|| o.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains('/') && !host.contains(char::is_whitespace) => Ok(()),
        _ => Err(format!("'{o}' is not an origin such as https://app.example.com (scheme and host, no path)")),
    }
}

/// How log lines look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One readable line per event.
    #[default]
    Human,
    /// One JSON object per event, for log collectors.
    Json,
}

/// A number of bytes, written as a number or with a unit: `262144`, `"256KiB"`, `"4MiB"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ByteSize(pub usize);

impl std::str::FromStr for ByteSize {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let n: usize =
            num.parse().map_err(|_| format!("'{s}' is not a size such as 262144, \"256KiB\" or \"4MiB\""))?;
        let mul = match unit.trim() {
            "" | "B" => 1,
            "KiB" | "K" | "k" | "KB" | "kB" => 1024,
            "MiB" | "M" | "MB" => 1024 * 1024,
            u => return Err(format!("'{s}': unknown unit '{u}'; use B, KiB or MiB")),
        };
        n.checked_mul(mul).map(ByteSize).ok_or_else(|| format!("'{s}' is too large"))
    }
}

impl fmt::Display for ByteSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            n if n >= 1024 * 1024 && n % (1024 * 1024) == 0 => write!(f, "{}MiB", n / (1024 * 1024)),
            n if n >= 1024 && n % 1024 == 0 => write!(f, "{}KiB", n / 1024),
            n => write!(f, "{n}"),
        }
    }
}

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = ByteSize;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a size in bytes, such as 262144 or \"256KiB\"")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<ByteSize, E> {
                usize::try_from(v).map(ByteSize).map_err(|_| E::custom("size too large"))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<ByteSize, E> {
                usize::try_from(v).map(ByteSize).map_err(|_| E::custom(format!("{v} is not a size")))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ByteSize, E> {
                v.parse().map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for ByteSize {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A credential: read like a string, never shown.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }

    /// The value, for comparing against what a client sent. Nothing else.
    pub fn expose(&self) -> &str {
        &self.0
    }

    fn check(&self) -> Result<(), String> {
        if self.0.trim().is_empty() {
            Err("must not be empty".into())
        } else if self.0.chars().any(|c| c.is_whitespace() || c.is_control()) {
            Err("must not contain spaces or control characters (it travels in an HTTP header)".into())
        } else {
            Ok(())
        }
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_numbers_and_units() {
        assert_eq!("262144".parse::<ByteSize>(), Ok(ByteSize(262_144)));
        assert_eq!("256KiB".parse::<ByteSize>(), Ok(ByteSize(262_144)));
        assert_eq!("4 MiB".parse::<ByteSize>(), Ok(ByteSize(4 << 20)));
        assert!("4GiB".parse::<ByteSize>().is_err());
        assert!("lots".parse::<ByteSize>().is_err());
        assert_eq!(ByteSize(262_144).to_string(), "256KiB");
    }

    #[test]
    fn secrets_never_print() {
        let s = ServerSettings {
            api_keys: vec![Secret::new("k-123456789")],
            admin_token: Some(Secret::new("adm-987654321")),
            ..ServerSettings::default()
        };
        let shown = format!("{s:?} {}", toml::to_string(&s).unwrap());
        assert!(!shown.contains("k-123456789") && !shown.contains("adm-987654321"), "{shown}");
        assert!(shown.contains("[redacted]"));
    }

    #[test]
    fn bad_values_name_the_setting() {
        let bad = |s: ServerSettings| s.check().unwrap_err();
        assert!(bad(ServerSettings { workers: Some(0), ..Default::default() }).starts_with("server.workers"));
        assert!(bad(ServerSettings { bind: "8080".into(), ..Default::default() }).starts_with("server.bind"));
        assert!(
            bad(ServerSettings { cors_origins: vec!["app.example.com".into()], ..Default::default() })
                .starts_with("server.cors_origins")
        );
        assert!(
            bad(ServerSettings { log_level: "info,=[".into(), ..Default::default() }).starts_with("server.log_level")
        );
        assert!(
            bad(ServerSettings { api_keys: vec![Secret::new("a b")], ..Default::default() }).contains("api_keys[0]")
        );
        assert!(ServerSettings::default().check().is_ok());
        assert!(ServerSettings { cors_origins: vec!["*".into()], ..Default::default() }.check().is_ok());
    }
}
