//! How customers are printed: aligned tables for people, JSON and CSV for scripts. The
//! machine formats are a stable interface: JSON is the wire format itself, CSV has a fixed
//! header naming the wire members.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};
use partnerd_model::Customer;

use super::failure::Usage;
use super::table::Table;

/// An output format of `list`, `get` and `create`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for reading (the default on a terminal).
    Table,
    /// The API's JSON (the default when piped): an array for lists, an object otherwise.
    Json,
    /// A header line and one line per customer.
    Csv,
}

impl Format {
    /// The chosen format, or the default for where standard output goes.
    pub fn or_default(chosen: Option<Format>) -> Format {
        chosen.unwrap_or(if std::io::stdout().is_terminal() { Format::Table } else { Format::Json })
    }
}

/// Where `list`, `get` and `create` print and how: `--format` is always the format, `--output`
/// always a file (as for `export`), so no flag means two things.
#[derive(Args)]
pub struct OutputArgs {
    /// table on a terminal, json otherwise.
    #[arg(long, env = "PARTNERD_FORMAT", value_enum)]
    format: Option<Format>,
    /// Write to FILE instead of standard output.
    #[arg(long, env = "PARTNERD_OUTPUT", value_name = "FILE")]
    output: Option<PathBuf>,
}

impl OutputArgs {
    /// The writer and format chosen. A file gets JSON unless told otherwise. `--output json`
    /// (the old meaning) is refused with the flag that does it, rather than creating a file
    /// named `json`.
    pub fn open(&self) -> anyhow::Result<(Box<dyn Write>, Format)> {
        let Some(path) = &self.output else {
            return Ok((Box::new(super::failure::stdout()), Format::or_default(self.format)));
        };
        let name = path.to_string_lossy();
        if let Ok(format) = Format::from_str(&name, true) {
            let format = format.to_possible_value().expect("formats have names").get_name().to_string();
            return Err(Usage(format!(
                "--output is the file to write; for the format use --format {format} (or --output ./{name} for a file of that name)"
            ))
            .into());
        }
        let file = std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
        Ok((Box::new(std::io::BufWriter::new(file)), self.format.unwrap_or(Format::Json)))
    }
}

/// The columns of tables and CSV, named as the wire members they come from.
pub const COLUMNS: [&str; 5] = ["id", "companyName", "domain", "relationshipToPartner", "associatedPartnerId"];

/// A customer's values for [`COLUMNS`].
pub fn row(c: &Customer) -> [String; 5] {
    [
        c.id.clone().unwrap_or_default(),
        c.company_name().to_string(),
        c.domain().to_string(),
        c.relationship_to_partner.map(|r| r.as_str().to_string()).unwrap_or_default(),
        c.associated_partner_id.clone().unwrap_or_default(),
    ]
}

/// One CSV line per customer, no header: export writes the header once, then page after page.
pub fn csv_rows(customers: &[Customer]) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    for c in customers {
        w.write_record(row(c))?;
    }
    Ok(w.into_inner().map_err(|e| e.into_error())?)
}

/// The CSV header line.
pub fn csv_header() -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS)?;
    Ok(w.into_inner().map_err(|e| e.into_error())?)
}

/// Prints a list as it arrives, page by page, so that `--all` over many pages starts
/// printing at once and holds one page in memory.
pub struct ListPrinter<W: Write> {
    out: W,
    format: Format,
    /// Set by the first page: column widths come from it and later pages keep them.
    table: Option<Table>,
    started: bool,
    printed: usize,
}

impl<W: Write> ListPrinter<W> {
    pub fn new(out: W, format: Format) -> Self {
        ListPrinter { out, format, table: None, started: false, printed: 0 }
    }

    pub fn page(&mut self, customers: &[Customer]) -> anyhow::Result<()> {
        let rows: Vec<[String; 5]> = customers.iter().map(row).collect();
        if !self.started {
            self.start(&rows)?;
        }
        match self.format {
            Format::Table => self.table.as_ref().expect("set by start").write_rows(&mut self.out, &rows)?,
            Format::Json => {
                for (i, c) in customers.iter().enumerate() {
                    let sep = if self.printed + i == 0 { "[\n" } else { ",\n" };
                    write!(self.out, "{sep}{}", serde_json::to_string(c)?)?;
                }
            }
            Format::Csv => self.out.write_all(&csv_rows(customers)?)?,
        }
        self.printed += customers.len();
        Ok(())
    }

    /// The header, sized for the first page's rows.
    fn start(&mut self, rows: &[[String; 5]]) -> anyhow::Result<()> {
        self.started = true;
        match self.format {
            Format::Table => {
                let table = Table::fit(&TABLE_HEADERS, rows);
                table.write_header(&mut self.out)?;
                self.table = Some(table);
            }
            Format::Csv => self.out.write_all(&csv_header()?)?,
            Format::Json => {}
        }
        Ok(())
    }

    /// Closes the list (the JSON array; the header alone for an empty table or CSV) and
    /// returns how many customers were printed.
    pub fn finish(mut self) -> anyhow::Result<usize> {
        if !self.started {
            self.start(&[])?;
        }
        match (self.format, self.printed) {
            (Format::Json, 0) => writeln!(self.out, "[]")?,
            (Format::Json, _) => writeln!(self.out, "\n]")?,
            _ => {}
        }
        self.out.flush()?;
        Ok(self.printed)
    }
}

const TABLE_HEADERS: [&str; 5] = ["ID", "COMPANY NAME", "DOMAIN", "RELATIONSHIP", "RESELLER"];

/// Prints one customer: every member that is set, as `label: value` lines for a person.
pub fn print_customer(out: &mut impl Write, c: &Customer, format: Format) -> anyhow::Result<()> {
    match format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(c)?)?,
        Format::Csv => {
            out.write_all(&csv_header()?)?;
            out.write_all(&csv_rows(std::slice::from_ref(c))?)?;
        }
        Format::Table => {
            let details = details(c);
            let width = details.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
            for (label, value) in details {
                writeln!(out, "{label:width$}  {value}")?;
            }
        }
    }
    Ok(())
}

fn details(c: &Customer) -> Vec<(&'static str, String)> {
    let billing = c.billing_profile.clone().unwrap_or_default();
    let address = billing.default_address.clone().unwrap_or_default();
    let contact = [billing.first_name, billing.last_name].into_iter().flatten().collect::<Vec<_>>().join(" ");
    let place = [address.address_line1, address.postal_code, address.city, address.country];
    let credentials = c.user_credentials.clone().unwrap_or_default();
    let fields = [
        ("Id", c.id.clone()),
        ("Company name", Some(c.company_name().to_string())),
        ("Domain", Some(c.domain().to_string())),
        ("Relationship", c.relationship_to_partner.map(|r| r.as_str().to_string())),
        ("Reseller", c.associated_partner_id.clone()),
        ("Commerce id", c.commerce_id.clone()),
        ("Custom domains", c.custom_domains.as_ref().map(|d| d.join(", "))),
        ("Billing contact", Some(contact)),
        ("Billing email", billing.email),
        ("Address", Some(place.into_iter().flatten().collect::<Vec<_>>().join(", "))),
        ("Culture", billing.culture),
        ("Admin user", credentials.user_name),
        ("Admin password", credentials.password),
    ];
    fields.into_iter().filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (k, v))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use partnerd_model::{CompanyProfile, Relationship};

    fn customer(id: &str, name: &str) -> Customer {
        Customer {
            id: Some(id.into()),
            company_profile: Some(CompanyProfile {
                company_name: Some(name.into()),
                domain: Some(format!("{id}.onmicrosoft.com")),
                ..Default::default()
            }),
            relationship_to_partner: Some(Relationship::Reseller),
            ..Default::default()
        }
    }

    fn print(format: Format, pages: &[Vec<Customer>]) -> String {
        let mut out = Vec::new();
        let mut p = ListPrinter::new(&mut out, format);
        for page in pages {
            p.page(page).unwrap();
        }
        p.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn json_is_one_array_across_pages() {
        let pages = vec![vec![customer("a", "A"), customer("b", "B")], vec![], vec![customer("c", "C, \"Ltd\"")]];
        let text = print(Format::Json, &pages);
        let parsed: Vec<Customer> = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed, pages.concat());
        assert_eq!(print(Format::Json, &[]), "[]\n");
    }

    #[test]
    fn csv_quotes_what_needs_quoting_and_has_one_header() {
        let pages = vec![vec![customer("a", "A")], vec![customer("c", "C, \"Ltd\"")]];
        let text = print(Format::Csv, &pages);
        assert_eq!(
            text,
            "id,companyName,domain,relationshipToPartner,associatedPartnerId\n\
             a,A,a.onmicrosoft.com,reseller,\n\
             c,\"C, \"\"Ltd\"\"\",c.onmicrosoft.com,reseller,\n"
        );
        assert_eq!(print(Format::Csv, &[]), "id,companyName,domain,relationshipToPartner,associatedPartnerId\n");
    }

    #[test]
    fn tables_align_wide_characters() {
        let text = print(Format::Table, &[vec![customer("a", "東京システム"), customer("b", "Zürich")]]);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("ID  COMPANY NAME  DOMAIN"), "{text}");
        let col = |line: &str| unicode_width::UnicodeWidthStr::width(&line[..line.find(".onmicrosoft").unwrap() - 1]);
        assert_eq!(col(lines[1]), col(lines[2]), "{text}");
    }

    #[test]
    fn details_leave_out_what_is_unset() {
        let mut out = Vec::new();
        print_customer(&mut out, &customer("a", "A"), Format::Table).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "Id            a\nCompany name  A\nDomain        a.onmicrosoft.com\nRelationship  reseller\n");
    }
}
