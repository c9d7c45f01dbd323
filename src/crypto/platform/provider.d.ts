import type { CryptoProvider } from '../../index.js'
/**
 * `#crypto-provider`: the platform's crypto provider, chosen by package
 * conditions (`node` → node.js, else none.js); `undefined` means WebCrypto + jose.
 */
export declare const provider: CryptoProvider | undefined
