import type { CryptoProvider } from '../../index.js'
/** The synchronous `node:crypto` provider (Node, Lambda, seshjs/architect). */
export declare const nodeProvider: CryptoProvider
/** The platform's provider, read by the core through `#crypto-provider`. */
export declare const provider: CryptoProvider | undefined
