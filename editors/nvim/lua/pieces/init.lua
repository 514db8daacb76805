-- pieces.nvim: the built-in LSP client talking to `pieces-lsp`, plus :PiecesSave, :PiecesSearch
-- and :PiecesInsert. Works with Neovim 0.7 (vim.lsp.start_client + buf_attach_client) and 0.8+
-- (vim.lsp.start). Every server command takes exactly one JSON object.
local M = {}

local defaults = {
  cmd = { "pieces-lsp" },
  -- File types to attach to; nil: every buffer that has a file type.
  filetypes = nil,
  -- Sent as initializationOptions and as the `pieces` section of workspace/configuration.
  settings = {
    -- home = "~/.local/share/pieces-lsp",
    profile = "default",
    completion = { enabled = true, maxItems = 20 },
    diagnostics = { secrets = true },
  },
  -- Extra fields for the client config (capabilities, on_attach, handlers, flags...).
  client = {},
}

M.config = vim.deepcopy(defaults)
-- The last results, for scripting and tests: { saved = snippet, search = results, error = msg }.
M.last = {}

local client_id -- Neovim 0.7: the one client we start and attach buffers to

local function client_config()
  local settings = M.config.settings
  return vim.tbl_extend("force", {
    name = "pieces",
    cmd = M.config.cmd,
    root_dir = vim.loop.cwd(),
    init_options = settings,
    settings = { pieces = settings },
  }, M.config.client)
end

local function get_client()
  if client_id then
    return vim.lsp.get_client_by_id(client_id)
  end
end

--- Start the server if needed and attach it to `bufnr`.
function M.attach(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  if vim.bo[bufnr].buftype ~= "" or vim.api.nvim_buf_get_name(bufnr) == "" then
    return -- no document URI to give the server; :PiecesSave sends such buffers as content
  end
  if vim.lsp.start then -- 0.8+
    client_id = vim.lsp.start(client_config(), { bufnr = bufnr }) or client_id
    return
  end
  if not get_client() then
    client_id = vim.lsp.start_client(client_config())
  end
  if client_id then
    vim.lsp.buf_attach_client(bufnr, client_id)
  end
end

local function notify(msg, level)
  vim.notify("Pieces: " .. msg, level or vim.log.levels.INFO)
end

--- workspace/executeCommand `name` with one object argument; `on_result(result)` on success.
function M.command(name, arg, on_result, bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  if not get_client() then
    M.attach(bufnr)
  end
  if not get_client() then
    -- A buffer without a file: start the client without attaching it.
    client_id = vim.lsp.start_client(client_config())
  end
  local tries = 0
  local function send()
    local client = get_client()
    if not client then
      M.last.error = "the language server is not running"
      return notify(M.last.error, vim.log.levels.ERROR)
    end
    if not client.initialized then -- no request may precede the initialize answer
      tries = tries + 1
      if tries > 400 then
        M.last.error = "the language server did not start"
        return notify(M.last.error, vim.log.levels.ERROR)
      end
      return vim.defer_fn(send, 50)
    end
    local params = { command = name, arguments = { arg } }
    local function handler(err, result)
      if err then
        M.last.error = name .. ": " .. (err.message or tostring(err))
        return notify(M.last.error, vim.log.levels.ERROR)
      end
      if on_result then
        on_result(result)
      end
    end
    if vim.fn.has("nvim-0.11") == 1 then
      client:request("workspace/executeCommand", params, handler, bufnr)
    else
      client.request("workspace/executeCommand", params, handler, bufnr)
    end
  end
  send()
end

local function utf16_len(s)
  local n = 0
  for i = 1, #s do
    local b = s:byte(i)
    if b < 0x80 or b >= 0xC0 then -- a character's first byte
      n = n + (b >= 0xF0 and 2 or 1) -- 4-byte UTF-8 = a surrogate pair in UTF-16
    end
  end
  return n
end

local function attached(bufnr)
  local client = get_client()
  return client ~= nil and vim.lsp.buf_is_attached(bufnr, client.id)
end

--- Save lines `line1`..`line2` (1-based, inclusive) of `bufnr` as a snippet.
function M.save(opts, on_saved)
  opts = opts or {}
  local bufnr = opts.bufnr or vim.api.nvim_get_current_buf()
  local line1 = opts.line1 or 1
  local line2 = opts.line2 or vim.api.nvim_buf_line_count(bufnr)
  local lines = vim.api.nvim_buf_get_lines(bufnr, line1 - 1, line2, false)
  local name = vim.api.nvim_buf_get_name(bufnr)
  local arg
  if
    name ~= ""
    and vim.bo[bufnr].buftype == ""
    and (attached(bufnr) or not vim.bo[bufnr].modified)
  then
    -- The server knows this document (open, or unchanged on disk): send where, not what.
    arg = {
      uri = vim.uri_from_bufnr(bufnr),
      range = {
        start = { line = line1 - 1, character = 0 },
        ["end"] = { line = line2 - 1, character = utf16_len(lines[#lines] or "") },
      },
    }
  else
    local ft = vim.bo[bufnr].filetype
    arg = { content = table.concat(lines, "\n"), language = ft ~= "" and ft or nil }
  end
  if opts.title and opts.title ~= "" then
    arg.title = opts.title
  end
  M.command("pieces.snippet.save", arg, function(snippet)
    M.last.saved = snippet
    notify(string.format('saved "%s" (%s)', snippet.title or "", (snippet.id or ""):sub(1, 8)))
    if on_saved then
      on_saved(snippet)
    end
  end, bufnr)
end

--- Insert snippet `id` at the cursor (the server answers with workspace/applyEdit).
function M.insert(id, on_done)
  local bufnr = vim.api.nvim_get_current_buf()
  local row, col = unpack(vim.api.nvim_win_get_cursor(0))
  local line = vim.api.nvim_buf_get_lines(bufnr, row - 1, row, false)[1] or ""
  local position = { line = row - 1, character = utf16_len(line:sub(1, col)) }
  M.command("pieces.snippet.insert", {
    id = id,
    uri = vim.uri_from_bufnr(bufnr),
    position = position,
  }, on_done, bufnr)
end

--- Search; results go to the quickfix list (its context holds the raw results), or with
--- `pick = true` to vim.ui.select, inserting the chosen snippet.
function M.search(query, opts, on_results)
  opts = opts or {}
  M.command("pieces.search", { query = query, limit = opts.limit or 50 }, function(result)
    local results = result.results or {}
    M.last.search = results
    if opts.pick then
      vim.ui.select(results, {
        prompt = "Pieces: " .. query,
        format_item = function(r)
          return string.format("%s [%s]", r.title, r.language or "")
        end,
      }, function(choice)
        if choice then
          M.insert(choice.id)
        end
      end)
    else
      local items = {}
      for _, r in ipairs(results) do
        local tags = #(r.tags or {}) > 0 and (" #" .. table.concat(r.tags, " #")) or ""
        local preview = (r.preview or ""):gsub("%s+", " ")
        table.insert(items, {
          text = string.format(
            "%s  %s [%s]%s  %s",
            r.id:sub(1, 8),
            r.title,
            r.language or "",
            tags,
            preview
          ),
          valid = 0,
        })
      end
      vim.fn.setqflist({}, " ", {
        title = "Pieces: " .. query,
        items = items,
        context = { pieces = results },
      })
      if #items > 0 then
        vim.cmd("copen")
      else
        notify("no snippet matches " .. query)
      end
    end
    if on_results then
      on_results(results)
    end
  end)
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend("force", vim.deepcopy(defaults), opts or {})
  local group = vim.api.nvim_create_augroup("pieces", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = M.config.filetypes or "*",
    callback = function(ev)
      M.attach(ev.buf)
    end,
  })
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.bo[bufnr].filetype ~= "" then
      M.attach(bufnr)
    end
  end

  vim.api.nvim_create_user_command("PiecesSave", function(c)
    M.save({ line1 = c.line1, line2 = c.line2, title = c.args })
  end, { range = "%", nargs = "*", desc = "Save the lines in range as a snippet [title]" })
  vim.api.nvim_create_user_command("PiecesSearch", function(c)
    M.search(c.args, { pick = c.bang })
  end, { nargs = "+", bang = true, desc = "Search snippets (! to pick one and insert it)" })
  vim.api.nvim_create_user_command("PiecesInsert", function(c)
    M.insert(c.args)
  end, { nargs = 1, desc = "Insert the snippet with this id at the cursor" })
end

return M
