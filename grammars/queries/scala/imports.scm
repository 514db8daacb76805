; `import a.b.c`, `import a.b.{C, D}`, `import a.b._`: the path's segments are sibling nodes, so
; we capture the first as @module and each later one as @module.end; the analyser keeps the
; widest span per start (a.b), i.e. the whole dotted path.
(import_declaration . (identifier) @module)
(import_declaration . (identifier) @module (identifier) @module.end)
