-- 0003: the record: wrapped data keys, sealed case files, their links, and the audit log.
--
-- Mirrors store-sqlite's 0003. Append-only: never edit this file once released; add 0004_….

-- Data keys, only ever wrapped (crypto::WrappedKey bytes). The highest id is current.
CREATE TABLE data_keys (
    id         BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind       TEXT    NOT NULL CHECK (kind IN ('passphrase', 'key_file')),
    wrapped    BYTEA   NOT NULL,
    created_at BIGINT  NOT NULL
);

-- Case-file ids are reserved (nextval) before sealing, because the sealing binds the id.
CREATE SEQUENCE person_ids;

-- One case file per person; every field is in `sealed` (AD = 'persons' + id + version).
CREATE TABLE persons (
    id         BIGINT  PRIMARY KEY,
    version    BIGINT  NOT NULL CHECK (version >= 1),
    key_id     BIGINT  NOT NULL REFERENCES data_keys(id),
    sealed     BYTEA   NOT NULL,
    created_at BIGINT  NOT NULL
);

-- What a case file is about: a document (claim_id NULL) or one of its claims.
CREATE TABLE person_links (
    id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id   BIGINT  NOT NULL REFERENCES persons(id),
    document_id BIGINT  NOT NULL REFERENCES documents(id),
    claim_id    BIGINT  REFERENCES claims(id)
);
CREATE INDEX person_links_person ON person_links(person_id);

-- Append-only hash chain of every write (see store::audit). Writers lock the single
-- `audit_head` row first, which orders their entries; the head anchors the tail.
CREATE TABLE audit_log (
    seq       BIGINT  PRIMARY KEY,
    at        BIGINT  NOT NULL,
    actor     TEXT    NOT NULL,
    action    TEXT    NOT NULL,
    objects   TEXT    NOT NULL,
    digest    TEXT    NOT NULL,
    prev_hash TEXT    NOT NULL,
    hash      TEXT    NOT NULL
);
CREATE TABLE audit_head (
    one  INTEGER PRIMARY KEY CHECK (one = 1),
    seq  BIGINT  NOT NULL,
    hash TEXT    NOT NULL
);
INSERT INTO audit_head (one, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
