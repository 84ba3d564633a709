//! Text analysis for the one search index: what a document and a query become before the
//! index sees them, and how matches are highlighted afterwards.
//!
//! The index stores terms only; every term is made here, so a name is analysed the same way
//! on every backend and in every process. Names get what people type for them: each Han
//! character and character bigram ("长安" inside 重庆长安汽车股份有限公司), full pinyin per
//! word and per bigram ("changan", "chongqing" — every reading of a heteronym), initials
//! from each word start ("cqca"), and each short name (简称) whole. Free text gets jieba's
//! search-mode words. A query is cut into units (a Han run or a Latin/digit word); every
//! unit must match somewhere, and a unit may carry synonyms from the administrator's list.
//! Nothing the user types ever reaches a query parser: operator characters are separators.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use jieba_rs::Jieba;
use pinyin::ToPinyinMulti;

use crate::registry::to_half_width;

/// The dictionary is built once per process (about 0.2 s); it is read-only afterwards.
static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// Characters of a query that are looked at; the rest is ignored (a 1 000-character paste
/// is a mistake, not a query).
pub const MAX_QUERY_CHARS: usize = 64;
/// Query units used at most.
pub const MAX_UNITS: usize = 8;
/// Readings combined per word at most (heteronyms multiply: 重 zhong/chong, 长 chang/zhang).
const MAX_READINGS: usize = 8;
/// Initials strings start at each word and run this many characters at most.
const MAX_INITIALS: usize = 6;
/// Pinyin prefixes for completion are this long at most.
const MAX_PREFIX: usize = 12;
/// Word starts from which completion prefixes are made.
const PREFIX_STARTS: usize = 2;

/// The kinds of document in the index. Each module that makes records searchable adds one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DocType {
    /// An organization of the registry.
    Organization,
    /// A design demand (matchmaking).
    Demand,
    /// A design offer (matchmaking).
    Offer,
}

impl DocType {
    /// Every kind, in display order.
    pub const ALL: [DocType; 3] = [DocType::Organization, DocType::Demand, DocType::Offer];

    /// The stable code stored in the index and the outbox.
    pub fn code(self) -> &'static str {
        match self {
            Self::Organization => "organization",
            Self::Demand => "demand",
            Self::Offer => "offer",
        }
    }

    /// The kind of a stored code.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }
}

/// A facet dimension shown beside results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dimension {
    /// Document kind.
    Type,
    /// District (区县).
    District,
    /// 33618 cluster.
    Cluster,
    /// Kind within the type (for organizations: manufacturer, design firm, …).
    Kind,
}

impl Dimension {
    /// Every dimension, in display order.
    pub const ALL: [Dimension; 4] = [Dimension::Type, Dimension::District, Dimension::Cluster, Dimension::Kind];

    /// The stable code (facet path root and query parameter name).
    pub fn code(self) -> &'static str {
        match self {
            Self::Type => "type",
            Self::District => "district",
            Self::Cluster => "cluster",
            Self::Kind => "kind",
        }
    }
}

/// A record as the index should know it. Modules build these from their records; fields
/// that only some callers may read go in `private_text` and are matched only inside the
/// caller's scope, never shown in a snippet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// What it is.
    pub doc_type: DocType,
    /// Its key within the type.
    pub id: i64,
    /// The display title (a full name): matched with bigrams, pinyin and initials.
    pub title: String,
    /// Other names (简称, former names): matched whole, like the title, and boosted most.
    pub short_names: Vec<String>,
    /// Codes matched exactly (a USCC).
    pub codes: Vec<String>,
    /// Public free text (a description): matched by words; the snippet comes from it.
    pub text: String,
    /// Free text only callers whose scope reaches the record may match.
    pub private_text: String,
    /// The district the record belongs to, for the data scope and the district facet.
    pub district: Option<i32>,
    /// The organization the record belongs to, for the data scope.
    pub organization: Option<i32>,
    /// Whether callers outside its scope may find it at all (by its public fields).
    pub public: bool,
    /// Facet values besides type and district: (dimension, value code).
    pub facets: Vec<(Dimension, String)>,
}

impl Document {
    /// The key that identifies it across types ("organization:42").
    pub fn key(&self) -> String {
        key(self.doc_type, self.id)
    }
}

/// The key of a document across types.
pub fn key(doc_type: DocType, id: i64) -> String {
    format!("{}:{id}", doc_type.code())
}

/// The terms of a document, per index field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Terms {
    /// Han unigrams and bigrams and Latin words of the title and short names.
    pub name: Vec<String>,
    /// Each short name whole, normalised.
    pub short: Vec<String>,
    /// Full pinyin of words and bigrams, initials from each word start.
    pub pinyin: Vec<String>,
    /// Pinyin and initials prefixes for completion as the user types.
    pub prefix: Vec<String>,
    /// Codes, normalised.
    pub code: Vec<String>,
    /// Words of the public text.
    pub text: Vec<String>,
    /// Words of the private text.
    pub private: Vec<String>,
}

/// Analyses a document into index terms.
pub fn analyze(doc: &Document) -> Terms {
    let mut t = Terms::default();
    let mut names: Vec<&str> = vec![doc.title.as_str()];
    names.extend(doc.short_names.iter().map(String::as_str));
    let mut name = BTreeSet::new();
    let mut pinyin = BTreeSet::new();
    let mut prefix = BTreeSet::new();
    for n in &names {
        for run in runs(&normalize(n)) {
            match run {
                Run::Han(h) => {
                    let chars: Vec<char> = h.chars().collect();
                    name.extend(chars.iter().map(char::to_string));
                    name.extend(chars.windows(2).map(|w| w.iter().collect::<String>()));
                    for w in chars.windows(2) {
                        pinyin.extend(readings(w));
                    }
                    let words: Vec<Vec<char>> = JIEBA.cut(&h, false).iter().map(|w| w.word.chars().collect()).collect();
                    let mut start = 0usize;
                    for (i, word) in words.iter().enumerate() {
                        pinyin.extend(readings(word));
                        // Two words typed as one ("chongqingchangan").
                        if let Some(next) = words.get(i + 1) {
                            let pair: Vec<char> = word.iter().chain(next).copied().collect();
                            pinyin.extend(readings(&pair));
                        }
                        let rest = chars.get(start..).unwrap_or_default();
                        let head = rest.get(..MAX_INITIALS.min(rest.len())).unwrap_or_default();
                        for len in 2..=head.len() {
                            pinyin.extend(initials(head.get(..len).unwrap_or_default()));
                        }
                        if i < PREFIX_STARTS {
                            completions(rest, &mut prefix);
                        }
                        start += word.len();
                    }
                }
                Run::Word(w) => {
                    name.insert(w.clone());
                    if w.chars().count() >= 2 {
                        prefix.extend(latin_prefixes(&w));
                    }
                }
            }
        }
    }
    for s in &doc.short_names {
        let whole = compact(s);
        if !whole.is_empty() {
            let chars: Vec<char> = whole.chars().collect();
            pinyin.extend(readings(&chars));
            pinyin.extend(initials(&chars));
            t.short.push(whole);
        }
    }
    t.name = name.into_iter().collect();
    t.pinyin = pinyin.into_iter().filter(|p| p.len() >= 2).collect();
    t.prefix = prefix.into_iter().collect();
    t.code = doc.codes.iter().map(|c| compact(c)).filter(|c| !c.is_empty()).collect();
    t.text = words(&doc.text);
    t.private = words(&doc.private_text);
    t
}

/// Folds what people type into one form: full-width ASCII to half-width, lower case.
pub fn normalize(s: &str) -> String {
    s.chars().map(to_half_width).flat_map(char::to_lowercase).collect()
}

/// One character folded as [`normalize`] does, kept one-for-one (for highlighting).
fn fold(c: char) -> char {
    to_half_width(c).to_lowercase().next().unwrap_or(c)
}

/// The normalised string with everything but letters and digits removed (a short name or a
/// code as one term).
pub fn compact(s: &str) -> String {
    normalize(s).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Whether `c` is a Han character (CJK unified ideographs and their extensions).
pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF | 0x30000..=0x3134F)
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Run {
    Han(String),
    Word(String),
}

impl Run {
    fn new(han: bool, text: String) -> Self {
        if han { Self::Han(text) } else { Self::Word(text) }
    }
}

/// Splits normalised text into Han runs and other letter/digit words; everything else
/// (punctuation, operators, emoji, spaces) separates.
fn runs(s: &str) -> Vec<Run> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut han = false;
    for c in s.chars() {
        let kind = if is_han(c) {
            Some(true)
        } else if c.is_alphanumeric() {
            Some(false)
        } else {
            None
        };
        match kind {
            Some(h) if cur.is_empty() || h == han => {
                han = h;
                cur.push(c);
            }
            Some(h) => {
                out.push(Run::new(han, std::mem::take(&mut cur)));
                han = h;
                cur.push(c);
            }
            None if !cur.is_empty() => out.push(Run::new(han, std::mem::take(&mut cur))),
            None => {}
        }
    }
    if !cur.is_empty() {
        out.push(Run::new(han, cur));
    }
    out
}

/// Search-mode words of free text, normalised, without separators.
fn words(text: &str) -> Vec<String> {
    let text = normalize(text);
    let mut out = Vec::new();
    for run in runs(&text) {
        match run {
            Run::Han(h) => {
                out.extend(JIEBA.cut_for_search(&h, false).into_iter().map(|t| t.word.to_owned()));
            }
            Run::Word(w) => out.push(w),
        }
    }
    out
}

/// The readings of one character, most common first (at most two: the rest are rare).
fn char_readings(c: char) -> Vec<(&'static str, &'static str)> {
    match c.to_pinyin_multi() {
        Some(multi) => multi.into_iter().take(2).map(|p| (p.plain(), p.first_letter())).collect(),
        None => Vec::new(),
    }
}

/// Combinations of readings of `chars`, as (full pinyin, initials): the first `vary`
/// characters in each of their readings, the rest in their most common one (what people
/// type varies at the start; a long name in every reading would be thousands of terms).
/// Empty when a character has no reading.
fn combos(chars: &[char], vary: usize) -> Vec<(String, String)> {
    let mut out = vec![(String::new(), String::new())];
    for (n, c) in chars.iter().enumerate() {
        let mut r = char_readings(*c);
        if r.is_empty() {
            return Vec::new();
        }
        if n >= vary {
            r.truncate(1);
        }
        // Every combination so far keeps its most common continuation first; other readings
        // are added while there is room, so the cap drops late variants, never early ones.
        let mut next = Vec::new();
        for (k, (p, i)) in r.iter().enumerate() {
            for (full, init) in &out {
                if k == 0 || next.len() < MAX_READINGS {
                    next.push((format!("{full}{p}"), format!("{init}{i}")));
                }
            }
        }
        out = next;
    }
    out
}

fn readings(chars: &[char]) -> Vec<String> {
    combos(chars, 3).into_iter().map(|(full, _)| full).collect()
}

fn initials(chars: &[char]) -> Vec<String> {
    combos(chars, 3).into_iter().map(|(_, init)| init).collect()
}

/// Completion prefixes of the pinyin and initials of `rest` (a name from a word start).
fn completions(rest: &[char], out: &mut BTreeSet<String>) {
    let head = rest.get(..rest.len().min(MAX_PREFIX / 2)).unwrap_or_default();
    for (full, init) in combos(head, head.len()) {
        out.extend(latin_prefixes(&full));
        out.extend(latin_prefixes(&init));
    }
}

fn latin_prefixes(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().take(MAX_PREFIX).collect();
    (2..=chars.len()).map(|n| chars.iter().take(n).collect()).collect()
}

/// Every toneless pinyin syllable, gathered once from the readings of the common Han block.
static SYLLABLES: LazyLock<BTreeSet<&'static str>> = LazyLock::new(|| {
    ('\u{4E00}'..='\u{9FFF}')
        .filter_map(|c| c.to_pinyin_multi())
        .flat_map(|m| m.into_iter().map(|p| p.plain()))
        .filter(|p| p.chars().all(|c| c.is_ascii_lowercase()))
        .collect()
});

/// The ways a Latin word splits into the fewest pinyin syllables, at most four; empty when it
/// is not pinyin. "changan" is both chang·an (长安) and chan·gan: both are kept.
fn segmentations(word: &str) -> Vec<Vec<&str>> {
    if word.is_empty() || word.len() > MAX_QUERY_CHARS || !word.chars().all(|c| c.is_ascii_lowercase()) {
        return Vec::new();
    }
    // fewest[i]: the fewest syllables spelling word[i..] (None: cannot be spelled).
    let n = word.len();
    let mut fewest: Vec<Option<usize>> = vec![None; n + 1];
    if let Some(last) = fewest.get_mut(n) {
        *last = Some(0);
    }
    for start in (0..n).rev() {
        let best = (start + 1..=n.min(start + 6))
            .filter(|end| word.get(start..*end).is_some_and(|p| SYLLABLES.contains(p)))
            .filter_map(|end| fewest.get(end).copied().flatten())
            .min();
        if let Some(slot) = fewest.get_mut(start) {
            *slot = best.map(|b| b + 1);
        }
    }
    let mut out = Vec::new();
    let mut path = Vec::new();
    walk(word, 0, &fewest, &mut path, &mut out);
    out
}

fn walk<'a>(
    word: &'a str,
    start: usize,
    fewest: &[Option<usize>],
    path: &mut Vec<&'a str>,
    out: &mut Vec<Vec<&'a str>>,
) {
    if out.len() >= 4 {
        return;
    }
    if start == word.len() {
        out.push(path.clone());
        return;
    }
    let Some(Some(need)) = fewest.get(start).copied() else { return };
    for end in (start + 1..=word.len().min(start + 6)).rev() {
        let Some(piece) = word.get(start..end) else { continue };
        if SYLLABLES.contains(piece) && fewest.get(end).copied().flatten() == Some(need - 1) {
            path.push(piece);
            walk(word, end, fewest, path, out);
            path.pop();
        }
    }
}

/// One part of a query that must match: a Han run or a Latin/digit word, with its synonyms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// What was typed, normalised, and its synonyms; any of them may match.
    pub forms: Vec<Form>,
    /// Pinyin words one slip away from what was typed (two letters swapped, one letter too
    /// many) that spell pinyin: "changna" → "changan". They match names only, weighted down.
    pub corrections: Vec<Form>,
}

/// Latin words at least this long get typo corrections.
const CORRECT_FROM: usize = 5;
/// Corrections per word at most.
const MAX_CORRECTIONS: usize = 8;

/// Pinyin spellings one slip away from `word`: adjacent letters swapped, or one letter
/// dropped; only those that split wholly into pinyin syllables.
fn corrections(word: &str) -> Vec<String> {
    if word.len() < CORRECT_FROM || word.len() > MAX_QUERY_CHARS || !word.chars().all(|c| c.is_ascii_lowercase()) {
        return Vec::new();
    }
    let chars: Vec<char> = word.chars().collect();
    let mut out = BTreeSet::new();
    for i in 0..chars.len().saturating_sub(1) {
        let mut c = chars.clone();
        c.swap(i, i + 1);
        out.insert(c.into_iter().collect::<String>());
    }
    for i in 0..chars.len() {
        let mut c = chars.clone();
        c.remove(i);
        out.insert(c.into_iter().collect::<String>());
    }
    out.remove(word);
    out.into_iter().filter(|w| !segmentations(w).is_empty()).take(MAX_CORRECTIONS).collect()
}

/// One way a unit can match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Form {
    /// Han text: its bigrams (or the one character) must all be in a name, or its words in
    /// a text, or it is a short name.
    Han {
        /// The run as typed.
        run: String,
        /// Its character bigrams, or the character alone.
        grams: Vec<String>,
        /// Its search-mode words.
        words: Vec<String>,
    },
    /// A Latin or digit word: a name word, pinyin, initials, a code or a text word.
    Latin {
        /// The word as typed, lower case.
        word: String,
        /// When it spells three or more pinyin syllables ("chongqingchangan"): for each way
        /// to split it, the pinyin of each pair of neighbours ("chongqing", "qingchang",
        /// "changan"), which must all be in a name — the Latin counterpart of Han bigrams.
        grams: Vec<Vec<String>>,
    },
}

impl Form {
    fn of(run: Run) -> Self {
        match run {
            Run::Han(h) => {
                let chars: Vec<char> = h.chars().collect();
                let grams = if chars.len() == 1 {
                    vec![h.clone()]
                } else {
                    chars.windows(2).map(|w| w.iter().collect()).collect::<BTreeSet<String>>().into_iter().collect()
                };
                let words = words(&h);
                Form::Han { run: h, grams, words }
            }
            Run::Word(w) => {
                let grams = segmentations(&w)
                    .into_iter()
                    .filter(|parts| parts.len() >= 3)
                    .map(|parts| parts.windows(2).map(|p| p.concat()).collect())
                    .collect();
                Form::Latin { word: w, grams }
            }
        }
    }

    /// The text as typed.
    pub fn text(&self) -> &str {
        match self {
            Self::Han { run, .. } => run,
            Self::Latin { word, .. } => word,
        }
    }
}

/// An analysed query: the units that must all match (the index may relax that when nothing
/// matches them all).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// The units, in the order typed.
    pub units: Vec<Unit>,
}

impl Query {
    /// Analyses what the user typed. Never fails: input without letters or digits gives an
    /// empty query.
    pub fn parse(input: &str, synonyms: &Synonyms) -> Self {
        let text: String = normalize(input).chars().take(MAX_QUERY_CHARS).collect();
        let units = runs(&text)
            .into_iter()
            .take(MAX_UNITS)
            .map(|run| {
                let typed = Form::of(run);
                let fixes = match &typed {
                    Form::Latin { word, .. } => corrections(word).into_iter().map(|w| Form::of(Run::Word(w))).collect(),
                    Form::Han { .. } => Vec::new(),
                };
                let mut forms = vec![typed.clone()];
                for alt in synonyms.of(typed.text()) {
                    forms.extend(runs(&alt).into_iter().take(1).map(Form::of));
                }
                Unit { forms, corrections: fixes }
            })
            .collect();
        Self { units }
    }

    /// Whether there is nothing to look for.
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    /// Every typed text and synonym, for highlighting.
    fn needles(&self) -> Vec<&Form> {
        self.units.iter().flat_map(|u| u.forms.iter()).collect()
    }
}

/// The administrator's synonym list: groups of words that mean the same ("川美, 四川美术学院").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Synonyms {
    groups: Vec<Vec<String>>,
}

/// Terms per synonym group at most, and groups at most: the list is typed by hand.
const MAX_GROUP: usize = 16;
const MAX_GROUPS: usize = 2_000;

impl Synonyms {
    /// Reads the list: one group per line, terms separated by commas (, ，、) or spaces.
    /// Terms are normalised and reduced to one run each; empty lines and lines of one term
    /// are ignored.
    pub fn parse(text: &str) -> Self {
        let groups = text
            .lines()
            .map(|line| {
                line.split(|c: char| matches!(c, ',' | '，' | '、' | ';' | '；') || c.is_whitespace())
                    .map(compact)
                    .filter(|t| !t.is_empty())
                    .take(MAX_GROUP)
                    .collect::<BTreeSet<String>>()
                    .into_iter()
                    .collect::<Vec<String>>()
            })
            .filter(|g| g.len() >= 2)
            .take(MAX_GROUPS)
            .collect();
        Self { groups }
    }

    /// The list written back, one group per line (what the settings page shows).
    pub fn to_text(&self) -> String {
        self.groups.iter().map(|g| g.join("，")).collect::<Vec<_>>().join("\n")
    }

    /// How many groups there are.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The other terms of every group that holds `term`.
    pub fn of(&self, term: &str) -> Vec<String> {
        self.groups
            .iter()
            .filter(|g| g.iter().any(|t| t == term))
            .flat_map(|g| g.iter().filter(|t| *t != term).cloned())
            .collect()
    }
}

/// A piece of displayed text, marked when it matched.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Segment {
    /// The text.
    pub text: String,
    /// Whether it matched the query.
    pub hit: bool,
}

/// `text` cut into segments with the query's matches marked: typed Han runs (or their
/// words, or bigrams when the whole run is not there), Latin words case-insensitively, and
/// Han characters whose pinyin or initials a Latin word spells ("changan" marks 长安).
pub fn highlight(text: &str, query: &Query) -> Vec<Segment> {
    let chars: Vec<char> = text.chars().collect();
    let lower: Vec<char> = chars.iter().copied().map(fold).collect();
    let mut hit = vec![false; chars.len()];
    for form in query.needles() {
        match form {
            Form::Han { run, grams, words } => {
                let run: Vec<char> = run.chars().collect();
                if !mark(&lower, &run, &mut hit) {
                    let mut any = false;
                    for w in words.iter().filter(|w| w.chars().count() >= 2) {
                        any |= mark(&lower, &w.chars().collect::<Vec<_>>(), &mut hit);
                    }
                    if !any {
                        for g in grams {
                            mark(&lower, &g.chars().collect::<Vec<_>>(), &mut hit);
                        }
                    }
                }
            }
            Form::Latin { word, .. } => {
                let w: Vec<char> = word.chars().collect();
                if !mark(&lower, &w, &mut hit) {
                    mark_pinyin(&chars, word, &mut hit);
                }
            }
        }
    }
    let mut out: Vec<Segment> = Vec::new();
    for (c, h) in chars.into_iter().zip(hit) {
        match out.last_mut() {
            Some(last) if last.hit == h => last.text.push(c),
            _ => out.push(Segment { text: c.to_string(), hit: h }),
        }
    }
    out
}

/// Marks every occurrence of `needle` in `hay`; whether there was one.
fn mark(hay: &[char], needle: &[char], hit: &mut [bool]) -> bool {
    if needle.is_empty() || needle.len() > hay.len() {
        return false;
    }
    let mut found = false;
    for start in 0..=hay.len() - needle.len() {
        if hay.get(start..start + needle.len()) == Some(needle) {
            found = true;
            for h in hit.iter_mut().skip(start).take(needle.len()) {
                *h = true;
            }
        }
    }
    found
}

/// Marks the first run of Han characters whose full pinyin or initials equal `word`.
fn mark_pinyin(chars: &[char], word: &str, hit: &mut [bool]) {
    for start in 0..chars.len() {
        let mut spelled: Vec<(String, String)> = vec![(String::new(), String::new())];
        for (len, c) in chars.iter().enumerate().skip(start).map(|(i, c)| (i - start + 1, c)) {
            if !is_han(*c) {
                break;
            }
            let r = char_readings(*c);
            let mut next = Vec::new();
            for (full, init) in &spelled {
                for (p, i) in &r {
                    let f = format!("{full}{p}");
                    let n = format!("{init}{i}");
                    if f == word || n == word {
                        for h in hit.iter_mut().skip(start).take(len) {
                            *h = true;
                        }
                        return;
                    }
                    if (word.starts_with(&f) || word.starts_with(&n)) && next.len() < MAX_READINGS {
                        next.push((f, n));
                    }
                }
            }
            if next.is_empty() {
                break;
            }
            spelled = next;
        }
    }
}

/// About `width` characters of `text` around its first match, highlighted; the start of
/// the text when nothing matches. Ellipses mark what was cut.
pub fn snippet(text: &str, query: &Query, width: usize) -> Vec<Segment> {
    let segments = highlight(text, query);
    let total: usize = segments.iter().map(|s| s.text.chars().count()).sum();
    if total <= width {
        return segments;
    }
    let first = segments
        .iter()
        .take_while(|s| !s.hit)
        .map(|s| s.text.chars().count())
        .sum::<usize>()
        .min(total.saturating_sub(1));
    let start = if segments.iter().any(|s| s.hit) { first.saturating_sub(width / 4) } else { 0 };
    let end = (start + width).min(total);
    let mut out = Vec::new();
    if start > 0 {
        out.push(Segment { text: "…".into(), hit: false });
    }
    let mut pos = 0usize;
    for s in segments {
        let len = s.text.chars().count();
        let (a, b) = (pos.max(start), (pos + len).min(end));
        if a < b {
            out.push(Segment { text: s.text.chars().skip(a - pos).take(b - a).collect(), hit: s.hit });
        }
        pos += len;
    }
    if end < total {
        out.push(Segment { text: "…".into(), hit: false });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(title: &str, short: &[&str]) -> Document {
        Document {
            doc_type: DocType::Organization,
            id: 1,
            title: title.into(),
            short_names: short.iter().map(|s| (*s).to_owned()).collect(),
            codes: vec!["91500000MA5U1234X1".into()],
            text: "专注摩托车工业设计与新能源汽车造型".into(),
            private_text: "渝北区金开大道1号 张伟".into(),
            district: Some(1),
            organization: Some(1),
            public: true,
            facets: vec![],
        }
    }

    #[test]
    fn names_get_bigrams_pinyin_and_initials() {
        let t = analyze(&org("重庆长安汽车股份有限公司", &["长安汽车"]));
        for term in ["长安", "重庆", "长", "汽车"] {
            assert!(t.name.contains(&term.to_owned()), "{term} in {:?}", t.name);
        }
        for term in ["changan", "chongqing", "qiche", "cqca", "cq", "caqc"] {
            assert!(t.pinyin.contains(&term.to_owned()), "{term} in {:?}", t.pinyin);
        }
        for term in ["ch", "chon", "chongqingcha", "chan", "changanqiche", "cqca"] {
            assert!(t.prefix.contains(&term.to_owned()), "{term} in {:?}", t.prefix);
        }
        assert_eq!(t.short, vec!["长安汽车".to_owned()]);
        assert_eq!(t.code, vec!["91500000ma5u1234x1".to_owned()]);
        assert!(t.text.contains(&"摩托车".to_owned()) && t.text.contains(&"设计".to_owned()), "{:?}", t.text);
        assert!(t.private.contains(&"渝北区".to_owned()) && t.private.contains(&"大道".to_owned()), "{:?}", t.private);
    }

    #[test]
    fn operators_punctuation_and_emoji_only_separate() {
        let q = Query::parse("\"长安\" AND -changan* NEAR:(🚗) OR 1=1; DROP TABLE", &Synonyms::default());
        let texts: Vec<&str> = q.units.iter().map(|u| u.forms[0].text()).collect();
        assert_eq!(texts, vec!["长安", "and", "changan", "near", "or", "1", "1", "drop"]);
        assert!(Query::parse("!!!  ？？ 🚗🚗", &Synonyms::default()).is_empty());
        assert!(Query::parse("", &Synonyms::default()).is_empty());
        let long = "长".repeat(1000);
        let q = Query::parse(&long, &Synonyms::default());
        assert_eq!(q.units[0].forms[0].text().chars().count(), MAX_QUERY_CHARS);
        assert!(Query::parse(&"a ".repeat(500), &Synonyms::default()).units.len() <= MAX_UNITS);
    }

    #[test]
    fn latin_words_split_into_pinyin_syllables() {
        assert!(segmentations("chongqingchangan").contains(&vec!["chong", "qing", "chang", "an"]));
        assert_eq!(segmentations("jingdongfang"), vec![vec!["jing", "dong", "fang"]]);
        assert!(segmentations("qwx").is_empty());
        let q = Query::parse("chongqingchangan", &Synonyms::default());
        let Form::Latin { grams, .. } = &q.units[0].forms[0] else { panic!("latin") };
        assert!(
            grams.contains(&vec!["chongqing".to_owned(), "qingchang".to_owned(), "changan".to_owned()]),
            "{grams:?}"
        );
    }

    #[test]
    fn pinyin_slips_are_corrected() {
        assert!(corrections("changna").contains(&"changan".to_owned()));
        assert!(corrections("jingdongfagn").contains(&"jingdongfang".to_owned()));
        assert!(corrections("changg").contains(&"chang".to_owned()), "a doubled letter");
        assert!(corrections("abc").is_empty(), "short words are left alone");
    }

    #[test]
    fn full_width_and_case_fold() {
        let q = Query::parse("ＣＨＡＮＧＡＮ　长安", &Synonyms::default());
        assert_eq!(q.units[0].forms[0].text(), "changan");
        assert_eq!(q.units[1].forms[0].text(), "长安");
    }

    #[test]
    fn synonyms_add_forms_to_a_unit() {
        let syn = Synonyms::parse("川美，四川美术学院\n\n单独\n摩托, 机车 、motorbike");
        assert_eq!(syn.len(), 2);
        let q = Query::parse("川美", &syn);
        let forms: Vec<&str> = q.units[0].forms.iter().map(Form::text).collect();
        assert_eq!(forms, vec!["川美", "四川美术学院"]);
        let q = Query::parse("机车", &syn);
        assert_eq!(q.units[0].forms.len(), 3);
        assert_eq!(Synonyms::parse(&syn.to_text()), syn);
    }

    #[test]
    fn highlight_marks_runs_words_and_pinyin() {
        let q = Query::parse("长安", &Synonyms::default());
        let s = highlight("重庆长安汽车股份有限公司", &q);
        assert_eq!(s[1], Segment { text: "长安".into(), hit: true });
        let q = Query::parse("changan", &Synonyms::default());
        let s = highlight("重庆长安汽车股份有限公司", &q);
        assert_eq!(s.iter().filter(|s| s.hit).map(|s| s.text.as_str()).collect::<Vec<_>>(), vec!["长安"]);
        let q = Query::parse("cqca", &Synonyms::default());
        let s = highlight("重庆长安汽车股份有限公司", &q);
        assert_eq!(s.iter().filter(|s| s.hit).map(|s| s.text.as_str()).collect::<Vec<_>>(), vec!["重庆长安"]);
        let q = Query::parse("BOE", &Synonyms::default());
        assert!(highlight("京东方BOE", &q)[1].hit);
    }

    #[test]
    fn snippet_centres_on_the_first_match() {
        let text = format!("{}摩托车设计{}", "前".repeat(100), "后".repeat(100));
        let q = Query::parse("摩托车", &Synonyms::default());
        let s = snippet(&text, &q, 40);
        assert_eq!(s.first().map(|s| s.text.as_str()), Some("…"));
        assert_eq!(s.last().map(|s| s.text.as_str()), Some("…"));
        assert!(s.iter().any(|s| s.hit && s.text == "摩托车"));
        let shown: usize = s.iter().map(|s| s.text.chars().count()).sum();
        assert!(shown <= 42, "{shown}");
        let plain = snippet("短文本", &q, 40);
        assert_eq!(plain, vec![Segment { text: "短文本".into(), hit: false }]);
    }
}
