-- wrk script for the soak run: rotates through varied lint requests (English,
-- German, Arabic, emoji, with and without audience and history, one invalid) so
-- every allocation path of the engine and the server is exercised.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local f = assert(io.open(dir .. "../examples/request.json", "r"))
local typical = f:read("*a")
f:close()
local bodies = {
  typical,
  '{"post":{"text":"Wir freuen uns, Ihnen unser neues Herbstmenü vorzustellen! Jetzt bestellen, nur für kurze Zeit. Markiere eine Freundin!","channel":"instagram","language":"auto"}}',
  '{"post":{"text":"يسعدنا أن نعلن عن قائمة الخريف الجديدة! اطلب الآن، العرض لفترة محدودة. شارك المنشور مع صديق","channel":"x"},"audience":{"locale":"ar-SA","timezone":"Asia/Riyadh"}}',
  '{"post":{"text":"Weekend plans 🎉🎉🔥🔥😍 👨‍👩‍👧 🇩🇪 TAG A FRIEND!!! #a #b #c #d","channel":"bluesky"},"history":[{"text":"Weekend plans 🎉🎉🔥🔥😍","channel":"bluesky","at":"2026-05-04T09:00:00Z"},{"channel":"x","at":"2026-05-04T09:05:00Z"}]}',
  '{"post":{"text":"Anna, the grinder you asked about is back on Friday. Should we keep one for you?","channel":"x","reply_to":{"author":"@anna","text":"is the grinder back?"}}}',
  '{"post":{"text":"hi","channel":"myspace"}}',
}
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  i = i % #bodies + 1
  return wrk.format(nil, "/v1/lint", nil, bodies[i])
end
