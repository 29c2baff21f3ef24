//! Aligned text columns. Widths are display widths, so names in CJK scripts (two columns a
//! character) line up with Latin ones.

use std::io::Write;

use unicode_width::UnicodeWidthStr;

/// Columns separated by two spaces; empty trailing columns are not printed.
pub struct Table {
    headers: Vec<String>,
    widths: Vec<usize>,
}

impl Table {
    /// Widths that fit the headers and `rows`; longer cells printed later overflow.
    pub fn fit<const N: usize>(headers: &[&str; N], rows: &[[String; N]]) -> Table {
        let widths =
            (0..N).map(|i| rows.iter().map(|r| r[i].width()).chain([headers[i].width()]).max().unwrap_or(0)).collect();
        Table { headers: headers.iter().map(|h| h.to_string()).collect(), widths }
    }

    pub fn write_header(&self, out: &mut impl Write) -> std::io::Result<()> {
        self.write_line(out, &self.headers)
    }

    pub fn write_rows<const N: usize>(&self, out: &mut impl Write, rows: &[[String; N]]) -> std::io::Result<()> {
        rows.iter().try_for_each(|r| self.write_line(out, r))
    }

    fn write_line(&self, out: &mut impl Write, cells: &[String]) -> std::io::Result<()> {
        let mut line = String::new();
        for (i, (cell, width)) in cells.iter().zip(&self.widths).enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            line.push_str(cell);
            line.extend(std::iter::repeat_n(' ', width.saturating_sub(cell.width())));
        }
        writeln!(out, "{}", line.trim_end())
    }
}
