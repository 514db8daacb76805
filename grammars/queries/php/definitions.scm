; Definitions and calls (see python/definitions.scm for the capture names).
(namespace_definition name: (namespace_name) @name) @definition.module
(interface_declaration name: (name) @name) @definition.interface
(trait_declaration name: (name) @name) @definition.trait
(class_declaration name: (name) @name) @definition.class
(enum_declaration name: (name) @name) @definition.enum

(function_definition
  name: (name) @name
  parameters: (formal_parameters) @params) @definition.function

(method_declaration
  name: (name) @name
  parameters: (formal_parameters) @params) @definition.method

(function_call_expression function: (_) @callee) @reference.call
(member_call_expression name: (_) @callee) @reference.call
(scoped_call_expression name: (_) @callee) @reference.call
(object_creation_expression [(name) (qualified_name)] @callee) @reference.call
