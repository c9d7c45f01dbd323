# The counter as an Architect app: three routes, one Lambda function.
# `npm run build:lambda` writes the function's code into build/counter
# (bundled from lambda.ts); then `npx arc deploy` from this folder deploys it.
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
runtime nodejs20.x
architecture arm64
