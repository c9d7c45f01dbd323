import { nextSessions } from 'seshjs/next'

/**
 * The counter's session: `count`, `seen` (pages the middleware has seen,
 * written on the Edge and read in the same render) and `user`. Configured from
 * the ARC_* environment, as every sesh counter.
 */
export const sessions = nextSessions()
export const { getSession, commit } = sessions
