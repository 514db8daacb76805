# The Node test package's dependencies live in node/node_modules: never collect from there.
collect_ignore_glob = ["node/node_modules/*"]
