; Definitions and calls (see python/definitions.scm for the capture names).
; A function's equations are separate `function` nodes: definitions.py keeps the first and
; extends it over its type signature and the equations that follow.
(declarations
  (function
    name: (variable) @name
    patterns: (patterns) @params) @definition.function)
(declarations
  (bind name: (variable) @name) @definition.function)

(class_declarations
  (function name: (variable) @name patterns: (patterns) @params) @definition.method)
(instance_declarations
  (function name: (variable) @name patterns: (patterns) @params) @definition.method)

(data_type name: (name) @name) @definition.type
(newtype name: (name) @name) @definition.type
(type_synonym name: (name) @name) @definition.type
(class name: (name) @name) @definition.interface

(apply function: (variable) @callee) @reference.call
(apply function: (qualified id: (variable)) @callee) @reference.call
