; Definitions and calls (see python/definitions.scm for the capture names).
; Shared by typescript and typescriptreact (TSX).
[
  (class_declaration name: (_) @name)
  (abstract_class_declaration name: (_) @name)
  (class name: (_) @name)
] @definition.class

(interface_declaration name: (_) @name) @definition.interface
(type_alias_declaration name: (_) @name) @definition.type
(enum_declaration name: (_) @name) @definition.enum
(internal_module name: (_) @name) @definition.module
(module name: (_) @name) @definition.module

[
  (method_definition name: (_) @name parameters: (formal_parameters) @params)
  (method_signature name: (_) @name parameters: (formal_parameters) @params)
  (abstract_method_signature name: (_) @name parameters: (formal_parameters) @params)
] @definition.method

[
  (function_declaration name: (identifier) @name parameters: (formal_parameters) @params)
  (function_signature name: (identifier) @name parameters: (formal_parameters) @params)
  (generator_function_declaration name: (identifier) @name parameters: (formal_parameters) @params)
  (function_expression name: (identifier) @name parameters: (formal_parameters) @params)
] @definition.function

(variable_declarator
  name: (identifier) @name
  value: [
    (arrow_function parameters: (formal_parameters) @params)
    (arrow_function parameter: (identifier) @params)
    (function_expression parameters: (formal_parameters) @params)
  ]) @definition.function

(program
  [
    (lexical_declaration (variable_declarator name: (identifier) @name value: [(object) (array) (string) (number) (template_string) (call_expression) (new_expression)]) @definition.variable)
    (variable_declaration (variable_declarator name: (identifier) @name value: [(object) (array) (string) (number) (template_string) (call_expression) (new_expression)]) @definition.variable)
    (export_statement declaration: (lexical_declaration (variable_declarator name: (identifier) @name value: [(object) (array) (string) (number) (template_string) (call_expression) (new_expression)]) @definition.variable))
  ])

(pair
  key: (property_identifier) @name
  value: [
    (arrow_function parameters: (formal_parameters) @params)
    (function_expression parameters: (formal_parameters) @params)
  ]) @definition.method

(call_expression
  function: (_) @callee) @reference.call

(new_expression
  constructor: (_) @callee) @reference.call
