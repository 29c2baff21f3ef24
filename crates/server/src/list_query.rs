//! The list request's query string (spec §4): `size`, `filter` (JSON or flattened) and
//! `seekOperation`, with parameter names matched case-insensitively.

use partnerd_model::{Filter, SeekOperation};

use crate::ApiError;

/// The default and largest page size.
pub(crate) const MAX_PAGE_SIZE: usize = 500;

/// What the query string asks for; each member is `None` when the request does not say.
#[derive(Debug, Default)]
pub(crate) struct ListParams {
    pub size: Option<usize>,
    pub filter: Option<Filter>,
    pub seek: Option<SeekOperation>,
}

impl ListParams {
    pub fn parse(raw_query: &str) -> Result<ListParams, ApiError> {
        let mut size = None;
        let mut filter_json = None;
        let (mut field, mut value, mut operator) = (None, None, None);
        let mut seek = None;
        for (name, v) in form_urlencoded::parse(raw_query.as_bytes()) {
            match name.to_ascii_lowercase().as_str() {
                "size" => size = Some(v.into_owned()),
                "filter" => filter_json = Some(v.into_owned()),
                "filter.field" => field = Some(v.into_owned()),
                "filter.value" => value = Some(v.into_owned()),
                "filter.operator" => operator = Some(v.into_owned()),
                "seekoperation" => seek = Some(v.into_owned()),
                _ => {}
            }
        }
        let filter = match (filter_json, field.is_some() || value.is_some() || operator.is_some()) {
            (Some(json), _) => Some(Filter::parse_json(&json)?),
            (None, true) => Some(Filter::from_parts(field.as_deref(), value.as_deref(), operator.as_deref())?),
            (None, false) => None,
        };
        let seek = match seek {
            Some(s) => Some(SeekOperation::parse(&s).ok_or_else(|| {
                ApiError::invalid_enum(format!(
                    "seekOperation '{s}' is not one of Next, Previous, First, Last, PageIndex."
                ))
            })?),
            None => None,
        };
        Ok(ListParams { size: size.map(|s| parse_size(&s)).transpose()?, filter, seek })
    }
}

/// `0` (or empty) means the default; above the cap is lowered to it; negative or
/// non-numeric is refused.
/// A page `size`: 0, empty or above the cap is the cap; anything but digits is a 400. Every
/// paged list (customers, users, role members) reads it the same.
pub(crate) fn parse_size(s: &str) -> Result<usize, ApiError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(MAX_PAGE_SIZE);
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::invalid(format!("size '{s}' is not a non-negative integer.")).with_data("size"));
    }
    let n = s.parse::<u64>().unwrap_or(u64::MAX);
    Ok(if n == 0 || n > MAX_PAGE_SIZE as u64 { MAX_PAGE_SIZE } else { n as usize })
}

#[cfg(test)]
mod tests {
    use super::*;
    use partnerd_model::FilterField;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("0").unwrap(), 500);
        assert_eq!(parse_size("7").unwrap(), 7);
        assert_eq!(parse_size("501").unwrap(), 500);
        assert_eq!(parse_size("99999999999999999999999").unwrap(), 500);
        assert!(parse_size("-1").is_err());
        assert!(parse_size("ten").is_err());
    }

    #[test]
    fn plus_is_a_space_and_names_ignore_case() {
        let q = "SIZE=5&Filter=%7B%22Field%22%3A%22CompanyName%22%2C%22Value%22%3A%22a+b%22%2C%22Operator%22%3A%22starts_with%22%7D&seekoperation=next";
        let p = ListParams::parse(q).unwrap();
        assert_eq!(p.size, Some(5));
        assert_eq!(p.filter.unwrap().value, "a b");
        assert_eq!(p.seek, Some(SeekOperation::Next));
        let flat = ListParams::parse("filter.field=Domain&filter.value=ab&filter.operator=9").unwrap();
        assert_eq!(flat.filter.unwrap().field, FilterField::Domain);
        assert_eq!(ListParams::parse("seekOperation=sideways").unwrap_err().body().code, 900126);
    }
}
