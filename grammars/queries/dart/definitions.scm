; Definitions and calls (see python/definitions.scm for the capture names).
; Dart puts a function's signature and body side by side: definitions.py extends a signature
; over the `function_body` that follows it.
(program
  (function_signature
    name: (identifier) @name
    (formal_parameter_list) @params) @definition.function)

(method_signature
  (function_signature
    name: (identifier) @name
    (formal_parameter_list) @params)) @definition.method
(method_signature (getter_signature name: (identifier) @name)) @definition.method
(method_signature
  (setter_signature
    name: (identifier) @name
    (formal_parameter_list) @params)) @definition.method
; Named constructors (`Point.origin()`, `factory Point.parse()`) are named by their last part.
(method_signature
  (constructor_signature
    name: (identifier) @name
    .
    parameters: (formal_parameter_list) @params)) @definition.method
(method_signature
  (factory_constructor_signature
    (identifier) @name
    .
    (formal_parameter_list) @params)) @definition.method
(declaration
  (function_signature
    name: (identifier) @name
    (formal_parameter_list) @params)) @definition.method
(declaration
  (constructor_signature
    name: (identifier) @name
    .
    parameters: (formal_parameter_list) @params)) @definition.method

(local_function_declaration
  (lambda_expression
    parameters: (function_signature
      name: (identifier) @name
      (formal_parameter_list) @params))) @definition.function

(class_definition name: (identifier) @name) @definition.class
(enum_declaration name: (identifier) @name) @definition.enum
(mixin_declaration (identifier) @name) @definition.trait
(extension_declaration name: (identifier) @name) @definition.class
(type_alias . (type_identifier) @name) @definition.type
(program
  (static_final_declaration_list
    (static_final_declaration . (identifier) @name) @definition.constant))

; A call is a name followed by a selector holding the arguments: `print(x)`, `http.get(url)`.
(_
  (identifier) @callee
  .
  (selector (argument_part)) @reference.call)
(_
  (selector (unconditional_assignable_selector (identifier) @callee))
  .
  (selector (argument_part)) @reference.call)
