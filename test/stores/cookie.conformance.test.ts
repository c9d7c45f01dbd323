import { cookieStore } from 'seshjs'
import { describeStore } from './conformance.js'

describeStore('cookie', {
  make: () => cookieStore(),
  keepsRecords: false,
  optimistic: false,
  limit: { fits: { blob: 'x'.repeat(2800) }, tooLarge: { blob: 'x'.repeat(3200) }, bytes: 4096 },
})
