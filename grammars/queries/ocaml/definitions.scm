; Definitions and calls (see python/definitions.scm for the capture names).
; A `let` with parameters (or bound to `fun`) is a function; its `parameter` children are found
; by definitions.py. Plain values are left out: they say little about a snippet.
(let_binding
  pattern: (value_name) @name
  .
  (parameter)) @definition.function
(let_binding
  pattern: (value_name) @name
  body: [(fun_expression) (function_expression)]) @definition.function

(type_binding name: (type_constructor) @name) @definition.type
(module_binding (module_name) @name) @definition.module
(module_type_definition (module_type_name) @name) @definition.interface
(class_binding . (class_name) @name) @definition.class
(method_definition . (method_name) @name) @definition.method
(external . (value_name) @name) @definition.function

(application_expression
  function: (value_path) @callee) @reference.call
