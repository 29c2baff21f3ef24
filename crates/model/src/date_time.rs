//! The date-times clients send in `dateAgreed`, read as leniently as Partner Center reads them:
//! `Z`, an offset (PowerShell sends local time with its offset), 0 to 7 fraction digits (.NET's
//! ticks), or no zone at all (UTC). Written back in one form, `YYYY-MM-DDTHH:MM:SSZ`.

/// Unix seconds of a date-time text, or why it is not one.
pub fn parse(text: &str) -> Result<i64, String> {
    const SHAPE: &str = "must be a date-time such as 2024-06-14T00:00:00Z";
    let t = text.trim();
    let (date, rest) = t.split_at(t.find(['T', 't', ' ']).unwrap_or(t.len()));
    let mut parts = date.split('-');
    let (Some(y), Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(SHAPE.into());
    };
    let (year, month, day) = (number(y, 4)?, number(m, 2)?, number(d, 2)?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return Err(SHAPE.into());
    }
    let rest = rest.get(1..).unwrap_or("");
    // The zone: `Z`, `+HH:MM`/`-HH:MM` (or without the colon), or nothing.
    let (clock, offset) = if let Some(c) = rest.strip_suffix(['Z', 'z']) {
        (c, 0)
    } else if let Some(at) = rest.rfind(['+', '-']) {
        let zone = &rest[at + 1..].replace(':', "");
        if zone.len() != 4 {
            return Err(SHAPE.into());
        }
        let minutes = number(&zone[..2], 2)? * 60 + number(&zone[2..], 2)?;
        (&rest[..at], if &rest[at..at + 1] == "-" { -minutes } else { minutes })
    } else {
        (rest, 0)
    };
    let (clock, fraction) = clock.split_once('.').unwrap_or((clock, ""));
    if fraction.len() > 7 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SHAPE.into());
    }
    let mut hms = clock.split(':');
    let mut field = |max: i64| -> Result<i64, String> {
        match hms.next() {
            None | Some("") => Ok(0),
            Some(v) => number(v, 2).and_then(|n| if n <= max { Ok(n) } else { Err(SHAPE.into()) }),
        }
    };
    let (h, mi, s) = (field(23)?, field(59)?, field(59)?);
    if hms.next().is_some() || (clock.is_empty() && !fraction.is_empty()) {
        return Err(SHAPE.into());
    }
    Ok(days_from_civil(year, month, day) * 86_400 + h * 3600 + mi * 60 + s - offset * 60)
}

/// The system clock's now, in Unix seconds.
pub fn now_unix() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// `YYYY-MM-DDTHH:MM:SSZ` for Unix seconds.
pub fn format(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

fn number(text: &str, width: usize) -> Result<i64, String> {
    if text.len() == width && text.bytes().all(|b| b.is_ascii_digit()) {
        Ok(text.parse().expect("digits"))
    } else {
        Err("must be a date-time such as 2024-06-14T00:00:00Z".into())
    }
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_form_reads_to_the_same_instant() {
        let utc = parse("2018-06-14T00:00:00.000Z").unwrap();
        assert_eq!(format(utc), "2018-06-14T00:00:00Z");
        assert_eq!(parse("2018-06-14T00:00:00").unwrap(), utc, "no zone is UTC");
        assert_eq!(parse("2018-06-14").unwrap(), utc);
        assert_eq!(parse("2018-06-14T02:00:00.1234567+02:00").unwrap(), utc);
        assert_eq!(parse("2018-06-13T19:00:00-0500").unwrap(), utc);
        assert_eq!(parse("1970-01-01T00:00:00Z").unwrap(), 0);
        assert_eq!(format(parse("2024-02-29T23:59:59Z").unwrap()), "2024-02-29T23:59:59Z");
    }

    #[test]
    fn malformed_dates_are_refused() {
        for bad in
            ["", "yesterday", "2018-13-01", "2023-02-29", "2018-06-14T25:00:00Z", "2018-06-14T00:00:00.12345678Z"]
        {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
