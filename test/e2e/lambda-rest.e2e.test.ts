/**
 * The counter's Lambda entry under Architect's sandbox emulating an API
 * Gateway REST API (`ARC_API_TYPE=rest`): payload v1 events, cookies back
 * through `multiValueHeaders`.
 */
import { SECRET } from '../helpers.js'
import { counterSuite } from './counter-suite.js'
import { startLambda } from './runtimes.js'

counterSuite(
  "Lambda (Architect's sandbox as a REST API, payload v1)",
  () => startLambda({ ARC_APP_SECRET: SECRET, ARC_API_TYPE: 'rest' }),
  'none',
)
