; Definitions and calls (see python/definitions.scm for the capture names).
(function_definition
  (signature
    [
      (call_expression . [(identifier) (field_expression)] @name (argument_list) @params)
      (typed_expression . (call_expression . [(identifier) (field_expression)] @name (argument_list) @params))
      (where_expression . (call_expression . [(identifier) (field_expression)] @name (argument_list) @params))
    ])) @definition.function

(assignment
  .
  (call_expression . [(identifier) (field_expression)] @name (argument_list) @params)
  (operator) @_op
  (#eq? @_op "=")) @definition.function

(macro_definition
  (signature (call_expression . (identifier) @name (argument_list) @params))) @definition.function

(struct_definition
  (type_head
    [
      (identifier) @name
      (parametrized_type_expression . (identifier) @name)
      (binary_expression . [(identifier) @name (parametrized_type_expression . (identifier) @name)])
    ])) @definition.struct

(abstract_definition
  (type_head
    [
      (identifier) @name
      (parametrized_type_expression . (identifier) @name)
      (binary_expression . [(identifier) @name (parametrized_type_expression . (identifier) @name)])
    ])) @definition.type

(module_definition name: (identifier) @name) @definition.module

(source_file (const_statement (assignment . (identifier) @name)) @definition.constant)
(module_definition (const_statement (assignment . (identifier) @name)) @definition.constant)

(call_expression . (_) @callee) @reference.call
(macrocall_expression . (macro_identifier) @callee) @reference.call
