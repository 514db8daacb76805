(use_statement module: (package) @module)
(require_expression (bareword) @module)
