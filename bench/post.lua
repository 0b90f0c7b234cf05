-- wrk script for scenarios that send a body (e.g. POST /echo).
-- bench/http.py passes the request through the environment so one script
-- serves every such scenario:
--   BENCH_METHOD     HTTP method (default POST)
--   BENCH_BODY_FILE  file holding the request body, read as bytes (bodies may
--                    be binary, e.g. MessagePack); default the echo JSON
--   BENCH_HEADERS    extra headers, one "Name: value" per line
-- The request is set once here (no request() function), so wrk reuses it
-- without calling into Lua per request.
wrk.method = os.getenv("BENCH_METHOD") or "POST"
local body_file = os.getenv("BENCH_BODY_FILE")
if body_file then
  local file = assert(io.open(body_file, "rb"))
  wrk.body = file:read("*a")
  file:close()
else
  wrk.body = '{"hello": "world", "n": [1, 2, 3]}'
end
local headers = os.getenv("BENCH_HEADERS") or "Content-Type: application/json"
for name, value in headers:gmatch("([^:\n]+):%s*([^\n]*)") do
  wrk.headers[name] = value
end
