; Definitions and calls (see python/definitions.scm for the capture names).
(class name: [(constant) (scope_resolution)] @name) @definition.class
(module name: [(constant) (scope_resolution)] @name) @definition.module
(method name: (_) @name parameters: (method_parameters)? @params) @definition.method
(singleton_method name: (_) @name parameters: (method_parameters)? @params) @definition.method

(call method: (_) @callee) @reference.call
