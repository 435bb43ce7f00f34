-- 0003: the record: wrapped data keys, sealed case files, their links, and the audit log.
--
-- Append-only: never edit this file once released; add 0004_… instead.

-- Data keys, only ever wrapped (crypto::WrappedKey bytes: format, Argon2id parameters, salt,
-- nonce, ciphertext). The highest id is current; older ones stay for the audit trail.
CREATE TABLE data_keys (
    id         INTEGER PRIMARY KEY,
    kind       TEXT    NOT NULL CHECK (kind IN ('passphrase', 'key_file')),
    wrapped    BLOB    NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

-- Case-file ids are reserved before sealing, because the sealing binds the id.
CREATE TABLE id_reservations (
    name TEXT    PRIMARY KEY,
    next INTEGER NOT NULL
) STRICT;
INSERT INTO id_reservations (name, next) VALUES ('persons', 1);

-- One case file per person. Every field (name, aliases, sex, birth year, origin, detention,
-- family, status, notes, consent and risk flags) is in `sealed` (crypto::Sealed bytes, AD =
-- 'persons' + id + version); no column holds any of them in plain text.
CREATE TABLE persons (
    id         INTEGER PRIMARY KEY,
    version    INTEGER NOT NULL CHECK (version >= 1),
    key_id     INTEGER NOT NULL REFERENCES data_keys(id),
    sealed     BLOB    NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

-- What a case file is about: a document (claim_id NULL) or one of its claims.
CREATE TABLE person_links (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES persons(id),
    document_id INTEGER NOT NULL REFERENCES documents(id),
    claim_id    INTEGER REFERENCES claims(id)
) STRICT;
CREATE INDEX person_links_person ON person_links(person_id);

-- Append-only hash chain of every write (see store::audit). `audit_head` holds the last entry's
-- sequence and hash, written in the same transaction, so deleting the tail is detected.
CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    actor     TEXT    NOT NULL,
    action    TEXT    NOT NULL,
    objects   TEXT    NOT NULL,
    digest    TEXT    NOT NULL,
    prev_hash TEXT    NOT NULL,
    hash      TEXT    NOT NULL
) STRICT;
CREATE TABLE audit_head (
    one  INTEGER PRIMARY KEY CHECK (one = 1),
    seq  INTEGER NOT NULL,
    hash TEXT    NOT NULL
) STRICT;
INSERT INTO audit_head (one, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
