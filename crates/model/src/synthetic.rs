//! Synthetic customers: varied, realistic company names (many sharing prefixes, some
//! non-ASCII) with unique initial domains, generated from a seed. Demo data, `partnerd seed`
//! and the control plane's seed use it.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::assemble::NewIds;
use crate::ids::CustomerId;
use crate::new_customer::NewCustomer;
use crate::{Address, BillingProfile, CompanyProfile, Customer};

const STEMS: &[&str] = &[
    "Contoso",
    "Contoso Pharma",
    "Contour",
    "Fabrikam",
    "Fabrikam Fiber",
    "Northwind",
    "Northwind Traders",
    "Adventure Works",
    "Tailspin Toys",
    "Wide World Importers",
    "Litware",
    "Proseware",
    "Woodgrove",
    "Alpine Ski House",
    "Coho Winery",
    "Margie's Travel",
    "Trey Research",
    "Lamna Healthcare",
    "Fourth Coffee",
    "Blue Yonder Airlines",
    "City Power & Light",
    "Graphic Design Institute",
    "Humongous Insurance",
    "Lucerne Publishing",
    "Relecloud",
    "School of Fine Art",
    "VanArsdel",
    "Wingtip Toys",
    "Best For You Organics",
    "Ärzte",
    "Ärztekammer",
    "Müller",
    "Müllerei",
    "Société Générale des Eaux",
    "Østergaard",
    "Zürich Consulting",
    "Café Olé",
    "Łódź Logistics",
    "São Paulo Digital",
    "Ñandú Software",
    "Þór Systems",
    "Çelik Yapı",
    "東京システム",
    "Δέλτα Ενέργεια",
    "Новые Технологии",
    "Ångström Labs",
    "École Numérique",
    "Smørrebrød Catering",
];
const SECTORS: &[&str] = &[
    "",
    "Healthcare",
    "Logistics",
    "Bank",
    "Consulting",
    "Software",
    "Foods",
    "Energy",
    "Retail",
    "Legal",
    "Architects",
    "Robotics",
    "Media",
    "Insurance",
    "Textiles",
    "Partners",
    "Group",
    "Holdings",
];
const SUFFIXES: &[&str] =
    &["", "Ltd", "GmbH", "Inc.", "S.A.", "AB", "Oy", "KK", "LLC", "Pty Ltd", "SARL", "B.V.", "AG", "S.p.A."];
const CITIES: &[(&str, &str, &str)] = &[
    ("US", "Redmond", "98052"),
    ("US", "New York", "10001"),
    ("DE", "München", "80331"),
    ("FR", "Paris", "75002"),
    ("GB", "London", "EC1A 1BB"),
    ("SE", "Göteborg", "41101"),
    ("JP", "Tokyo", "100-0001"),
    ("BR", "São Paulo", "01000-000"),
    ("ES", "Málaga", "29001"),
    ("DK", "Aarhus", "8000"),
    ("PL", "Łódź", "90-001"),
    ("NL", "Utrecht", "3511"),
];

/// Generates customers: names from `seed`; domains unique within one generator and, through
/// its tag, across generators with different tags. ChaCha8 is specified and portable, so a
/// seed gives the same customers on every platform and store.
pub struct Generator {
    rng: ChaCha8Rng,
    /// Where ids come from: `None` for fresh random ones.
    ids: Option<ChaCha8Rng>,
    tag: String,
    next: u64,
}

impl Generator {
    /// Names from `seed`, random ids, domains tagged with `tag`.
    pub fn new(seed: u64, tag: &str) -> Generator {
        Generator { rng: ChaCha8Rng::seed_from_u64(seed), ids: None, tag: tag.to_string(), next: 0 }
    }

    /// Everything from (`seed`, `partner`): the same arguments give the same customers (names,
    /// ids, domains, every member), and different partners or seeds give different ids and
    /// domains (a six-character tag derived from both), so seeds do not collide.
    pub fn deterministic(seed: u64, partner: &crate::PartnerId) -> Generator {
        let mut key = [0u8; 32];
        key[..8].copy_from_slice(&seed.to_le_bytes());
        let guid = uuid::Uuid::parse_str(partner.as_str()).map(|u| *u.as_bytes()).unwrap_or_default();
        key[8..24].copy_from_slice(&guid);
        key[24..].copy_from_slice(b"partnerd");
        let mut ids = ChaCha8Rng::from_seed(key);
        let tag: String = (0..6).map(|_| base36(ids.gen_range(0..36))).collect();
        Generator { rng: ChaCha8Rng::seed_from_u64(seed), ids: Some(ids), tag, next: 0 }
    }

    fn new_ids(&mut self) -> NewIds {
        let Some(rng) = self.ids.as_mut() else { return NewIds::random() };
        let mut v4 = || uuid::Builder::from_random_bytes(rng.gen()).into_uuid();
        NewIds {
            id: CustomerId::from(v4()),
            commerce_id: v4().to_string(),
            billing_id: v4().to_string(),
            etag: v4().simple().to_string(),
        }
    }

    /// The next complete customer, ready to store.
    pub fn customer(&mut self) -> Customer {
        let (new, ids) = self.next_new();
        new.assemble(ids)
    }

    /// The next customer as a create request and the ids it is to get.
    pub fn next_new(&mut self) -> (NewCustomer, NewIds) {
        let n = self.next;
        self.next += 1;
        let pick = |rng: &mut ChaCha8Rng, list: &[&'static str]| list[rng.gen_range(0..list.len())];
        let stem = pick(&mut self.rng, STEMS);
        let name = [stem, pick(&mut self.rng, SECTORS), pick(&mut self.rng, SUFFIXES)]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        let domain = format!("{}{}{}.onmicrosoft.com", domain_stem(stem), self.tag, base36(n));
        let (country, city, postal) = CITIES[self.rng.gen_range(0..CITIES.len())];
        let first = pick(&mut self.rng, &["Ada", "Björn", "Chloé", "Dmitri", "Eun-ji", "Farah", "Giulia", "Hiro"]);
        let last =
            pick(&mut self.rng, &["Lovelace", "Åkesson", "Dubois", "Ivanov", "Kim", "Haddad", "Rossi", "Tanaka"]);
        let address = Address {
            country: Some(country.into()),
            city: Some(city.into()),
            address_line1: Some(format!("{} Main Street", self.rng.gen_range(1..999))),
            postal_code: Some(postal.into()),
            first_name: Some(first.into()),
            last_name: Some(last.into()),
            phone_number: Some(format!("+1 425 555 {:04}", self.rng.gen_range(0..10_000))),
            ..Default::default()
        };
        let input = Customer {
            company_profile: Some(CompanyProfile {
                domain: Some(domain.clone()),
                company_name: Some(name.clone()),
                ..Default::default()
            }),
            billing_profile: Some(BillingProfile {
                first_name: Some(first.into()),
                last_name: Some(last.into()),
                email: Some(format!("billing@{domain}")),
                culture: Some("en-US".into()),
                language: Some("en".into()),
                company_name: Some(name),
                default_address: Some(address),
                ..Default::default()
            }),
            ..Default::default()
        };
        let new = NewCustomer::try_from(input).expect("synthetic customers are valid");
        (new, self.new_ids())
    }
}

/// Up to 12 lowercase ASCII letters from a stem, so the domain prefix stays under 27.
fn domain_stem(stem: &str) -> String {
    let s: String =
        stem.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).take(12).collect();
    if s.is_empty() {
        "tenant".into()
    } else {
        s
    }
}

fn base36(mut n: u64) -> String {
    let digits = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(digits[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).expect("ascii")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_generators_repeat_and_differ_by_partner() {
        let p = crate::PartnerId::parse("11111111-1111-1111-1111-111111111111").unwrap();
        let q = crate::PartnerId::parse("22222222-2222-2222-2222-222222222222").unwrap();
        let take = |g: &mut Generator| (0..50).map(|_| g.customer()).collect::<Vec<_>>();
        let a = take(&mut Generator::deterministic(7, &p));
        assert_eq!(a, take(&mut Generator::deterministic(7, &p)));
        let b = take(&mut Generator::deterministic(7, &q));
        assert!(a.iter().zip(&b).all(|(x, y)| x.id != y.id && x.domain() != y.domain()));
        assert_eq!(a[0].company_name(), b[0].company_name(), "names come from the seed alone");
        assert_ne!(a[0].id, take(&mut Generator::deterministic(8, &p))[0].id);
    }

    #[test]
    fn domains_are_unique_and_valid() {
        let mut g = Generator::new(1, "ab12");
        let mut seen = std::collections::HashSet::new();
        for _ in 0..5000 {
            let c = g.customer();
            let d = c.domain().to_string();
            let prefix = d.strip_suffix(".onmicrosoft.com").unwrap();
            assert!(prefix.len() <= 27 && prefix.chars().all(|c| c.is_ascii_alphanumeric()), "{d}");
            assert!(seen.insert(d));
        }
    }
}
