-- What belongs to a customer besides its document (agreement attestations, qualifications) or
-- to the partner itself (its indirect resellers, `customer_id` ''), one JSON document a row.
-- `item_key` is what makes two items the same (a second one is refused); `seq` keeps them in
-- the order they were added, which is the order they are listed in.
CREATE TABLE account_items (
    seq         BIGSERIAL PRIMARY KEY,
    partner_id  TEXT COLLATE "C" NOT NULL,
    customer_id TEXT COLLATE "C" NOT NULL,
    kind        TEXT COLLATE "C" NOT NULL,
    item_key    TEXT COLLATE "C" NOT NULL,
    doc         TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (partner_id, customer_id, kind, item_key)
);
-- Snapshots read a page of customers' items at once, whatever their partner.
CREATE INDEX account_items_by_customer ON account_items (customer_id, seq);
