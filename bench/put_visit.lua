-- wrk script: every request PUTs a new visit (a fresh random UUID) as one of the coaches,
-- picked at random, for one of that coach's teachers. Environment: BENCH_COACHES,
-- "cookie|csrf token|teacher id,teacher id;…" (empty cookie and token: no sign-in).
local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("number", counter)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 100 + number)
  coaches = {}
  for entry in string.gmatch(os.getenv("BENCH_COACHES"), "[^;]+") do
    local cookie, token, ids = string.match(entry, "^([^|]*)|([^|]*)|(.*)$")
    local teachers = {}
    for id in string.gmatch(ids, "%d+") do table.insert(teachers, id) end
    table.insert(coaches, {
      headers = {["Cookie"] = cookie, ["X-CSRFToken"] = token,
                 ["Content-Type"] = "application/json"},
      teachers = teachers,
    })
  end
  created = 0
end

local function uuid4()
  local r = math.random
  return string.format("%08x-%04x-4%03x-%04x-%06x%06x",
    r(0, 0x7fffffff), r(0, 0xffff), r(0, 0xfff), 0x8000 + r(0, 0x3fff),
    r(0, 0xffffff), r(0, 0xffffff))
end

function request()
  local coach = coaches[math.random(#coaches)]
  local teacher = coach.teachers[math.random(#coach.teachers)]
  local body = '{"teacher_id": ' .. teacher .. ', "started_at": "2026-11-23T09:15:00+00:00", '
    .. '"duration_minutes": 10, "class_name": "9B", "subject": "Maths", '
    .. '"notes": "Pupils explained their reasoning to a partner first.", '
    .. '"action_step": {"text": "Pause three seconds after every question."}}'
  return wrk.format("PUT", "/api/v1/visits/" .. uuid4(), coach.headers, body)
end

function response(status, headers, body)
  if status == 201 then created = created + 1 end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("created") end
  io.write(string.format('BENCH {"requests": %d, "seconds": %f, "created": %d}\n',
    summary.requests, summary.duration / 1e6, total))
end
