; Definitions and calls (see python/definitions.scm for the capture names).
(function_declaration
  name: [
    (identifier) @name
    (dot_index_expression field: (identifier) @name)
  ]
  parameters: (parameters) @params) @definition.function

(function_declaration
  name: (method_index_expression method: (identifier) @name)
  parameters: (parameters) @params) @definition.method

(assignment_statement
  (variable_list . name: [(identifier) @name (dot_index_expression field: (identifier) @name)])
  (expression_list . value: (function_definition parameters: (parameters) @params))) @definition.function

(field
  name: (identifier) @name
  value: (function_definition parameters: (parameters) @params)) @definition.method

(function_call
  name: (_) @callee) @reference.call
