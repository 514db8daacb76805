; `use A\B\C;`, `use A\{B, C};` (captures A), require/include of a literal path.
(namespace_use_declaration (namespace_use_clause [(qualified_name) (name)] @module))
(namespace_use_declaration (namespace_name) @module body: (namespace_use_group))
(require_expression (string (string_content) @module))
(require_once_expression (string (string_content) @module))
(include_expression (string (string_content) @module))
(include_once_expression (string (string_content) @module))
