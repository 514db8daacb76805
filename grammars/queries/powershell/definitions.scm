; Definitions and calls (see python/definitions.scm for the capture names).
; Names keep their hyphens (Get-FolderSize): definitions.py does not split them.
(function_statement
  (function_name) @name
  (function_parameter_declaration (parameter_list) @params)) @definition.function
(function_statement
  (function_name) @name
  (script_block (param_block (parameter_list) @params))) @definition.function
(function_statement (function_name) @name) @definition.function

(class_statement . (simple_name) @name) @definition.class
(enum_statement . (simple_name) @name) @definition.enum
(class_method_definition
  (simple_name) @name
  (class_method_parameter_list)? @params) @definition.method

(command command_name: (command_name) @callee) @reference.call
(invokation_expression (member_name) @callee) @reference.call
