; Definitions and calls (see python/definitions.scm for the capture names).
; The Groovy grammar follows Java's, plus script-level `def name(...) { }` functions.
(class_declaration name: (identifier) @name) @definition.class
(interface_declaration name: (identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum

(function_definition
  name: (identifier) @name
  parameters: (formal_parameters) @params) @definition.function

(method_declaration
  name: (identifier) @name
  parameters: (formal_parameters) @params) @definition.method

(constructor_declaration
  name: (identifier) @name
  parameters: (formal_parameters) @params) @definition.method

(method_invocation
  name: (identifier) @callee) @reference.call

(juxt_function_call
  name: (identifier) @callee) @reference.call

(object_creation_expression
  type: (_) @callee) @reference.call
