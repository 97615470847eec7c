//! `format.url-shortener`: a link through a URL shortener (bit.ly, tinyurl, …).
//! Judged on each link's host as the analysis found it, so a shortener named in
//! prose ("a bit lyrical") or inside a longer host never counts.

use super::{CodeRule, CodeRuleDef, Ctx, Hit, params};
use serde::Deserialize;

pub const DEF: CodeRuleDef = CodeRuleDef {
    id: "format.url-shortener",
    placeholders: &["host"],
    build: |t| {
        let p: UrlShortener = params(t)?;
        if p.hosts.is_empty() {
            return Err("`hosts` must list at least one shortener".into());
        }
        Ok(Box::new(p))
    },
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UrlShortener {
    /// Shortener hosts, lower case, without `www.`.
    hosts: Vec<String>,
}

impl CodeRule for UrlShortener {
    fn check(&self, cx: &Ctx<'_>, out: &mut Vec<Hit>) {
        for link in &cx.analysis.features.links {
            if self.hosts.contains(&link.host) {
                out.push(Hit::at(link.range.clone()).arg("host", &link.host));
            }
        }
    }
}
