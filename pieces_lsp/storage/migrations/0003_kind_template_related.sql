-- v3: what on-device enrichment adds: code/prose/mixed, the derived LSP snippet template
-- (the stored content stays verbatim) and documentation links found without the network.
ALTER TABLE snippets ADD COLUMN kind VARCHAR DEFAULT 'code';
ALTER TABLE snippets ADD COLUMN template VARCHAR;
ALTER TABLE snippets ADD COLUMN related_links JSON DEFAULT '[]';
