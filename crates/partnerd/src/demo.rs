//! The demo data's partner.

/// The demo partner's tenant id, fixed so that documentation and scripts can name it.
pub const DEMO_PARTNER: &str = "c0ffee00-0000-4000-8000-000000000001";
