//! The list queries the PostgreSQL store runs are served by its btree indexes: equality on
//! the partner, the keyset comparison and the prefix range as index conditions, the order
//! straight from the index (no Sort), never a sequential scan. Checked on both the plan
//! PostgreSQL picks for the given values and the generic plan a cached statement may switch
//! to. Run with `--nocapture` to see the plans (docs/postgres.md quotes them).

use partnerd_model::{Filter, FilterField};

use super::pool::{Client, Pool};
use super::{bulk, list, migrate};
use crate::list_sql::{build, Dialect, Param};
use crate::{CustomerRecord, ListQuery, Position, Seek};

const PARTNER: &str = "11111111-1111-1111-1111-111111111111";

fn record(i: usize) -> CustomerRecord {
    CustomerRecord {
        id: format!("00000000-0000-0000-0000-{i:012}"),
        name_key: format!("company {i:05}"),
        domain_key: format!("d{i:05}.onmicrosoft.com"),
        assoc_key: i.is_multiple_of(50).then(|| format!("{:08}-0000-0000-0000-000000000000", i % 7)),
        etag: "e".into(),
        doc: "{}".into(),
        list_json: "{}".into(),
        created_at: None,
    }
}

/// 20,000 customers, every fourth one this partner's (names and domains of the partners
/// interleave, as they would), statistics up to date.
async fn loaded(url: &str) -> Client {
    let pool = Pool::new(url, 1).expect("pool");
    let mut client = pool.get().await.expect("connection");
    migrate::apply(&mut client).await.expect("migrations");
    for partner in 0..4 {
        let records: Vec<_> = (0..20_000).filter(|i| i % 4 == partner).map(record).collect();
        let owner = if partner == 0 { PARTNER.to_string() } else { format!("{partner}{}", &PARTNER[1..]) };
        bulk::insert_many(&mut client, &owner, &records, true).await.expect("insert");
    }
    client.batch_execute("ANALYZE customers").await.expect("analyze");
    client
}

fn literal(p: &Param) -> String {
    match p {
        Param::Text(s) => format!("'{}'", s.replace('\'', "''")),
        Param::Int(i) => i.to_string(),
    }
}

/// The plan of the store's query for `query`, as chosen under `mode` (plan_cache_mode).
async fn plan(client: &Client, query: &ListQuery, mode: &str) -> String {
    let q = build(PARTNER, query, Dialect::Postgres);
    let args: Vec<String> = q.params.iter().map(literal).collect();
    client
        .batch_execute(&format!("DEALLOCATE ALL; SET plan_cache_mode = {mode}; PREPARE q AS {}", q.sql))
        .await
        .expect("prepare");
    let rows =
        client.query(&format!("EXPLAIN (COSTS OFF) EXECUTE q({})", args.join(", ")), &[]).await.expect("explain");
    let plan: Vec<String> = rows.iter().map(|r| r.get::<_, String>(0)).collect();
    format!("{}\n{}", q.sql, plan.join("\n"))
}

fn index_cond(plan: &str) -> &str {
    plan.lines().find(|l| l.contains("Index Cond:")).unwrap_or_default()
}

fn filter(field: FilterField, value: &str) -> Option<Filter> {
    Some(Filter { field, value: value.into() })
}

fn at(i: usize, key: String) -> Position {
    Position { key, id: record(i).id }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_queries_run_on_the_indexes() {
    let Some(db) = partnerd_testkit::TestDb::new(partnerd_testkit::Kind::Postgres).await else {
        return;
    };
    let client = loaded(&db.cli_args()[1]).await;
    let name = |i: usize| at(i, record(i).name_key);
    let domain = |i: usize| at(i, record(i).domain_key);
    let q = |filter, seek| ListQuery { filter, size: 50, seek };
    let ordered = [
        ("customers_by_name", q(None, Seek::First)),
        ("customers_by_name", q(None, Seek::After(name(2500)))),
        ("customers_by_name", q(None, Seek::Before(name(2500)))),
        ("customers_by_name", q(None, Seek::UpTo(name(2500)))),
        ("customers_by_name", q(None, Seek::Last)),
        ("customers_by_name", q(filter(FilterField::CompanyName, "Company 01"), Seek::First)),
        ("customers_by_name", q(filter(FilterField::CompanyName, "Company 01"), Seek::After(name(1200)))),
        ("customers_by_name", q(filter(FilterField::CompanyName, "Company 01"), Seek::Before(name(1200)))),
        ("customers_by_domain", q(filter(FilterField::Domain, "D02"), Seek::First)),
        ("customers_by_domain", q(filter(FilterField::Domain, "D02"), Seek::After(domain(2100)))),
        ("customers_by_domain", q(filter(FilterField::Domain, "D02"), Seek::Last)),
    ];
    for mode in ["force_custom_plan", "force_generic_plan"] {
        for (index, query) in &ordered {
            let plan = plan(&client, query, mode).await;
            eprintln!("-- {mode}\n{plan}\n");
            assert!(plan.contains("Index Scan") && plan.contains(&format!(" using {index} on customers")), "{plan}");
            assert!(index_cond(&plan).contains("partner_id = "), "{plan}");
            assert!(!plan.contains("Sort") && !plan.contains("Seq Scan"), "{plan}");
        }
        // The indirect filters range over assoc_key and order by name: an index either way.
        let indirect = q(filter(FilterField::IndirectReseller, "00000003"), Seek::After(name(100)));
        let plan = plan(&client, &indirect, mode).await;
        eprintln!("-- {mode}\n{plan}\n");
        assert!(plan.contains("Index Scan using customers_by_") && !plan.contains("Seq Scan"), "{plan}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prefix_and_keyset_conditions_are_index_conditions() {
    let Some(db) = partnerd_testkit::TestDb::new(partnerd_testkit::Kind::Postgres).await else {
        return;
    };
    let client = loaded(&db.cli_args()[1]).await;
    let query = ListQuery {
        filter: filter(FilterField::CompanyName, "company 01"),
        size: 50,
        seek: Seek::After(at(1200, record(1200).name_key)),
    };
    let plan = plan(&client, &query, "force_custom_plan").await;
    let cond = index_cond(&plan);
    assert!(cond.contains("name_key >= 'company 01'") && cond.contains("name_key < 'company 02'"), "{plan}");
    assert!(cond.contains("ROW(name_key, id) > ROW("), "{plan}");
    assert!(!plan.contains("Filter:"), "{plan}");
}

/// The pool's sessions run a cached statement on its generic plan from the first execution,
/// where PostgreSQL's default planned the keyset pages again with their values every time,
/// which cost 30% of a page (bench/README.md, "Fourth session"). A generic plan shows the
/// parameters (`$1`) where a custom one shows the values. JIT is off.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pool_sessions_keep_generic_plans() {
    let Some(db) = partnerd_testkit::TestDb::new(partnerd_testkit::Kind::Postgres).await else {
        return;
    };
    let client = loaded(&db.cli_args()[1]).await;
    let q = |filter, seek| ListQuery { filter, size: 100, seek };
    let shapes = [
        q(None, Seek::First),
        q(None, Seek::After(at(2500, record(2500).name_key))),
        q(None, Seek::Before(at(2500, record(2500).name_key))),
        q(filter(FilterField::CompanyName, "Company 01"), Seek::After(at(1200, record(1200).name_key))),
        q(filter(FilterField::Domain, "D02"), Seek::First),
    ];
    for query in &shapes {
        let q = build(PARTNER, query, Dialect::Postgres);
        let args: Vec<String> = q.params.iter().map(literal).collect();
        client.batch_execute(&format!("DEALLOCATE ALL; PREPARE q AS {}", q.sql)).await.expect("prepare");
        let rows =
            client.query(&format!("EXPLAIN (COSTS OFF) EXECUTE q({})", args.join(", ")), &[]).await.expect("explain");
        let plan: Vec<String> = rows.iter().map(|r| r.get::<_, String>(0)).collect();
        let plan = format!("{}\n{}", q.sql, plan.join("\n"));
        assert!(index_cond(&plan).contains("partner_id = $1"), "{plan}");
    }
    let jit: String = client.query_one("SHOW jit", &[]).await.expect("jit").get(0);
    assert_eq!(jit, "off");
}

/// A client asking for every page size in turn cannot fill a backend with prepared statements:
/// a connection forgets its statements once it holds 256.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_statements_per_connection_are_bounded() {
    let Some(db) = partnerd_testkit::TestDb::new(partnerd_testkit::Kind::Postgres).await else {
        return;
    };
    let client = loaded(&db.cli_args()[1]).await;
    let prepared = || async {
        let row = client.query_one("SELECT count(*) FROM pg_prepared_statements", &[]).await.expect("count");
        row.get::<_, i64>(0)
    };
    let mut most = 0;
    for size in 1..=400 {
        let page = list::page(&client, PARTNER, &ListQuery { filter: None, size, seek: Seek::First }).await;
        assert_eq!(page.expect("page").len(), size);
        most = most.max(prepared().await);
    }
    assert!((200..=257).contains(&most), "{most} statements prepared at most");
}

/// Byte order is declared on the columns, not inherited from the database's default
/// collation (which happens to be byte order on many test servers, hiding its absence).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_columns_compare_in_byte_order() {
    let Some(db) = partnerd_testkit::TestDb::new(partnerd_testkit::Kind::Postgres).await else { return };
    let pool = Pool::new(&db.cli_args()[1], 1).expect("pool");
    let mut client = pool.get().await.expect("connection");
    migrate::apply(&mut client).await.expect("migrations");
    let rows = client
        .query(
            "SELECT a.attname::text, c.collname::text FROM pg_attribute a JOIN pg_collation c ON c.oid = a.attcollation \
             WHERE a.attrelid = 'customers'::regclass AND a.attname IN ('id', 'partner_id', 'name_key', 'domain_key', 'assoc_key')",
            &[],
        )
        .await
        .expect("catalog");
    let collations: Vec<(String, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(collations.len(), 5, "{collations:?}");
    assert!(collations.iter().all(|(_, collation)| collation == "C"), "{collations:?}");
}
