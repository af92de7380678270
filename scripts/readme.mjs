#!/usr/bin/env node
/**
 * Fills the `<!-- commands -->` section of README.md with `oclif readme` (the commands of this
 * package and of its bundled plugins), then the `<!-- config-reference -->` section from the JSON
 * Schema of the configuration (scripts/config-reference.mjs). Part of `prepack`;
 * DESCOPE_MGMT_PACK_NO_README=1 skips it, so that a test can pack without rewriting the README of
 * the working tree.
 */
import {spawnSync} from 'node:child_process'
import {rmSync} from 'node:fs'

import {updateReadmeConfigReference} from './config-reference.mjs'

if (process.env.DESCOPE_MGMT_PACK_NO_README) {
  console.log('README.md left as is (DESCOPE_MGMT_PACK_NO_README is set).')
  process.exit(0)
}

// Help texts that name the data, cache or config folder show the usual Linux places, not this machine's.
const env = {
  ...process.env, XDG_CACHE_HOME: '~/.cache', XDG_CONFIG_HOME: '~/.config', XDG_DATA_HOME: '~/.local/share',
}
const result = spawnSync('oclif', ['readme', '--no-source-links'], {env, shell: process.platform === 'win32', stdio: 'inherit'})
// oclif takes the literal "~" as a folder and caches its version there; it is not ours to keep.
rmSync('~', {force: true, recursive: true})
if (result.status !== 0) process.exit(result.status ?? 1)

const changed = await updateReadmeConfigReference()
console.log(changed ? 'Updated the configuration reference in README.md.' : 'The configuration reference in README.md is up to date.')
