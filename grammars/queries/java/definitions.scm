; Definitions and calls (see python/definitions.scm for the capture names).
(class_declaration name: (identifier) @name) @definition.class
(record_declaration name: (identifier) @name parameters: (formal_parameters) @params) @definition.class
(interface_declaration name: (identifier) @name) @definition.interface
(annotation_type_declaration name: (identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum

(method_declaration
  name: (identifier) @name
  parameters: (formal_parameters) @params) @definition.method

(constructor_declaration
  name: (identifier) @name
  parameters: (formal_parameters) @params) @definition.method

(method_invocation
  name: (identifier) @callee) @reference.call

(object_creation_expression
  type: (_) @callee) @reference.call
