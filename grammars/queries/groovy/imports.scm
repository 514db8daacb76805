; Same shape as Java: `import a.b.C`, `import static a.B.*`.
(import_declaration [(scoped_identifier) (identifier)] @module)
