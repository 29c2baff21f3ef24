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

-- Directory role memberships (users-api §7); the roles themselves are a fixed catalogue.
CREATE TABLE user_roles (
    customer_id TEXT COLLATE "C" NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    role_id     TEXT COLLATE "C" NOT NULL,
    user_id     TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (customer_id, role_id, user_id)
);
CREATE INDEX user_roles_by_user ON user_roles (customer_id, user_id);

-- The SKUs a customer subscribes to (set through the control plane, from the built-in
-- catalogue) and their unit counts; consumed units are the count of assignments.
CREATE TABLE customer_skus (
    customer_id     TEXT COLLATE "C" NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    sku_id          TEXT COLLATE "C" NOT NULL,
    active_units    BIGINT NOT NULL,
    suspended_units BIGINT NOT NULL,
    warning_units   BIGINT NOT NULL,
    PRIMARY KEY (customer_id, sku_id)
);

-- Licenses assigned to users; `excluded_plans` is a JSON array of plan ids.
CREATE TABLE license_assignments (
    customer_id    TEXT COLLATE "C" NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    user_id        TEXT COLLATE "C" NOT NULL,
    sku_id         TEXT COLLATE "C" NOT NULL,
    excluded_plans TEXT NOT NULL,
    PRIMARY KEY (customer_id, user_id, sku_id)
);
CREATE INDEX license_assignments_by_sku ON license_assignments (customer_id, sku_id);
