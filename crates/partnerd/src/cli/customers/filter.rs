//! The filter flags of `list` and `export`: at most one of them.

use clap::Args;
use partnerd_client::ListQuery;
use serde::{Deserialize, Serialize};

#[derive(Args, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[group(multiple = false)]
pub struct FilterArgs {
    /// Only customers whose company name starts with PREFIX (case-insensitive).
    #[arg(long, env = "PARTNERD_NAME", value_name = "PREFIX")]
    pub name: Option<String>,
    /// Only customers whose initial domain starts with PREFIX.
    #[arg(long, env = "PARTNERD_DOMAIN", value_name = "PREFIX")]
    pub domain: Option<String>,
    /// Only customers of this indirect reseller (its tenant GUID).
    #[arg(long, env = "PARTNERD_RESELLER", value_name = "GUID", value_parser = parse_guid)]
    pub reseller: Option<String>,
}

impl FilterArgs {
    /// The query for these filters and page size.
    pub fn query(&self, size: Option<u32>) -> ListQuery {
        let mut q = ListQuery { size, filter: None };
        if let Some(p) = &self.name {
            q = q.company_name_starts_with(p);
        } else if let Some(p) = &self.domain {
            q = q.domain_starts_with(p);
        } else if let Some(r) = &self.reseller {
            q = q.indirect_reseller(r);
        }
        q
    }
}

/// A GUID argument (a reseller's or a customer's tenant id), normalised to lowercase.
pub(super) fn parse_guid(s: &str) -> Result<String, String> {
    partnerd_model::parse_guid(s).ok_or_else(|| format!("'{s}' is not a GUID"))
}
