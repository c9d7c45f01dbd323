// The two React functions the tests' document route uses (@types/react is not a dependency).
declare module 'react' {
  export function createElement(type: unknown, props?: object | null, ...children: unknown[]): unknown
}
declare module 'react-dom/server' {
  export function renderToString(element: unknown): string
}
