//! The shell's dot commands: their list (for `.help`, completion and hints), how a command line
//! is read into a `Command`, and what each one does to the session.

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;

use comfy_table::{ContentArrangement, Table, presets};

use super::{Output, Shell};
use oxigraph::model::Term;

use crate::output::Format;
use crate::results::Answer;
use crate::schema::{Field, ValueKind};
use crate::{load, suggest};

/// A dot command as `.help` shows it.
pub(crate) struct MetaCommand {
    pub name: &'static str,
    /// What it takes, as typed after the name; empty for nothing.
    pub usage: &'static str,
    pub summary: &'static str,
    pub example: &'static str,
}

/// Every dot command, in the order `.help` lists them.
pub(crate) const COMMANDS: &[MetaCommand] = &[
    MetaCommand {
        name: ".help",
        usage: "[COMMAND]",
        summary: "this help, or one command's",
        example: ".help mode",
    },
    MetaCommand {
        name: ".schema",
        usage: "[SET]",
        summary: "the entity sets, or the fields of one with their descriptions",
        example: ".schema guarantees",
    },
    MetaCommand {
        name: ".explain",
        usage: "QUERY",
        summary: "the SPARQL a query compiles to, without running it",
        example: ".explain settlements where party = France",
    },
    MetaCommand {
        name: ".sparql",
        usage: "on|off",
        summary: "show the SPARQL of each query before its results",
        example: ".sparql on",
    },
    MetaCommand {
        name: ".mode",
        usage: "table|csv|tsv|json|md",
        summary: "the format of results",
        example: ".mode csv",
    },
    MetaCommand {
        name: ".rows",
        usage: "N|all",
        summary: "how many rows of a result the screen shows (50 to start with)",
        example: ".rows 200",
    },
    MetaCommand {
        name: ".timer",
        usage: "on|off",
        summary: "show how long each statement takes",
        example: ".timer on",
    },
    MetaCommand {
        name: ".set",
        usage: "NAME VALUE",
        summary: "bind the parameter $NAME for the following queries",
        example: ".set country Russia",
    },
    MetaCommand {
        name: ".unset",
        usage: "NAME",
        summary: "forget a parameter",
        example: ".unset country",
    },
    MetaCommand {
        name: ".params",
        usage: "",
        summary: "the bound parameters",
        example: ".params",
    },
    MetaCommand {
        name: ".load",
        usage: "FILE...",
        summary: "load RDF files into the store, all of them or none",
        example: ".load my-treaties.ttl",
    },
    MetaCommand {
        name: ".read",
        usage: "FILE.tq",
        summary: "run every statement of a TQL file; its `let`s stay defined",
        example: ".read queries/15-cold-war-let.tq",
    },
    MetaCommand {
        name: ".output",
        usage: "[FILE]",
        summary: "write results to a file (all rows); alone, back to the screen",
        example: ".output guarantees.csv",
    },
    MetaCommand {
        name: ".stats",
        usage: "",
        summary: "what the store holds",
        example: ".stats",
    },
    MetaCommand {
        name: ".quit",
        usage: "",
        summary: "leave the shell (so does Ctrl-D)",
        example: ".quit",
    },
];

const HELP: &str = "\
Ask a question in TQL and press Enter. A statement that is not finished (it ends with
`where`, `and`, an open parenthesis or quote...) goes on to the next line, after `...>`.

Questions to start from:
  settlements where signed between 1814 and 1815
  guarantees where guarantor = Britain and outcome is violated show name, settlement.name
  settlements where guarantee.mechanism is neutrality show name, signed, peace_held_until
  count guarantees by outcome
  guarantees where guarantor = $country including predecessors    (after .set country Russia)
  let cold_war = settlements where signed between 1947 and 1991;   then: cold_war show name
  sparql \"SELECT ?s WHERE { ?s a tr:Settlement } LIMIT 3\"

Keys: Tab completes keywords, entity sets, fields, names and concepts; Ctrl-R searches the
history; Ctrl-C abandons the input or stops a running query; Ctrl-D leaves.

Commands:";

/// A dot command, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Help(Option<String>),
    Schema(Option<String>),
    Explain(String),
    /// `None` asks for the current state.
    Sparql(Option<bool>),
    Mode(Option<Format>),
    /// `None` asks for the current limit; `Some(None)` shows all rows.
    Rows(Option<Option<usize>>),
    Timer(Option<bool>),
    Set(String, String),
    Unset(String),
    Params,
    Load(Vec<String>),
    Read(String),
    Output(Option<String>),
    Stats,
    Quit,
}

/// Reads a dot command line; the error says what is wrong in the user's words.
pub fn parse(line: &str) -> Result<Command, String> {
    let line = line.trim();
    let (name, rest) = match line.split_once(char::is_whitespace) {
        Some((name, rest)) => (name, rest.trim()),
        None => (line, ""),
    };
    let name = name.to_lowercase();
    let none = |command: Command| {
        if rest.is_empty() {
            Ok(command)
        } else {
            Err(format!("`{name}` takes no argument"))
        }
    };
    let optional = || Some(rest.to_owned()).filter(|r| !r.is_empty());
    match name.as_str() {
        ".help" => Ok(Command::Help(
            optional().map(|r| r.trim_start_matches('.').to_lowercase()),
        )),
        ".schema" => Ok(Command::Schema(optional())),
        ".explain" if rest.is_empty() => Err("`.explain` takes a query: .explain QUERY".into()),
        ".explain" => Ok(Command::Explain(rest.to_owned())),
        ".sparql" => switch(&name, rest).map(Command::Sparql),
        ".timer" => switch(&name, rest).map(Command::Timer),
        ".mode" if rest.is_empty() => Ok(Command::Mode(None)),
        ".mode" => Format::from_name(rest)
            .map(|f| Command::Mode(Some(f)))
            .ok_or_else(|| {
                format!(
                    "unknown mode `{rest}`; the modes are {}",
                    Format::NAMES.join(", ")
                )
            }),
        ".rows" => match rest.to_lowercase().as_str() {
            "" => Ok(Command::Rows(None)),
            "all" => Ok(Command::Rows(Some(None))),
            n => match n.parse::<usize>() {
                Ok(n) if n > 0 => Ok(Command::Rows(Some(Some(n)))),
                _ => Err(format!(
                    "`.rows` takes a number of rows or `all`, not `{rest}`"
                )),
            },
        },
        ".set" => {
            let (param, value) = rest
                .split_once(char::is_whitespace)
                .ok_or("`.set` takes a name and a value: .set country Russia")?;
            let param = param_name(param)?;
            Ok(Command::Set(param, unquote(value.trim())))
        }
        ".unset" if rest.is_empty() => Err("`.unset` takes a parameter name".into()),
        ".unset" => Ok(Command::Unset(param_name(rest)?)),
        ".params" => none(Command::Params),
        ".load" => {
            let files = words(rest);
            if files.is_empty() {
                return Err("`.load` takes one or more RDF files".into());
            }
            Ok(Command::Load(files))
        }
        ".read" => match words(rest).as_slice() {
            [file] => Ok(Command::Read(file.clone())),
            _ => Err("`.read` takes one .tq file".into()),
        },
        ".output" => match words(rest).as_slice() {
            [] => Ok(Command::Output(None)),
            [file] => Ok(Command::Output(Some(file.clone()))),
            _ => Err("`.output` takes one file, or nothing to write to the screen".into()),
        },
        ".stats" => none(Command::Stats),
        ".quit" | ".exit" | ".q" => none(Command::Quit),
        _ => {
            let names = COMMANDS.iter().map(|c| c.name);
            Err(match suggest::nearest(&name, names, suggest::LIKELY) {
                Some(n) => format!("unknown command `{name}`; did you mean `{n}`?"),
                None => format!("unknown command `{name}`; .help lists the commands"),
            })
        }
    }
}

fn switch(name: &str, rest: &str) -> Result<Option<bool>, String> {
    match rest.to_lowercase().as_str() {
        "" => Ok(None),
        "on" | "yes" | "true" => Ok(Some(true)),
        "off" | "no" | "false" => Ok(Some(false)),
        _ => Err(format!("`{name}` takes on or off, not `{rest}`")),
    }
}

fn param_name(text: &str) -> Result<String, String> {
    let name = text.trim_start_matches('$');
    if name.is_empty()
        || name.starts_with(|c: char| c.is_ascii_digit())
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(format!(
            "`{text}` is not a parameter name (letters, digits and _)"
        ));
    }
    Ok(name.to_owned())
}

/// A value without the quotes around it, if it has a pair.
fn unquote(value: &str) -> String {
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|v| v.strip_suffix(quote))
        {
            return inner.to_owned();
        }
    }
    value.to_owned()
}

/// Arguments separated by spaces; quotes keep spaces in one.
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quote = None;
    let mut started = false;
    for c in text.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => current.push(c),
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                started = true;
            }
            None if c.is_whitespace() => {
                if started {
                    out.push(std::mem::take(&mut current));
                    started = false;
                }
            }
            None => {
                current.push(c);
                started = true;
            }
        }
    }
    if started {
        out.push(current);
    }
    out
}

/// The help text: how to ask, examples, and every command.
pub fn help() -> String {
    let width = COMMANDS
        .iter()
        .map(|c| c.name.len() + 1 + c.usage.len())
        .max()
        .unwrap_or(0);
    let mut out = String::from(HELP);
    for c in COMMANDS {
        let head = format!("{} {}", c.name, c.usage);
        out.push_str(&format!("\n  {head:width$}  {}", c.summary));
    }
    out.push_str("\n\nThe language, with an example of every construct: docs/language.md");
    out
}

/// The help of one command.
pub(crate) fn help_on(name: &str) -> Option<String> {
    let c = COMMANDS
        .iter()
        .find(|c| c.name.trim_start_matches('.') == name)?;
    Some(format!(
        "{} {}\n  {}\n  example: {}",
        c.name, c.usage, c.summary, c.example
    ))
}

impl Shell<'_> {
    /// Carries out a dot command. Returns false when the user asked to leave.
    pub(super) fn meta(&mut self, command: Command) -> bool {
        match command {
            Command::Quit => return false,
            Command::Help(None) => self.note(&help()),
            Command::Help(Some(name)) => match help_on(&name) {
                Some(text) => self.note(&text),
                None => self.error_note(&format!("no command `.{name}`; .help lists the commands")),
            },
            Command::Schema(set) => self.schema(set.as_deref()),
            Command::Explain(text) => match self.session.explain("input", &text) {
                Ok(outcomes) => {
                    for outcome in outcomes {
                        let sparql = outcome
                            .explain()
                            .unwrap_or_else(|| "(a definition: nothing to run)".into());
                        self.note(&format!("-- {}\n{}", outcome.heading(), sparql.trim_end()));
                    }
                }
                Err(e) => self.report(&e),
            },
            Command::Sparql(None) => self.note(&format!("sparql: {}", on_off(self.sparql))),
            Command::Sparql(Some(on)) => self.sparql = on,
            Command::Timer(None) => self.note(&format!("timer: {}", on_off(self.timer))),
            Command::Timer(Some(on)) => self.timer = on,
            Command::Mode(None) => self.note(&format!(
                "mode: {} (one of {})",
                format_name(self.format),
                Format::NAMES.join(", ")
            )),
            Command::Mode(Some(format)) => self.format = format,
            Command::Rows(None) => self.note(&match self.rows {
                Some(n) => format!("rows: the screen shows {n} rows of a result at most"),
                None => "rows: the screen shows every row".into(),
            }),
            Command::Rows(Some(rows)) => self.rows = rows,
            Command::Set(name, value) => {
                self.session.compiler().set_param(&name, &value);
                self.note(&format!("${name} = {value}"));
            }
            Command::Unset(name) => {
                if self.session.compiler().params().contains_key(&name) {
                    self.session.compiler().unset_param(&name);
                } else {
                    self.error_note(&format!("${name} is not set"));
                }
            }
            Command::Params => {
                let mut params: Vec<(String, String)> = self
                    .session
                    .compiler()
                    .params()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                params.sort();
                if params.is_empty() {
                    self.note("no parameters; `.set NAME VALUE` binds one");
                }
                for (name, value) in params {
                    self.note(&format!("${name} = {value}"));
                }
            }
            Command::Load(files) => self.load(&files),
            Command::Read(file) => match std::fs::read_to_string(&file) {
                Ok(text) => self.run_tql(&file, &text),
                Err(e) => self.error_note(&format!("cannot read {file}: {e}")),
            },
            Command::Output(None) => {
                if matches!(self.output, Output::File { .. }) {
                    self.close_output();
                    self.note("results go to the screen again");
                }
            }
            Command::Output(Some(file)) => {
                let path = PathBuf::from(&file);
                match File::create(&path) {
                    Ok(f) => {
                        self.close_output();
                        self.output = Output::File {
                            path,
                            out: BufWriter::new(f),
                        };
                        self.note(&format!(
                            "results go to {file} (every row); `.output` alone brings them back"
                        ));
                    }
                    Err(e) => self.error_note(&format!("cannot create {file}: {e}")),
                }
            }
            Command::Stats => match crate::stats::collect(self.target.backend()) {
                Ok(stats) => self.show(&stats.to_answer()),
                Err(e) => self.report(&e),
            },
        }
        true
    }

    /// `.load`: one atomic load, then the names and the schema are read again.
    fn load(&mut self, files: &[String]) {
        let inputs: Vec<load::Input> = files
            .iter()
            .map(|f| load::Input::File(PathBuf::from(f)))
            .collect();
        match load::load_to(
            self.target,
            &inputs,
            &load::Options::default(),
            &load::Silent,
        ) {
            Ok(summary) => {
                self.note(&summary.to_string());
                if self.target.is_memory() {
                    self.note(
                        "note: the store is in memory: the loaded data is gone when treaty exits",
                    );
                }
                match self.session.reload() {
                    Ok(()) => self.reloaded = true,
                    Err(e) => self.report(&e),
                }
            }
            Err(e) => self.report(&e),
        }
    }

    /// `.schema`: the entity sets, or the fields of one.
    fn schema(&self, name: Option<&str>) {
        let schema = self.session.schema();
        let mut table = Table::new();
        table
            .load_preset(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic);
        if table.width() == Some(0) {
            // A terminal that does not know its width: do not wrap (see output/text.rs).
            table.set_content_arrangement(ContentArrangement::Disabled);
        }
        let Some(name) = name else {
            table.set_header(["entity set", "what it holds"]);
            for set in &schema.sets {
                table.add_row([set.plural.as_str(), set.description.as_str()]);
            }
            for (name, plural) in &self.lets {
                table.add_row([name.clone(), format!("`let` definition, from {plural}")]);
            }
            self.note(&format!(
                "{table}\n`.schema SET` lists the fields of a set, such as `.schema settlements`."
            ));
            return;
        };
        // A field whose values are concepts (`.schema outcome`), unless the name is an entity
        // set's plural (`.schema mechanisms` lists that set's fields).
        let concept_field = schema.fields.iter().find(|f| {
            f.name.eq_ignore_ascii_case(name) && matches!(f.kind, ValueKind::Concept(Some(_)))
        });
        if let Some(field) = concept_field
            && !schema
                .sets
                .iter()
                .any(|s| s.plural.eq_ignore_ascii_case(name))
        {
            return self.concepts(field);
        }
        let plural = self
            .lets
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map_or(name, |(_, p)| p.as_str());
        let Some(set) = schema.set(plural) else {
            let nouns = schema.nouns().join(", ");
            return self.error_note(&format!("no entity set `{name}`; the sets are {nouns}"));
        };
        table.set_header(["field", "holds", "IRI", "description"]);
        for field in schema.fields_of(set) {
            // The IRI a Turtle file or a SPARQL query writes; `^` marks a field read backwards.
            let iri = format!(
                "{}{}",
                if field.inverse { "^" } else { "" },
                short_iri(field.predicate.as_str())
            );
            table.add_row([
                field.name.clone(),
                self.holds(field),
                iri,
                field.description.clone(),
            ]);
        }
        let defaults = set.default_fields.join(", ");
        self.note(&format!(
            "{} ({}): {}\n{table}\nShown when a query has no `show`: {defaults}.",
            set.plural,
            short_iri(set.class.as_str()),
            set.description
        ));
    }

    /// `.schema FIELD` for a field whose values are concepts: the concepts of its scheme, with
    /// their IRIs and broader concepts, for queries (`is`) and for Turtle files.
    fn concepts(&self, field: &Field) {
        let ValueKind::Concept(Some(scheme)) = &field.kind else {
            return;
        };
        let query = format!(
            "SELECT ?concept ?label ?broader WHERE {{ \
               ?concept skos:inScheme <{}> ; rdfs:label ?label . \
               OPTIONAL {{ ?concept skos:broader/rdfs:label ?broader }} \
               FILTER(LANGMATCHES(LANG(?label), \"en\") || LANG(?label) = \"\") \
             }} ORDER BY ?label ?concept",
            scheme.as_str()
        );
        let answer = match self.target.backend().query(&query) {
            Ok(Answer::Table(table)) => table,
            Ok(Answer::Boolean(_)) => return,
            Err(e) => return self.report(&crate::Error::from(e)),
        };
        let mut table = Table::new();
        table
            .load_preset(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Disabled)
            .set_header(["concept", "IRI", "narrower than"]);
        let cell = |row: &[Option<Term>], i: usize| {
            row.get(i)
                .and_then(Option::as_ref)
                .map(crate::output::display_term)
                .unwrap_or_default()
        };
        for row in &answer.rows {
            table.add_row([cell(row, 1), cell(row, 0), cell(row, 2)]);
        }
        self.note(&format!(
            "{} ({}): {} concepts of <{}>; `{} is NAME` includes the narrower ones\n{table}",
            field.name,
            short_iri(field.predicate.as_str()),
            answer.rows.len(),
            scheme.as_str(),
            field.name
        ));
    }

    /// What a field's values are, in words.
    fn holds(&self, field: &Field) -> String {
        let schema = self.session.schema();
        let what = match &field.kind {
            ValueKind::Date => "date".to_owned(),
            ValueKind::Text => "text".to_owned(),
            ValueKind::Boolean => "true/false".to_owned(),
            ValueKind::Number => "number".to_owned(),
            ValueKind::Entity(class) => match schema.set_of_class(class) {
                Some(set) => set.singular.clone(),
                None => "entity".to_owned(),
            },
            ValueKind::Concept(_) => "concept (`is`)".to_owned(),
            ValueKind::Resource => "link".to_owned(),
        };
        if field.single {
            what
        } else {
            format!("{what}, several")
        }
    }
}

fn on_off(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Table => "table",
        Format::Csv => "csv",
        Format::Tsv => "tsv",
        Format::Json => "json",
        Format::Markdown => "md",
        Format::Turtle => "turtle",
        Format::NTriples => "ntriples",
    }
}

/// An IRI as the data files write it: prefixed where a known prefix fits, else in `<...>`.
fn short_iri(iri: &str) -> String {
    crate::vocab::compact(iri).unwrap_or_else(|| format!("<{iri}>"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_read_with_their_arguments() {
        assert_eq!(parse(".mode csv"), Ok(Command::Mode(Some(Format::Csv))));
        assert_eq!(parse(".MODE"), Ok(Command::Mode(None)));
        assert_eq!(parse(".sparql on"), Ok(Command::Sparql(Some(true))));
        assert_eq!(parse(".timer off"), Ok(Command::Timer(Some(false))));
        assert_eq!(parse(".rows all"), Ok(Command::Rows(Some(None))));
        assert_eq!(parse(".rows 10"), Ok(Command::Rows(Some(Some(10)))));
        assert_eq!(
            parse(".set $country \"Soviet Union\""),
            Ok(Command::Set("country".into(), "Soviet Union".into()))
        );
        assert_eq!(
            parse(".set country Soviet Union"),
            Ok(Command::Set("country".into(), "Soviet Union".into()))
        );
        assert_eq!(
            parse(".load a.ttl 'my file.nt'"),
            Ok(Command::Load(vec!["a.ttl".into(), "my file.nt".into()]))
        );
        assert_eq!(parse(".output"), Ok(Command::Output(None)));
        assert_eq!(
            parse(".explain settlements"),
            Ok(Command::Explain("settlements".into()))
        );
        assert_eq!(parse(".help .mode"), Ok(Command::Help(Some("mode".into()))));
        assert_eq!(parse(".exit"), Ok(Command::Quit));
    }

    #[test]
    fn mistakes_are_explained() {
        assert!(parse(".mode xml").unwrap_err().contains("table, csv"));
        assert!(parse(".sparql maybe").unwrap_err().contains("on or off"));
        assert!(parse(".rows 0").is_err());
        assert!(
            parse(".set country")
                .unwrap_err()
                .contains("a name and a value")
        );
        assert!(parse(".set 1x y").is_err());
        assert!(parse(".stats now").unwrap_err().contains("no argument"));
        assert!(parse(".load").is_err());
        assert_eq!(
            parse(".mdoe csv").unwrap_err(),
            "unknown command `.mdoe`; did you mean `.mode`?"
        );
    }

    #[test]
    fn help_lists_every_command_with_examples() {
        let text = help();
        for c in COMMANDS {
            assert!(text.contains(c.name), "{}", c.name);
        }
        assert!(text.contains("guarantees where guarantor = Britain"));
        assert!(help_on("mode").unwrap().contains("example: .mode csv"));
        assert!(help_on("nothing").is_none());
    }
}
