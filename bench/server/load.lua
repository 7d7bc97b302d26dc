-- wrk script of bench/server/run.sh: each request is drawn at random from a list of "TOKEN PATH" lines
-- (KAIJI_BENCH_LIST; none: GET /api/v1/health), sent with KAIJI_BENCH_METHOD and KAIJI_BENCH_BODY.
-- KAIJI_BENCH_DELAY_MS > 0 paces each connection (the next request that long after the last answer), so
-- that connections × 1000 / delay is the offered rate; 0 sends as fast as the server answers.
-- done() prints one RESULT line that run.sh reads.

local lines = {}
local method = os.getenv("KAIJI_BENCH_METHOD") or "GET"
local body = os.getenv("KAIJI_BENCH_BODY")
if body == "" then body = nil end
local delay_ms = tonumber(os.getenv("KAIJI_BENCH_DELAY_MS") or "0")

function init(args)
  local list = os.getenv("KAIJI_BENCH_LIST")
  if list and list ~= "" then
    for line in io.lines(list) do
      local token, path = line:match("^(%S+) (%S+)$")
      if token then lines[#lines + 1] = { token, path } end
    end
  end
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  if #lines == 0 then
    return wrk.format("GET", "/api/v1/health")
  end
  local pick = lines[math.random(#lines)]
  local headers = { ["Authorization"] = "Bearer " .. pick[1] }
  if body then headers["Content-Type"] = "application/json" end
  return wrk.format(method, pick[2], headers, body)
end

if delay_ms > 0 then
  function delay()
    return delay_ms
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d errors=%d status_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect + e.read + e.write + e.timeout, e.status))
end
