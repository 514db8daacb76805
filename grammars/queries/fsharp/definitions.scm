; Definitions and calls (see python/definitions.scm for the capture names).
(function_or_value_defn
  (function_declaration_left
    .
    (identifier) @name
    (argument_patterns) @params)) @definition.function

(type_definition
  (anon_type_defn (type_name type_name: (identifier) @name))) @definition.class
(type_definition
  (record_type_defn (type_name type_name: (identifier) @name))) @definition.struct
(type_definition
  (union_type_defn (type_name type_name: (identifier) @name))) @definition.enum
(type_definition
  (interface_type_defn (type_name type_name: (identifier) @name))) @definition.interface
(type_definition
  (type_abbrev_defn (type_name type_name: (identifier) @name))) @definition.type

(member_defn
  (method_or_prop_defn
    name: (property_or_ident method: (identifier) @name)
    args: (_)? @params)) @definition.method

(member_defn
  (method_or_prop_defn
    name: (property_or_ident . (identifier) @name .)
    args: (_)? @params)) @definition.method

(named_module name: (long_identifier) @name) @definition.module
(module_defn (identifier) @name) @definition.module

(application_expression
  .
  (long_identifier_or_op) @callee) @reference.call
