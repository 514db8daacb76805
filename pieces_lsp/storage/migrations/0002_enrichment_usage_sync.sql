-- v2: enrichment fields, provenance, usage counters, the embedding column, and the change
-- counters other processes use to refresh their read caches.
ALTER TABLE snippets ADD COLUMN frameworks VARCHAR[] DEFAULT [];
ALTER TABLE snippets ADD COLUMN links VARCHAR[] DEFAULT [];
ALTER TABLE snippets ADD COLUMN secrets JSON DEFAULT '[]';
ALTER TABLE snippets ADD COLUMN source_uri VARCHAR;
ALTER TABLE snippets ADD COLUMN source_start_line INTEGER;
ALTER TABLE snippets ADD COLUMN source_start_character INTEGER;
ALTER TABLE snippets ADD COLUMN source_end_line INTEGER;
ALTER TABLE snippets ADD COLUMN source_end_character INTEGER;
ALTER TABLE snippets ADD COLUMN git_remote VARCHAR;
ALTER TABLE snippets ADD COLUMN git_commit VARCHAR;
ALTER TABLE snippets ADD COLUMN inserted_count INTEGER DEFAULT 0;
ALTER TABLE snippets ADD COLUMN last_used_at TIMESTAMP;
ALTER TABLE snippets ADD COLUMN embedding FLOAT[];
ALTER TABLE snippets ADD COLUMN embedding_model VARCHAR;
ALTER TABLE snippets ADD COLUMN change_seq BIGINT DEFAULT 0;

CREATE TABLE library_meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
INSERT INTO library_meta VALUES ('generation', '0'), ('library_id', CAST(uuid() AS VARCHAR));

CREATE TABLE tombstones (
    id         VARCHAR NOT NULL,
    change_seq BIGINT NOT NULL
);
