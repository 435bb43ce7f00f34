-- 0001: raw pages, the documents read from them, removed blocks, and claims.
--
-- Append-only: never edit this file once released; add 0002_… instead.
-- Mirrors store-sqlite's 0001 in meaning (same tables, same columns, same checks), with
-- PostgreSQL types: identity keys, BYTEA, BOOLEAN, DATE, DOUBLE PRECISION.

-- One row per distinct page content. `hash` is the lower-case hex BLAKE3 of the raw bytes;
-- `bytes` holds them compressed as named by `compression`. The UNIQUE constraint is what makes
-- concurrent ingest safe: `INSERT … ON CONFLICT (hash) DO NOTHING` lets exactly one writer win.
-- The "C" collation makes hex prefix ranges (`hash >= p AND hash < p || 'g'`) byte-wise and indexable.
CREATE TABLE pages (
    id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hash        TEXT    COLLATE "C" NOT NULL UNIQUE CHECK (length(hash) = 64),
    url         TEXT,
    source_path TEXT,
    size        BIGINT  NOT NULL CHECK (size >= 0),
    compression TEXT    NOT NULL CHECK (compression IN ('zstd')),
    bytes       BYTEA   NOT NULL,
    ingested_at BIGINT  NOT NULL
);
-- Raw pages are already zstd-compressed: TOAST compression would only cost time.
ALTER TABLE pages ALTER COLUMN bytes SET STORAGE EXTERNAL;

-- What the reader kept of a page, by one pipeline version. Several versions of a page's
-- document may exist after reprocessing (a later issue); the newest (highest id) is current.
-- `n_claims` is written in the same transaction as the claims.
CREATE TABLE documents (
    id               BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    page_id          BIGINT  NOT NULL REFERENCES pages(id),
    pipeline_version TEXT    NOT NULL,
    title            TEXT,
    author           TEXT,
    published        DATE,
    published_from   TEXT,
    language         TEXT,
    text             TEXT    NOT NULL,
    n_claims         INTEGER NOT NULL CHECK (n_claims >= 0)
);
CREATE INDEX documents_page ON documents(page_id);

-- Blocks removed as boilerplate, kept for review, never extracted from.
CREATE TABLE removed_blocks (
    document_id BIGINT  NOT NULL REFERENCES documents(id),
    idx         INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    text        TEXT    NOT NULL,
    PRIMARY KEY (document_id, idx)
);

-- One row per claim. Persons' names are deliberately NOT stored in any column: they are
-- sensitive and a later migration adds a table of sealed (AEAD) payloads. Until then only
-- their number is kept, in n_persons.
CREATE TABLE claims (
    id                  BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id         BIGINT  NOT NULL REFERENCES documents(id),
    idx                 INTEGER NOT NULL,
    kind                TEXT    NOT NULL,
    aggregate           BOOLEAN NOT NULL,
    date_start          TEXT,
    date_end            TEXT,
    date_precision      TEXT    NOT NULL,
    count_low           BIGINT,
    count_high          BIGINT,
    count_qualifier     TEXT    NOT NULL,
    count_text          TEXT    NOT NULL,
    perpetrator         TEXT,
    destination         TEXT,
    nationality_country TEXT,
    nationality_group   TEXT,
    place_name          TEXT,
    place_country       TEXT,
    place_admin1        TEXT,
    place_lat           DOUBLE PRECISION,
    place_lon           DOUBLE PRECISION,
    place_precision     TEXT,
    women               BOOLEAN,
    children            BOOLEAN,
    n_persons           INTEGER NOT NULL CHECK (n_persons >= 0),
    UNIQUE (document_id, idx)
);

CREATE TABLE claim_sources (
    claim_id BIGINT  NOT NULL REFERENCES claims(id),
    idx      INTEGER NOT NULL,
    name     TEXT    NOT NULL,
    PRIMARY KEY (claim_id, idx)
);

-- Evidence spans are UTF-8 byte offsets into documents.text.
CREATE TABLE claim_evidence (
    claim_id   BIGINT  NOT NULL REFERENCES claims(id),
    idx        INTEGER NOT NULL,
    start_byte BIGINT  NOT NULL,
    end_byte   BIGINT  NOT NULL,
    text       TEXT    NOT NULL,
    PRIMARY KEY (claim_id, idx)
);
