// Pieces for VS Code: launches `pieces-lsp` over stdio and adds two commands on top of the
// server's `workspace/executeCommand` API (each command takes exactly one JSON object).
import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

interface SearchResult {
  id: string;
  title: string;
  language?: string;
  tags?: string[];
  score?: number;
  preview?: string;
  why?: string;
}

interface ResultItem extends vscode.QuickPickItem {
  id: string;
}

/** Settings under `pieces.*`, minus the client-only ones, as the server's init options. */
function initializationOptions(): Record<string, unknown> {
  const cfg = vscode.workspace.getConfiguration('pieces');
  const options: Record<string, unknown> = {
    profile: cfg.get<string>('profile', 'default'),
    completion: {
      enabled: cfg.get<boolean>('completion.enabled', true),
      maxItems: cfg.get<number>('completion.maxItems', 20),
    },
    diagnostics: { secrets: cfg.get<boolean>('diagnostics.secrets', true) },
  };
  const home = cfg.get<string>('home', '');
  if (home) {
    options.home = home;
  }
  // Only what the user set: an empty value leaves <home>/config.toml in charge.
  const llm: Record<string, string> = {};
  for (const key of ['provider', 'url', 'model', 'api_key_env']) {
    const value = cfg.get<string>(`privacy.llm.${key}`, '');
    if (value) {
      llm[key] = value;
    }
  }
  if (Object.keys(llm).length) {
    options.privacy = { llm };
  }
  return options;
}

async function pieces<T>(command: string, arg: object): Promise<T> {
  if (!client) {
    throw new Error('the Pieces language server is not running');
  }
  return client.sendRequest(ExecuteCommandRequest.type, { command, arguments: [arg] });
}

async function saveSelection(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !client) {
    return;
  }
  const doc = editor.document;
  // No selection: save the whole document.
  const range = editor.selection.isEmpty
    ? new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length))
    : editor.selection;
  const title = await vscode.window.showInputBox({
    prompt: 'Snippet title (empty: let Pieces name it)',
  });
  if (title === undefined) {
    return; // cancelled
  }
  // Documents the client syncs (file and untitled) are known to the server by URI; anything else
  // is sent as content.
  const synced = doc.uri.scheme === 'file' || doc.uri.scheme === 'untitled';
  const arg: Record<string, unknown> = synced
    ? { uri: doc.uri.toString(), range: client.code2ProtocolConverter.asRange(range) }
    : { content: doc.getText(range), language: doc.languageId };
  if (title) {
    arg.title = title;
  }
  const saved = await pieces<{ id: string; title: string }>('pieces.snippet.save', arg);
  vscode.window.showInformationMessage(`Pieces: saved "${saved.title}"`);
}

async function searchSnippets(): Promise<void> {
  const pick = vscode.window.createQuickPick<ResultItem>();
  pick.placeholder = 'Search your snippets';
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  let timer: NodeJS.Timeout | undefined;
  let generation = 0;
  pick.onDidChangeValue((query) => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const mine = ++generation;
      if (!query.trim()) {
        pick.items = [];
        return;
      }
      pick.busy = true;
      try {
        const { results } = await pieces<{ results: SearchResult[] }>('pieces.search', {
          query,
          limit: 30,
        });
        if (mine === generation) {
          pick.items = results.map((r) => ({
            id: r.id,
            label: r.title,
            description: [r.language, ...(r.tags ?? []).map((t) => `#${t}`)]
              .filter(Boolean)
              .join(' '),
            detail: r.preview,
            alwaysShow: true, // the server ranked it; don't let the QuickPick filter it away
          }));
        }
      } catch (err) {
        vscode.window.showErrorMessage(`Pieces: search failed: ${(err as Error).message}`);
      } finally {
        if (mine === generation) {
          pick.busy = false;
        }
      }
    }, 150);
  });
  pick.onDidAccept(async () => {
    const chosen = pick.selectedItems[0];
    pick.hide();
    if (!chosen || !client) {
      return;
    }
    try {
      const editor = vscode.window.activeTextEditor;
      if (editor) {
        // The server answers with workspace/applyEdit, which the client applies.
        const result = await pieces<{ applied: boolean }>('pieces.snippet.insert', {
          id: chosen.id,
          uri: editor.document.uri.toString(),
          position: client.code2ProtocolConverter.asPosition(editor.selection.active),
        });
        if (!result.applied) {
          vscode.window.showWarningMessage('Pieces: the editor did not apply the snippet');
        }
      } else {
        // No editor to insert into: the server writes it to a file and sends window/showDocument.
        await pieces('pieces.snippet.open', { id: chosen.id });
      }
    } catch (err) {
      vscode.window.showErrorMessage(`Pieces: ${(err as Error).message}`);
    }
  });
  pick.onDidHide(() => pick.dispose());
  pick.show();
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const command = vscode.workspace.getConfiguration('pieces').get<string>('serverPath') || 'pieces-lsp';
  const serverOptions: ServerOptions = { command, transport: TransportKind.stdio };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file' }, { scheme: 'untitled' }],
    initializationOptions: initializationOptions(),
    // Answers workspace/configuration for `pieces` and sends didChangeConfiguration on edits.
    synchronize: { configurationSection: 'pieces' },
  };
  client = new LanguageClient('pieces', 'Pieces', serverOptions, clientOptions);
  const report = (fn: () => Promise<void>) => async () => {
    try {
      await fn();
    } catch (err) {
      vscode.window.showErrorMessage(`Pieces: ${(err as Error).message}`);
    }
  };
  context.subscriptions.push(
    vscode.commands.registerCommand('pieces.saveSelection', report(saveSelection)),
    vscode.commands.registerCommand('pieces.searchSnippets', report(searchSnippets)),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
