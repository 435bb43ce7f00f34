-- 0002: analysts' decisions about incidents (merge, split, attach, detach, reject, fix).
--
-- Mirrors store-sqlite's 0002. Append-only, like the table itself: a decision is never updated
-- or deleted; a later decision overrides an earlier one. Claims are named by their stable key
-- (document hash, type, evidence span) and their evidence text, not by claims.id, so decisions
-- survive reprocessing.
CREATE TABLE decisions (
    id             BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind           TEXT    NOT NULL CHECK (kind IN ('merge', 'split', 'attach', 'detach',
                                                    'reject_claim', 'reject_incident', 'fix')),
    claim          TEXT    NOT NULL,
    claim_evidence TEXT    NOT NULL,
    other          TEXT,
    other_evidence TEXT,
    field          TEXT,
    value          TEXT,
    actor          TEXT    NOT NULL,
    created_at     BIGINT  NOT NULL
);
