//! The TQL contexts: the tokens of the statement under the cursor read backwards to what may
//! come next (a clause, a field of the entity set or of a path step, an operator, a value of
//! the field compared, `and`/`or`), as `Proposals`.

use super::*;

/// The functions offered after a word: all of them, or those of one entity's dates (in
/// conditions and groups, where aggregates make no sense).
#[derive(Clone, Copy)]
pub(super) enum Functions {
    All,
    OfDates,
    None,
}

/// The tokens of the statement under the cursor, before the word being typed.
pub(super) struct Context<'a> {
    pub(super) text: &'a str,
    pub(super) tokens: Vec<Token>,
    pub(super) known: &'a Known<'a>,
}

/// Where the fields of a path step come from.
#[derive(Clone, Copy)]
pub(super) enum Scope<'a> {
    Set(&'a EntitySet),
    Concept,
    Other,
}

impl<'a> Context<'a> {
    /// The lower-cased text of token `i` (empty out of range).
    pub(super) fn word(&self, i: usize) -> String {
        self.tokens
            .get(i)
            .map(|t| t.text(self.text).to_lowercase())
            .unwrap_or_default()
    }

    pub(super) fn is(&self, i: usize, word: &str) -> bool {
        self.word(i) == word
    }

    pub(super) fn proposals(&self) -> Proposals {
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
    pub(super) fn sources(&self) -> Vec<String> {
        let mut names = self.known.schema.nouns();
        names.extend(self.known.lets.iter().map(|(n, _)| n.clone()));
        names
    }

    /// The entity set a source word names: a noun, or a `let` name.
    pub(super) fn set_of(&self, word: &str) -> Option<&'a EntitySet> {
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
    pub(super) fn after_source(&self, set: &'a EntitySet, body: usize) -> Proposals {
        let n = self.tokens.len();
        if n == body {
            return self.clauses(body);
        }
        let last = n - 1;
        let word = self.word(last);
        let kind = self.tokens[last].kind;
        // The set's fields, with some keywords and some functions (offered with their `(`).
        let fields = |words: &[&str], functions: Functions| {
            let mut names = self.fields(Scope::Set(set));
            let offered = FUNCTIONS.iter().filter(|f| match functions {
                Functions::All => true,
                Functions::OfDates => !f.aggregate,
                Functions::None => false,
            });
            names.extend(offered.map(|f| format!("{}(", f.name)));
            Proposals::Mixed {
                words: words.iter().map(|s| s.to_string()).collect(),
                names,
            }
        };
        let condition = |extra: &[&str]| {
            let mut words = vec!["not", "with", "without"];
            words.extend(extra);
            fields(&words, Functions::OfDates)
        };
        // The innermost open parenthesis, and what stands before it.
        let open = self.open_paren(body);
        let in_list = open.is_some_and(|p| p > body && self.is(p - 1, "in"));
        let in_call = open.is_some_and(|p| {
            let name = self.word(p.wrapping_sub(1));
            p > body
                && self.tokens[p - 1].kind == Kind::Word
                && (!is_keyword(&name) || grammar::function(&name).is_some())
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
                "(" if in_call => fields(&["distinct"], Functions::OfDates),
                "(" => condition(&[]),
                "," if in_list => self.values_for(open.and_then(|p| before_in(p - 1)), set),
                "," if in_call => fields(&[], Functions::OfDates),
                "," => match clause.as_deref() {
                    Some("show" | "order") => fields(&[], Functions::All),
                    Some("by") => fields(&[], Functions::OfDates),
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
            "having" => fields(&["not"], Functions::All),
            "not" if last > body && self.is(last - 1, "is") => self.concepts_for(last - 1, set),
            "not" if self.ends_operand(last - 1, body) => Proposals::Words(
                ["between", "in", "contains", "matches"]
                    .map(String::from)
                    .to_vec(),
            ),
            "not" => condition(&[]),
            "with" | "without" => fields(&[], Functions::None),
            "show" => fields(&["distinct"], Functions::All),
            "distinct" => fields(&[], Functions::All),
            "by" if last > body && self.is(last - 1, "order") => fields(&[], Functions::All),
            "by" => fields(&[], Functions::OfDates),
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
                    return Proposals::Words(
                        WORD_OPERATORS.iter().map(|s| s.to_string()).collect(),
                    );
                }
                self.after_value(body, clause.as_deref(), set)
            }
        }
    }

    /// After a complete item: what may follow it in the clause at hand, and further clauses.
    pub(super) fn after_value(
        &self,
        body: usize,
        clause: Option<&str>,
        set: &'a EntitySet,
    ) -> Proposals {
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
    pub(super) fn clauses(&self, body: usize) -> Proposals {
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
    pub(super) fn clause(&self, body: usize) -> Option<String> {
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
    pub(super) fn open_paren(&self, body: usize) -> Option<usize> {
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
    pub(super) fn ends_operand(&self, i: usize, body: usize) -> bool {
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
    pub(super) fn has_operator(&self, last: usize, body: usize) -> bool {
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
    pub(super) fn pending_between(&self, body: usize) -> bool {
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
    pub(super) fn between_and(&self, i: usize) -> bool {
        self.is(i, "and") && i >= 2 && self.is(i - 2, "between")
    }

    /// The scope reached by the path ending just before the `.` at `dot`.
    pub(super) fn path_before(&self, dot: usize, set: &'a EntitySet) -> Option<Scope<'a>> {
        let steps = self.path_ending(dot.checked_sub(1)?)?;
        let mut scope = Scope::Set(set);
        for step in steps {
            let field = self.field(scope, &step)?;
            scope = self.scope_after(field);
        }
        Some(scope)
    }

    /// The field names of the path whose last token is at `end`, if a path ends there.
    pub(super) fn path_ending(&self, end: usize) -> Option<Vec<String>> {
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
    pub(super) fn field_of_path(&self, end: usize, set: &'a EntitySet) -> Option<&'a Field> {
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

    pub(super) fn field(&self, scope: Scope<'a>, name: &str) -> Option<&'a Field> {
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

    pub(super) fn scope_after(&self, field: &'a Field) -> Scope<'a> {
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
    pub(super) fn fields(&self, scope: Scope<'a>) -> Vec<String> {
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
    pub(super) fn values_for(&self, end: Option<usize>, set: &'a EntitySet) -> Proposals {
        let mut values = match end.and_then(|end| self.field_of_path(end, set)) {
            Some(field) => self.values_of(field, false),
            None => Vec::new(),
        };
        values.extend(params(self.known));
        Proposals::Values(values)
    }

    /// Concept names for `PATH is`, where `is` is at `is`.
    pub(super) fn concepts_for(&self, is: usize, set: &'a EntitySet) -> Proposals {
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
    pub(super) fn values_of(&self, field: &Field, concepts_only: bool) -> Vec<String> {
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
    pub(super) fn value_of_entity(&self, i: usize, set: &'a EntitySet) -> bool {
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
