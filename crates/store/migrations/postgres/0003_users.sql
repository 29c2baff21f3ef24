-- A customer's users (users-api §5). `doc` is the user's profile as canonical JSON, without
-- its state, deletion time, links and attributes, which the server adds when serving it;
-- passwords are never stored (Partner Center only ever answers one in the response that sets
-- it). `deleted_at` (Unix seconds, server clock) is NULL for an active user.
--
-- The keys lists compare are COLLATE "C", as in customers (see 0001), so keyset positions
-- computed in Rust's order agree with the index order. A customer's users go with it (ON
-- DELETE CASCADE): a delete, a reset, or a restore that replaces the customers.
CREATE TABLE customer_users (
    customer_id TEXT COLLATE "C" NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    id          TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    upn_key     TEXT COLLATE "C" NOT NULL,
    name_key    TEXT COLLATE "C" NOT NULL,
    deleted_at  BIGINT,
    doc         TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

-- A UPN is unique in its tenant, deleted users included (the directory keeps them).
CREATE UNIQUE INDEX customer_users_upn ON customer_users (customer_id, upn_key);
-- Lists: a customer's users in (folded display name, id) order.
CREATE INDEX customer_users_by_name ON customer_users (customer_id, name_key, id);
