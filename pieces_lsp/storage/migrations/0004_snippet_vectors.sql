-- v4: search vectors of the neural retriever, kept apart from the snippets: they are derived
-- data (recomputed when the model or the snippet's searchable text changes), stored as float16
-- bytes so 100k snippets load as one numpy matrix, and deleted with their snippet.
CREATE TABLE snippet_vectors (
    id VARCHAR PRIMARY KEY,
    model VARCHAR NOT NULL,
    text_key VARCHAR NOT NULL,
    vector BLOB NOT NULL
);
