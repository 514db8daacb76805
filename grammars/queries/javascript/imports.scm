; ES modules, re-exports, CommonJS require() and dynamic import().
(import_statement source: (string (string_fragment) @module))
(export_statement source: (string (string_fragment) @module))
((call_expression
   function: (identifier) @_fn
   arguments: (arguments . (string (string_fragment) @module)))
 (#eq? @_fn "require"))
(call_expression
  function: (import)
  arguments: (arguments . (string (string_fragment) @module)))
