# The seeds' apps, written with seshjs/architect: the counter, the login flow
# and a flash message. `npm run start:architect` builds src/ into build/ and
# serves it under Architect's sandbox.
@app
sesh-architect

@http
/
  method get
  src build/get-index
/count
  method post
  src build/post-count
/reset
  method post
  src build/post-reset
/login
  method get
  src build/get-login
/login
  method post
  src build/post-login
/account
  method get
  src build/get-account
/logout
  method post
  src build/post-logout

# WebSockets: connect refuses visitors who are not logged in; default answers
# "whoami" and "count" (see src/ws.ts).
@ws
connect
  src build/ws-connect
default
  src build/ws-default
disconnect
  src build/ws-disconnect

# Used when ARC_SESSION_TABLE_NAME=sessions (DynamoDB sessions); the default is jwe (cookies).
@tables
sessions
  _idx *String
  _ttl TTL
