#!/usr/bin/env node
// Runs the compiled editors/vscode extension, with its real vscode-languageclient, in Node on a
// stand-in `vscode` module (fake-vscode.js), against the real server: activate, "Pieces: Save
// Selection as Snippet", "Pieces: Search Snippets" (type, accept -> insert), completion through
// the client's registered provider, deactivate. Run by tests/editors/test_node_client.py:
//   NODE_PATH=editors/vscode/node_modules node extension-host.js '{"extension": ..., ...}'
// Prints one JSON object; a failed step is reported under errors[step].
'use strict';
const Module = require('module');
const path = require('path');
const fs = require('fs');
const { create } = require('./fake-vscode');

const opts = JSON.parse(process.argv[2]);
const settings = {
  pieces: {
    serverPath: opts.serverPath,
    home: opts.home,
    profile: 'vscode',
    completion: { enabled: true, maxItems: 20 },
    diagnostics: { secrets: true },
  },
};
const { vscode, host, TextDocument, Selection, Position } = create(settings);
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === 'vscode' ? vscode : load.call(this, request, ...rest);
};

const out = { errors: {} };
process.on('unhandledRejection', (err) => {
  (out.unhandled = out.unhandled || []).push(String((err && err.stack) || err).split('\n')[0]);
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(what, fn, ms = 15000) {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(50)) {
    const v = fn();
    if (v) return v;
  }
  throw new Error(`timed out waiting for ${what}`);
}
async function step(name, fn) {
  try {
    out[name] = (await fn()) ?? true;
  } catch (err) {
    out.errors[name] = String((err && err.message) || err);
  }
}

async function main() {
  const text = fs.readFileSync(opts.file, 'utf8');
  const doc = new TextDocument(opts.file, 'python', text);
  const target = new TextDocument(opts.file2, 'python', 'import time\n\n');
  vscode.workspace.textDocuments.push(doc, target);
  const [l1, l2] = opts.lines; // 0-based, inclusive
  vscode.window.activeTextEditor = {
    document: doc,
    selection: new Selection(l1, 0, l2, text.split('\n')[l2].length),
  };

  const ext = require(path.resolve(opts.extension));
  const context = { subscriptions: [], extensionPath: path.dirname(opts.extension) };
  await step('activate', async () => {
    await ext.activate(context);
    return [...host.commands.keys()].filter((c) => c.startsWith('pieces.'));
  });
  if (out.errors.activate) return ext;

  await step('save', async () => {
    host.inputBoxAnswer = opts.title;
    await vscode.commands.executeCommand('pieces.saveSelection');
    const msg = host.messages.find((m) => m.text.startsWith('Pieces: saved'));
    if (!msg) throw new Error(JSON.stringify(host.messages));
    return msg.text;
  });

  await step('search', async () => {
    vscode.window.activeTextEditor = { document: target, selection: new Selection(2, 0, 2, 0) };
    await vscode.commands.executeCommand('pieces.searchSnippets');
    const pick = host.quickPicks[host.quickPicks.length - 1];
    pick.type(opts.query);
    const items = await until('QuickPick items', () => pick.items.length && pick.items);
    await pick.accept(items[0]); // resolves when the extension's accept handler is done
    return {
      items: items.map(({ id, label, description, detail }) => ({ id, label, description, detail })),
      edits: host.appliedEdits,
      target: target.getText(),
    };
  });

  await step('completion', async () => {
    const registered = host.providers.CompletionItemProvider || [];
    if (!registered.length) throw new Error('the client registered no completion provider');
    const typing = new TextDocument(path.join(path.dirname(opts.file), 'typing.py'), 'python', `import time\n\n${opts.completionPrefix}`);
    host.openDocument(typing); // the client sends didOpen
    const { provider } = registered[0];
    const token = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) };
    const result = await provider.provideCompletionItems(typing, new Position(2, opts.completionPrefix.length), token, { triggerKind: 0 });
    const items = Array.isArray(result) ? result : (result && result.items) || [];
    return items.map((i) => ({
      label: typeof i.label === 'string' ? i.label : i.label.label,
      snippet: i.insertText && i.insertText.constructor.name === 'SnippetString',
      insertText: i.insertText && (i.insertText.value ?? i.insertText),
    }));
  });
  return ext;
}

const deadline = setTimeout(() => {
  out.errors.timeout = 'the run took too long';
  process.stdout.write(JSON.stringify(out) + '\n', () => process.exit(1));
}, opts.timeoutMs || 60000);

main()
  .catch((err) => { out.errors.main = String(err && err.stack); })
  .then(async (ext) => {
    if (ext) await step('deactivate', () => ext.deactivate());
    out.messages = host.messages;
    clearTimeout(deadline);
    process.stdout.write(JSON.stringify(out) + '\n', () => process.exit(0));
  });
