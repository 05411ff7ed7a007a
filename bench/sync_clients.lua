-- wrk script for bench/sync_push.py: each wrk thread (one connection) is one sync client.
--
-- Environment (set by sync_push.py):
--   BENCH_CLIENTS  file with one line per client: token client_group_id client_id application_id
--   BENCH_PATH     /api/sync/push, or /api/bench/noop for the baseline
--   BENCH_BATCH    mutations per request (1, 10 or 100)
--   BENCH_FIRST_ID first mutation id to send (the draft was created with id 1 beforehand)
--   BENCH_AUTH     "1": send the client's bearer token (the push); "0": not (the no-op)
-- Every request carries the client's next mutation ids in order, application.set_fields on
-- its own draft; the body is built the same way for both paths so the client's cost is equal.
-- done() prints one JSON line after "BENCH_RESULT " for common.run_wrk().

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("index", counter)
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(os.getenv("BENCH_CLIENTS"), "r"))
  local n = 0
  for line in file:lines() do
    n = n + 1
    if n == index then
      token, group, client, app = line:match("^(%S+) (%S+) (%S+) (%S+)$")
    end
  end
  file:close()
  assert(token, "no client line " .. tostring(index))
  path = os.getenv("BENCH_PATH")
  batch = tonumber(os.getenv("BENCH_BATCH") or "1")
  next_id = tonumber(os.getenv("BENCH_FIRST_ID") or "2")
  headers = {["Content-Type"] = "application/json"}
  if os.getenv("BENCH_AUTH") == "1" then
    headers["Authorization"] = "Bearer " .. token
  end
  bad = 0
  non_200 = 0
  gaps = 0  -- 409 mutation_gap: an earlier request of this client failed or was cut off
  server_errors = 0  -- 5xx
end

local names = {"Budi Santoso", "Budi Santosa"}

-- The ids advance only when an answer arrives, as a real outbox moves on only when the
-- server answered: wrk may call request() more than once before it sends (it did, once per
-- run, when the ids advanced here), and a request lost to a socket error is sent again.
function request()
  local mutations = {}
  for i = 0, batch - 1 do
    local id = next_id + i
    mutations[i + 1] = string.format(
      '{"id":%d,"name":"application.set_fields","args":{"application_id":"%s",' ..
      '"fields":{"full_name":"%s"}},"client_time":null}', id, app, names[id % 2 + 1])
  end
  local body = string.format('{"protocol":1,"client_group_id":"%s","client_id":"%s",' ..
                             '"mutations":[%s]}', group, client, table.concat(mutations, ","))
  return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
  if status == 200 then
    next_id = next_id + batch
    if body:find('"rejected"', 1, true) or not body:find('"applied"', 1, true) then
      bad = bad + 1  -- a 200 whose mutation was not applied is not a successful push
    end
  else
    non_200 = non_200 + 1  -- the same ids are sent again
    if status == 409 then gaps = gaps + 1 end
    if status >= 500 then server_errors = server_errors + 1 end
  end
end

function done(summary, latency, requests)
  local total_bad, total_non_200, total_gaps, total_5xx = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    total_bad = total_bad + thread:get("bad")
    total_non_200 = total_non_200 + thread:get("non_200")
    total_gaps = total_gaps + thread:get("gaps")
    total_5xx = total_5xx + thread:get("server_errors")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"non_200":%d,"bad":%d,"gaps":%d,"server_errors":%d,"socket_errors":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, total_non_200, total_bad, total_gaps, total_5xx,
    e.connect + e.read + e.write + e.timeout))
end
