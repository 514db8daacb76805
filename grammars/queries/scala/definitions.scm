; Definitions and calls (see python/definitions.scm for the capture names).
(class_definition name: (identifier) @name class_parameters: (class_parameters)? @params) @definition.class
(object_definition name: (identifier) @name) @definition.class
(trait_definition name: (identifier) @name) @definition.trait
(enum_definition name: (identifier) @name) @definition.enum
(type_definition name: (type_identifier) @name) @definition.type
(package_clause name: (package_identifier) @name) @definition.module
(function_definition name: (identifier) @name parameters: (parameters)? @params) @definition.function
(function_declaration name: (identifier) @name parameters: (parameters)? @params) @definition.method

(compilation_unit (val_definition pattern: (identifier) @name) @definition.constant)

(call_expression
  function: (_) @callee) @reference.call
