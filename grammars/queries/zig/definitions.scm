; Definitions and calls (see python/definitions.scm for the capture names).
; Zig containers are values: `const Point = struct { ... };`.
(function_declaration
  name: (identifier) @name
  (parameters) @params) @definition.function

(variable_declaration (identifier) @name (struct_declaration)) @definition.struct
(variable_declaration (identifier) @name (union_declaration)) @definition.struct
(variable_declaration (identifier) @name (opaque_declaration)) @definition.struct
(variable_declaration (identifier) @name (enum_declaration)) @definition.enum
(variable_declaration (identifier) @name (error_set_declaration)) @definition.enum

(call_expression
  function: (_) @callee) @reference.call
