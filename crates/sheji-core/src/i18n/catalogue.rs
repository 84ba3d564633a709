//! The message catalogue: every capability's Fluent files (`<capability>/zh-CN.ftl` and
//! `<capability>/en.ftl` beside its code), embedded in the binary at build time and parsed
//! once, on first use.
//!
//! Code names a message by a dotted key (`review.sheet.title`). Fluent identifiers cannot hold
//! dots, so the files write the same key with hyphens (`review-sheet-title`); keys never
//! contain hyphens of their own, so the two spellings map one to one.

use std::collections::HashMap;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use fluent_syntax::ast;

use super::Lang;

/// Every capability's message files, one line each: (capability, 简体中文, English).
const FILES: &[(&str, &str, &str)] = &[
    ("shared", include_str!("zh-CN.ftl"), include_str!("en.ftl")),
    ("audit", include_str!("../audit/zh-CN.ftl"), include_str!("../audit/en.ftl")),
    ("document", include_str!("../document/zh-CN.ftl"), include_str!("../document/en.ftl")),
    ("identity", include_str!("../identity/zh-CN.ftl"), include_str!("../identity/en.ftl")),
    ("job", include_str!("../job/zh-CN.ftl"), include_str!("../job/en.ftl")),
    ("matchmaking", include_str!("../matchmaking/zh-CN.ftl"), include_str!("../matchmaking/en.ftl")),
    ("cooperation", include_str!("../cooperation/zh-CN.ftl"), include_str!("../cooperation/en.ftl")),
    ("event", include_str!("../event/zh-CN.ftl"), include_str!("../event/en.ftl")),
    ("notification", include_str!("../notification/zh-CN.ftl"), include_str!("../notification/en.ftl")),
    ("recognition", include_str!("../recognition/zh-CN.ftl"), include_str!("../recognition/en.ftl")),
    ("reference", include_str!("../reference/zh-CN.ftl"), include_str!("../reference/en.ftl")),
    ("registry", include_str!("../registry/zh-CN.ftl"), include_str!("../registry/en.ftl")),
    ("review", include_str!("../review/zh-CN.ftl"), include_str!("../review/en.ftl")),
    ("search", include_str!("../search/zh-CN.ftl"), include_str!("../search/en.ftl")),
    ("service", include_str!("../service/zh-CN.ftl"), include_str!("../service/en.ftl")),
    ("statistics", include_str!("../statistics/zh-CN.ftl"), include_str!("../statistics/en.ftl")),
];

/// One message of one language.
struct Message {
    /// The text; a message with variables has them left empty here (what `t` shows if a
    /// caller forgets them: never a raw `{ $name }`).
    text: String,
    /// The names of the variables the message takes.
    variables: Vec<String>,
}

/// One language's messages.
struct Language {
    bundle: FluentBundle<FluentResource>,
    messages: HashMap<String, Message>,
}

/// Both languages, and what was wrong with the files (empty when they are sound; a test
/// checks it, so a broken file never ships).
struct Catalogue {
    zh: Language,
    en: Language,
    problems: Vec<String>,
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(Catalogue::load);

impl Catalogue {
    fn load() -> Self {
        let mut problems = Vec::new();
        let zh = Language::load("zh-CN", FILES.iter().map(|(c, zh, _)| (*c, *zh)), &mut problems);
        let en = Language::load("en", FILES.iter().map(|(c, _, en)| (*c, *en)), &mut problems);
        for (key, message) in &zh.messages {
            match en.messages.get(key) {
                None => problems.push(format!("{key}: in zh-CN but not in en")),
                Some(other) if sorted(&other.variables) != sorted(&message.variables) => problems
                    .push(format!("{key}: zh-CN takes {:?} but en takes {:?}", message.variables, other.variables)),
                Some(_) => {}
            }
        }
        problems.extend(
            en.messages
                .keys()
                .filter(|k| !zh.messages.contains_key(*k))
                .map(|k| format!("{k}: in en but not in zh-CN")),
        );
        Self { zh, en, problems }
    }

    fn lang(&self, lang: Lang) -> &Language {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

fn sorted(names: &[String]) -> Vec<&str> {
    let mut v: Vec<&str> = names.iter().map(String::as_str).collect();
    v.sort_unstable();
    v
}

impl Language {
    fn load<'a>(tag: &str, files: impl Iterator<Item = (&'a str, &'a str)>, problems: &mut Vec<String>) -> Self {
        let locale: Vec<unic_langid::LanguageIdentifier> = tag.parse().ok().into_iter().collect();
        let mut bundle = FluentBundle::new_concurrent(locale);
        // Messages are whole sentences in one script; Unicode isolation marks around values
        // would only show up as stray characters in exports and logs.
        bundle.set_use_isolating(false);
        let mut variables: HashMap<String, Vec<String>> = HashMap::new();
        for (capability, source) in files {
            let resource = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(partial, errors)| {
                problems.extend(errors.iter().map(|e| format!("{capability}/{tag}.ftl: {e:?}")));
                partial
            });
            for entry in resource.entries() {
                match entry {
                    ast::Entry::Message(m) => {
                        let key = m.id.name.replace('-', ".");
                        if m.value.is_none() {
                            problems.push(format!("{capability}/{tag}.ftl: {key} has no text"));
                        }
                        let names = m.value.as_ref().map(pattern_variables).unwrap_or_default();
                        if variables.insert(key.clone(), names).is_some() {
                            problems.push(format!("{capability}/{tag}.ftl: {key} is defined twice"));
                        }
                    }
                    ast::Entry::Term(t) => problems.push(format!("{capability}/{tag}.ftl: term -{} unused", t.id.name)),
                    _ => {}
                }
            }
            // Duplicates were reported above with their key.
            let _ = bundle.add_resource(resource);
        }
        let messages = variables
            .into_iter()
            .map(|(key, variables)| {
                let mut args = FluentArgs::new();
                for name in &variables {
                    args.set(name.clone(), "");
                }
                let text = render(&bundle, &key, Some(&args)).unwrap_or_default();
                (key, Message { text, variables })
            })
            .collect();
        Self { bundle, messages }
    }
}

/// The variables a pattern refers to, in order of first use.
fn pattern_variables(pattern: &ast::Pattern<&str>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_variables(expression, &mut names);
        }
    }
    names
}

fn expression_variables(expression: &ast::Expression<&str>, names: &mut Vec<String>) {
    let inline = match expression {
        ast::Expression::Inline(inline) => inline,
        ast::Expression::Select { selector, variants } => {
            for variant in variants {
                for name in pattern_variables(&variant.value) {
                    if !names.contains(&name) {
                        names.push(name);
                    }
                }
            }
            selector
        }
    };
    if let ast::InlineExpression::VariableReference { id } = inline
        && !names.iter().any(|n| n == id.name)
    {
        names.push(id.name.to_owned());
    }
}

fn render(bundle: &FluentBundle<FluentResource>, key: &str, args: Option<&FluentArgs>) -> Option<String> {
    let pattern = bundle.get_message(&key.replace('.', "-"))?.value()?;
    let mut errors = Vec::new();
    Some(bundle.format_pattern(pattern, args, &mut errors).into_owned())
}

/// The text of `key`, if the catalogue has it.
pub(super) fn text(lang: Lang, key: &str) -> Option<&'static str> {
    let message = CATALOGUE.lang(lang).messages.get(key)?;
    debug_assert!(message.variables.is_empty(), "message {key} takes {:?}: render it with tf", message.variables);
    Some(&message.text)
}

/// The text of `key` with its variables filled from `args`, if the catalogue has it.
pub(super) fn format(lang: Lang, key: &str, args: &[(&str, &str)]) -> Option<String> {
    let language = CATALOGUE.lang(lang);
    let message = language.messages.get(key)?;
    if message.variables.is_empty() {
        return Some(message.text.clone());
    }
    let mut fluent_args = FluentArgs::new();
    for name in &message.variables {
        let value = args.iter().find(|(n, _)| n == name).map(|(_, v)| *v);
        debug_assert!(value.is_some(), "message {key} was rendered without its variable {name}");
        let value = value.unwrap_or_default();
        // A whole number goes in as a number, so a message can choose its words by it
        // (`{ $n -> [1] one … *[other] … }`); Fluent compares a string with no variant key.
        match whole_number(value) {
            Some(n) => fluent_args.set(name.as_str(), n),
            None => fluent_args.set(name.as_str(), value),
        }
    }
    render(&language.bundle, key, Some(&fluent_args))
}

/// A value written as a plain whole number ("0", "12", "-3"; not "007" or "1,000"), which
/// prints back exactly as written.
fn whole_number(value: &str) -> Option<i64> {
    let digits = value.strip_prefix('-').unwrap_or(value);
    let plain = !digits.is_empty()
        && digits.len() <= 15
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    if plain { value.parse().ok() } else { None }
}

/// Every key of the catalogue (those of either language).
pub fn keys() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> =
        CATALOGUE.zh.messages.keys().chain(CATALOGUE.en.messages.keys()).map(String::as_str).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Whether `key` exists in both languages.
pub fn has(key: &str) -> bool {
    CATALOGUE.zh.messages.contains_key(key) && CATALOGUE.en.messages.contains_key(key)
}

/// The variables `key` takes (empty for a plain text or an unknown key).
pub fn variables(key: &str) -> &'static [String] {
    CATALOGUE.zh.messages.get(key).map_or(&[], |m| m.variables.as_slice())
}

/// What is wrong with the message files: parse errors, duplicates, a key in one language
/// only, languages that disagree on a message's variables. Empty when the files are sound.
pub fn problems() -> &'static [String] {
    &CATALOGUE.problems
}
