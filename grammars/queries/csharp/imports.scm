; `using A.B;`, `using static A.B;`, `global using A;`, `using X = A.B;` (captures A.B).
(using_directive !name [(qualified_name) (identifier)] @module)
(using_directive name: (identifier) . [(qualified_name) (identifier)] @module)
