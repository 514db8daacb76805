-- v1: the first released library layout.
CREATE TABLE snippets (
    id            VARCHAR PRIMARY KEY,
    title         VARCHAR NOT NULL,
    description   VARCHAR NOT NULL DEFAULT '',
    content       VARCHAR NOT NULL,
    language      VARCHAR NOT NULL DEFAULT 'plaintext',
    tags          VARCHAR[] NOT NULL DEFAULT [],
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    content_hash  VARCHAR NOT NULL UNIQUE
);
