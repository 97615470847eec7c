//! The registry of rules: every pack's rules, validated and compiled once (at start
//! and on reload) into the structures that make a check cheap.
//!
//! A rule id names one rule; a rule can have a variant per pack language (its
//! English, German and Arabic phrases), and all variants share category, severity
//! and points so the same broadcast scores the same in every language.

pub mod code;
pub mod context;
pub mod fingerprint;
mod fit;
mod grammar;
mod matchers;
mod model_rule;
pub mod schedule;
pub mod timeline;

pub use context::{Ctx, Hit};

use crate::analysis::{Analysis, Lexicon, LexiconSpec, Lexicons};
use crate::channel::Channel;
use crate::input::{Draft, Limits, LintRequest, PostIn};
use crate::lang::{Lang, PackLang};
use crate::pack::{
    Category, Context, ExampleSpec, ExamplesSpec, Kind, Metric, Pack, PackError, PackSource, PatternText, RuleSpec,
    Severity,
};
use crate::policy::{ChannelPolicy, Policies};
use crate::text::blind::blind_str;
use crate::text::normalize_str;
use code::CodeRule;
use matchers::{MetricRule, PatternMatcher, PhraseMatcher, check_pattern};
use model_rule::ModelRule;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

/// One language variant of a rule.
#[derive(Debug, Clone, Serialize)]
pub struct Variant {
    pub language: &'static str,
    pub kind: Kind,
    pub message: String,
    pub why: String,
    pub suggestion: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub replacements: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    pub context: Context,
    pub examples: ExamplesSpec,
    /// The pack file and line that define it.
    pub source: String,
    #[serde(skip)]
    pub(crate) lang: PackLang,
}

/// A rule as the registry knows it.
#[derive(Debug, Clone, Serialize)]
pub struct RuleInfo {
    pub id: String,
    pub category: Category,
    pub severity: Severity,
    pub points: u32,
    pub max_points: u32,
    /// `en`, `de`, `ar` or `any`, one per variant.
    pub languages: Vec<&'static str>,
    pub variants: Vec<Variant>,
}

impl RuleInfo {
    /// The variant for a language: its own, else the language-independent one.
    pub fn variant_for(&self, lang: Lang) -> Option<&Variant> {
        self.variants
            .iter()
            .find(|v| v.lang == PackLang::Only(lang))
            .or_else(|| self.variants.iter().find(|v| v.lang == PackLang::Any))
    }

    /// The variant whose docs stand for the rule where one language must be
    /// chosen (`unbroadcast rules ID`, SARIF rule help): English, else the
    /// language-independent one, else the first. A rule always has a variant.
    pub fn primary(&self) -> &Variant {
        self.variant_for(Lang::En).unwrap_or(&self.variants[0])
    }
}

/// A finding before scoring: which rule variant, where, and the message values.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: usize,
    pub variant: usize,
    /// Byte range in the original text.
    pub span: Option<Range<usize>>,
    pub args: Vec<(&'static str, String)>,
    pub suggested_time: Option<String>,
    pub replacements: Option<Vec<String>>,
    /// Graded points (model rules); `None`: the rule's points.
    pub points: Option<u32>,
    /// Byte ranges that weighed most (model rules), strongest first.
    pub evidence: Vec<Range<usize>>,
}

/// A phrase as folded, as written, and its line in the pack.
type PhraseEntry = (String, String, usize);

/// Index of a (rule, variant) pair in the flat variant table.
type VariantId = u32;

/// All loaded rules, compiled.
pub struct RuleSet {
    rules: Vec<RuleInfo>,
    /// Flat table: variant id → (rule index, variant index).
    variants: Vec<(usize, usize)>,
    phrases: [PhraseMatcher; 4],
    /// Per language, the `unless` phrases that stop their variant.
    unless: [PhraseMatcher; 4],
    /// Any, en, de, ar.
    patterns: [PatternMatcher; 4],
    metrics: Vec<(PackLang, MetricRule)>,
    code: Vec<(PackLang, VariantId, Box<dyn CodeRule>)>,
    models: Vec<(Lang, VariantId, ModelRule)>,
    lexicons: Lexicons,
    policies: Policies,
    redirects: BTreeMap<String, String>,
    version: String,
    sources: Vec<String>,
}

impl std::fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleSet").field("rules", &self.rules.len()).field("version", &self.version).finish()
    }
}

fn lang_slot(l: Lang) -> usize {
    match l {
        Lang::En => 0,
        Lang::De => 1,
        Lang::Ar => 2,
        Lang::Other => 3,
    }
}

const SLOTS: [Lang; 4] = [Lang::En, Lang::De, Lang::Ar, Lang::Other];

/// Collects a rule entry's problems with its location.
struct At<'a> {
    file: &'a str,
    line: usize,
    rule: &'a str,
}

impl At<'_> {
    fn err(&self, field: &str, message: impl Into<String>) -> PackError {
        self.err_at(self.line, field, message)
    }

    fn err_at(&self, line: usize, field: &str, message: impl Into<String>) -> PackError {
        PackError::Invalid {
            file: self.file.to_owned(),
            line: Some(line),
            rule: Some(self.rule.to_owned()),
            field: Some(field.to_owned()),
            message: message.into(),
        }
    }
}

fn valid_id(id: &str) -> bool {
    let Some((cat, name)) = id.split_once('.') else { return false };
    let lower = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    lower(cat) && lower(name) && !name.starts_with('-') && !name.ends_with('-') && !name.contains("--")
}

fn placeholders(template: &str) -> impl Iterator<Item = &str> {
    template.split('{').skip(1).filter_map(|s| s.split_once('}').map(|(name, _)| name))
}

impl RuleSet {
    /// Parses, validates and compiles packs. All or nothing: the first problem is
    /// returned and no rule set exists.
    pub fn compile(sources: Vec<PackSource>) -> Result<RuleSet, PackError> {
        let mut hasher = Sha256::new();
        let mut names = Vec::new();
        let mut packs = Vec::with_capacity(sources.len());
        for s in sources {
            hasher.update(s.name.as_bytes());
            hasher.update([0]);
            hasher.update(s.text.as_bytes());
            hasher.update([0]);
            names.push(s.name.clone());
            packs.push(Pack::parse(s)?);
        }
        let version: String = hasher.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect();

        let mut rules: Vec<RuleInfo> = Vec::new();
        let mut by_id: HashMap<String, usize> = HashMap::new();
        // Declarative parts, gathered per variant before the matchers are built.
        let mut phrase_lists: Vec<(PackLang, VariantIdx, Vec<PhraseEntry>)> = Vec::new();
        let mut unless_lists: Vec<(PackLang, VariantIdx, Vec<PhraseEntry>)> = Vec::new();
        let mut pattern_lists: Vec<(PackLang, VariantIdx, Vec<String>, PatternText)> = Vec::new();
        let mut metric_list: Vec<(PackLang, VariantIdx, MetricRule)> = Vec::new();
        let mut code_list: Vec<(PackLang, VariantIdx, Box<dyn CodeRule>)> = Vec::new();
        let mut model_list: Vec<(Lang, VariantIdx, ModelRule)> = Vec::new();
        let trained = model_rule::collect_models(&packs)?;
        let mut lexicon_specs: BTreeMap<Lang, Vec<LexiconSpec>> = BTreeMap::new();
        let mut channels: BTreeMap<Channel, (ChannelPolicy, String)> = BTreeMap::new();
        let mut redirects = BTreeMap::new();

        for pack in &packs {
            let file = pack.source.name.as_str();
            let lang: PackLang = pack.spec.pack.language.parse().map_err(|()| PackError::Invalid {
                file: file.to_owned(),
                line: None,
                rule: None,
                field: Some("pack.language".into()),
                message: format!("unknown language '{}'; expected en, de, ar or any", pack.spec.pack.language),
            })?;
            if let Some(lex) = &pack.spec.lexicon {
                match lang {
                    PackLang::Only(l) => lexicon_specs.entry(l).or_default().push(lex.clone()),
                    PackLang::Any => {
                        return Err(PackError::Invalid {
                            file: file.to_owned(),
                            line: None,
                            rule: None,
                            field: Some("lexicon".into()),
                            message: "a lexicon belongs to one language; this pack is for any".into(),
                        });
                    }
                }
            }
            for (name, patch) in &pack.spec.channels {
                let line = pack.line(patch.span().start);
                let bad = |m: String| PackError::Invalid {
                    file: file.to_owned(),
                    line: Some(line),
                    rule: None,
                    field: Some(format!("channels.{name}")),
                    message: m,
                };
                let c: Channel = name.parse().map_err(|()| bad(format!("unknown channel '{name}'")))?;
                if let Some((_, other)) = channels.get(&c) {
                    return Err(bad(format!("channel {name} is already described in {other}")));
                }
                let mut p = ChannelPolicy::unlimited();
                p.apply(patch.get_ref());
                channels.insert(c, (p, format!("{file}:{line}")));
            }
            for (old, new) in &pack.spec.redirects {
                redirects.insert(old.clone(), new.clone());
            }
            for spanned in &pack.spec.rules {
                let line = pack.line(spanned.span().start);
                let spec = spanned.get_ref();
                let at = At { file, line, rule: &spec.id };
                check_rule(spec, &at)?;
                let variant = Variant {
                    language: lang.code(),
                    kind: spec.kind,
                    message: spec.message.trim().to_owned(),
                    why: spec.why.trim().to_owned(),
                    suggestion: spec.suggestion.trim().to_owned(),
                    replacements: spec.replacements.clone(),
                    references: spec.references.clone(),
                    context: spec.context,
                    examples: spec.examples.clone(),
                    source: format!("{file}:{line}"),
                    lang,
                };
                let max_points = spec.max_points.unwrap_or(spec.points * 2);
                let ri = match by_id.get(&spec.id) {
                    Some(&ri) => {
                        let r = &rules[ri];
                        if let Some(v) = r.variants.iter().find(|v| v.lang == lang) {
                            return Err(at.err(
                                "id",
                                format!(
                                    "duplicate rule id for language {}; first defined at {}",
                                    lang.code(),
                                    v.source
                                ),
                            ));
                        }
                        let first = &r.variants[0].source;
                        if r.severity != spec.severity {
                            return Err(at.err(
                                "severity",
                                format!("differs from the variant at {first}; all languages of a rule share it"),
                            ));
                        }
                        if r.points != spec.points || r.max_points != max_points {
                            return Err(at.err(
                                "points",
                                format!("differs from the variant at {first}; all languages of a rule score the same"),
                            ));
                        }
                        ri
                    }
                    None => {
                        rules.push(RuleInfo {
                            id: spec.id.clone(),
                            category: spec.category,
                            severity: spec.severity,
                            points: spec.points,
                            max_points,
                            languages: Vec::new(),
                            variants: Vec::new(),
                        });
                        by_id.insert(spec.id.clone(), rules.len() - 1);
                        rules.len() - 1
                    }
                };
                rules[ri].languages.push(lang.code());
                rules[ri].variants.push(variant);
                let v = VariantIdx { rule: ri, variant: rules[ri].variants.len() - 1 };
                match spec.kind {
                    Kind::Phrases => {
                        let list = compile_phrases(
                            &spec.phrases,
                            "phrases",
                            |o| pack.line(o),
                            |line, field, msg| at.err_at(line, field, msg),
                        )?;
                        phrase_lists.push((lang, v, list));
                        let unless = compile_phrases(
                            &spec.unless,
                            "unless",
                            |o| pack.line(o),
                            |line, field, msg| at.err_at(line, field, msg),
                        )?;
                        if !unless.is_empty() {
                            unless_lists.push((lang, v, unless));
                        }
                    }
                    Kind::Pattern => {
                        let mut res = Vec::new();
                        for p in &spec.patterns {
                            check_pattern(p.get_ref())
                                .map_err(|e| at.err_at(pack.line(p.span().start), "patterns", e))?;
                            res.push(p.get_ref().clone());
                        }
                        pattern_lists.push((lang, v, res, spec.text.unwrap_or_default()));
                    }
                    Kind::Metric => {
                        metric_list.push((
                            lang,
                            v,
                            MetricRule { owner: 0, when: spec.when.clone(), highlight: spec.highlight },
                        ));
                    }
                    Kind::Code => {
                        let def = code::lookup(&spec.id).ok_or_else(|| {
                            at.err("kind", "no code rule with this id exists; use phrases, pattern or metric")
                        })?;
                        let empty = toml::Table::new();
                        let rule =
                            (def.build)(spec.params.as_ref().unwrap_or(&empty)).map_err(|e| at.err("params", e))?;
                        for name in placeholders(&spec.message) {
                            if name != "match" && !def.placeholders.contains(&name) {
                                return Err(at.err(
                                    "message",
                                    format!(
                                        "unknown placeholder {{{name}}}; this rule offers {}",
                                        def.placeholders.join(", ")
                                    ),
                                ));
                            }
                        }
                        code_list.push((lang, v, rule));
                    }
                    Kind::Model => {
                        let (l, rule) = model_rule::build(spec, lang, &trained, &at)?;
                        model_list.push((l, v, rule));
                    }
                }
            }
        }
        if rules.is_empty() {
            return Err(PackError::Invalid {
                file: "packs".into(),
                line: None,
                rule: None,
                field: None,
                message: "no rules loaded".into(),
            });
        }
        for (old, new) in &redirects {
            if by_id.contains_key(old) {
                return Err(PackError::Invalid {
                    file: "redirects".into(),
                    line: None,
                    rule: Some(old.clone()),
                    field: Some("redirects".into()),
                    message: "a live rule cannot also be redirected".into(),
                });
            }
            if !by_id.contains_key(new) {
                return Err(PackError::Invalid {
                    file: "redirects".into(),
                    line: None,
                    rule: Some(old.clone()),
                    field: Some("redirects".into()),
                    message: format!("redirects to '{new}', which no pack defines"),
                });
            }
        }

        // Sort rules by id and renumber: ids are the stable order of everything.
        let mut indexed: Vec<(usize, RuleInfo)> = rules.into_iter().enumerate().collect();
        indexed.sort_by(|a, b| a.1.id.cmp(&b.1.id));
        let mut new_index = vec![0; indexed.len()];
        for (new, (old, _)) in indexed.iter().enumerate() {
            new_index[*old] = new;
        }
        let rules: Vec<RuleInfo> = indexed.into_iter().map(|(_, r)| r).collect();
        let mut variants = Vec::new();
        let mut variant_ids: HashMap<(usize, usize), VariantId> = HashMap::new();
        for (ri, r) in rules.iter().enumerate() {
            for vi in 0..r.variants.len() {
                variant_ids.insert((ri, vi), variants.len() as VariantId);
                variants.push((ri, vi));
            }
        }
        let vid = |v: VariantIdx| variant_ids[&(new_index[v.rule], v.variant)];

        // Phrases: one automaton per language, refusing the same phrase in two rules.
        let mut phrase_sets: Vec<Vec<(String, u32)>> = vec![Vec::new(); 4];
        let mut seen: Vec<HashMap<String, (String, String)>> = vec![HashMap::new(); 4];
        for (lang, v, list) in &phrase_lists {
            let id = &rules[new_index[v.rule]].id;
            let source = &rules[new_index[v.rule]].variants[v.variant].source;
            for (slot, l) in SLOTS.iter().enumerate() {
                if !lang.applies_to(*l) {
                    continue;
                }
                for (folded, written, line) in list {
                    if let Some((other, _)) = seen[slot].get(folded).filter(|(other, _)| other != id) {
                        let file = source.rsplit_once(':').map_or(source.as_str(), |(f, _)| f);
                        return Err(PackError::Invalid {
                            file: file.to_owned(),
                            line: Some(*line),
                            rule: Some(id.clone()),
                            field: Some("phrases".into()),
                            message: format!("'{written}' is already a phrase of rule {other} for {}", l.code()),
                        });
                    }
                    if seen[slot].insert(folded.clone(), (id.clone(), written.clone())).is_none() {
                        phrase_sets[slot].push((folded.clone(), vid(*v)));
                    }
                }
            }
        }
        let build_err = |what: &str, e: String| PackError::Invalid {
            file: "packs".into(),
            line: None,
            rule: None,
            field: Some(what.into()),
            message: e,
        };
        let mut phrase_matchers = Vec::with_capacity(4);
        for set in &phrase_sets {
            phrase_matchers.push(PhraseMatcher::new(set).map_err(|e| build_err("phrases", e))?);
        }
        // `unless` phrases: one automaton per language; the same phrase may stop
        // several rules.
        let mut unless_sets: Vec<Vec<(String, u32)>> = vec![Vec::new(); 4];
        for (lang, v, list) in &unless_lists {
            for (slot, l) in SLOTS.iter().enumerate() {
                if lang.applies_to(*l) {
                    unless_sets[slot].extend(list.iter().map(|(folded, _, _)| (folded.clone(), vid(*v))));
                }
            }
        }
        let mut unless_matchers = Vec::with_capacity(4);
        for set in &unless_sets {
            unless_matchers.push(PhraseMatcher::new(set).map_err(|e| build_err("unless", e))?);
        }
        // One pattern set per pack language: language-independent patterns are
        // compiled once, not once per language.
        let mut pattern_matchers = Vec::with_capacity(4);
        for l in [PackLang::Any, PackLang::Only(Lang::En), PackLang::Only(Lang::De), PackLang::Only(Lang::Ar)] {
            let mut ps = Vec::new();
            for (lang, v, res, on) in &pattern_lists {
                if *lang == l {
                    ps.extend(res.iter().map(|re| (re.clone(), vid(*v), *on)));
                }
            }
            pattern_matchers.push(PatternMatcher::new(ps).map_err(|e| build_err("patterns", e))?);
        }
        let metrics = metric_list
            .into_iter()
            .map(|(l, v, mut m)| {
                m.owner = vid(v);
                (l, m)
            })
            .collect();
        let code = code_list.into_iter().map(|(l, v, c)| (l, vid(v), c)).collect();
        let models = model_list.into_iter().map(|(l, v, m)| (l, vid(v), m)).collect();

        let lex = |l: Lang| {
            Lexicon::compile(lexicon_specs.get(&l).map(Vec::as_slice).unwrap_or_default())
                .map_err(|e| build_err("lexicon", format!("{}: {e}", l.code())))
        };
        let lexicons = Lexicons { en: lex(Lang::En)?, de: lex(Lang::De)?, ar: lex(Lang::Ar)? };
        let policies = Policies(channels.into_iter().map(|(c, (p, _))| (c, p)).collect());

        let to_array =
            |v: Vec<PhraseMatcher>| -> [PhraseMatcher; 4] { v.try_into().unwrap_or_else(|_| unreachable!()) };
        let to_array_p =
            |v: Vec<PatternMatcher>| -> [PatternMatcher; 4] { v.try_into().unwrap_or_else(|_| unreachable!()) };
        Ok(RuleSet {
            rules,
            variants,
            phrases: to_array(phrase_matchers),
            unless: to_array(unless_matchers),
            patterns: to_array_p(pattern_matchers),
            metrics,
            code,
            models,
            lexicons,
            policies,
            redirects,
            version,
            sources: names,
        })
    }

    /// The built-in packs plus `extra`.
    pub fn with_builtin(extra: Vec<PackSource>) -> Result<RuleSet, PackError> {
        let mut sources = crate::pack::builtin_sources();
        sources.extend(extra);
        RuleSet::compile(sources)
    }

    /// Compiles the span regexes that are otherwise compiled on first use.
    pub fn compile_all_patterns(&self) -> Result<(), String> {
        self.patterns.iter().try_for_each(PatternMatcher::compile_all)
    }

    pub fn rules(&self) -> &[RuleInfo] {
        &self.rules
    }

    pub fn get(&self, id: &str) -> Option<&RuleInfo> {
        self.rules.binary_search_by(|r| r.id.as_str().cmp(id)).ok().map(|i| &self.rules[i])
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.rules.binary_search_by(|r| r.id.as_str().cmp(id)).ok()
    }

    /// The id an old id now lives under.
    pub fn redirect(&self, old: &str) -> Option<&str> {
        self.redirects.get(old).map(String::as_str)
    }

    pub fn lexicons(&self) -> &Lexicons {
        &self.lexicons
    }

    pub fn policies(&self) -> &Policies {
        &self.policies
    }

    /// A hash of the loaded packs (names and contents).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The names of the loaded pack files.
    pub fn sources(&self) -> &[String] {
        &self.sources
    }

    /// The rules a selector names: a rule id, a category, or an id prefix that ends
    /// where the id has a `.` or `-` ("format.emoji" names "format.emoji-wall").
    pub fn matching(&self, selector: &str) -> Vec<usize> {
        let sel = self.redirect(selector).unwrap_or(selector);
        self.rules
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                r.id == sel || r.id.strip_prefix(sel).is_some_and(|rest| rest.starts_with('.') || rest.starts_with('-'))
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// Runs every enabled rule on one analysed draft.
    pub fn check(&self, cx: &Ctx<'_>, enabled: &[bool]) -> Vec<Finding> {
        let a = cx.analysis;
        let lang = a.language.code;
        let slot = lang_slot(lang);
        let mut out = Vec::new();
        let on = |v: u32| enabled[self.variants[v as usize].0];
        let mut push = |v: u32, hit: Hit| {
            let (rule, variant) = self.variants[v as usize];
            out.push(Finding {
                rule,
                variant,
                span: hit.span,
                args: hit.args,
                suggested_time: hit.suggested_time,
                replacements: hit.replacements,
                points: hit.points,
                evidence: hit.evidence,
            });
        };
        let context_ok = |v: u32| {
            let (r, vi) = self.variants[v as usize];
            match self.rules[r].variants[vi].context {
                Context::Always => true,
                Context::Reply => cx.draft.reply_to.is_some(),
                Context::Standalone => cx.draft.reply_to.is_none(),
                Context::ReplyUnaddressed => cx.draft.reply_to.is_some() && !cx.reply_addressed(),
            }
        };

        // Prose rules do not read links: "example.com/synergy" is an address, not
        // buzzword speak. (Patterns on the original text still see them, so an
        // unfilled {placeholder} in a URL is caught.)
        let in_link =
            |r: &Range<usize>| a.features.links.iter().any(|l| l.range.start <= r.start && r.end <= l.range.end);
        let mut hits = Vec::new();
        self.phrases[slot].find(a, &mut hits);
        let mut declared: Vec<(u32, Range<usize>)> = Vec::with_capacity(hits.len());
        declared.extend(hits.into_iter().map(|(v, r)| (v, a.orig_range(r))).filter(|(_, r)| !in_link(r)));
        let mut phits = Vec::new();
        // Slot 0 holds the language-independent patterns, 1–3 en, de, ar.
        self.patterns[0].find(a, &mut phits);
        if lang != Lang::Other {
            self.patterns[slot + 1].find(a, &mut phits);
        }
        for (v, r, folded) in phits {
            let r = if folded { a.orig_range(r) } else { r };
            if !(folded && in_link(&r)) {
                declared.push((v, r));
            }
        }
        // Several patterns (or phrases) of one rule may match the same words:
        // report each stretch of text once per rule, the longest match.
        matchers::dedupe_overlaps(&mut declared, 0);
        let stopped = self.unless[slot].owners_present(a);
        for (v, r) in declared {
            if on(v) && context_ok(v) && !stopped.contains(&v) {
                let (ri, vi) = self.variants[v as usize];
                let reps = &self.rules[ri].variants[vi].replacements;
                if reps.is_empty() {
                    push(v, Hit::at(r));
                } else {
                    let (span, list) = fit::fit(a.text, r, lang, reps);
                    push(v, Hit { replacements: Some(list), ..Hit::at(span) });
                }
            }
        }
        for (l, m) in &self.metrics {
            if !l.applies_to(lang) || !on(m.owner) || !context_ok(m.owner) {
                continue;
            }
            if let Some(values) = m.eval(a) {
                let args: Vec<(&'static str, String)> = values
                    .iter()
                    .flat_map(|(k, v)| [(k.name(), k.format(*v)), (k.times_name(), Metric::times(*v))])
                    .collect();
                let items = m.items(a);
                if items.is_empty() {
                    push(m.owner, Hit { args, ..Hit::default() });
                } else {
                    for it in items {
                        push(m.owner, Hit { span: Some(it), args: args.clone(), ..Hit::default() });
                    }
                }
            }
        }
        for (l, v, m) in &self.models {
            if *l == lang
                && on(*v)
                && context_ok(*v)
                && let Some(h) = m.check(a)
            {
                push(*v, h);
            }
        }
        for (l, v, rule) in &self.code {
            if !l.applies_to(lang) || !on(*v) {
                continue;
            }
            let mut code_hits = Vec::new();
            rule.check(cx, &mut code_hits);
            for h in code_hits {
                push(*v, h);
            }
        }
        // A rule with a variant for the draft's language ignores its language-
        // independent variant's hits, so one rule never reports the same thing twice.
        out.retain(|f| {
            let r = &self.rules[f.rule];
            r.variants[f.variant].lang != PackLang::Any || !r.variants.iter().any(|v| v.lang == PackLang::Only(lang))
        });
        // Frequency findings share one suggested time: the earliest that every
        // enabled frequency rule accepts at once.
        let is_frequency = |rule: usize| self.rules[rule].category == Category::Frequency;
        if out.iter().any(|f| is_frequency(f.rule)) {
            let scheduling: Vec<&dyn CodeRule> = self
                .code
                .iter()
                .filter(|(l, v, _)| l.applies_to(lang) && enabled[self.variants[*v as usize].0])
                .filter(|(_, v, _)| is_frequency(self.variants[*v as usize].0))
                .map(|(_, _, r)| r.as_ref())
                .collect();
            let when = schedule::suggest(cx, &scheduling);
            for f in out.iter_mut().filter(|f| is_frequency(f.rule)) {
                f.suggested_time.clone_from(&when);
            }
        }
        out
    }

    /// The request an example stands for: a bare text is in the pack's language.
    pub fn example_request(v: &Variant, ex: &ExampleSpec) -> LintRequest {
        let pack_lang = match v.lang {
            PackLang::Only(l) => Some(l.code().to_owned()),
            PackLang::Any => None,
        };
        match ex {
            ExampleSpec::Text(t) => LintRequest {
                post: PostIn { text: t.clone(), language: pack_lang, ..PostIn::default() },
                ..LintRequest::default()
            },
            ExampleSpec::Full(f) => LintRequest {
                id: None,
                post: PostIn {
                    text: f.text.clone(),
                    channel: f.channel.clone(),
                    language: f.language.clone().or(pack_lang),
                    scheduled_at: f.scheduled_at.clone(),
                    reply_to: f.reply_to.clone(),
                },
                audience: f.audience.clone(),
                history: f.history.clone(),
                options: f.options.clone(),
            },
        }
    }
}

/// Expands and folds the phrases of one field: each written phrase (with its
/// `(a|b)` and `[a]` grammar) becomes the punctuation-blind folded phrases it
/// stands for, each with its written form and line.
fn compile_phrases(
    written: &[toml::Spanned<String>],
    field: &str,
    line_of: impl Fn(usize) -> usize,
    err: impl Fn(usize, &str, String) -> PackError,
) -> Result<Vec<PhraseEntry>, PackError> {
    let mut list = Vec::new();
    for p in written {
        let at = line_of(p.span().start);
        let expanded = grammar::expand(p.get_ref()).map_err(|e| err(at, field, e))?;
        if expanded.is_empty() {
            return Err(err(at, field, format!("'{}' has no letters to match", p.get_ref())));
        }
        for e in expanded {
            let folded = blind_str(&normalize_str(&e));
            if folded.is_empty() {
                return Err(err(at, field, format!("'{}' has no letters to match", p.get_ref())));
            }
            list.push((folded, e, at));
        }
    }
    Ok(list)
}

/// Where a variant sits before the rules are sorted.
#[derive(Debug, Clone, Copy)]
struct VariantIdx {
    rule: usize,
    variant: usize,
}

/// Checks one rule entry on its own (fields that fit its kind, sane numbers, a
/// valid id, examples that parse).
fn check_rule(spec: &RuleSpec, at: &At<'_>) -> Result<(), PackError> {
    if !valid_id(&spec.id) {
        return Err(at.err("id", "ids look like `category.kebab-name`"));
    }
    let (cat, _) = spec.id.split_once('.').unwrap_or_default();
    if cat != spec.category.name() {
        return Err(at.err("category", format!("the id says '{cat}' but category is '{}'", spec.category)));
    }
    if spec.points > 100 {
        return Err(at.err("points", "points are at most 100"));
    }
    if spec.max_points.is_some_and(|m| m < spec.points) {
        return Err(at.err("max_points", "max_points is below points"));
    }
    for (field, value) in [("message", &spec.message), ("why", &spec.why), ("suggestion", &spec.suggestion)] {
        if value.trim().is_empty() {
            return Err(at.err(field, "must not be empty"));
        }
    }
    let allowed: &[&str] = match spec.kind {
        Kind::Phrases => &["phrases", "unless"],
        Kind::Pattern => &["patterns", "text"],
        Kind::Metric => &["when", "highlight"],
        Kind::Code => &["params"],
        Kind::Model => &["params", "model"],
    };
    let present = [
        ("phrases", !spec.phrases.is_empty()),
        ("unless", !spec.unless.is_empty()),
        ("patterns", !spec.patterns.is_empty()),
        ("text", spec.text.is_some()),
        ("when", !spec.when.is_empty()),
        ("highlight", spec.highlight.is_some()),
        ("params", spec.params.is_some()),
        ("model", spec.model.is_some()),
    ];
    for (field, is) in present {
        if is && !allowed.contains(&field) {
            return Err(at.err(field, format!("not used by rules of kind {:?}", spec.kind).to_lowercase()));
        }
    }
    let required = match spec.kind {
        Kind::Phrases => Some(("phrases", spec.phrases.is_empty())),
        Kind::Pattern => Some(("patterns", spec.patterns.is_empty())),
        Kind::Metric => Some(("when", spec.when.is_empty())),
        Kind::Code => None,
        Kind::Model => Some(("model", spec.model.is_none())),
    };
    if let Some((field, true)) = required {
        return Err(at.err(field, "must list at least one entry"));
    }
    if spec.kind == Kind::Code && spec.context != Context::Always {
        return Err(at.err("context", "code rules decide their own context"));
    }
    for c in &spec.when {
        if c.min.is_none() && c.max.is_none() {
            return Err(at.err("when", format!("the condition on {} needs min or max", c.metric.name())));
        }
    }
    if spec.kind != Kind::Code {
        let mut names: Vec<&str> = vec!["match"];
        if spec.kind == Kind::Model {
            names.extend(model_rule::PLACEHOLDERS);
        }
        names.extend(spec.when.iter().flat_map(|c| [c.metric.name(), c.metric.times_name()]));
        for name in placeholders(&spec.message) {
            if !names.contains(&name) {
                return Err(
                    at.err("message", format!("unknown placeholder {{{name}}}; this rule offers {}", names.join(", ")))
                );
            }
        }
        if spec.highlight.is_none() && spec.kind == Kind::Metric && spec.message.contains("{match}") {
            return Err(at.err("message", "{match} needs `highlight`: a metric rule without it has no matched text"));
        }
    }
    if spec.examples.fire.is_empty() || spec.examples.pass.is_empty() {
        return Err(at.err("examples", "every rule needs examples it fires on (`fire`) and ones it passes (`pass`)"));
    }
    let now = jiff::Timestamp::UNIX_EPOCH;
    let fake = Variant {
        language: "any",
        kind: spec.kind,
        message: String::new(),
        why: String::new(),
        suggestion: String::new(),
        replacements: Vec::new(),
        references: Vec::new(),
        context: spec.context,
        examples: spec.examples.clone(),
        source: String::new(),
        lang: PackLang::Any,
    };
    for (list, name) in [(&spec.examples.fire, "fire"), (&spec.examples.pass, "pass")] {
        for (i, ex) in list.iter().enumerate() {
            let limits = Limits { max_text_chars: usize::MAX, max_history: usize::MAX };
            Draft::from_request(RuleSet::example_request(&fake, ex), &limits, now)
                .map_err(|e| at.err(&format!("examples.{name}[{i}]"), e.to_string()))?;
        }
    }
    Ok(())
}

/// Runs the full check of a prepared draft: analysis plus rules.
pub fn analyse<'t>(set: &RuleSet, draft: &'t Draft) -> Analysis<'t> {
    let hint = draft.audience.as_ref().and_then(|a| a.language);
    Analysis::new(&draft.text, draft.language, hint, set.lexicons())
}

// The server shares one rule set between worker threads.
const _: fn() = || {
    fn is<T: Send + Sync>() {}
    is::<RuleSet>();
};
