-- 0007: a MAC per audit entry (see store::audit): hex keyed BLAKE3 of the entry's sequence and
-- hash under the audit key, which is derived from the data key. NULL when the process that
-- appended the entry did not hold the key, and for every entry appended before this migration.
ALTER TABLE audit_log ADD COLUMN mac TEXT;
