// Starts `prodlint lsp` for the window and restarts it when its settings change.
import * as vscode from "vscode";
import {
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
} from "vscode-languageclient/node";
import { findServer } from "./binary";

/** The languages prodlint checks; `.vue`, `.svelte` and `.astro` also by name, since
 *  without an extension for them VS Code opens them as plain text. */
const DOCUMENTS: LanguageClientOptions["documentSelector"] = [
  ...["rust", "typescript", "typescriptreact", "javascript", "javascriptreact", "vue", "svelte", "astro"].map(
    (language) => ({ scheme: "file", language }),
  ),
  { scheme: "file", pattern: "**/*.{vue,svelte,astro}" },
];

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("prodlint");
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand("prodlint.restartServer", () => restart(context)),
    vscode.commands.registerCommand("prodlint.showOutput", () => output.show()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("prodlint.path") || event.affectsConfiguration("prodlint.args")) {
        void restart(context);
      }
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  await stop();
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const config = vscode.workspace.getConfiguration("prodlint");
  const folders = (vscode.workspace.workspaceFolders ?? [])
    .filter((folder) => folder.uri.scheme === "file")
    .map((folder) => folder.uri.fsPath);
  const found = findServer({
    configuredPath: config.get<string>("path", ""),
    workspaceFolders: folders,
    extensionDir: context.extensionPath,
    envPath: process.env.PATH ?? "",
  });
  if (!("path" in found)) {
    const reason =
      found.configuredError ??
      "no prodlint binary was found. Install it in the project with `npm install -D prodlint`, " +
        "put `prodlint` on the PATH, or set prodlint.path";
    output.appendLine(`prodlint: ${reason}.`);
    output.appendLine("Looked in:");
    for (const place of found.tried) output.appendLine(`  ${place}`);
    const choice = await vscode.window.showErrorMessage(
      `prodlint: ${reason}.`,
      "Open Settings",
      "Show Output",
    );
    if (choice === "Open Settings") {
      await vscode.commands.executeCommand("workbench.action.openSettings", "prodlint.path");
    } else if (choice === "Show Output") {
      output.show();
    }
    return;
  }

  const args = ["lsp", ...config.get<string[]>("args", [])];
  output.appendLine(`Starting ${found.path} ${args.join(" ")} (from ${found.source})`);
  const server: ServerOptions = {
    command: found.path,
    args,
    options: { cwd: folders[0] },
  };
  const options: LanguageClientOptions = {
    documentSelector: DOCUMENTS,
    outputChannel: output,
    // The server registers its own file watchers (prodlint.toml and the sources).
  };
  // The id "prodlint" makes the client read `prodlint.trace.server`.
  client = new LanguageClient("prodlint", "prodlint", server, options);
  try {
    await client.start();
  } catch (error) {
    output.appendLine(`prodlint lsp did not start: ${String(error)}`);
    void vscode.window.showErrorMessage(`prodlint: ${found.path} lsp did not start (see the prodlint output).`);
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running !== undefined) {
    await running.stop().catch(() => undefined);
  }
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  await stop();
  await start(context);
}
