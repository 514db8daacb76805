; Definitions and calls (see python/definitions.scm for the capture names).
(class_declaration name: (identifier) @name) @definition.class
(record_declaration name: (identifier) @name) @definition.class
(struct_declaration name: (identifier) @name) @definition.struct
(interface_declaration name: (identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum
(namespace_declaration name: (_) @name) @definition.module
(file_scoped_namespace_declaration name: (_) @name) @definition.module

(method_declaration
  name: (identifier) @name
  parameters: (parameter_list) @params) @definition.method

(constructor_declaration
  name: (identifier) @name
  parameters: (parameter_list) @params) @definition.method

(local_function_statement
  name: (identifier) @name
  parameters: (parameter_list) @params) @definition.function

(invocation_expression
  function: (_) @callee) @reference.call

(object_creation_expression
  type: (_) @callee) @reference.call
