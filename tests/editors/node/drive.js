#!/usr/bin/env node
// Drives the real pieces-lsp over stdio with vscode-jsonrpc / vscode-languageserver-protocol (the
// libraries inside VS Code's language client), announcing VS Code's recorded client capabilities.
// Run by tests/editors/test_node_client.py:
//   node drive.js '{"cmd": [...], "home": ..., "file": ..., "capabilities": ...}'
// Prints one JSON object: what each step returned, or its error under errors[step].
'use strict';
const cp = require('child_process');
const fs = require('fs');
const path = require('path');
const { pathToFileURL } = require('url');
const {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  InitializeRequest,
  InitializedNotification,
  ExecuteCommandRequest,
  CompletionRequest,
  DidOpenTextDocumentNotification,
  ShutdownRequest,
  ExitNotification,
} = require('vscode-languageserver-protocol/node');

const opts = JSON.parse(process.argv[2]);
const recorded = JSON.parse(fs.readFileSync(opts.capabilities, 'utf8'));
const settings = {
  home: opts.home,
  profile: 'node',
  completion: { enabled: true, maxItems: 20 },
  diagnostics: { secrets: true },
};
const out = { errors: {}, serverRequests: [], messages: [], diagnostics: {} };

const server = cp.spawn(opts.cmd[0], opts.cmd.slice(1), {
  cwd: path.dirname(opts.file),
  stdio: ['pipe', 'pipe', 'inherit'],
});
const exited = new Promise((resolve) => server.on('exit', (code, signal) => resolve({ code, signal })));
// A server that dies fails the requests still waiting for it, instead of leaving them hanging.
exited.then(() => setTimeout(() => conn.dispose(), 100));
const conn = createProtocolConnection(
  new StreamMessageReader(server.stdout),
  new StreamMessageWriter(server.stdin),
);

// What VS Code answers when the server asks.
conn.onRequest('workspace/configuration', (params) => {
  out.serverRequests.push('workspace/configuration');
  return params.items.map((item) => (item.section === 'pieces' ? settings : null));
});
// With opts.scenario 'shutdown-in-flight' the answer waits until `release()`: the server's
// pieces.snippet.insert is then still running when shutdown arrives.
let applyEditArrived;
const applyEditSeen = new Promise((r) => { applyEditArrived = r; });
let release;
const released = new Promise((r) => { release = r; });
conn.onRequest('workspace/applyEdit', async (params) => {
  out.serverRequests.push('workspace/applyEdit');
  out.applyEdit = params;
  applyEditArrived();
  if (opts.scenario === 'shutdown-in-flight') await released;
  return { applied: true };
});
conn.onRequest('window/showDocument', (params) => {
  out.serverRequests.push('window/showDocument');
  out.showDocument = params;
  return { success: true };
});
conn.onRequest('window/workDoneProgress/create', () => null);
conn.onRequest('client/registerCapability', () => null);
conn.onNotification('window/showMessage', (p) => out.messages.push(p));
conn.onNotification('window/logMessage', () => {});
conn.onNotification('$/progress', () => {});
conn.onNotification('textDocument/publishDiagnostics', (p) => {
  out.diagnostics[p.uri] = p.diagnostics;
});
conn.listen();

const cmd = (command, arg) => conn.sendRequest(ExecuteCommandRequest.type, { command, arguments: [arg] });

async function step(name, fn) {
  try {
    out[name] = await fn();
  } catch (err) {
    out.errors[name] = `${err.code ?? ''} ${err.message}`.trim();
  }
}

function open(file, text) {
  const uri = pathToFileURL(file).href;
  conn.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'python', version: 1, text },
  });
  return uri;
}

async function main() {
  const root = pathToFileURL(path.dirname(opts.file)).href;
  await step('initialize', () =>
    conn.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      clientInfo: recorded.clientInfo,
      locale: 'en',
      rootUri: root,
      rootPath: path.dirname(opts.file),
      workspaceFolders: [{ uri: root, name: path.basename(path.dirname(opts.file)) }],
      capabilities: recorded.capabilities,
      initializationOptions: settings,
    }),
  );
  if (out.errors.initialize) return;
  conn.sendNotification(InitializedNotification.type, {});

  const text = fs.readFileSync(opts.file, 'utf8');
  const uri = open(opts.file, text);
  if (opts.scenario === 'shutdown-in-flight') return shutdownInFlight(uri);
  const [l1, l2] = opts.lines; // 0-based, inclusive
  const lines = text.split('\n');
  await step('save', () =>
    cmd('pieces.snippet.save', {
      uri,
      range: { start: { line: l1, character: 0 }, end: { line: l2, character: lines[l2].length } },
      title: opts.title,
      tags: ['retry'],
    }),
  );
  await step('saveContent', () =>
    cmd('pieces.snippet.save', { content: 'SELECT id FROM users WHERE id = $1;\n', language: 'sql' }),
  );
  await step('search', () => cmd('pieces.search', { query: opts.query, limit: 10 }));

  // A new document that starts typing the snippet's name: completion should offer it.
  const typing = path.join(path.dirname(opts.file), 'typing.py');
  const prefix = opts.completionPrefix;
  const typingUri = open(typing, `import time\n\n${prefix}`);
  await step('completion', () =>
    conn.sendRequest(CompletionRequest.type, {
      textDocument: { uri: typingUri },
      position: { line: 2, character: prefix.length },
      context: { triggerKind: 1 },
    }),
  );

  await step('shutdown', () => conn.sendRequest(ShutdownRequest.type));
  conn.sendNotification(ExitNotification.type);
}

// The editor closes while a request is still running (here: insert, waiting for applyEdit).
async function shutdownInFlight(uri) {
  await step('save', () => cmd('pieces.snippet.save', { content: 'x = 1\n', language: 'python' }));
  const pending = cmd('pieces.snippet.insert', {
    id: out.save.id, uri, position: { line: 0, character: 0 },
  }).then(() => 'answered', (err) => `error ${err.code}`);
  await applyEditSeen;
  const shutdown = step('shutdown', () => conn.sendRequest(ShutdownRequest.type));
  await new Promise((r) => setTimeout(r, 200));
  release();
  await shutdown;
  out.pending = await pending;
  conn.sendNotification(ExitNotification.type);
}

const deadline = setTimeout(() => {
  out.errors.timeout = 'no answer in time';
  server.kill();
}, opts.timeoutMs || 60000);

main()
  .catch((err) => {
    out.errors.main = String(err && err.stack);
  })
  .then(async () => {
    out.exit = await Promise.race([exited, new Promise((r) => setTimeout(() => r(null), 10000))]);
    if (out.exit === null) {
      out.errors.exit = 'server still running 10 s after exit';
      server.kill();
    }
    clearTimeout(deadline);
    conn.dispose();
    process.stdout.write(JSON.stringify(out) + '\n', () => process.exit(0));
  });
