; `import a.b.C;`, `import a.b.*;` (captures a.b), `import static a.B.m;`.
(import_declaration [(scoped_identifier) (identifier)] @module)
