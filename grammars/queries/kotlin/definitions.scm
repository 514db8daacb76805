; Definitions and calls (see python/definitions.scm for the capture names).
; Kotlin parameters have no field: definitions.py finds the *_parameters child itself.
(class_declaration name: (_) @name) @definition.class
(object_declaration name: (_) @name) @definition.class
(function_declaration name: (_) @name) @definition.function
(type_alias type: (_) @name) @definition.type

(source_file
  (property_declaration
    (variable_declaration (identifier) @name)) @definition.variable)

(call_expression
  . (_) @callee) @reference.call
