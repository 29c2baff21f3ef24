-- Run-time settings every instance sharing this database must agree on, such as the clock
-- offset the control plane sets (`POST /_partnerd/clock`).
CREATE TABLE settings (
    name   TEXT NOT NULL PRIMARY KEY,
    value  BIGINT NOT NULL
);
