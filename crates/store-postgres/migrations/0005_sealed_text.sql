-- 0005: sealed page and article texts, near-duplicate signatures, and the search index.
--
-- Mirrors store-sqlite's 0005. Append-only: never edit this file once released; add 0006_….

-- When the database has a key, a document's page bytes, URL, title, author, text, removed-block
-- texts and claim sources are sealed here (crypto::Sealed bytes under text key generation
-- `text_key`) and the plain columns are left empty; claim_evidence.text then holds a keyed
-- fingerprint of the sentence (service::text), never the sentence.
CREATE TABLE sealed_texts (
    document_id BIGINT  PRIMARY KEY REFERENCES documents(id),
    text_key    BIGINT  NOT NULL CHECK (text_key >= 1),
    page        BYTEA   NOT NULL,
    article     BYTEA   NOT NULL
);
ALTER TABLE sealed_texts ALTER COLUMN page SET STORAGE EXTERNAL;
ALTER TABLE sealed_texts ALTER COLUMN article SET STORAGE EXTERNAL;

-- MinHash signature of a document's text (reconcile::Signature), keyed when the database has a key.
CREATE TABLE document_signatures (
    document_id BIGINT  PRIMARY KEY REFERENCES documents(id),
    keyed       BOOLEAN NOT NULL,
    signature   BYTEA   NOT NULL
);

-- Search terms of a document, space-separated: normalised tokens, or truncated keyed hashes of
-- them when the database has a key (a blind index). The GIN index is over the tsvector of the
-- terms taken verbatim (array_to_tsvector: no parser, no stemming), as SQLite's FTS5 'ascii'
-- tokenizer takes them, so both backends match the same documents.
CREATE TABLE search_terms (
    document_id BIGINT  PRIMARY KEY REFERENCES documents(id),
    terms       TEXT    NOT NULL
);
CREATE INDEX search_terms_tsv ON search_terms USING GIN (array_to_tsvector(string_to_array(terms, ' ')));
