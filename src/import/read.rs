//! Reading messy CSV and TSV files: a UTF-8 byte-order mark, quoted fields with line breaks,
//! header cells with spaces, blank or repeated, rows shorter than the header, cells that are not
//! UTF-8 (read as Latin-1, as spreadsheets on Windows write them), and the delimiter told from
//! the file name or the header line.

use std::io::{BufRead, BufReader, Read};

use crate::error::{Error, Result};

/// A table being read: the cleaned header, then one row at a time.
pub struct Table<R: Read> {
    /// Column names, cleaned: trimmed, inner spaces collapsed, blank ones named `column_N`,
    /// repeated ones suffixed `_2`, `_3`...
    pub header: Vec<String>,
    reader: csv::Reader<BufReader<R>>,
    file: String,
    record: csv::ByteRecord,
    /// Rows as a spreadsheet numbers them: the header is row 1.
    row: u64,
    /// The line the next record starts on when no blank line comes between.
    next_line: u64,
    /// Cells that were not UTF-8 and were read as Latin-1.
    pub(crate) latin1_cells: u64,
}

/// One data row: its number and its cells, as many as the header has.
pub struct Row {
    pub number: u64,
    pub cells: Vec<String>,
    /// The first non-empty cell beyond the header's width: its column (from 1) and value.
    pub extra: Option<(usize, String)>,
}

impl<R: Read> Table<R> {
    /// Opens a table, reading its header. `delimiter` is the mapping's choice, if any.
    pub fn new(input: R, file: &str, delimiter: Option<u8>) -> Result<Self> {
        let mut buffered = BufReader::with_capacity(1 << 16, input);
        let io = |source| Error::Io {
            path: file.into(),
            source,
        };
        // The csv crate keeps a byte-order mark in the first header cell; drop it here.
        if buffered
            .fill_buf()
            .map_err(io)?
            .starts_with(b"\xEF\xBB\xBF")
        {
            buffered.consume(3);
        }
        let delimiter = match delimiter {
            Some(d) => d,
            None if is_tsv(file) => b'\t',
            None => sniff(buffered.fill_buf().map_err(io)?),
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(buffered);
        let mut record = csv::ByteRecord::new();
        let mut latin1_cells = 0;
        let read = reader
            .read_byte_record(&mut record)
            .map_err(|e| csv_error(file, e))?;
        if !read {
            return Err(Error::Syntax {
                file: file.to_owned(),
                line: None,
                column: None,
                message: "the file is empty; expected a header row".to_owned(),
            });
        }
        let next_line = reader.position().line();
        let raw: Vec<String> = record
            .iter()
            .map(|cell| text(cell, &mut latin1_cells))
            .collect();
        Ok(Self {
            header: clean_header(&raw),
            reader,
            file: file.to_owned(),
            record,
            row: 1,
            next_line,
            latin1_cells,
        })
    }

    /// The next data row, or `None` at the end. Blank lines are skipped (they are not rows).
    pub(crate) fn next_row(&mut self) -> Result<Option<Row>> {
        loop {
            let read = self
                .reader
                .read_byte_record(&mut self.record)
                .map_err(|e| csv_error(&self.file, e))?;
            if !read {
                return Ok(None);
            }
            // The csv crate skips blank lines, which a spreadsheet shows as rows: count them,
            // so that row numbers in messages are the ones the user sees. The reader stands on
            // the line after the record; the record began as many lines earlier as it has line
            // breaks inside quotes.
            let after = self.reader.position().line();
            let start = after.saturating_sub(1 + breaks(&self.record));
            self.row += 1 + start.saturating_sub(self.next_line);
            self.next_line = after;
            if self
                .record
                .iter()
                .all(|c| c.iter().all(u8::is_ascii_whitespace))
            {
                continue;
            }
            let width = self.header.len();
            let mut cells: Vec<String> = self
                .record
                .iter()
                .take(width)
                .map(|c| text(c, &mut self.latin1_cells))
                .collect();
            cells.resize(width, String::new());
            let extra = self
                .record
                .iter()
                .enumerate()
                .skip(width)
                .find(|(_, c)| !c.iter().all(u8::is_ascii_whitespace))
                .map(|(i, c)| (i + 1, text(c, &mut self.latin1_cells)));
            return Ok(Some(Row {
                number: self.row,
                cells,
                extra,
            }));
        }
    }
}

/// The line breaks inside a record's quoted cells.
fn breaks(record: &csv::ByteRecord) -> u64 {
    record
        .iter()
        .map(|c| c.iter().filter(|b| **b == b'\n').count() as u64)
        .sum()
}

fn is_tsv(file: &str) -> bool {
    let lower = file.to_ascii_lowercase();
    lower.ends_with(".tsv") || lower.ends_with(".tab")
}

/// The delimiter the header line uses most, of comma, semicolon and tab (comma on a tie).
fn sniff(start: &[u8]) -> u8 {
    let line = start.split(|b| *b == b'\n').next().unwrap_or_default();
    let count = |d: u8| line.iter().filter(|b| **b == d).count();
    [b'\t', b';']
        .into_iter()
        .filter(|d| count(*d) > count(b','))
        .max_by_key(|d| count(*d))
        .unwrap_or(b',')
}

/// A cell as text: UTF-8 if it is, else Latin-1.
fn text(cell: &[u8], latin1: &mut u64) -> String {
    match std::str::from_utf8(cell) {
        Ok(s) => s.to_owned(),
        Err(_) => {
            *latin1 += 1;
            cell.iter().map(|b| char::from(*b)).collect()
        }
    }
}

/// Trimmed, inner whitespace collapsed, blanks named by position, repeats numbered.
pub(crate) fn clean_header(raw: &[String]) -> Vec<String> {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(raw.len());
    for (i, cell) in raw.iter().enumerate() {
        let mut name = cell.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            name = format!("column_{}", i + 1);
        }
        let count = seen.entry(name.clone()).or_insert(0);
        *count += 1;
        if *count > 1 {
            name = format!("{name}_{count}");
        }
        out.push(name);
    }
    out
}

fn csv_error(file: &str, e: csv::Error) -> Error {
    let line = e.position().map(|p| p.line());
    match e.into_kind() {
        csv::ErrorKind::Io(source) => Error::Io {
            path: file.into(),
            source,
        },
        other => Error::Syntax {
            file: file.to_owned(),
            line,
            column: None,
            message: format!("{other:?}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table<'a>(text: &'a [u8], file: &str) -> Table<&'a [u8]> {
        Table::new(text, file, None).unwrap()
    }

    #[test]
    fn header_cells_are_cleaned_named_and_numbered() {
        let raw: Vec<String> = [" Agt  Id ", "", "Dat", "Dat", "", "Dat"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            clean_header(&raw),
            ["Agt Id", "column_2", "Dat", "Dat_2", "column_5", "Dat_3"]
        );
    }

    #[test]
    fn bom_quoted_newlines_and_row_numbers() {
        let mut t = table(
            b"\xEF\xBB\xBFid,name\n1,\"two\nlines\"\n\n2,short\n",
            "x.csv",
        );
        assert_eq!(t.header, ["id", "name"]);
        let first = t.next_row().unwrap().unwrap();
        assert_eq!((first.number, first.cells[1].as_str()), (2, "two\nlines"));
        let second = t.next_row().unwrap().unwrap();
        assert_eq!(
            second.number, 4,
            "a blank line is a row a spreadsheet counts"
        );
        assert!(t.next_row().unwrap().is_none());
    }

    #[test]
    fn delimiter_from_name_or_header() {
        assert_eq!(table(b"a\tb\n1\t2\n", "x.tsv").header, ["a", "b"]);
        assert_eq!(table(b"a;b;c\n", "x.csv").header, ["a", "b", "c"]);
        assert_eq!(table(b"a,b\n", "x.txt").header, ["a", "b"]);
    }

    #[test]
    fn latin1_cells_are_read_and_counted() {
        let mut t = table(b"name\nS\xe3o Tom\xe9\n", "x.csv");
        let row = t.next_row().unwrap().unwrap();
        assert_eq!(row.cells[0], "São Tomé");
        assert_eq!(t.latin1_cells, 1);
    }
}
