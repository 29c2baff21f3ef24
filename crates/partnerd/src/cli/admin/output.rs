//! How the admin commands print the control plane's answers: JSON as the server sent it (for
//! scripts; the default when piped), or aligned text (the default on a terminal).

use std::io::{IsTerminal, Write};

use clap::{Args, ValueEnum};
use serde::Serialize;
use serde_json::Value;

use super::super::customers::failure::stdout;
use super::super::customers::table::Table;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns, or one `name  value` line per member (the default on a terminal).
    Table,
    /// The control plane's JSON (the default when piped); streams print one object a line.
    Json,
}

#[derive(Args)]
pub struct FormatArg {
    /// table on a terminal, json otherwise.
    #[arg(long, env = "PARTNERD_FORMAT", value_enum)]
    format: Option<Format>,
}

impl FormatArg {
    pub fn get(&self) -> Format {
        self.format.unwrap_or(if std::io::stdout().is_terminal() { Format::Table } else { Format::Json })
    }
}

/// Prints one answer: JSON on one line, or a member per line.
pub fn object(value: &Value, format: Format) -> anyhow::Result<()> {
    let mut out = stdout();
    match (format, value.as_object()) {
        (Format::Table, Some(members)) => {
            let rows: Vec<[String; 2]> = members.iter().map(|(k, v)| [k.clone(), cell(v)]).collect();
            Table::fit(&["member", "value"], &rows).write_rows(&mut out, &rows)?;
        }
        _ => writeln!(out, "{value}")?,
    }
    out.flush()?;
    Ok(())
}

/// Prints rows under a header (tables) or the items one a line (JSON).
pub fn rows<T: Serialize, const N: usize>(
    items: &[T],
    headers: &[&str; N],
    row: impl Fn(&T) -> [String; N],
    format: Format,
) -> anyhow::Result<()> {
    let mut out = stdout();
    match format {
        Format::Json => {
            for item in items {
                writeln!(out, "{}", serde_json::to_string(item)?)?;
            }
        }
        Format::Table => {
            let rows: Vec<[String; N]> = items.iter().map(row).collect();
            let table = Table::fit(headers, &rows);
            table.write_header(&mut out)?;
            table.write_rows(&mut out, &rows)?;
        }
    }
    out.flush()?;
    Ok(())
}

/// A JSON value as a table cell: strings bare, null empty, everything else as JSON.
pub fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
