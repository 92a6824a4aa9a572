-- wrk script of benches/search_http.sh: GETs WRK_PATH followed by one of a dozen job words
-- (URL-encoded, in turn), with a bearer token when WRK_TOKEN is set; prints one JSON line.
local words = {"厨师", "叉车", "育婴员", "电工", "普工", "保安", "粤菜", "仓管",
               "养老护理", "数控车工", "包装工", "服装车位工"}
local paths = {}
local n = 0

local function urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

init = function(args)
  local base = os.getenv("WRK_PATH") or "/api/v1/vacancies?q="
  for i, w in ipairs(words) do paths[i] = base .. urlencode(w) end
  local token = os.getenv("WRK_TOKEN")
  if token and #token > 0 then wrk.headers["Authorization"] = "Bearer " .. token end
end

request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests_per_s":%.0f,"p50_ms":%.3f,"p99_ms":%.3f,"requests":%d,"socket_errors":%d,"non_2xx":%d}\n',
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.requests, e.connect + e.read + e.write + e.timeout,
    e.status))
end
