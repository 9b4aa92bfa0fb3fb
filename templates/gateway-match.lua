-- The `lua.gateway_match <side> <variable>` action (src/config/match-rule-lines.ts): tries, in order, the rules of
-- the key host of the request's key held in <variable>, and sets txn.backend from the first that matches. The rules
-- are data that gateway-match-rules.lua (loaded first) leaves in `gateway_match_rules`, a table per side of key
-- host -> rules; the frontends call this only for a key host that has rules, so other hosts never pay for them.
local rules = gateway_match_rules
gateway_match_rules = nil

local function begins(text, prefix)
  return string.sub(text, 1, #prefix) == prefix
end

local function any_equals(values, want)
  if values == nil then return false end
  for _, v in pairs(values) do
    if v == want then return true end
  end
  return false
end

local function path_matches(key, rule)
  for _, k in ipairs(rule.exact) do
    if key == k then return true end
  end
  for _, k in ipairs(rule.prefix) do
    if begins(key, k) then return true end
  end
  return false
end

-- The query string's values by name, as they appear in the request (not decoded), every repeat kept: a parameter
-- matches when one of its values does.
local function query_values(txn)
  local values = {}
  for pair in string.gmatch(txn.f:query() or "", "[^&]+") do
    local eq = string.find(pair, "=", 1, true)
    local name = eq and string.sub(pair, 1, eq - 1) or pair
    local list = values[name] or {}
    list[#list + 1] = eq and string.sub(pair, eq + 1) or ""
    values[name] = list
  end
  return values
end

-- A request's headers and query string are read once, and only when a rule asks for them (header names are lower
-- case on both sides).
local function conditions_match(txn, rule, request)
  if rule.method ~= nil and txn.f:method() ~= rule.method then return false end
  for _, h in ipairs(rule.headers) do
    request.headers = request.headers or txn.http:req_get_headers()
    if not any_equals(request.headers[h[1]], h[2]) then return false end
  end
  for _, q in ipairs(rule.query) do
    request.query = request.query or query_values(txn)
    if not any_equals(request.query[q[1]], q[2]) then return false end
  end
  return true
end

core.register_action("gateway_match", { "http-req" }, function(txn, side, variable)
  local key = txn:get_var(variable)
  if key == nil then return end
  local list = rules[side][string.match(key, "^[^/]*")]
  if list == nil then return end
  local request = {}
  for _, rule in ipairs(list) do
    if path_matches(key, rule) and conditions_match(txn, rule, request) then
      txn:set_var("txn.backend", rule.value)
      return
    end
  end
end, 2)
