-- The schema of a footprint ledger as written before schema 3 (schema version 2, keyed by product, period,
-- GWP set and boundary): the statements of footprint/_ledger.py's _SCHEMA at commit 2a79cab, one per
-- block. tests/test_ledger_integrity.py makes a ledger with it and opens that with the current code.

CREATE TABLE snapshots (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE CHECK (length(id) = 32),
    product_id TEXT NOT NULL,
    period TEXT NOT NULL CHECK (period <> ''),
    version INTEGER NOT NULL CHECK (version >= 1),
    created_at TEXT NOT NULL,
    supersedes TEXT REFERENCES snapshots (id),
    input_hash TEXT NOT NULL,
    factor_library_version TEXT NOT NULL,
    gwp_set TEXT NOT NULL,
    boundary TEXT NOT NULL CHECK (boundary IN ('cradle-to-gate', 'cradle-to-grave')),
    total_kgco2e REAL NOT NULL,
    cradle_to_gate_kgco2e REAL NOT NULL,
    module_d_kgco2e REAL NOT NULL,
    note TEXT,
    result_json TEXT NOT NULL,
    UNIQUE (product_id, period, gwp_set, boundary, version),
    CHECK ((version = 1) = (supersedes IS NULL))
);

CREATE TRIGGER snapshots_no_update BEFORE UPDATE ON snapshots
BEGIN
    SELECT RAISE(ABORT, 'footprint ledger: snapshots are immutable, UPDATE refused');
END;

CREATE TRIGGER snapshots_no_delete BEFORE DELETE ON snapshots
BEGIN
    SELECT RAISE(ABORT, 'footprint ledger: snapshots are immutable, DELETE refused');
END;

CREATE TRIGGER snapshots_chain BEFORE INSERT ON snapshots
WHEN NEW.version IS NOT 1 + coalesce(
        (SELECT max(version) FROM snapshots WHERE product_id = NEW.product_id AND period = NEW.period
         AND gwp_set = NEW.gwp_set AND boundary = NEW.boundary), 0)
    OR NEW.supersedes IS NOT (
        SELECT id FROM snapshots WHERE product_id = NEW.product_id AND period = NEW.period
        AND gwp_set = NEW.gwp_set AND boundary = NEW.boundary ORDER BY version DESC LIMIT 1)
BEGIN
    SELECT RAISE(ABORT, 'footprint ledger: a snapshot must take the next version and supersede the latest');
END;

PRAGMA application_id = 1179667527;

PRAGMA user_version = 2;
