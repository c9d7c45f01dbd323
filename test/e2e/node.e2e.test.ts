/** The counter's Node entry (`npm start`) as its own process. */
import { SECRET } from '../helpers.js'
import { counterSuite } from './counter-suite.js'
import { startNode } from './runtimes.js'

counterSuite('Node (examples/counter/node.ts)', () => startNode({ ARC_APP_SECRET: SECRET }), 'cookie-store')
