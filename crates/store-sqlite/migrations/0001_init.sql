-- 0001: raw pages, the documents read from them, removed blocks, and claims.
--
-- Append-only: never edit this file once released; add 0002_… instead.
-- Integer primary keys everywhere so that later migrations can hang FTS5 external-content
-- tables (documents.id), decisions and audit rows (claims.id) and sealed persons off them.

-- One row per distinct page content. `hash` is the lower-case hex BLAKE3 of the raw bytes;
-- `bytes` holds them compressed as named by `compression`.
CREATE TABLE pages (
    id          INTEGER PRIMARY KEY,
    hash        TEXT    NOT NULL UNIQUE CHECK (length(hash) = 64),
    url         TEXT,
    source_path TEXT,
    size        INTEGER NOT NULL CHECK (size >= 0),
    compression TEXT    NOT NULL CHECK (compression IN ('zstd')),
    bytes       BLOB    NOT NULL,
    ingested_at INTEGER NOT NULL
) STRICT;

-- What the reader kept of a page, by one pipeline version. Several versions of a page's
-- document may exist after reprocessing (a later issue); the newest (highest id) is current.
-- `n_claims` is written in the same transaction as the claims and lets anyone check that no
-- document was stored without all of its claims.
CREATE TABLE documents (
    id               INTEGER PRIMARY KEY,
    page_id          INTEGER NOT NULL REFERENCES pages(id),
    pipeline_version TEXT    NOT NULL,
    title            TEXT,
    author           TEXT,
    published        TEXT,
    published_from   TEXT,
    language         TEXT,
    text             TEXT    NOT NULL,
    n_claims         INTEGER NOT NULL CHECK (n_claims >= 0)
) STRICT;
CREATE INDEX documents_page ON documents(page_id);

-- Blocks removed as boilerplate, kept for review, never extracted from.
CREATE TABLE removed_blocks (
    document_id INTEGER NOT NULL REFERENCES documents(id),
    idx         INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    text        TEXT    NOT NULL,
    PRIMARY KEY (document_id, idx)
) STRICT;

-- One row per claim. Persons' names are deliberately NOT stored in any column: they are
-- sensitive and a later migration adds a table of sealed (AEAD) payloads. Until then only
-- their number is kept, in n_persons.
CREATE TABLE claims (
    id                  INTEGER PRIMARY KEY,
    document_id         INTEGER NOT NULL REFERENCES documents(id),
    idx                 INTEGER NOT NULL,
    kind                TEXT    NOT NULL,
    aggregate           INTEGER NOT NULL CHECK (aggregate IN (0, 1)),
    date_start          TEXT,
    date_end            TEXT,
    date_precision      TEXT    NOT NULL,
    count_low           INTEGER,
    count_high          INTEGER,
    count_qualifier     TEXT    NOT NULL,
    count_text          TEXT    NOT NULL,
    perpetrator         TEXT,
    destination         TEXT,
    nationality_country TEXT,
    nationality_group   TEXT,
    place_name          TEXT,
    place_country       TEXT,
    place_admin1        TEXT,
    place_lat           REAL,
    place_lon           REAL,
    place_precision     TEXT,
    women               INTEGER CHECK (women IN (0, 1)),
    children            INTEGER CHECK (children IN (0, 1)),
    n_persons           INTEGER NOT NULL CHECK (n_persons >= 0),
    UNIQUE (document_id, idx)
) STRICT;

CREATE TABLE claim_sources (
    claim_id INTEGER NOT NULL REFERENCES claims(id),
    idx      INTEGER NOT NULL,
    name     TEXT    NOT NULL,
    PRIMARY KEY (claim_id, idx)
) STRICT;

-- Evidence spans are UTF-8 byte offsets into documents.text.
CREATE TABLE claim_evidence (
    claim_id   INTEGER NOT NULL REFERENCES claims(id),
    idx        INTEGER NOT NULL,
    start_byte INTEGER NOT NULL,
    end_byte   INTEGER NOT NULL,
    text       TEXT    NOT NULL,
    PRIMARY KEY (claim_id, idx)
) STRICT;
