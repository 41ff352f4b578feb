-- Drives Neovim (headless) as a person would, with the README's init.lua loaded by `-u`
-- (test/editors/run.mjs): the current buffer is the project's Dockerfile. It waits for CG-D060, applies
-- "Replace ADD with COPY", writes; runs fix-all on fixall/Dockerfile, writes; opens compose.yaml and
-- waits for CG-C070. It exits 0 when every step worked, else 1 after one "FAIL: …" line on stderr. The
-- files on disk are checked by run.mjs. Polls with vim.wait (bounded), no fixed sleeps.

local timeout = 15000

local function fail(message)
  io.stderr:write('FAIL: ' .. message .. '\n')
  vim.cmd('cquit 1')
end

local function step(message)
  -- On a line of its own: Neovim's messages (e.g. "Workspace edit …") end without a newline.
  io.stdout:write('\n' .. message .. '\n')
end

-- Our diagnostic of a rule in a buffer, as Neovim stores it (vim.diagnostic), or nil.
local function diagnostic(bufnr, code)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == code and d.source == 'container-guard' then return d end
  end
end

local function wait_for(bufnr, code)
  if not vim.wait(timeout, function() return diagnostic(bufnr, code) ~= nil end, 20) then
    fail(code .. ' never appeared in ' .. vim.api.nvim_buf_get_name(bufnr))
  end
  return diagnostic(bufnr, code)
end

-- The LSP form of a stored diagnostic (what vim.lsp.buf.code_action sends): user_data.lsp keeps
-- `data`, which carries the finding.
local function to_lsp(d)
  return vim.tbl_extend('keep', {
    range = { start = { line = d.lnum, character = d.col }, ['end'] = { line = d.end_lnum, character = d.end_col } },
    severity = d.severity,
    message = d.message,
    source = d.source,
    code = d.code,
  }, d.user_data and d.user_data.lsp or {})
end

local function text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')
end

-- 1. The Dockerfile: a diagnostic, settings from init.lua, the quick fix.
local bufnr = vim.api.nvim_get_current_buf()
local d060 = wait_for(bufnr, 'CG-D060')
step('nvim: CG-D060 at line ' .. (d060.lnum + 1) .. ': ' .. d060.message)
if d060.lnum ~= 2 then fail('CG-D060 on line ' .. (d060.lnum + 1) .. ', expected 3') end
-- The profile in init.lua's settings reached the server: under "strict" CG-D020 is an error.
local d020 = diagnostic(bufnr, 'CG-D020')
if not d020 or d020.severity ~= vim.diagnostic.severity.ERROR then fail('CG-D020 is not an error: settings not applied') end

local lsp_diagnostic = to_lsp(d060)
local params = {
  textDocument = { uri = vim.uri_from_bufnr(bufnr) },
  range = lsp_diagnostic.range,
  context = { diagnostics = { lsp_diagnostic }, only = { 'quickfix' } },
}
local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, timeout) or {}
local chosen, client
for client_id, response in pairs(responses) do
  for _, action in ipairs(response.result or {}) do
    if action.title == 'Replace ADD with COPY' then chosen, client = action, vim.lsp.get_client_by_id(client_id) end
  end
end
if not chosen then fail('no "Replace ADD with COPY" code action') end
if not chosen.edit then fail('the action has no edit') end
vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
-- The server sees the change (didChange) and drops the finding.
if not vim.wait(timeout, function() return diagnostic(bufnr, 'CG-D060') == nil end, 20) then
  fail('CG-D060 still reported after the fix')
end
vim.cmd('silent write')
step('nvim: applied "Replace ADD with COPY" and wrote the file')

-- 2. Fix-all on a second Dockerfile: the server sends workspace/applyEdit, Neovim applies it.
vim.cmd('edit fixall/Dockerfile')
local fixall = vim.api.nvim_get_current_buf()
wait_for(fixall, 'CG-D073')
local before = text(fixall)
vim.lsp.buf.execute_command({ command = 'containerGuard.applyFixAll', arguments = { vim.uri_from_bufnr(0) } })
if not vim.wait(timeout, function() return text(fixall) ~= before end, 20) then fail('fix-all changed nothing') end
vim.cmd('silent write')
step('nvim: ran containerGuard.applyFixAll and wrote fixall/Dockerfile')

-- 3. A Compose file attaches too (filetype yaml, a Compose name).
vim.cmd('edit compose.yaml')
local c070 = wait_for(vim.api.nvim_get_current_buf(), 'CG-C070')
step('nvim: CG-C070 at line ' .. (c070.lnum + 1) .. ' of compose.yaml')

vim.cmd('qall!')
