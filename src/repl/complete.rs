//! Tab completion that knows where the cursor is: a pure function of the text, the cursor, the
//! schema and the names (plus the session's `let` names and parameters), so that every context
//! is unit-tested without a terminal.
//!
//! It reads the text with the forgiving tokenizer of `lex.rs`, not the parser, because the text
//! being completed is unfinished by nature. The contexts:
//!
//! - the start of a statement: `count`, `let`, `sparql`, entity sets and `let` names;
//! - after `where`, `and`, `show`, `by`, `order by`, `with`... : the fields of the entity set at
//!   hand, and after `field.` the fields of what `field` leads to;
//! - after `=`, `!=`, `in (`: the names of the entities or concepts the field holds, quoted
//!   when they are not single words; after `is`: concept names;
//! - after a field in a condition: operators; after a value: `and`, `or` and clauses;
//! - a line starting with `.`: meta commands, and their arguments (entity sets for `.schema`,
//!   formats for `.mode`, file paths for `.load`, `.read` and `.output`...).

use std::path::Path;

use oxigraph::model::NamedNode;

use super::lex::{self, Kind, Token};
use super::meta;
use crate::lang::KEYWORDS;
use crate::output::Format;
use crate::schema::{EntitySet, Field, NameIndex, Schema, ValueKind};

const SKOS_CONCEPT: &str = "http://www.w3.org/2004/02/skos/core#Concept";

/// What completion may draw on.
#[derive(Debug, Clone, Copy)]
pub struct Known<'a> {
    /// Entity sets and their fields.
    pub schema: &'a Schema,
    /// Names of entities and concepts.
    pub names: &'a NameIndex,
    /// The session's `let` definitions: each name with the plural of the entity set it draws on.
    pub lets: &'a [(String, String)],
    /// The names of the bound parameters, without `$`.
    pub params: &'a [String],
}

/// One proposal: what to list, and what replaces the text from `Completion::start`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// What the list of candidates shows.
    pub display: String,
    /// What replaces the word being completed.
    pub replacement: String,
}

/// The proposals for a cursor position.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Completion {
    /// Byte offset where the word being completed starts.
    pub start: usize,
    /// The proposals, best first.
    pub candidates: Vec<Candidate>,
}

#[cfg(test)]
impl Completion {
    /// The replacements, for tests.
    pub fn replacements(&self) -> Vec<&str> {
        self.candidates
            .iter()
            .map(|c| c.replacement.as_str())
            .collect()
    }
}

/// Clauses, in the order they are offered.
const CLAUSES: &[&str] = &[
    "where", "with", "without", "show", "by", "having", "order", "limit", "offset",
];
/// Clauses that a query takes at most once.
const ONCE: &[&str] = &["show", "by", "having", "order", "limit", "offset"];
/// What may follow the left side of a condition (besides `=`, `<`... typed as symbols).
const OPERATORS: &[&str] = &["is", "not", "between", "in", "contains", "matches"];
/// Functions, offered with their opening parenthesis.
const FUNCTIONS: &[&str] = &[
    "count", "year", "decade", "century", "years", "min", "max", "sum", "avg",
];
/// Functions that make sense in a condition (not aggregates).
const VALUE_FUNCTIONS: &[&str] = &["year", "decade", "century", "years"];

/// Completes `line` at byte offset `cursor`.
pub fn complete(line: &str, cursor: usize, known: &Known) -> Completion {
    let mut cursor = cursor.min(line.len());
    while !line.is_char_boundary(cursor) {
        cursor -= 1;
    }
    let before = &line[..cursor];
    let indent = before.len() - before.trim_start().len();
    if before[indent..].starts_with('.') {
        return complete_meta(before, indent, known);
    }
    complete_tql(before, 0, known)
}

/// Completes a TQL text that ends at the cursor; `offset` is where it starts in the whole line.
fn complete_tql(before: &str, offset: usize, known: &Known) -> Completion {
    let all = lex::tokens(before);
    let (start, partial, tokens) = match all.last() {
        Some(t) if t.end == before.len() && t.kind == Kind::Comment => {
            return Completion::default();
        }
        Some(t) if t.end == before.len() && t.kind == (Kind::Text { closed: false }) => {
            (t.start, t.text(before), &all[..all.len() - 1])
        }
        Some(t)
            if t.end == before.len()
                && matches!(t.kind, Kind::Word | Kind::Param | Kind::Number) =>
        {
            (t.start, t.text(before), &all[..all.len() - 1])
        }
        _ => (before.len(), "", &all[..]),
    };
    let statement = match tokens
        .iter()
        .rposition(|t| t.kind == Kind::Symbol && t.text(before) == ";")
    {
        Some(i) => &tokens[i + 1..],
        None => tokens,
    };
    let context = Context {
        text: before,
        tokens: statement
            .iter()
            .filter(|t| t.kind != Kind::Comment)
            .copied()
            .collect(),
        known,
    };
    let proposals = if partial.starts_with('$') {
        Proposals::Values(params(known))
    } else if partial.starts_with(['"', '\'']) {
        // Inside an unfinished text: only names are worth proposing.
        match context.proposals() {
            Proposals::Values(values) => Proposals::Values(values),
            _ => Proposals::None,
        }
    } else {
        context.proposals()
    };
    Completion {
        start: offset + start,
        candidates: proposals.filter(partial),
    }
}

/// Kinds of proposals, each filtered by the word typed so far in its own way.
enum Proposals {
    None,
    /// Keywords (matched case-insensitively, written in the case the user started with).
    Words(Vec<String>),
    /// Entity-set, field and `let` names, and keywords among them.
    Mixed {
        words: Vec<String>,
        names: Vec<String>,
    },
    /// Values: entity or concept names (quoted where needed), `true`/`false`, parameters.
    Values(Vec<String>),
}

impl Proposals {
    fn filter(self, partial: &str) -> Vec<Candidate> {
        let matches = |s: &str| starts_with_ignore_case(s, partial);
        let upper = !partial.is_empty()
            && partial
                .chars()
                .all(|c| !c.is_alphabetic() || c.is_uppercase())
            && partial.chars().any(char::is_alphabetic);
        let keyword = |w: &String| {
            let w = if upper { w.to_uppercase() } else { w.clone() };
            Candidate {
                // A keyword is always followed by something: save the space.
                replacement: format!("{w} "),
                display: w,
            }
        };
        let name = |n: &String| Candidate {
            display: n.clone(),
            replacement: n.clone(),
        };
        let mut out: Vec<Candidate> = match self {
            Proposals::None => Vec::new(),
            Proposals::Words(words) => words.iter().filter(|w| matches(w)).map(keyword).collect(),
            Proposals::Mixed { words, names } => names
                .iter()
                .filter(|n| matches(n))
                .map(name)
                .chain(words.iter().filter(|w| matches(w)).map(keyword))
                .collect(),
            Proposals::Values(values) => {
                let quote = partial.chars().next().filter(|c| *c == '"' || *c == '\'');
                let bare = partial.trim_start_matches(['"', '\'']);
                values
                    .iter()
                    .filter(|v| {
                        let unquoted = v.trim_start_matches(['"', '$']);
                        starts_with_ignore_case(unquoted, bare)
                            || (v.starts_with('$') && starts_with_ignore_case(v, partial))
                    })
                    .map(|v| match quote {
                        Some(q) if !v.starts_with('$') => Candidate {
                            display: unquote(v),
                            replacement: quoted(&unquote(v), q),
                        },
                        _ => name(v),
                    })
                    .collect()
            }
        };
        let mut seen = std::collections::HashSet::new();
        out.retain(|c| seen.insert(c.replacement.clone()));
        out
    }
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.to_lowercase().starts_with(&prefix.to_lowercase())
}

/// The tokens of the statement under the cursor, before the word being typed.
struct Context<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    known: &'a Known<'a>,
}

/// Where the fields of a path step come from.
#[derive(Clone, Copy)]
enum Scope<'a> {
    Set(&'a EntitySet),
    Concept,
    Other,
}

impl<'a> Context<'a> {
    /// The lower-cased text of token `i` (empty out of range).
    fn word(&self, i: usize) -> String {
        self.tokens
            .get(i)
            .map(|t| t.text(self.text).to_lowercase())
            .unwrap_or_default()
    }

    fn is(&self, i: usize, word: &str) -> bool {
        self.word(i) == word
    }

    fn proposals(&self) -> Proposals {
        let n = self.tokens.len();
        // `let NAME = ` and `count` come before the entity set.
        let mut i = 0;
        if self.is(0, "sparql") {
            return Proposals::None;
        }
        if self.is(0, "let") {
            if n < 3 {
                return Proposals::None;
            }
            i = 3;
        }
        let counted = self.is(i, "count");
        if counted {
            i += 1;
        }
        if n <= i {
            let mut words = Vec::new();
            if !counted {
                words.push("count".to_owned());
                if n == 0 {
                    words.extend(["let", "sparql"].map(String::from));
                }
            }
            return Proposals::Mixed {
                words,
                names: self.sources(),
            };
        }
        let Some(set) = self.set_of(&self.word(i)) else {
            return self.clauses(i + 1);
        };
        self.after_source(set, i + 1)
    }

    /// Entity sets and `let` names.
    fn sources(&self) -> Vec<String> {
        let mut names = self.known.schema.nouns();
        names.extend(self.known.lets.iter().map(|(n, _)| n.clone()));
        names
    }

    /// The entity set a source word names: a noun, or a `let` name.
    fn set_of(&self, word: &str) -> Option<&'a EntitySet> {
        let schema = self.known.schema;
        schema.set(word).or_else(|| {
            self.known
                .lets
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(word))
                .and_then(|(_, plural)| schema.set(plural))
        })
    }

    /// Proposals once the entity set is known; `body` is the index of its first clause token.
    fn after_source(&self, set: &'a EntitySet, body: usize) -> Proposals {
        let n = self.tokens.len();
        if n == body {
            return self.clauses(body);
        }
        let last = n - 1;
        let word = self.word(last);
        let kind = self.tokens[last].kind;
        // The set's fields, with some keywords and some functions (offered with their `(`).
        let fields = |words: &[&str], functions: &[&str]| {
            let mut names = self.fields(Scope::Set(set));
            names.extend(functions.iter().map(|f| format!("{f}(")));
            Proposals::Mixed {
                words: words.iter().map(|s| s.to_string()).collect(),
                names,
            }
        };
        let condition = |extra: &[&str]| {
            let mut words = vec!["not", "with", "without"];
            words.extend(extra);
            fields(&words, VALUE_FUNCTIONS)
        };
        // The innermost open parenthesis, and what stands before it.
        let open = self.open_paren(body);
        let in_list = open.is_some_and(|p| p > body && self.is(p - 1, "in"));
        let in_call = open.is_some_and(|p| {
            let name = self.word(p.wrapping_sub(1));
            p > body
                && self.tokens[p - 1].kind == Kind::Word
                && (!is_keyword(&name) || FUNCTIONS.contains(&name.as_str()))
        });
        // The end of the operand before `in` at `i` (`x in`, `x not in`).
        let before_in = |i: usize| {
            if i > 0 && self.is(i - 1, "not") {
                i.checked_sub(2)
            } else {
                i.checked_sub(1)
            }
        };
        let clause = self.clause(body);

        if kind == Kind::Symbol {
            return match word.as_str() {
                "." => match self.path_before(last, set) {
                    Some(scope) => Proposals::Mixed {
                        words: Vec::new(),
                        names: self.fields(scope),
                    },
                    None => Proposals::None,
                },
                "=" | "!=" | "<>" => self.values_for(last.checked_sub(1), set),
                "<" | "<=" | ">" | ">=" => Proposals::Values(params(self.known)),
                "(" if in_list => self.values_for(before_in(last - 1), set),
                "(" if in_call => fields(&["distinct"], VALUE_FUNCTIONS),
                "(" => condition(&[]),
                "," if in_list => self.values_for(open.and_then(|p| before_in(p - 1)), set),
                "," if in_call => fields(&[], VALUE_FUNCTIONS),
                "," => match clause.as_deref() {
                    Some("show" | "order") => fields(&[], FUNCTIONS),
                    Some("by") => fields(&[], VALUE_FUNCTIONS),
                    _ => Proposals::None,
                },
                ")" | "+" | "*" => self.after_value(body, clause.as_deref(), set),
                _ => Proposals::None,
            };
        }
        match word.as_str() {
            "where" | "and" | "or" | "having" if self.between_and(last) => {
                Proposals::Values(params(self.known))
            }
            "where" | "and" | "or" => condition(&[]),
            "having" => fields(&["not"], FUNCTIONS),
            "not" if last > body && self.is(last - 1, "is") => self.concepts_for(last - 1, set),
            "not" if self.ends_operand(last - 1, body) => Proposals::Words(
                ["between", "in", "contains", "matches"]
                    .map(String::from)
                    .to_vec(),
            ),
            "not" => condition(&[]),
            "with" | "without" => fields(&[], &[]),
            "show" => fields(&["distinct"], FUNCTIONS),
            "distinct" => fields(&[], FUNCTIONS),
            "by" if last > body && self.is(last - 1, "order") => fields(&[], FUNCTIONS),
            "by" => fields(&[], VALUE_FUNCTIONS),
            "order" => Proposals::Words(vec!["by".into()]),
            "is" => self.concepts_for(last, set),
            "in" => Proposals::None,
            "between" | "contains" | "matches" => Proposals::Values(params(self.known)),
            "including" => Proposals::Words(vec!["predecessors".into()]),
            "limit" | "offset" | "as" | "let" | "sparql" => Proposals::None,
            _ => {
                if in_call || in_list {
                    return Proposals::None;
                }
                if kind == Kind::Word
                    && !is_keyword(&word)
                    && matches!(clause.as_deref(), Some("where" | "having"))
                    && !self.has_operator(last, body)
                {
                    return Proposals::Words(OPERATORS.iter().map(|s| s.to_string()).collect());
                }
                self.after_value(body, clause.as_deref(), set)
            }
        }
    }

    /// After a complete item: what may follow it in the clause at hand, and further clauses.
    fn after_value(&self, body: usize, clause: Option<&str>, set: &'a EntitySet) -> Proposals {
        let last = self.tokens.len() - 1;
        let mut words: Vec<String> = Vec::new();
        match clause {
            Some("where" | "having") => {
                if self.pending_between(body) {
                    return Proposals::Words(vec!["and".into()]);
                }
                words.extend(["and", "or"].map(String::from));
                if self.value_of_entity(last, set) {
                    words.push("including".into());
                }
            }
            Some("show") => words.push("as".into()),
            Some("order") => words.extend(["asc", "desc"].map(String::from)),
            _ => {}
        }
        match self.clauses(body) {
            Proposals::Words(more) => words.extend(more),
            _ => unreachable!("clauses are words"),
        }
        Proposals::Words(words)
    }

    /// The clause keywords still allowed (`order` is offered as `order by`).
    fn clauses(&self, body: usize) -> Proposals {
        let used: Vec<String> = (body..self.tokens.len()).map(|i| self.word(i)).collect();
        Proposals::Words(
            CLAUSES
                .iter()
                .filter(|c| !(ONCE.contains(c) && used.iter().any(|u| u == *c)))
                .map(|c| {
                    if *c == "order" {
                        "order by".to_owned()
                    } else {
                        c.to_string()
                    }
                })
                .collect(),
        )
    }

    /// The clause the last token is in: `where`, `show`, `by`, `order`, `having`, `with`,
    /// `limit`... at the top level of parentheses; `None` right after the entity set.
    fn clause(&self, body: usize) -> Option<String> {
        let mut depth = 0usize;
        for i in (body..self.tokens.len()).rev() {
            let w = self.word(i);
            match w.as_str() {
                ")" => depth += 1,
                "(" => depth = depth.saturating_sub(1),
                _ if depth > 0 => {}
                "by" if i > body && self.is(i - 1, "order") => return Some("order".into()),
                "with" | "without" => {
                    // Inside a condition these are conditions, not clauses.
                    let before = if i > body {
                        self.word(i - 1)
                    } else {
                        String::new()
                    };
                    if matches!(
                        before.as_str(),
                        "where" | "and" | "or" | "not" | "(" | "having"
                    ) {
                        continue;
                    }
                    return Some("with".into());
                }
                "where" | "show" | "by" | "having" | "limit" | "offset" => return Some(w),
                _ => {}
            }
        }
        None
    }

    /// The index of the innermost parenthesis still open at the end, if any.
    fn open_paren(&self, body: usize) -> Option<usize> {
        let mut depth = 0usize;
        for i in (body..self.tokens.len()).rev() {
            match self.word(i).as_str() {
                ")" => depth += 1,
                "(" if depth == 0 => return Some(i),
                "(" => depth -= 1,
                _ => {}
            }
        }
        None
    }

    /// True when token `i` ends an operand: a field path or a function call.
    fn ends_operand(&self, i: usize, body: usize) -> bool {
        if i < body {
            return false;
        }
        let t = self.tokens[i];
        match t.kind {
            Kind::Word => !is_keyword(&self.word(i)),
            Kind::Symbol => matches!(self.word(i).as_str(), ")" | "+" | "*"),
            _ => false,
        }
    }

    /// True when the condition the last token belongs to already has its operator.
    fn has_operator(&self, last: usize, body: usize) -> bool {
        let mut depth = 0usize;
        for i in (body..last).rev() {
            let w = self.word(i);
            match w.as_str() {
                ")" => depth += 1,
                "(" if depth == 0 => return false,
                "(" => depth -= 1,
                _ if depth > 0 => {}
                "where" | "and" | "or" | "not" | "having" => return false,
                "=" | "!=" | "<>" | "<" | "<=" | ">" | ">=" | "is" | "between" | "in"
                | "contains" | "matches" | "with" | "without" => return true,
                _ => {}
            }
        }
        false
    }

    /// True when a `between` is still waiting for its `and`.
    fn pending_between(&self, body: usize) -> bool {
        let last = self.tokens.len() - 1;
        for i in (body..=last).rev() {
            match self.word(i).as_str() {
                "between" => return true,
                "and" | "or" | "where" | "having" | "(" | ")" => return false,
                _ => {}
            }
        }
        false
    }

    /// True when the `and` at `i` is the one of `X between LOW and`.
    fn between_and(&self, i: usize) -> bool {
        self.is(i, "and") && i >= 2 && self.is(i - 2, "between")
    }

    /// The scope reached by the path ending just before the `.` at `dot`.
    fn path_before(&self, dot: usize, set: &'a EntitySet) -> Option<Scope<'a>> {
        let steps = self.path_ending(dot.checked_sub(1)?)?;
        let mut scope = Scope::Set(set);
        for step in steps {
            let field = self.field(scope, &step)?;
            scope = self.scope_after(field);
        }
        Some(scope)
    }

    /// The field names of the path whose last token is at `end`, if a path ends there.
    fn path_ending(&self, end: usize) -> Option<Vec<String>> {
        let mut steps = Vec::new();
        let mut i = end as isize;
        loop {
            if i >= 0 && matches!(self.word(i as usize).as_str(), "+" | "*") {
                i -= 1;
            }
            if i < 0 {
                return None;
            }
            let t = self.tokens[i as usize];
            let w = self.word(i as usize);
            if t.kind != Kind::Word || is_keyword(&w) {
                return None;
            }
            steps.push(w);
            if i >= 2 && self.word(i as usize - 1) == "." {
                i -= 2;
            } else {
                break;
            }
        }
        steps.reverse();
        Some(steps)
    }

    /// The field a path ending at `end` leads to, from `set`.
    fn field_of_path(&self, end: usize, set: &'a EntitySet) -> Option<&'a Field> {
        let steps = self.path_ending(end)?;
        let mut scope = Scope::Set(set);
        let mut found = None;
        for step in steps {
            let field = self.field(scope, &step)?;
            scope = self.scope_after(field);
            found = Some(field);
        }
        found
    }

    fn field(&self, scope: Scope<'a>, name: &str) -> Option<&'a Field> {
        let schema = self.known.schema;
        match scope {
            Scope::Set(set) => schema.field(set, name),
            Scope::Concept => schema.fields.iter().find(|f| {
                f.name.eq_ignore_ascii_case(name)
                    && f.domain.as_ref().is_none_or(|d| d.as_str() == SKOS_CONCEPT)
            }),
            Scope::Other => schema.generic_field(name),
        }
    }

    fn scope_after(&self, field: &'a Field) -> Scope<'a> {
        match &field.kind {
            ValueKind::Entity(class) => match self.known.schema.set_of_class(class) {
                Some(set) => Scope::Set(set),
                None => Scope::Other,
            },
            ValueKind::Concept(_) => Scope::Concept,
            _ => Scope::Other,
        }
    }

    /// The field names of a scope.
    fn fields(&self, scope: Scope<'a>) -> Vec<String> {
        let schema = self.known.schema;
        let fields: Vec<&Field> = match scope {
            Scope::Set(set) => schema.fields_of(set).collect(),
            Scope::Concept => schema
                .fields
                .iter()
                .filter(|f| f.domain.as_ref().is_none_or(|d| d.as_str() == SKOS_CONCEPT))
                .collect(),
            Scope::Other => schema
                .fields
                .iter()
                .filter(|f| f.domain.is_none())
                .collect(),
        };
        let mut names: Vec<String> = fields.into_iter().map(|f| f.name.clone()).collect();
        names.sort();
        names.dedup();
        names
    }

    /// Values for the operand whose last token is at `end`.
    fn values_for(&self, end: Option<usize>, set: &'a EntitySet) -> Proposals {
        let mut values = match end.and_then(|end| self.field_of_path(end, set)) {
            Some(field) => self.values_of(field, false),
            None => Vec::new(),
        };
        values.extend(params(self.known));
        Proposals::Values(values)
    }

    /// Concept names for `PATH is`, where `is` is at `is`.
    fn concepts_for(&self, is: usize, set: &'a EntitySet) -> Proposals {
        let mut values = match is
            .checked_sub(1)
            .and_then(|end| self.field_of_path(end, set))
        {
            Some(field) => self.values_of(field, true),
            None => Vec::new(),
        };
        if self.tokens.len() == is + 1 {
            values.push("not".into());
        }
        values.extend(params(self.known));
        Proposals::Values(values)
    }

    /// The names a field's values may be given by, quoted where needed.
    fn values_of(&self, field: &Field, concepts_only: bool) -> Vec<String> {
        let types: Vec<NamedNode> = match &field.kind {
            ValueKind::Concept(Some(scheme)) => vec![scheme.clone()],
            ValueKind::Concept(None) => vec![NamedNode::new_unchecked(SKOS_CONCEPT)],
            ValueKind::Entity(class) if !concepts_only => vec![class.clone()],
            ValueKind::Boolean if !concepts_only => {
                return vec!["true".into(), "false".into()];
            }
            _ => return Vec::new(),
        };
        self.known
            .names
            .all_names(&types)
            .iter()
            .map(|n| quote_if_needed(n))
            .collect()
    }

    /// True when the value ending at `i` was compared with an entity field (so `including
    /// predecessors` may follow).
    fn value_of_entity(&self, i: usize, set: &'a EntitySet) -> bool {
        let mut j = i;
        while j > 0 {
            j -= 1;
            match self.word(j).as_str() {
                "=" | "!=" | "<>" | "in" => {
                    let end = if self.is(j, "in") && j > 0 && self.is(j - 1, "not") {
                        j.saturating_sub(2)
                    } else {
                        j.saturating_sub(1)
                    };
                    return j > 0
                        && self
                            .field_of_path(end, set)
                            .is_some_and(|f| matches!(f.kind, ValueKind::Entity(_)));
                }
                "where" | "and" | "or" | "having" => return false,
                _ => {}
            }
        }
        false
    }
}

fn is_keyword(word: &str) -> bool {
    KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(word))
}

fn params(known: &Known) -> Vec<String> {
    known.params.iter().map(|p| format!("${p}")).collect()
}

/// A name as TQL reads it: bare when it is one word that is not a keyword, else in quotes.
pub fn quote_if_needed(name: &str) -> String {
    let bare = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !is_keyword(name);
    if bare {
        name.to_owned()
    } else {
        quoted(name, '"')
    }
}

fn quoted(name: &str, quote: char) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    out.push(quote);
    for c in name.chars() {
        if c == quote || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push(quote);
    out
}

/// The name inside a quoted value, as `quote_if_needed` wrote it.
fn unquote(value: &str) -> String {
    let Some(inner) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) else {
        return value.to_owned();
    };
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            out.extend(chars.next());
        } else {
            out.push(c);
        }
    }
    out
}

/// Completes a meta command line (`before` ends at the cursor; the `.` is at `indent`).
fn complete_meta(before: &str, indent: usize, known: &Known) -> Completion {
    let line = &before[indent..];
    let Some(space) = line.find(char::is_whitespace) else {
        // The command itself.
        return Completion {
            start: indent,
            candidates: meta::COMMANDS
                .iter()
                .filter(|c| starts_with_ignore_case(c.name, line))
                .map(|c| Candidate {
                    display: c.name.to_owned(),
                    replacement: if c.usage.is_empty() {
                        c.name.to_owned()
                    } else {
                        format!("{} ", c.name)
                    },
                })
                .collect(),
        };
    };
    let command = line[..space].to_lowercase();
    let args_at = indent + space + (line[space..].len() - line[space..].trim_start().len());
    let args = &before[args_at..];
    if command == ".explain" {
        return complete_tql(args, args_at, known);
    }
    // The argument being typed starts after the last space.
    let word_at = args.rfind(char::is_whitespace).map_or(0, |i| {
        i + args[i..].chars().next().map_or(1, char::len_utf8)
    });
    let first = !args[..word_at].contains(|c: char| !c.is_whitespace());
    let word = &args[word_at..];
    let start = args_at + word_at;
    let words = |options: Vec<String>| Completion {
        start,
        candidates: options
            .into_iter()
            .filter(|o| starts_with_ignore_case(o, word))
            .map(|o| Candidate {
                display: o.clone(),
                replacement: o,
            })
            .collect(),
    };
    match command.as_str() {
        ".schema" if first => {
            let mut sets = known.schema.nouns();
            sets.extend(known.lets.iter().map(|(n, _)| n.clone()));
            words(sets)
        }
        ".mode" if first => words(Format::NAMES.iter().map(|s| s.to_string()).collect()),
        ".sparql" | ".timer" if first => words(vec!["on".into(), "off".into()]),
        ".rows" if first => words(vec!["all".into()]),
        ".set" | ".unset" if first => words(known.params.to_vec()),
        ".help" if first => words(
            meta::COMMANDS
                .iter()
                .map(|c| c.name.trim_start_matches('.').to_owned())
                .collect(),
        ),
        ".load" | ".output" => Completion {
            start,
            candidates: paths(word, |_| true),
        },
        ".read" if first => Completion {
            start,
            candidates: paths(word, |name| name.ends_with(".tq")),
        },
        _ => Completion {
            start,
            candidates: Vec::new(),
        },
    }
}

/// Files and directories whose path starts with `partial`; files must pass `keep`. A leading
/// `~/` stands for the home directory.
fn paths(partial: &str, keep: impl Fn(&str) -> bool) -> Vec<Candidate> {
    let (dir_part, prefix) = match partial.rfind('/') {
        Some(i) => partial.split_at(i + 1),
        None => ("", partial),
    };
    let dir = if dir_part.is_empty() {
        Path::new(".").to_path_buf()
    } else if let Some(rest) = dir_part.strip_prefix("~/") {
        match std::env::var_os("HOME") {
            Some(home) => Path::new(&home).join(rest),
            None => return Vec::new(),
        }
    } else {
        Path::new(dir_part).to_path_buf()
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<Candidate> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            if !name.starts_with(prefix) || (name.starts_with('.') && !prefix.starts_with('.')) {
                return None;
            }
            let is_dir = entry.path().is_dir();
            if !is_dir && !keep(&name) {
                return None;
            }
            let slash = if is_dir { "/" } else { "" };
            Some(Candidate {
                display: format!("{name}{slash}"),
                replacement: format!("{dir_part}{name}{slash}"),
            })
        })
        .collect();
    out.sort_by(|a, b| a.replacement.cmp(&b.replacement));
    out
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use super::*;
    use crate::repl::highlight::INDENT;
    use crate::store::{Location, Store};

    /// The bundled schema and names, read once for all tests.
    fn vocabulary() -> &'static (Schema, NameIndex) {
        static VOCABULARY: OnceLock<(Schema, NameIndex)> = OnceLock::new();
        VOCABULARY.get_or_init(|| {
            let store = Store::open(&Location::Memory, false).unwrap();
            (
                Schema::load(&store).unwrap(),
                NameIndex::load(&store).unwrap(),
            )
        })
    }

    /// Completes at the end of `line` in a session with one `let` and one parameter.
    fn at_end(line: &str) -> Completion {
        let (schema, names) = vocabulary();
        let lets = [("cold_war".to_owned(), "settlements".to_owned())];
        let params = ["country".to_owned()];
        let known = Known {
            schema,
            names,
            lets: &lets,
            params: &params,
        };
        complete(line, line.len(), &known)
    }

    fn offered(line: &str) -> Vec<String> {
        at_end(line)
            .replacements()
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    #[track_caller]
    fn has(line: &str, wanted: &[&str]) {
        let got = offered(line);
        for w in wanted {
            assert!(got.iter().any(|g| g == w), "{line:?}: {w:?} not in {got:?}");
        }
    }

    #[track_caller]
    fn lacks(line: &str, unwanted: &[&str]) {
        let got = offered(line);
        for w in unwanted {
            assert!(!got.iter().any(|g| g == w), "{line:?}: {w:?} in {got:?}");
        }
    }

    #[test]
    fn keywords_at_the_start_and_after_the_entity_set() {
        has(
            "",
            &["count ", "let ", "sparql ", "settlements", "cold_war"],
        );
        assert_eq!(offered("cou"), ["count "]);
        assert_eq!(offered("settlements wh"), ["where "]);
        assert_eq!(offered("settlements WH"), ["WHERE "]);
        has("settlements ", &["where ", "show ", "order by ", "limit "]);
        // Clauses given once are not offered again.
        lacks("settlements show name ", &["show "]);
        has("settlements show name ", &["as ", "where ", "order by "]);
        has("settlements order by signed ", &["asc ", "desc ", "limit "]);
    }

    #[test]
    fn entity_sets_where_a_query_starts() {
        assert_eq!(offered("guar"), ["guarantees"]);
        assert_eq!(offered("count sett"), ["settlements"]);
        has("let recent = conf", &["conflicts"]);
        has("settlements; con", &["conflicts"]);
        assert_eq!(offered("cold"), ["cold_war"]);
        assert!(offered("let ").is_empty(), "a new name is not completed");
    }

    #[test]
    fn fields_of_the_entity_set_at_hand() {
        has("settlements where sig", &["signed", "signed_at"]);
        lacks("settlements where sig", &["start", "name"]);
        has("settlements where st", &["status"]);
        lacks("settlements where st", &["start"]);
        has("conflicts where st", &["start"]);
        lacks("conflicts where st", &["status"]);
        has("guarantees show out", &["outcome", "outcome_note"]);
        has("guarantees show ", &["distinct ", "count(", "name"]);
        has("count settlements by ", &["kind", "century("]);
        has("guarantees order by ", &["name", "settlement"]);
        has("settlements with ", &["guarantee", "peace_held_until"]);
        has("settlements where not ", &["with ", "signed"]);
        // A `let` name has the fields of the set it draws on.
        has("cold_war where sig", &["signed"]);
    }

    #[test]
    fn fields_along_a_path() {
        has("guarantees where settlement.sig", &["signed", "signed_at"]);
        has(
            "settlements show guarantee.guarantor.",
            &["iso_code", "predecessor"],
        );
        has("settlements show supersedes+.", &["signed"]);
        has("guarantees where mechanism.", &["definition"]);
        assert!(offered("settlements where nothing.").is_empty());
    }

    #[test]
    fn entity_names_after_comparisons_quoted_where_needed() {
        has(
            "guarantees where guarantor = Uni",
            &["\"United Kingdom\"", "\"United States\""],
        );
        has(
            "guarantees where guarantor = ",
            &["Russia", "Britain", "\"Soviet Union\"", "$country"],
        );
        // Names of the field's class only.
        lacks("guarantees where guarantor = ", &["neutrality"]);
        has("guarantees where guarantor = Brit", &["Britain"]);
        // Inside an unfinished quote, the quote is kept.
        let completion = at_end("guarantees where guarantor = \"Sov");
        assert_eq!(completion.start, "guarantees where guarantor = ".len());
        has("guarantees where guarantor = \"Sov", &["\"Soviet Union\""]);
        assert!(
            completion
                .replacements()
                .iter()
                .all(|r| r.starts_with("\"Soviet "))
        );
        has("guarantees where guarantor = 'uni", &["'United Kingdom'"]);
        has("guarantees where guarantor in (France, Rus", &["Russia"]);
        has("guarantees where guarantor not in (Rus", &["Russia"]);
        has("guarantees where guarantor != ", &["France"]);
        has("settlements where party = Fr", &["France"]);
        has("guarantees where secret = ", &["true", "false"]);
        assert_eq!(offered("guarantees where guarantor = $c"), ["$country"]);
    }

    #[test]
    fn concept_names_after_is() {
        has("guarantees where mechanism is neut", &["neutrality"]);
        lacks("guarantees where mechanism is neut", &["not"]);
        has(
            "guarantees where outcome is ",
            &["violated", "honoured", "\"never in force\"", "not"],
        );
        lacks("guarantees where outcome is ", &["armistice", "France"]);
        has("guarantees where outcome is not ", &["violated"]);
        lacks("guarantees where outcome is not ", &["not"]);
        has("settlements where kind is armi", &["armistice"]);
        has(
            "settlements where guarantee.mechanism is peace",
            &["peacekeeping"],
        );
        has("settlements where status is ", &["\"in force\""]);
    }

    #[test]
    fn operators_after_a_field_and_connectives_after_a_value() {
        has(
            "settlements where signed ",
            &["between ", "in ", "is ", "not ", "contains "],
        );
        has("settlements where signed not ", &["between ", "in "]);
        has("settlements where signed between 1914 ", &["and "]);
        lacks("settlements where signed between 1914 ", &["or "]);
        has(
            "settlements where signed between 1914 and 1918 ",
            &["and ", "or ", "show ", "order by "],
        );
        has(
            "settlements where kind is armistice ",
            &["and ", "or ", "show "],
        );
        has(
            "guarantees where guarantor = Russia ",
            &["including ", "and "],
        );
        has(
            "guarantees where guarantor = Russia including ",
            &["predecessors "],
        );
        lacks("settlements where signed < 1900 ", &["including "]);
        assert_eq!(offered("settlements order "), ["by "]);
    }

    #[test]
    fn completion_works_on_unfinished_input() {
        // Open parenthesis, several lines with continuation indents, a comment before.
        has("settlements where (kind is armi", &["armistice"]);
        has("settlements where (sig", &["signed"]);
        has(&format!("settlements\n{INDENT}where sig"), &["signed"]);
        has(
            &format!("-- a question\nguarantees where\n{INDENT}outcome is vio"),
            &["violated"],
        );
        has("settlements where name contains \"x\" and sig", &["signed"]);
        // Nothing inside a comment or a closed text.
        assert!(offered("settlements -- sig").is_empty());
        // In the middle of a line: only the text before the cursor counts.
        let (schema, names) = vocabulary();
        let known = Known {
            schema,
            names,
            lets: &[],
            params: &[],
        };
        let line = "settlements where sig and kind is armistice";
        let completion = complete(line, "settlements where sig".len(), &known);
        assert_eq!(completion.start, "settlements where ".len());
        assert!(completion.replacements().contains(&"signed"));
        assert!(!completion.replacements().contains(&"kind"));
    }

    #[test]
    fn meta_commands_and_their_arguments() {
        assert_eq!(offered(".mo"), [".mode "]);
        has(".", &[".help ", ".schema ", ".quit", ".stats"]);
        assert_eq!(offered(".mode c"), ["csv"]);
        assert_eq!(offered(".schema gu"), ["guarantees"]);
        has(".schema ", &["settlements", "cold_war"]);
        assert_eq!(offered(".sparql o"), ["on", "off"]);
        assert_eq!(offered(".timer of"), ["off"]);
        assert_eq!(offered(".unset c"), ["country"]);
        assert_eq!(offered(".help mo"), ["mode"]);
        // `.explain` completes its query.
        let completion = at_end(".explain guarantees where out");
        assert_eq!(completion.start, ".explain guarantees where ".len());
        assert_eq!(
            completion.replacements(),
            [
                "outcome",
                "outcome_date",
                "outcome_date_precision",
                "outcome_note",
                "outcome_source"
            ]
        );
    }

    #[test]
    fn file_paths_after_load_read_and_output() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("cold-war.tq"), "settlements").unwrap();
        std::fs::write(dir.path().join("extra.ttl"), "").unwrap();
        std::fs::write(dir.path().join(".hidden.tq"), "").unwrap();
        std::fs::create_dir(dir.path().join("more")).unwrap();
        let base = format!("{}/", dir.path().display());
        let read = offered(&format!(".read {base}"));
        assert_eq!(read, [format!("{base}cold-war.tq"), format!("{base}more/")]);
        let load = offered(&format!(".load {base}ex"));
        assert_eq!(load, [format!("{base}extra.ttl")]);
        // `.load` takes several files: the last one is completed.
        let load = offered(&format!(".load a.ttl {base}c"));
        assert_eq!(load, [format!("{base}cold-war.tq")]);
        let output = at_end(&format!(".output {base}m"));
        assert_eq!(output.start, ".output ".len());
        assert_eq!(output.candidates[0].display, "more/");
        has(&format!(".read {base}."), &[&format!("{base}.hidden.tq")]);
    }

    #[test]
    fn names_are_quoted_when_they_are_not_single_words() {
        assert_eq!(quote_if_needed("Russia"), "Russia");
        assert_eq!(quote_if_needed("United Kingdom"), "\"United Kingdom\"");
        assert_eq!(quote_if_needed("non-aggression"), "\"non-aggression\"");
        assert_eq!(quote_if_needed("in"), "\"in\"");
        assert_eq!(quote_if_needed("Côte d'Ivoire"), "\"Côte d'Ivoire\"");
        assert_eq!(quote_if_needed("say \"hi\""), "\"say \\\"hi\\\"\"");
        assert_eq!(unquote("\"say \\\"hi\\\"\""), "say \"hi\"");
    }
}
