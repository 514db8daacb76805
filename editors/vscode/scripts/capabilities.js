#!/usr/bin/env node
// Prints the `initialize` capabilities that vscode-languageclient (node) sends, computed by the
// library's own code: `BaseLanguageClient.computeClientCapabilities()` with every built-in feature
// registered, as in a real VS Code. Only the `vscode` module is stubbed (it exists only inside the
// editor); capabilities are built from protocol constants, not from editor state.
//   node scripts/capabilities.js > ../../tests/editors/capabilities/vscode.json
'use strict';
const Module = require('module');

const VSCODE_VERSION = '1.82.0'; // the lowest engine vscode-languageclient 9 supports

// A stand-in for any vscode API: callable, constructible, every property another stand-in.
function stub(name) {
  const fn = function () { return stub(name + '()'); };
  return new Proxy(fn, {
    get(target, prop) {
      if (prop === Symbol.toPrimitive) return () => name;
      if (prop === 'then') return undefined; // not a promise
      if (!(prop in target) || prop === 'name' || prop === 'length') {
        target[prop] = stub(name + '.' + String(prop));
      }
      return target[prop];
    },
    construct() { return stub('new ' + name); },
  });
}
const vscode = stub('vscode');
vscode.version = VSCODE_VERSION;
vscode.env.appName = 'Visual Studio Code';

const load = Module._load;
Module._load = function (request, ...rest) {
  return request === 'vscode' ? vscode : load.call(this, request, ...rest);
};

const { LanguageClient } = require('vscode-languageclient/node');
const clientVersion = require('vscode-languageclient/package.json').version;
process.stderr.write(`capabilities of vscode-languageclient ${clientVersion} (node)\n`);
const client = new LanguageClient('pieces', 'Pieces', { command: 'pieces-lsp' }, {
  documentSelector: [{ scheme: 'file' }, { scheme: 'untitled' }],
});
const capabilities = client.computeClientCapabilities();
process.stdout.write(JSON.stringify({
  clientInfo: { name: vscode.env.appName, version: VSCODE_VERSION },
  capabilities,
}, null, 2) + '\n');
