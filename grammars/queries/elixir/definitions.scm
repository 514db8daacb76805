; Definitions and calls (see python/definitions.scm for the capture names).
; Elixir definitions are macro calls: `def name(args) do ... end`, `defmodule Name do ... end`.
(call
  target: (identifier) @_keyword
  (arguments . (alias) @name)
  (#eq? @_keyword "defmodule")) @definition.module

(call
  target: (identifier) @_keyword
  (arguments . (alias) @name)
  (#eq? @_keyword "defprotocol")) @definition.interface

(call
  target: (identifier) @_keyword
  (arguments
    .
    [
      (call target: (identifier) @name (arguments) @params)
      (binary_operator left: (call target: (identifier) @name (arguments) @params))
      (identifier) @name
    ])
  (#match? @_keyword "^(def|defp|defmacro|defmacrop|defguard|defguardp|defdelegate)$")) @definition.function

(call
  target: (_) @callee
  (#not-match? @callee
    "^(def|defp|defmacro|defmacrop|defguard|defguardp|defdelegate|defmodule|defprotocol|defimpl|defstruct|defexception|alias|import|require|use|quote|unquote|doc|moduledoc|typedoc|spec|callback|impl|behaviour)$")) @reference.call
