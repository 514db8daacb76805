; Definitions and calls (see python/definitions.scm for the capture names).
(function_definition name: (word) @name) @definition.function

(command name: (command_name) @callee) @reference.call
