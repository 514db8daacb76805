(import module: (module) @module)
