-- Customers of every partner. `doc` is the full customer as GET returns it and `list_json`
-- its list projection, both canonical JSON, so reads serve them without re-serialising.
-- The *_key columns are the folded (lowercased) forms that lists filter and order by.
-- A rowid table: rows are large (two JSON documents), so appending them in rowid order keeps
-- pages full, and the indexes below stay small.
CREATE TABLE customers (
    id          TEXT NOT NULL UNIQUE,
    partner_id  TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    domain_key  TEXT NOT NULL,
    assoc_key   TEXT,
    etag        TEXT NOT NULL,
    doc         TEXT NOT NULL,
    list_json   TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

-- Domains are unique across all partners (spec §10); the database enforces it so that two
-- racing creates cannot both win.
CREATE UNIQUE INDEX customers_domain_unique ON customers (domain_key);
CREATE INDEX customers_by_name ON customers (partner_id, name_key, id);
CREATE INDEX customers_by_domain ON customers (partner_id, domain_key, id);
-- Partial: most customers have no indirect reseller, and `assoc_key >= ?` implies NOT NULL.
CREATE INDEX customers_by_assoc ON customers (partner_id, assoc_key, name_key, id) WHERE assoc_key IS NOT NULL;

-- Secrets every instance sharing this database must agree on (the continuation-token key).
CREATE TABLE server_keys (
    name   TEXT NOT NULL PRIMARY KEY,
    value  BLOB NOT NULL
);

-- Responses kept for MS-RequestId replays (spec §6); `response` is sealed with the server key.
CREATE TABLE idempotency (
    partner_id  TEXT NOT NULL,
    request_id  TEXT NOT NULL,
    fingerprint BLOB NOT NULL,
    status      INTEGER NOT NULL,
    response    BLOB NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (partner_id, request_id)
);
CREATE INDEX idempotency_by_age ON idempotency (created_at);
