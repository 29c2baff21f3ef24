-- Customers of every partner. `doc` is the full customer as GET returns it and `list_json`
-- its list projection, both canonical JSON, so reads serve them without re-serialising.
-- The *_key columns are the folded (lowercased) forms that lists filter and order by.
--
-- Every column that lists compare or order by is COLLATE "C": byte order, which for UTF-8 is
-- code-point order, the order Rust's `str` comparison and SQLite's BINARY collation use,
-- whatever the database's default collation. Keyset positions and the prefix ranges
-- (page.rs, prefix_range) are computed in that order, so under a linguistic collation the
-- indexes would order rows differently from them, and pages would skip or repeat customers.
-- With it, `(name_key, id) > ($2, $3)` and `name_key >= $2 AND name_key < $3` are index
-- conditions on the (partner_id, key, id) indexes, which also give the order (no sort).
CREATE TABLE customers (
    id          TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    partner_id  TEXT COLLATE "C" NOT NULL,
    name_key    TEXT COLLATE "C" NOT NULL,
    domain_key  TEXT COLLATE "C" NOT NULL,
    assoc_key   TEXT COLLATE "C",
    etag        TEXT NOT NULL,
    doc         TEXT NOT NULL,
    list_json   TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

-- Domains are unique across all partners (spec §10); the database enforces it so that two
-- racing creates, on any instances, cannot both win.
CREATE UNIQUE INDEX customers_domain_unique ON customers (domain_key);
CREATE INDEX customers_by_name ON customers (partner_id, name_key, id);
CREATE INDEX customers_by_domain ON customers (partner_id, domain_key, id);
-- Partial: most customers have no indirect reseller, and `assoc_key >= $n` implies NOT NULL.
CREATE INDEX customers_by_assoc ON customers (partner_id, assoc_key, name_key, id) WHERE assoc_key IS NOT NULL;

-- Secrets every instance sharing this database must agree on (the continuation-token key).
CREATE TABLE server_keys (
    name   TEXT NOT NULL PRIMARY KEY,
    value  BYTEA NOT NULL
);

-- Responses kept for MS-RequestId replays (spec §6); `response` is sealed with the server key.
CREATE TABLE idempotency (
    partner_id  TEXT NOT NULL,
    request_id  TEXT NOT NULL,
    fingerprint BYTEA NOT NULL,
    status      INTEGER NOT NULL,
    response    BYTEA NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (partner_id, request_id)
);
CREATE INDEX idempotency_by_age ON idempotency (created_at);
