; The captured string keeps its quotes; the analyser strips them.
(library_import (import_specification (configurable_uri (uri (string_literal) @module))))
(library_export (configurable_uri (uri (string_literal) @module)))
