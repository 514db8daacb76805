; `import a.b.C`, `import a.b.*` (captures a.b), `import a.b.C as D` (captures a.b.C).
(import (qualified_identifier) @module)
