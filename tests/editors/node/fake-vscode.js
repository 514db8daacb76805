// A small stand-in for the `vscode` module, enough to run editors/vscode (and the real
// vscode-languageclient inside it) in plain Node: documents, editors, the QuickPick, commands,
// configuration, edits and provider registries are real objects the test can drive and inspect.
// Any API not modelled here is a harmless callable stub.
'use strict';
const { fileURLToPath, pathToFileURL } = require('url');

function stub(name) {
  const fn = function () { return stub(`${name}()`); };
  return new Proxy(fn, {
    get(target, prop) {
      if (prop === 'then') return undefined;
      if (prop === Symbol.toPrimitive) return () => name;
      if (prop === Symbol.iterator) return function* () {};
      if (!(prop in target) || prop === 'name' || prop === 'length') {
        target[prop] = stub(`${name}.${String(prop)}`);
      }
      return target[prop];
    },
    construct() { return stub(`new ${name}`); },
  });
}

class Disposable {
  constructor(fn) { this._fn = fn; }
  static from(...items) { return new Disposable(() => items.forEach((d) => d && d.dispose && d.dispose())); }
  dispose() { if (this._fn) this._fn(); this._fn = undefined; }
}

class EventEmitter {
  constructor() {
    this._listeners = new Set();
    this.event = (listener, thisArg) => {
      const l = (v) => listener.call(thisArg, v);
      this._listeners.add(l);
      return new Disposable(() => this._listeners.delete(l));
    };
  }
  // Returns what the listeners returned, so a test can await async listeners.
  fire(v) { return [...this._listeners].map((l) => l(v)); }
  dispose() { this._listeners.clear(); }
}
const noEvent = () => new Disposable();

class Uri {
  constructor(scheme, path) { this.scheme = scheme; this.path = path; this.authority = ''; this.query = ''; this.fragment = ''; }
  static file(p) { return new Uri('file', p); }
  static parse(s) { return s.startsWith('file:') ? new Uri('file', fileURLToPath(s)) : new Uri(s.split(':')[0], s.slice(s.indexOf(':') + 1)); }
  get fsPath() { return this.path; }
  toString() { return this.scheme === 'file' ? pathToFileURL(this.path).href : `${this.scheme}:${this.path}`; }
  toJSON() { return this.toString(); }
  with() { return this; }
}

class Position {
  constructor(line, character) { this.line = line; this.character = character; }
  isBefore(o) { return this.line < o.line || (this.line === o.line && this.character < o.character); }
  isEqual(o) { return this.line === o.line && this.character === o.character; }
}

class Range {
  constructor(a, b, c, d) {
    if (typeof a === 'number') { a = new Position(a, b); b = new Position(c, d); }
    this.start = a; this.end = b;
  }
  get isEmpty() { return this.start.isEqual(this.end); }
}

class Selection extends Range {
  constructor(a, b, c, d) { super(a, b, c, d); this.anchor = this.start; this.active = this.end; }
}

class TextDocument {
  constructor(file, languageId, text) {
    this.uri = Uri.file(file); this.fileName = file; this.languageId = languageId;
    this.version = 1; this.isClosed = false; this.isDirty = false; this.isUntitled = false;
    this.eol = 1; this._text = text;
  }
  get lineCount() { return this._text.split('\n').length; }
  offsetAt(p) {
    const lines = this._text.split('\n');
    let off = 0;
    for (let i = 0; i < p.line && i < lines.length; i++) off += lines[i].length + 1;
    return Math.min(off + p.character, this._text.length);
  }
  positionAt(offset) {
    const before = this._text.slice(0, offset).split('\n');
    return new Position(before.length - 1, before[before.length - 1].length);
  }
  getText(range) { return range ? this._text.slice(this.offsetAt(range.start), this.offsetAt(range.end)) : this._text; }
  lineAt(line) { const text = this._text.split('\n')[line]; return { text, range: new Range(line, 0, line, text.length) }; }
  getWordRangeAtPosition() { return undefined; }
  validatePosition(p) { return p; }
}

class TextEdit {
  constructor(range, newText) { this.range = range; this.newText = newText; }
  static replace(range, newText) { return new TextEdit(range, newText); }
  static insert(position, newText) { return new TextEdit(new Range(position, position), newText); }
}

class WorkspaceEdit {
  constructor() { this._edits = []; }
  replace(uri, range, newText) { this._edits.push([uri, new TextEdit(range, newText)]); }
  insert(uri, position, newText) { this.replace(uri, new Range(position, position), newText); }
  set(uri, edits) { for (const e of edits) this._edits.push([uri, e]); }
  entries() { return this._edits.map(([u, e]) => [u, [e]]); }
  get size() { return this._edits.length; }
  createFile() {} renameFile() {} deleteFile() {}
}

class SnippetString { constructor(value) { this.value = value || ''; } }
class MarkdownString { constructor(value) { this.value = value || ''; } appendMarkdown(v) { this.value += v; return this; } appendCodeblock(v) { this.value += v; return this; } }
class CompletionItem { constructor(label, kind) { this.label = label; this.kind = kind; } }
class CompletionList { constructor(items, isIncomplete) { this.items = items || []; this.isIncomplete = !!isIncomplete; } }
class Diagnostic { constructor(range, message, severity) { this.range = range; this.message = message; this.severity = severity; } }
class CodeActionKind {
  constructor(value) { this.value = value; }
  append(part) { return new CodeActionKind(this.value ? `${this.value}.${part}` : part); }
  contains(o) { return o.value === this.value || o.value.startsWith(`${this.value}.`); }
  intersects(o) { return this.contains(o) || o.contains(this); }
}
for (const [k, v] of Object.entries({ Empty: '', QuickFix: 'quickfix', Refactor: 'refactor', RefactorExtract: 'refactor.extract', RefactorInline: 'refactor.inline', RefactorRewrite: 'refactor.rewrite', Source: 'source', SourceOrganizeImports: 'source.organizeImports', SourceFixAll: 'source.fixAll' })) {
  CodeActionKind[k] = new CodeActionKind(v);
}
class CodeAction { constructor(title, kind) { this.title = title; this.kind = kind; } }

class CancellationTokenSource {
  constructor() {
    const emitter = new EventEmitter();
    this._emitter = emitter;
    this.token = { isCancellationRequested: false, onCancellationRequested: emitter.event };
  }
  cancel() { if (!this.token.isCancellationRequested) { this.token.isCancellationRequested = true; this._emitter.fire(); } }
  dispose() {}
}

function enumOf(...names) { return Object.fromEntries(names.map((n, i) => [n, i])); }

function create(settings) {
  const host = {
    commands: new Map(),
    messages: [],
    providers: {},
    appliedEdits: [],
    inputBoxAnswer: undefined,
    quickPicks: [],
  };
  const opened = new EventEmitter();
  host.openDocument = (doc) => { workspace.textDocuments.push(doc); opened.fire(doc); };
  const workspace = {
    textDocuments: [],
    workspaceFolders: undefined,
    name: undefined,
    getConfiguration(section) {
      const root = section ? settings[section] || {} : settings;
      return {
        get(key, dflt) {
          const v = key.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), root);
          return v === undefined ? dflt : v;
        },
        has(key) { return this.get(key) !== undefined; },
        inspect() { return undefined; },
        update() { return Promise.resolve(); },
        ...root,
      };
    },
    async applyEdit(edit) {
      for (const [uri, e] of edit._edits) {
        const doc = workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
        host.appliedEdits.push({ uri: uri.toString(), newText: e.newText });
        if (doc) {
          doc._text = doc._text.slice(0, doc.offsetAt(e.range.start)) + e.newText + doc._text.slice(doc.offsetAt(e.range.end));
          doc.version += 1;
        }
      }
      return true;
    },
    createFileSystemWatcher() { return { onDidCreate: noEvent, onDidChange: noEvent, onDidDelete: noEvent, dispose() {} }; },
    onDidOpenTextDocument: opened.event, onDidCloseTextDocument: noEvent, onDidChangeTextDocument: noEvent,
    onDidSaveTextDocument: noEvent, onWillSaveTextDocument: noEvent, onDidChangeConfiguration: noEvent,
    onDidChangeWorkspaceFolders: noEvent, onDidCreateFiles: noEvent, onDidRenameFiles: noEvent,
    onDidDeleteFiles: noEvent, onWillCreateFiles: noEvent, onWillRenameFiles: noEvent, onWillDeleteFiles: noEvent,
    onDidOpenNotebookDocument: noEvent, onDidCloseNotebookDocument: noEvent, onDidChangeNotebookDocument: noEvent,
    onDidSaveNotebookDocument: noEvent, notebookDocuments: [],
    registerTextDocumentContentProvider: () => new Disposable(),
  };
  const message = (level) => (text) => { host.messages.push({ level, text }); return Promise.resolve(undefined); };
  const window = {
    activeTextEditor: undefined,
    visibleTextEditors: [],
    tabGroups: { all: [], onDidChangeTabs: noEvent, onDidChangeTabGroups: noEvent },
    onDidChangeActiveTextEditor: noEvent, onDidChangeVisibleTextEditors: noEvent,
    showInformationMessage: message('info'), showWarningMessage: message('warning'), showErrorMessage: message('error'),
    showInputBox: () => Promise.resolve(host.inputBoxAnswer),
    showTextDocument: () => Promise.resolve(undefined),
    withProgress: (_opts, task) => task({ report() {} }, { isCancellationRequested: false, onCancellationRequested: noEvent }),
    createOutputChannel(name) {
      return { name, append() {}, appendLine() {}, replace() {}, clear() {}, show() {}, hide() {}, dispose() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
    },
    createQuickPick() {
      const accept = new EventEmitter(); const change = new EventEmitter(); const hide = new EventEmitter();
      const pick = {
        items: [], selectedItems: [], activeItems: [], value: '', busy: false, placeholder: '',
        onDidAccept: accept.event, onDidChangeValue: change.event, onDidHide: hide.event,
        onDidChangeSelection: noEvent, onDidChangeActive: noEvent,
        show() { pick.visible = true; }, hide() { pick.visible = false; hide.fire(); }, dispose() {},
        type(value) { pick.value = value; change.fire(value); },
        accept(item) { pick.selectedItems = [item]; return Promise.all(accept.fire()); },
      };
      host.quickPicks.push(pick);
      return pick;
    },
  };
  const register = (kind) => (selector, provider, ...rest) => {
    (host.providers[kind] = host.providers[kind] || []).push({ selector, provider, rest });
    return new Disposable();
  };
  const languages = new Proxy({
    match(selector, doc) {
      const sels = Array.isArray(selector) ? selector : [selector];
      return sels.some((s) => typeof s === 'string' ? s === doc.languageId
        : (!s.scheme || s.scheme === doc.uri.scheme) && (!s.language || s.language === doc.languageId)) ? 10 : 0;
    },
    createDiagnosticCollection() {
      const m = new Map();
      return { set: (u, d) => m.set(String(u), d), delete: (u) => m.delete(String(u)), clear: () => m.clear(), get: (u) => m.get(String(u)), has: (u) => m.has(String(u)), forEach() {}, dispose() {} };
    },
    onDidChangeDiagnostics: noEvent,
  }, {
    get(target, prop) {
      if (prop in target) return target[prop];
      if (typeof prop === 'string' && prop.startsWith('register')) return register(prop.slice(8));
      return undefined;
    },
  });
  const commands = {
    registerCommand(id, fn) { host.commands.set(id, fn); return new Disposable(() => host.commands.delete(id)); },
    executeCommand(id, ...args) { const fn = host.commands.get(id); return Promise.resolve(fn ? fn(...args) : undefined); },
    getCommands: () => Promise.resolve([...host.commands.keys()]),
  };
  const modelled = {
    version: '1.82.0',
    env: { appName: 'Visual Studio Code', language: 'en', machineId: 'test', sessionId: 'test', uiKind: 1, openExternal: () => Promise.resolve(true) },
    Uri, Position, Range, Selection, TextEdit, WorkspaceEdit, SnippetString, MarkdownString,
    CompletionItem, CompletionList, Diagnostic, CodeActionKind, CodeAction, Disposable, EventEmitter,
    CancellationTokenSource,
    workspace, window, languages, commands,
    CompletionItemKind: enumOf('Text', 'Method', 'Function', 'Constructor', 'Field', 'Variable', 'Class', 'Interface', 'Module', 'Property', 'Unit', 'Value', 'Enum', 'Keyword', 'Snippet', 'Color', 'File', 'Reference', 'Folder', 'EnumMember', 'Constant', 'Struct', 'Event', 'Operator', 'TypeParameter', 'User', 'Issue'),
    DiagnosticSeverity: enumOf('Error', 'Warning', 'Information', 'Hint'),
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
    CompletionTriggerKind: enumOf('Invoke', 'TriggerCharacter', 'TriggerForIncompleteCompletions'),
  };
  const vscode = new Proxy(modelled, {
    get(target, prop) {
      if (!(prop in target)) target[prop] = stub(`vscode.${String(prop)}`);
      return target[prop];
    },
  });
  return { vscode, host, TextDocument, Selection, Position };
}

module.exports = { create };
