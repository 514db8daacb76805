; Definitions and calls (see python/definitions.scm for the capture names).
; Swift parameters are direct children of the declaration: definitions.py collects them.
(class_declaration name: (_) @name) @definition.class
(protocol_declaration name: (_) @name) @definition.interface
(typealias_declaration name: (_) @name) @definition.type
(function_declaration name: (simple_identifier) @name) @definition.function
(protocol_function_declaration name: (simple_identifier) @name) @definition.method
(init_declaration "init" @name) @definition.method

(source_file
  (property_declaration
    name: (pattern (simple_identifier) @name)) @definition.variable)

(call_expression
  . (_) @callee) @reference.call
