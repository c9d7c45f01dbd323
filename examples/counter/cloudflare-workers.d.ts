/**
 * The part of the Workers runtime module `cloudflare:workers` the counter's
 * Worker entry and the tests use (the repository does not install
 * `@cloudflare/workers-types`; an app has the full declarations from there).
 */
declare module 'cloudflare:workers' {
  /** The base class of a Durable Object whose stub answers JS RPC. */
  export abstract class DurableObject<Env = unknown> {
    protected ctx: unknown
    protected env: Env
    constructor(ctx: unknown, env: Env)
  }
}
