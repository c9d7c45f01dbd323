/** The part of `@architect/sandbox`'s JS API the start script and the e2e tests use (it ships no types). */
declare module '@architect/sandbox' {
  interface SandboxOptions {
    /** The project folder (where app.arc is). */
    cwd?: string
    /** The HTTP port. */
    port?: number | string
    /** Environment for the functions; replaces `.env` / `prefs.arc` variables when given. */
    env?: Record<string, string | undefined>
    quiet?: boolean
    watcher?: boolean
    deleteVendor?: boolean
    runStartupCommands?: boolean
    apigateway?: 'http' | 'httpv1' | 'rest'
  }
  const sandbox: {
    start(options?: SandboxOptions): Promise<string>
    end(): Promise<string>
  }
  export default sandbox
}
