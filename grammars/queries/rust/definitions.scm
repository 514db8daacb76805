; Definitions and calls (see python/definitions.scm for the capture names).
(struct_item name: (type_identifier) @name) @definition.struct
(union_item name: (type_identifier) @name) @definition.struct
(enum_item name: (type_identifier) @name) @definition.enum
(type_item name: (type_identifier) @name) @definition.type
(trait_item name: (type_identifier) @name) @definition.trait
(mod_item name: (identifier) @name) @definition.module
(macro_definition name: (identifier) @name) @definition.function
(const_item name: (identifier) @name) @definition.constant
(static_item name: (identifier) @name) @definition.variable

(declaration_list
  (function_item
    name: (identifier) @name
    parameters: (parameters) @params) @definition.method)

(declaration_list
  (function_signature_item
    name: (identifier) @name
    parameters: (parameters) @params) @definition.method)

(function_item
  name: (identifier) @name
  parameters: (parameters) @params) @definition.function

(call_expression
  function: (_) @callee) @reference.call

(macro_invocation
  macro: (_) @callee) @reference.call
