-- Drives editors/nvim in a headless Neovim against the real server; run by test_neovim.py:
--   nvim --headless -u NONE -c "luafile drive.lua"
-- Inputs come from PIECES_TEST_* environment variables; everything observed is written as JSON
-- to PIECES_TEST_OUT, and Neovim quits whatever happens. Each step reports its own error, so a
-- failing search does not hide what insert does.
local env = vim.env
local out = {}
local pieces

local function pieces_client()
  local all = (vim.lsp.get_clients or vim.lsp.get_active_clients)()
  for _, c in ipairs(all) do
    if c.name == "pieces" then
      return c
    end
  end
end

local function wait_for(what, fn, ms)
  if not vim.wait(ms or tonumber(env.PIECES_TEST_TIMEOUT_MS or "30000"), fn, 50) then
    error("timed out waiting for " .. what)
  end
end

local function start()
  local v = vim.version()
  out.client_info = { name = "Neovim", version = string.format("%d.%d.%d", v.major, v.minor, v.patch) }
  out.capabilities = vim.lsp.protocol.make_client_capabilities()

  vim.opt.runtimepath:prepend(env.PIECES_TEST_RTP)
  vim.cmd("filetype on") -- -u NONE leaves file type detection off
  pieces = require("pieces")
  pieces.setup({
    cmd = vim.json.decode(env.PIECES_TEST_CMD),
    settings = { home = env.PIECES_TEST_HOME, profile = "nvim" },
  })
  -- A real file: the server gets it through didOpen, and :PiecesSave sends {uri, range}.
  vim.cmd("edit " .. vim.fn.fnameescape(env.PIECES_TEST_FILE))
  out.filetype = vim.bo.filetype
  wait_for("the client to initialize", function()
    local c = pieces_client()
    return c ~= nil and c.initialized == true
  end)
  out.attached = vim.lsp.buf_is_attached(0, pieces_client().id)
end

local function save()
  vim.cmd(string.format("%s,%sPiecesSave %s", env.PIECES_TEST_LINE1, env.PIECES_TEST_LINE2, env.PIECES_TEST_TITLE))
  wait_for(":PiecesSave", function()
    return pieces.last.saved ~= nil or pieces.last.error ~= nil
  end)
  out.saved = pieces.last.saved
  if not out.saved then
    error(pieces.last.error)
  end
end

local function search()
  local title = "Pieces: " .. env.PIECES_TEST_QUERY
  vim.cmd("PiecesSearch " .. env.PIECES_TEST_QUERY)
  wait_for(":PiecesSearch", function()
    return vim.fn.getqflist({ title = 1 }).title == title or pieces.last.error ~= nil
  end)
  if pieces.last.error then
    error(pieces.last.error)
  end
  local qf = vim.fn.getqflist({ items = 1, context = 1, title = 1 })
  out.quickfix = {
    title = qf.title,
    texts = vim.tbl_map(function(i) return i.text end, qf.items),
    results = type(qf.context) == "table" and qf.context.pieces or nil,
  }
end

local function insert()
  -- Into a second, empty file: the server answers with workspace/applyEdit.
  vim.cmd("edit " .. vim.fn.fnameescape(env.PIECES_TEST_FILE2))
  local buf = vim.api.nvim_get_current_buf()
  local answer
  pieces.insert(out.saved.id, function(result) answer = result end)
  wait_for(":PiecesInsert", function()
    return answer ~= nil or pieces.last.error ~= nil
  end, 15000)
  if pieces.last.error then
    error(pieces.last.error)
  end
  out.insert = { answer = answer, lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false) }
end

out.errors = vim.empty_dict() -- encodes as {} even when no step failed
for _, step in ipairs({ { "start", start }, { "save", save }, { "search", search }, { "insert", insert } }) do
  if pieces then
    pieces.last.error = nil
  end
  local ok, err = pcall(step[2])
  if not ok then
    out.errors[step[1]] = tostring(err)
    if step[1] == "start" or step[1] == "save" then
      break -- the later steps need a running client and a saved snippet
    end
  end
end

local client = pieces_client()
if client then
  client.stop()
  vim.wait(5000, function() return client.is_stopped() end, 50)
end
local f = assert(io.open(env.PIECES_TEST_OUT, "w"))
f:write(vim.json.encode(out))
f:close()
vim.cmd("qa!")
