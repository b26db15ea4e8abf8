-- A real editor session against `prodlint lsp`: Neovim's built-in client (0.7 APIs, as
-- Debian ships them) opens a file, prints the diagnostics it receives, asks for the code
-- actions on the first one, applies the suppression and prints what is left.
--
--   PRODLINT=target/debug/prodlint PRODLINT_ROOT=fixtures/demo \
--   PRODLINT_FILE=fixtures/demo/web/src/api.ts \
--   nvim --headless -u NONE -i NONE -n -c 'luafile tests/nvim/lsp.lua'
--
-- Output goes to standard output, one line per fact; the exit status is 0 only if every
-- step happened. The buffer is never written: the fixture stays as it is.

local function out(line)
  io.stdout:write(line .. "\n")
end

local function fail(message)
  out("FAIL: " .. message)
  vim.cmd("cquit 1")
end

local prodlint = vim.fn.fnamemodify(assert(os.getenv("PRODLINT"), "PRODLINT is not set"), ":p")
local root = vim.fn.fnamemodify(assert(os.getenv("PRODLINT_ROOT"), "PRODLINT_ROOT is not set"), ":p")
local file = vim.fn.fnamemodify(assert(os.getenv("PRODLINT_FILE"), "PRODLINT_FILE is not set"), ":p")
local timeout = 20000

vim.lsp.set_log_level("warn")
vim.cmd("edit " .. vim.fn.fnameescape(file))
local bufnr = vim.api.nvim_get_current_buf()
local name = vim.fn.fnamemodify(file, ":.")

local exit_code = nil
local client_id = vim.lsp.start_client({
  name = "prodlint",
  cmd = { prodlint, "lsp" },
  root_dir = root,
  on_exit = function(code)
    exit_code = code
  end,
})
if not client_id then
  fail("the client did not start")
end
vim.lsp.buf_attach_client(bufnr, client_id)

local function show(diagnostics)
  table.sort(diagnostics, function(a, b)
    return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col)
  end)
  for _, d in ipairs(diagnostics) do
    local severity = ({ "error", "warning", "info", "hint" })[d.severity] or "?"
    local message = vim.split(d.message, "\n", true)[1]
    out(string.format("%s:%d:%d: %s [%s] %s", name, d.lnum + 1, d.col + 1, severity, d.code or "", message))
  end
end

if not vim.wait(timeout, function()
  return #vim.diagnostic.get(bufnr) > 0
end, 20) then
  fail("no diagnostics arrived within " .. timeout .. " ms")
end
local diagnostics = vim.diagnostic.get(bufnr)
out("diagnostics received: " .. #diagnostics)
show(diagnostics)

-- The code actions on the first finding's line.
local first = diagnostics[1]
for _, d in ipairs(diagnostics) do
  if d.lnum < first.lnum then
    first = d
  end
end
local client = vim.lsp.get_client_by_id(client_id)
local response = client.request_sync("textDocument/codeAction", {
  textDocument = { uri = vim.uri_from_bufnr(bufnr) },
  range = { start = { line = first.lnum, character = 0 }, ["end"] = { line = first.lnum + 1, character = 0 } },
  context = { diagnostics = {} },
}, timeout, bufnr)
if not response or response.err or not response.result then
  fail("codeAction failed: " .. vim.inspect(response))
end
local suppress = nil
for _, action in ipairs(response.result) do
  out("code action: " .. action.title)
  if action.title:find("^Suppress") then
    suppress = action
  end
end
if not suppress then
  fail("no suppress action")
end

-- Applying it changes the buffer, which the client sends as didChange.
vim.lsp.util.apply_workspace_edit(suppress.edit, client.offset_encoding)
out("after the suppression, line " .. (first.lnum + 1) .. ": " .. vim.api.nvim_buf_get_lines(bufnr, first.lnum, first.lnum + 1, true)[1])
-- The finding (now one line down) goes away, and the comment's placeholder reason is
-- itself reported until someone writes the real one.
local suppressed_line = first.lnum + 1
local function settled()
  local still_there, placeholder = false, false
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.lnum == suppressed_line and d.code == first.code then
      still_there = true
    end
    if d.lnum == first.lnum and d.code == "invalid-suppression" then
      placeholder = true
    end
  end
  return not still_there and placeholder
end
if not vim.wait(timeout, settled, 20) then
  fail("the suppressed finding did not go away: " .. vim.inspect(vim.diagnostic.get(bufnr)))
end
out("diagnostics received: " .. #vim.diagnostic.get(bufnr))
show(vim.diagnostic.get(bufnr))

client.stop()
if not vim.wait(timeout, function()
  return exit_code ~= nil
end, 20) then
  fail("the server did not exit")
end
out("server exit code: " .. exit_code)
if exit_code ~= 0 then
  fail("the server exited with " .. exit_code)
end
vim.cmd("qall!")
