-- 0006: the `accept` decision (an analyst checked an incident against its sources; issue 7).
-- Mirrors store-sqlite's 0006. Append-only: never edit this file once released.
ALTER TABLE decisions DROP CONSTRAINT IF EXISTS decisions_kind_check;
ALTER TABLE decisions ADD CONSTRAINT decisions_kind_check
    CHECK (kind IN ('merge', 'split', 'attach', 'detach', 'reject_claim', 'reject_incident', 'fix', 'accept'));
