-- wrk script of benches/search_http.sh and benches/cluster.sh. GETs WRK_PATH followed by one
-- of a dozen job words (URL-encoded, in turn); when WRK_PATH holds {id}, that is replaced by
-- an id from 1 to WRK_MAX_ID instead (matching). WRK_TOKENS: bearer tokens, comma separated,
-- used in turn (none: anonymous). WRK_SALT=1 adds a word found nowhere ("z" and a random
-- number) to every query, so that no two queries are the same (no answer is cached).
-- Prints one JSON line.
local words = {"厨师", "叉车", "育婴员", "电工", "普工", "保安", "粤菜", "仓管",
               "养老护理", "数控车工", "包装工", "服装车位工"}
local paths = {}
local tokens = {}
local base, max_id, salt
local n = 0

local function urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

init = function(args)
  base = os.getenv("WRK_PATH") or "/api/v1/vacancies?q="
  max_id = tonumber(os.getenv("WRK_MAX_ID") or "1000")
  salt = os.getenv("WRK_SALT") == "1"
  for i, w in ipairs(words) do paths[i] = base .. urlencode(w) end
  for t in string.gmatch(os.getenv("WRK_TOKENS") or "", "[^,]+") do tokens[#tokens + 1] = t end
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

request = function()
  n = n + 1
  local path
  if string.find(base, "{id}", 1, true) then
    path = string.gsub(base, "{id}", tostring(math.random(1, max_id)))
  else
    path = paths[(n % #paths) + 1]
    if salt then path = path .. "+z" .. tostring(math.random(1, 1000000000)) end
  end
  if #tokens > 0 then
    return wrk.format("GET", path, {["Authorization"] = "Bearer " .. tokens[(n % #tokens) + 1]})
  end
  return wrk.format("GET", path)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests_per_s":%.0f,"p50_ms":%.3f,"p99_ms":%.3f,"requests":%d,"socket_errors":%d,"non_2xx":%d}\n',
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.requests, e.connect + e.read + e.write + e.timeout,
    e.status))
end
