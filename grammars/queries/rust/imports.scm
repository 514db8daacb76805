; `use a::b::C;`, `use a::{b, c};` (captures a), `use a::*;`, `use a as b;`, `extern crate a;`.
(use_declaration argument: [(scoped_identifier) (identifier)] @module)
(use_declaration argument: (scoped_use_list path: (_) @module))
(use_declaration argument: (use_wildcard [(scoped_identifier) (identifier)] @module))
(use_declaration argument: (use_as_clause path: (_) @module))
(extern_crate_declaration name: (identifier) @module)
