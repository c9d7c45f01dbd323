# The counter as an Architect app: three routes, one Lambda function.
# `npm run build:lambda` writes the function's code into build/counter
# (bundled from lambda.ts); then `npx @architect/architect deploy` from this
# folder deploys it (docs/runtimes.md).
@app
sesh-counter

@http
/
  method get
  src build/counter
/count
  method post
  src build/counter
/reset
  method post
  src build/counter

@aws
runtime nodejs22.x
architecture arm64
# Architect's default is 5 s. The sandbox starts a fresh Node process for each
# request, and on a busy machine a burst of cold starts can take longer.
timeout 15
