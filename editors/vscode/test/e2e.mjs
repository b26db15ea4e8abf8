// A real VS Code session: code-server (started by .ci/vscode-test.sh with the packaged
// extension installed) driven through Chromium. Opens the workspace's Rust file, reads the
// finding from the Problems panel, applies the rule's quick fix, saves, and checks the
// file on disk. Environment: URL (code-server, with ?folder=), WORKSPACE, SHOTS (where
// screenshots go on failure).
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { chromium } from "playwright-core";

const url = process.env.URL;
const workspace = process.env.WORKSPACE;
const shots = process.env.SHOTS ?? ".";
const file = path.join(workspace, "src/lib.rs");
// What `prodlint check` says of src/lib.rs:12 and the fix it offers.
const MESSAGE = "`#[instrument]` skips `self`, but `inner` has no `self` parameter";
const FIX = "skip `registry` instead";
const BEFORE = "        #[instrument(skip(self), fields(round))] // expect: instrument-unknown-param";
const AFTER = "        #[instrument(skip(registry), fields(round))] // expect: instrument-unknown-param";

const step = (what) => console.log(`vscode: ${what}`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
// The browser's profile is playwright's fresh temporary directory (its --user-data-dir).
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
page.setDefaultTimeout(60_000);
const mod = "Control";

/** Runs a command from the palette by its title. */
async function command(title) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible" });
  await input.fill(`>${title}`);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first().waitFor();
  await page.keyboard.press("Enter");
}

async function problemsText() {
  return (await page.locator(".markers-panel").innerText()).replace(/\s+/g, " ");
}

let failed = false;
try {
  assert.ok(fs.readFileSync(file, "utf8").split("\n")[11] === BEFORE, "the fixture's line 12 is as expected");
  step(`opening ${url}`);
  await page.goto(url);
  await page.locator(".monaco-workbench").waitFor();
  await page.locator(".explorer-folders-view, .explorer-viewlet").first().waitFor();

  step("opening src/lib.rs");
  await command("Go to File...");
  await page.locator(".quick-input-widget input").fill("lib.rs");
  await page.locator(".quick-input-list .monaco-list-row", { hasText: "lib.rs" }).first().waitFor();
  await page.keyboard.press("Enter");
  await page.locator(".monaco-editor .view-lines").first().waitFor();

  step("waiting for the finding in the Problems panel");
  await command("View: Focus Problems");
  await page.locator(".markers-panel .monaco-list-row", { hasText: MESSAGE }).first().waitFor();
  const problems = await problemsText();
  console.log(`Problems panel: ${problems}`);
  assert.ok(problems.includes(MESSAGE));
  assert.ok(problems.includes("instrument-unknown-param"), "the rule id is the diagnostic's code");
  assert.match(problems, /\[Ln 12, Col 27\]/);

  step("applying the quick fix at 12:27");
  await page.locator(".monaco-editor .view-lines").first().click();
  await command("Go to Line/Column...");
  await page.keyboard.type("12:28");
  await page.keyboard.press("Enter");
  await page.keyboard.press(`${mod}+.`);
  const action = page.locator(".action-widget .monaco-list-row", { hasText: FIX }).first();
  await action.waitFor();
  const offered = (await page.locator(".action-widget").innerText()).replace(/\s+/g, " ");
  console.log(`code actions: ${offered}`);
  assert.ok(offered.includes("Suppress instrument-unknown-param on this line"));
  // The list takes keys (a click can land while it still moves): down to the fix, Enter.
  const focused = page.locator(".action-widget .monaco-list-row.focused");
  for (let i = 0; i < 10 && (await focused.getAttribute("aria-label")) !== FIX; i++) {
    await page.keyboard.press("ArrowDown");
  }
  assert.equal(await focused.getAttribute("aria-label"), FIX);
  await page.keyboard.press("Enter");

  step("saving");
  await page.keyboard.press(`${mod}+s`);
  const deadline = Date.now() + 30_000;
  let line = "";
  while (Date.now() < deadline) {
    line = fs.readFileSync(file, "utf8").split("\n")[11];
    if (line !== BEFORE) break;
    await page.waitForTimeout(200);
  }
  console.log(`line 12 on disk: ${line}`);
  assert.equal(line, AFTER);

  step("waiting for the finding to go");
  await page
    .locator(".markers-panel .monaco-list-row", { hasText: MESSAGE })
    .first()
    .waitFor({ state: "detached" });
  const after = await problemsText();
  assert.ok(after.includes("instrument-unknown-param"), "the file's other findings stay");
  console.log("vscode: ok");
} catch (error) {
  failed = true;
  console.error(error);
  fs.mkdirSync(shots, { recursive: true });
  const shot = path.join(shots, "vscode-failure.png");
  await page.screenshot({ path: shot }).catch(() => undefined);
  console.error(`screenshot: ${shot}`);
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
