; alias/import/use/require of a module; `alias A.{B, C}` captures A.
((call
   target: (identifier) @_kw
   (arguments . (alias) @module))
 (#match? @_kw "^(alias|import|use|require)$"))
((call
   target: (identifier) @_kw
   (arguments . (dot left: (alias) @module)))
 (#match? @_kw "^(alias|import|use|require)$"))
