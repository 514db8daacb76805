; Definitions and calls for titles, descriptions, tags and templates.
; @definition.<kind> is the whole node, @name its name, @params its parameter list;
; @reference.call a call and @callee the called expression.
(class_definition
  name: (identifier) @name) @definition.class

(function_definition
  name: (identifier) @name
  parameters: (parameters) @params) @definition.function

(module
  (expression_statement
    (assignment
      left: (identifier) @name) @definition.variable))

(call
  function: (_) @callee) @reference.call
