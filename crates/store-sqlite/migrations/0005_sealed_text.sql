-- 0005: sealed page and article texts, near-duplicate signatures, and the search index.
--
-- Append-only: never edit this file once released; add 0006_… instead.

-- When the database has a key, a document's page bytes, URL, title, author, text, removed-block
-- texts and claim sources are sealed here (crypto::Sealed bytes under text key generation
-- `text_key`; the AD binds the column, the page hash and the generation) and the plain columns
-- are left empty (pages.bytes is an empty page, pages.url/documents.title/author NULL,
-- documents.text and removed_blocks.text '', no claim_sources rows) and claim_evidence.text holds
-- a keyed fingerprint of the sentence (service::text), never the sentence.
CREATE TABLE sealed_texts (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id),
    text_key    INTEGER NOT NULL CHECK (text_key >= 1),
    page        BLOB    NOT NULL,
    article     BLOB    NOT NULL
) STRICT;

-- MinHash signature of a document's text (reconcile::Signature), keyed when the database has a
-- key, so near-duplicates are found without reading (or decrypting) texts.
CREATE TABLE document_signatures (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id),
    keyed       INTEGER NOT NULL CHECK (keyed IN (0, 1)),
    signature   BLOB    NOT NULL
) STRICT;

-- Search terms of a document, space-separated: normalised tokens, or truncated keyed hashes of
-- them when the database has a key (a blind index). This table is the source of truth (backups
-- copy it); `search_fts` is an external-content FTS5 index over it, kept by the triggers.
CREATE TABLE search_terms (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id),
    terms       TEXT    NOT NULL
) STRICT;
-- 'ascii' tokenizer: terms are already folded and alphanumeric; it splits on ASCII spaces only
-- and takes every other character verbatim, as PostgreSQL's array_to_tsvector does.
CREATE VIRTUAL TABLE search_fts USING fts5(
    terms, content = 'search_terms', content_rowid = 'document_id', tokenize = 'ascii'
);
CREATE TRIGGER search_terms_insert AFTER INSERT ON search_terms BEGIN
    INSERT INTO search_fts (rowid, terms) VALUES (new.document_id, new.terms);
END;
CREATE TRIGGER search_terms_delete AFTER DELETE ON search_terms BEGIN
    INSERT INTO search_fts (search_fts, rowid, terms) VALUES ('delete', old.document_id, old.terms);
END;
