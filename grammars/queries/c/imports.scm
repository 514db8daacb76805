; `#include <a.h>` keeps its angle brackets; the analyser strips them.
(preproc_include path: (system_lib_string) @module)
(preproc_include path: (string_literal (string_content) @module))
