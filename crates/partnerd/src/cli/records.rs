//! Reading customer records for import: a JSON array or JSON lines, streamed so that a
//! million records never sit in memory at once.

use std::io::{BufRead, BufReader, Read};

use serde::de::{DeserializeSeed, SeqAccess, Visitor};
use serde_json::Value;

/// One record, or why it could not be read; `position` says where it is in the input.
pub enum Item {
    Record { position: String, value: Value },
    Malformed { position: String, error: String },
}

/// Calls `each` for every record in `input`. A malformed JSON line is reported and skipped; a
/// malformed JSON array ends the reading with an error, since nothing after it can be trusted.
pub fn read_records(input: impl Read, mut each: impl FnMut(Item)) -> anyhow::Result<()> {
    let mut reader = BufReader::with_capacity(1 << 20, input);
    if first_byte(&mut reader)? == Some(b'[') {
        let mut de = serde_json::Deserializer::from_reader(reader);
        Each { each: &mut each, index: 0 }
            .deserialize(&mut de)
            .map_err(|e| anyhow::anyhow!("the JSON array cannot be read past this point: {e}"))?;
        de.end().map_err(|e| anyhow::anyhow!("unexpected data after the JSON array: {e}"))?;
        return Ok(());
    }
    let mut line = String::new();
    let mut number = 0u64;
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        number += 1;
        if line.trim().is_empty() {
            continue;
        }
        let position = format!("line {number}");
        each(match serde_json::from_str(&line) {
            Ok(value) => Item::Record { position, value },
            Err(e) => Item::Malformed { position, error: format!("not valid JSON: {e}") },
        });
    }
}

/// Skips leading white space and returns the first byte without consuming it.
fn first_byte(reader: &mut impl BufRead) -> std::io::Result<Option<u8>> {
    loop {
        let buf = reader.fill_buf()?;
        let Some(&b) = buf.first() else { return Ok(None) };
        if !b.is_ascii_whitespace() {
            return Ok(Some(b));
        }
        reader.consume(1);
    }
}

/// Visits the array's elements one at a time.
struct Each<'a, F> {
    each: &'a mut F,
    index: u64,
}

impl<'de, F: FnMut(Item)> DeserializeSeed<'de> for Each<'_, F> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(Item)> Visitor<'de> for Each<'_, F> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of customers")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        while let Some(value) = seq.next_element::<Value>()? {
            self.index += 1;
            (self.each)(Item::Record { position: format!("record {}", self.index), value });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn positions(input: &str) -> (Vec<String>, Vec<String>) {
        let (mut ok, mut bad) = (Vec::new(), Vec::new());
        read_records(input.as_bytes(), |item| match item {
            Item::Record { position, .. } => ok.push(position),
            Item::Malformed { position, .. } => bad.push(position),
        })
        .unwrap();
        (ok, bad)
    }

    #[test]
    fn arrays_and_lines() {
        assert_eq!(positions("  [ {\"a\":1}, {\"b\":2} ]").0, ["record 1", "record 2"]);
        let (ok, bad) = positions("{\"a\":1}\n\n{oops\n{\"b\":2}\n");
        assert_eq!(ok, ["line 1", "line 4"]);
        assert_eq!(bad, ["line 3"]);
        assert!(read_records("[{\"a\":1}, {oops}]".as_bytes(), |_| {}).is_err());
        assert_eq!(positions("").0.len(), 0);
    }
}
