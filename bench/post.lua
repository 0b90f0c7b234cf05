-- wrk script for scenarios that send a body (e.g. POST /echo).
-- bench/http.py passes the request through the environment so one script
-- serves every such scenario:
--   BENCH_METHOD   HTTP method (default POST)
--   BENCH_BODY     request body (default the echo scenario's JSON)
--   BENCH_HEADERS  extra headers, one "Name: value" per line
-- The request is set once here (no request() function), so wrk reuses it
-- without calling into Lua per request.
wrk.method = os.getenv("BENCH_METHOD") or "POST"
wrk.body = os.getenv("BENCH_BODY") or '{"hello": "world", "n": [1, 2, 3]}'
local headers = os.getenv("BENCH_HEADERS") or "Content-Type: application/json"
for name, value in headers:gmatch("([^:\n]+):%s*([^\n]*)") do
  wrk.headers[name] = value
end
