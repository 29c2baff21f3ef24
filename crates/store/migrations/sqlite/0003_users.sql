-- A customer's users (users-api §5). `doc` is the user's profile as canonical JSON, without
-- its state, deletion time, links and attributes, which the server adds when serving it;
-- passwords are never stored (Partner Center only ever answers one in the response that sets
-- it). `deleted_at` (Unix seconds, server clock) is NULL for an active user.
CREATE TABLE customer_users (
    customer_id TEXT NOT NULL,
    id          TEXT NOT NULL UNIQUE,
    upn_key     TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    deleted_at  INTEGER,
    doc         TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

-- A UPN is unique in its tenant, deleted users included (the directory keeps them); the
-- database enforces it as well as the write that checks it first.
CREATE UNIQUE INDEX customer_users_upn ON customer_users (customer_id, upn_key);
-- Lists: a customer's users in (folded display name, id) order.
CREATE INDEX customer_users_by_name ON customer_users (customer_id, name_key, id);

-- A customer's users go with it: whichever statement deletes customers (a delete, a reset,
-- a restore that replaces them), its users follow in the same transaction.
CREATE TRIGGER customer_users_go_with_customer AFTER DELETE ON customers
BEGIN
    DELETE FROM customer_users WHERE customer_id = OLD.id;
END;

-- Directory role memberships (users-api §7); the roles themselves are a fixed catalogue.
CREATE TABLE user_roles (
    customer_id TEXT NOT NULL,
    role_id     TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    PRIMARY KEY (customer_id, role_id, user_id)
);
CREATE INDEX user_roles_by_user ON user_roles (customer_id, user_id);

-- The SKUs a customer subscribes to (set through the control plane, from the built-in
-- catalogue) and their unit counts; consumed units are the count of assignments.
CREATE TABLE customer_skus (
    customer_id     TEXT NOT NULL,
    sku_id          TEXT NOT NULL,
    active_units    INTEGER NOT NULL,
    suspended_units INTEGER NOT NULL,
    warning_units   INTEGER NOT NULL,
    PRIMARY KEY (customer_id, sku_id)
);

-- Licenses assigned to users; `excluded_plans` is a JSON array of plan ids.
CREATE TABLE license_assignments (
    customer_id    TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    sku_id         TEXT NOT NULL,
    excluded_plans TEXT NOT NULL,
    PRIMARY KEY (customer_id, user_id, sku_id)
);
CREATE INDEX license_assignments_by_sku ON license_assignments (customer_id, sku_id);

CREATE TRIGGER customer_directory_goes_with_customer AFTER DELETE ON customers
BEGIN
    DELETE FROM user_roles WHERE customer_id = OLD.id;
    DELETE FROM customer_skus WHERE customer_id = OLD.id;
    DELETE FROM license_assignments WHERE customer_id = OLD.id;
END;
