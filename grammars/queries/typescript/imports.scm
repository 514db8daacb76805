; ES modules, re-exports, `import x = require()`, CommonJS require() and dynamic import().
(import_statement source: (string (string_fragment) @module))
(import_require_clause source: (string (string_fragment) @module))
(export_statement source: (string (string_fragment) @module))
((call_expression
   function: (identifier) @_fn
   arguments: (arguments . (string (string_fragment) @module)))
 (#eq? @_fn "require"))
(call_expression
  function: (import)
  arguments: (arguments . (string (string_fragment) @module)))
