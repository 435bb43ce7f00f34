-- 0006: the `accept` decision (an analyst checked an incident against its sources; issue 7).
--
-- SQLite cannot alter a CHECK constraint: the table is rebuilt with the same columns and ids.
-- Append-only: never edit this file once released; add 0007_… instead.
CREATE TABLE decisions_0006 (
    id             INTEGER PRIMARY KEY,
    kind           TEXT    NOT NULL CHECK (kind IN ('merge', 'split', 'attach', 'detach',
                                                    'reject_claim', 'reject_incident', 'fix',
                                                    'accept')),
    claim          TEXT    NOT NULL,
    claim_evidence TEXT    NOT NULL,
    other          TEXT,
    other_evidence TEXT,
    field          TEXT,
    value          TEXT,
    actor          TEXT    NOT NULL,
    created_at     INTEGER NOT NULL
) STRICT;
INSERT INTO decisions_0006 (id, kind, claim, claim_evidence, other, other_evidence, field, value, actor, created_at)
    SELECT id, kind, claim, claim_evidence, other, other_evidence, field, value, actor, created_at FROM decisions;
DROP TABLE decisions;
ALTER TABLE decisions_0006 RENAME TO decisions;
