; Definitions and calls (see python/definitions.scm for the capture names).
; Parameters come from a signature or from the usual first statement `my ($a, $b) = @_;`.
(subroutine_declaration_statement
  name: (bareword) @name
  (signature) @params) @definition.function

(subroutine_declaration_statement
  name: (bareword) @name
  body: (block
    .
    (expression_statement
      (assignment_expression
        left: (variable_declaration) @params
        right: (array (varname) @_args)))
    (#eq? @_args "_"))) @definition.function

(subroutine_declaration_statement name: (bareword) @name) @definition.function

(package_statement name: (package) @name) @definition.module

(function_call_expression function: (function) @callee) @reference.call
(ambiguous_function_call_expression function: (function) @callee) @reference.call
(method_call_expression method: (method) @callee) @reference.call
