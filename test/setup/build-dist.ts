/**
 * Vitest global setup: the package tests import and pack `dist/`; it is rebuilt
 * here when stale (once, before the tests).
 */
import { buildDist } from '../../scripts/build-dist.js'

export default function setup(): void {
  buildDist()
}
