/** The example's HTML: plain forms, no script. */

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
</head>
<body>
${body}
</body>
</html>
`
}

/** GET /: the counter. */
export function counterPage(count: number, user: string | undefined): string {
  return layout(
    'sesh counter (Architect)',
    `<h1>sesh counter</h1>
<form method="post" action="/count">
  <button type="submit">Count ${count}</button>
</form>
<form method="post" action="/reset">
  <button type="submit">Reset</button>
</form>
<p>${user ? `Logged in as ${escapeHtml(user)}: <a href="/account">account</a>` : '<a href="/login">Log in</a>'}</p>`,
  )
}

/** GET /login: the form, with a one-time error message. */
export function loginPage(csrf: string, error?: string): string {
  return layout(
    'Log in',
    `<h1>Log in</h1>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/login">
  <input type="hidden" name="csrf" value="${escapeHtml(csrf)}">
  <label>Username <input name="username" autocomplete="username"></label>
  <label>Password <input name="password" type="password" autocomplete="current-password"></label>
  <button type="submit">Log in</button>
</form>`,
  )
}

/** GET /account: only for logged-in users. */
export function accountPage(user: string): string {
  return layout(
    'Account',
    `<h1>Account</h1>
<p>Welcome, ${escapeHtml(user)}.</p>
<form method="post" action="/logout">
  <button type="submit">Log out</button>
</form>
<p><a href="/">Counter</a></p>`,
  )
}
