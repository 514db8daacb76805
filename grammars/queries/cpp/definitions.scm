; Definitions and calls (see python/definitions.scm for the capture names).
(function_definition
  declarator: [
    (function_declarator declarator: [(identifier) (field_identifier) (operator_name) (destructor_name)] @name parameters: (parameter_list) @params)
    (pointer_declarator declarator: (function_declarator declarator: [(identifier) (field_identifier)] @name parameters: (parameter_list) @params))
    (reference_declarator (function_declarator declarator: [(identifier) (field_identifier)] @name parameters: (parameter_list) @params))
  ]) @definition.function

(function_definition
  declarator: [
    (function_declarator declarator: (qualified_identifier name: (_) @name) parameters: (parameter_list) @params)
    (pointer_declarator declarator: (function_declarator declarator: (qualified_identifier name: (_) @name) parameters: (parameter_list) @params))
    (reference_declarator (function_declarator declarator: (qualified_identifier name: (_) @name) parameters: (parameter_list) @params))
  ]) @definition.method

(class_specifier name: (type_identifier) @name body: (_)) @definition.class
(struct_specifier name: (type_identifier) @name body: (_)) @definition.struct
(union_specifier name: (type_identifier) @name body: (_)) @definition.struct
(enum_specifier name: (type_identifier) @name body: (_)) @definition.enum
(type_definition declarator: (type_identifier) @name) @definition.type
(alias_declaration name: (type_identifier) @name) @definition.type
(namespace_definition name: (_) @name) @definition.module
(preproc_def name: (identifier) @name) @definition.constant

(call_expression
  function: (_) @callee) @reference.call
