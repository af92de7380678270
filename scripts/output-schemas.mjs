#!/usr/bin/env node
/**
 * Writes schema/output/<command-id>.schema.json, the JSON Schema of each command's `--json`
 * output, from the zod schemas in src/lib/output-schemas (run with tsx: `npm run schema:output`).
 * A test fails when a committed file differs from what this writes.
 */
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {OUTPUT_SCHEMA_DIR, writeOutputSchemas} from '../src/lib/output-schemas/index.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const written = await writeOutputSchemas(path.join(root, OUTPUT_SCHEMA_DIR))
console.log(`Wrote ${written.length} schemas to ${OUTPUT_SCHEMA_DIR}/.`)
