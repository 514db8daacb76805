; Definitions and calls (see python/definitions.scm for the capture names).
(function_declaration
  name: (identifier) @name
  parameters: (parameter_list) @params) @definition.function

(method_declaration
  name: (field_identifier) @name
  parameters: (parameter_list) @params) @definition.method

(type_declaration (type_spec name: (type_identifier) @name type: (struct_type)) @definition.struct)
(type_declaration (type_spec name: (type_identifier) @name type: (interface_type)) @definition.interface)
(type_declaration (type_spec name: (type_identifier) @name type: [
  (type_identifier) (qualified_type) (map_type) (slice_type) (function_type) (pointer_type)
  (channel_type) (array_type) (generic_type)]) @definition.type)

(source_file (const_declaration (const_spec name: (identifier) @name) @definition.constant))
(source_file (var_declaration (var_spec name: (identifier) @name) @definition.variable))

(call_expression
  function: (_) @callee) @reference.call
