//! Settings in layers, for the service: built-in defaults < `unbroadcast.toml` <
//! environment (`UNBROADCAST_…`) < command-line flags, merged by the `config` crate
//! into the one [`Settings`] schema.
//!
//! Each layer is checked on its own first so an error names where it came from:
//! the file with its line (through [`Settings::parse`]), or the exact environment
//! variable. An unknown variable under the prefix is an error, not silence — a
//! typo in a deployment manifest should stop start-up, not be ignored.

use super::{Settings, SettingsError};
use config::{Config, ConfigError, File, FileFormat, Map, Source, Value, ValueKind};

/// Environment variables that configure unbroadcast start with this.
pub const ENV_PREFIX: &str = "UNBROADCAST_";

/// Nested keys in variable names are joined with this: `UNBROADCAST_SERVER__BIND`.
pub const ENV_SEPARATOR: &str = "__";

/// Settings whose environment value is a comma-separated list; `*` stands for one
/// name (an audience).
const LIST_KEYS: &[&str] = &[
    "server.api_keys",
    "server.cors_origins",
    "lint.select",
    "lint.ignore",
    "lint.packs",
    "audiences.*.interests",
    "audiences.*.handles",
];

/// What to merge, lowest precedence first.
#[derive(Debug, Default)]
pub struct Layers<'a> {
    /// The settings file's text and how to name it in messages.
    pub file: Option<(&'a str, &'a str)>,
    /// The process environment (variables without the prefix are skipped).
    pub env: Vec<(String, String)>,
    /// Flags as (settings key, value), e.g. `("server.bind", "0.0.0.0:8080")`.
    pub flags: Vec<(&'static str, String)>,
}

/// Merges the layers into settings and checks the result.
pub fn layered(layers: &Layers<'_>) -> Result<Settings, SettingsError> {
    let file_name = layers.file.map_or("settings", |(_, name)| name);
    if let Some((text, name)) = layers.file {
        Settings::parse(text, name)?;
    }
    let vars = env_vars(&layers.env)?;
    let build = |vars: Vec<EnvVar>, flags: &[(&'static str, String)]| -> Result<Settings, SettingsError> {
        let mut b = Config::builder();
        if let Some((text, _)) = layers.file {
            b = b.add_source(File::from_str(text, FileFormat::Toml));
        }
        b = b.add_source(EnvSource(vars));
        for (key, value) in flags {
            b = b.set_override(*key, value.as_str()).map_err(|e| flag_error(key, &e))?;
        }
        b.build().and_then(Config::try_deserialize).map_err(|e| SettingsError {
            file: file_name.to_owned(),
            line: None,
            message: clean(&e),
        })
    };
    let settings = build(vars.clone(), &layers.flags).map_err(|merged| {
        // Name the variable at fault: the first that fails on top of the file alone.
        vars.iter()
            .find_map(|v| build(vec![v.clone()], &[]).err().map(|e| env_message(&v.name, explain(e.message))))
            .unwrap_or(merged)
    })?;
    settings.server.check().map_err(|message| SettingsError { file: file_name.to_owned(), line: None, message })?;
    Ok(settings.with_canonical_zones())
}

/// One environment variable under the prefix, with its settings key.
#[derive(Debug, Clone)]
struct EnvVar {
    name: String,
    key: String,
    value: String,
}

fn env_vars(env: &[(String, String)]) -> Result<Vec<EnvVar>, SettingsError> {
    let mut out = Vec::new();
    for (name, value) in env {
        let Some(rest) = name.strip_prefix(ENV_PREFIX) else { continue };
        let segments: Vec<String> = rest.split(ENV_SEPARATOR).map(str::to_lowercase).collect();
        if segments.iter().any(|s| s.is_empty() || s.contains('.')) {
            return Err(env_message(
                name,
                format!("not a settings name; nest keys with {ENV_SEPARATOR}, as in UNBROADCAST_SERVER__BIND"),
            ));
        }
        out.push(EnvVar { name: name.clone(), key: segments.join("."), value: value.clone() });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

fn is_list_key(key: &str) -> bool {
    LIST_KEYS.iter().any(|pattern| {
        let (p, k): (Vec<&str>, Vec<&str>) = (pattern.split('.').collect(), key.split('.').collect());
        p.len() == k.len() && p.iter().zip(&k).all(|(p, k)| *p == "*" || p == k)
    })
}

/// The environment as a `config` source. Values stay strings (the settings types
/// parse numbers and durations themselves), so a key such as `0123` is never
/// turned into a number; list settings are split on commas.
#[derive(Debug, Clone)]
struct EnvSource(Vec<EnvVar>);

impl Source for EnvSource {
    fn clone_into_box(&self) -> Box<dyn Source + Send + Sync> {
        Box::new(self.clone())
    }

    fn collect(&self) -> Result<Map<String, Value>, ConfigError> {
        let mut m = Map::new();
        for v in &self.0 {
            let origin = v.name.clone();
            let kind = if is_list_key(&v.key) {
                ValueKind::Array(
                    v.value
                        .split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(|s| Value::new(Some(&origin), ValueKind::String(s.to_owned())))
                        .collect(),
                )
            } else {
                ValueKind::String(v.value.clone())
            };
            m.insert(v.key.clone(), Value::new(Some(&origin), kind));
        }
        Ok(m)
    }
}

fn env_message(name: &str, message: String) -> SettingsError {
    SettingsError { file: "environment".into(), line: None, message: format!("{name}: {message}") }
}

fn explain(m: String) -> String {
    if m.starts_with("unknown field") { format!("not a setting ({m})") } else { m }
}

fn flag_error(key: &str, e: &ConfigError) -> SettingsError {
    SettingsError { file: "flags".into(), line: None, message: format!("{key}: {}", clean(e)) }
}

/// `config`'s message without the origin it appends (we say where ourselves).
fn clean(e: &ConfigError) -> String {
    let s = e.to_string();
    match s.rsplit_once(" in UNBROADCAST_") {
        Some((head, _)) => head.to_owned(),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::settings::LogFormat;

    fn env(vars: &[(&str, &str)]) -> Vec<(String, String)> {
        vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    const FILE: &str = "[server]\nbind = \"127.0.0.1:9000\"\nworkers = 3\nmax_batch = 50\n\
                        [lint]\nthresholds = { review = 20, block = 50 }\n\
                        [audiences.Baristas]\ninterests = [\"espresso\"]\n";

    #[test]
    fn each_layer_overrides_the_one_below() {
        // Defaults only.
        let s = layered(&Layers::default()).unwrap();
        assert_eq!((s.server.bind.as_str(), s.server.max_batch), ("127.0.0.1:8080", 100));

        // The file over the defaults.
        let file = Layers { file: Some((FILE, "u.toml")), ..Layers::default() };
        let s = layered(&file).unwrap();
        assert_eq!((s.server.bind.as_str(), s.server.workers, s.server.max_batch), ("127.0.0.1:9000", Some(3), 50));
        assert_eq!(s.lint.thresholds.unwrap().review, 20);
        assert_eq!(s.audiences["Baristas"].interests, ["espresso"], "file keys keep their case");

        // The environment over the file.
        let with_env = Layers {
            env: env(&[
                ("UNBROADCAST_SERVER__WORKERS", "5"),
                ("UNBROADCAST_LINT__THRESHOLDS__REVIEW", "25"),
                ("UNBROADCAST_SERVER__API_KEYS", "key-one, key-two"),
                ("UNBROADCAST_SERVER__MAX_BODY", "64KiB"),
                ("PATH", "/usr/bin"),
            ]),
            ..file
        };
        let s = layered(&with_env).unwrap();
        assert_eq!((s.server.bind.as_str(), s.server.workers), ("127.0.0.1:9000", Some(5)));
        let t = s.lint.thresholds.unwrap();
        assert_eq!((t.review, t.block), (25, 50), "a nested key replaces one field, not the table");
        let keys: Vec<&str> = s.server.api_keys.iter().map(|k| k.expose()).collect();
        assert_eq!(keys, ["key-one", "key-two"]);
        assert_eq!(s.server.max_body.0, 64 * 1024);

        // Flags over everything.
        let with_flags =
            Layers { flags: vec![("server.workers", "7".into()), ("server.log_format", "json".into())], ..with_env };
        let s = layered(&with_flags).unwrap();
        assert_eq!((s.server.workers, s.server.log_format), (Some(7), LogFormat::Json));
        assert_eq!(s.server.bind, "127.0.0.1:9000");
    }

    #[test]
    fn errors_name_the_variable_or_the_line() {
        let e = layered(&Layers { env: env(&[("UNBROADCAST_SERVER__BINDD", "x:1")]), ..Layers::default() })
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("environment: UNBROADCAST_SERVER__BINDD: not a setting"), "{e}");
        assert!(e.contains("bindd"), "{e}");

        let e = layered(&Layers { env: env(&[("UNBROADCAST_SERVR__BIND", "x:1")]), ..Layers::default() })
            .unwrap_err()
            .to_string();
        assert!(e.contains("UNBROADCAST_SERVR__BIND"), "{e}");

        let e = layered(&Layers { env: env(&[("UNBROADCAST_SERVER__WORKERS", "many")]), ..Layers::default() })
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("environment: UNBROADCAST_SERVER__WORKERS:"), "{e}");

        let e = layered(&Layers { env: env(&[("UNBROADCAST_SERVER_BIND", "x:1")]), ..Layers::default() })
            .unwrap_err()
            .to_string();
        assert!(e.contains("UNBROADCAST_SERVER_BIND"), "{e}");

        let e = layered(&Layers { file: Some(("[server]\nworkrs = 2\n", "u.toml")), ..Layers::default() })
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("u.toml:2:"), "{e}");

        let e = layered(&Layers { flags: vec![("server.workers", "0".into())], ..Layers::default() })
            .unwrap_err()
            .to_string();
        assert!(e.contains("server.workers: must be at least 1"), "{e}");
    }

    #[test]
    fn channel_policies_and_lists_come_from_the_environment() {
        let s = layered(&Layers {
            env: env(&[
                ("UNBROADCAST_CHANNELS__LINKEDIN__DAILY", "2"),
                ("UNBROADCAST_LINT__IGNORE", "bait, format.emoji"),
            ]),
            ..Layers::default()
        })
        .unwrap();
        assert_eq!(s.channels["linkedin"].daily, Some(2));
        assert_eq!(s.lint.ignore, ["bait", "format.emoji"]);
    }

    #[test]
    fn one_limit_can_be_set_alone() {
        let s =
            layered(&Layers { env: env(&[("UNBROADCAST_LINT__LIMITS__MAX_TEXT_CHARS", "5000")]), ..Layers::default() })
                .unwrap();
        let limits = s.engine_config("settings").unwrap().limits;
        assert_eq!((limits.max_text_chars, limits.max_history), (5000, 1000));
    }

    #[test]
    fn numeric_looking_secrets_stay_strings() {
        let s = layered(&Layers { env: env(&[("UNBROADCAST_SERVER__ADMIN_TOKEN", "0123e5")]), ..Layers::default() })
            .unwrap();
        assert_eq!(s.server.admin_token.unwrap().expose(), "0123e5");
    }
}
