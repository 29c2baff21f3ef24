-- wrk script: POST /v1/customers with a unique valid domain per request.
-- usage: TOKEN=... wrk -t2 -c32 -d10s -s bench/create.lua http://127.0.0.1:PORT
local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 100 + id)
  tag = string.format("%06x%d", math.random(0, 0xffffff), id)
  counter = 0
  token = os.getenv("TOKEN")
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"companyProfile":{"domain":"w%s%x.onmicrosoft.com"},"billingProfile":{"email":"a@example.com",' ..
    '"culture":"en-US","language":"en","companyName":"Bench %d","defaultAddress":{"country":"US",' ..
    '"city":"Redmond","addressLine1":"1 Way","postalCode":"98052"}}}', tag, counter, counter)
  return wrk.format("POST", "/v1/customers",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end
