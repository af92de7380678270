import type {Hook} from '@oclif/core'

import {defaultProject, startEmulator} from '../index.js'

export interface EmbeddedEmulatorOptions {
  /** State folder; created (mode 0700) when missing. */
  dataDir: string
  projectId?: string
  managementKey?: string
}

export interface EmbeddedEmulator {
  url: string
  projectId: string
  managementKey: string
  stop(): Promise<void>
}

/**
 * `descope:emulator`: starts an emulator in this process, on 127.0.0.1 and a free port, persisted
 * to `dataDir`, for one command of an `emulator: true` environment. The requested project (or the
 * default one) is created if the folder does not have it yet; an existing one keeps its data and
 * accepts the given key from now on.
 */
const embedded = async function (this: Hook.Context, options: EmbeddedEmulatorOptions): Promise<EmbeddedEmulator> {
  const projectId = options.projectId ?? defaultProject.id
  const managementKey = options.managementKey ?? defaultProject.managementKey
  const emulator = await startEmulator({
    dataDir: options.dataDir,
    host: '127.0.0.1',
    port: 0,
    // Only this process talks to it: Descope's limit would only slow a local run down.
    rateLimit: 'off',
    projects: [{id: projectId, managementKey, name: projectId === defaultProject.id ? defaultProject.name : projectId}],
  })
  return {
    managementKey, projectId, stop: () => emulator.stop(), url: emulator.url,
  }
}

export default embedded
