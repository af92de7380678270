import {
  mkdtemp, readFile, rm, writeFile,
} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'

import type {DescopeClient} from '../../../src/lib/api/types.js'
import type {ResourceItem, ResourceKind, ResourceKindName} from '../../../src/lib/resources/types.js'

import {createBackup, type CreateBackupOptions} from '../../../src/lib/backup/create.js'

export const PROJECT = 'P2aaaaaaaaaaaaaaaaaaaaaaaaaaa'
export const OTHER_PROJECT = 'P2bbbbbbbbbbbbbbbbbbbbbbbbbbb'
export const fakeClient = {} as DescopeClient
const noop = async () => {}

export function fakeKind(name: ResourceKindName, plural: string, items: ResourceItem[] | (() => Promise<ResourceItem[]>), phase = 2): ResourceKind {
  return {
    create: noop,
    defaults: {},
    delete: noop,
    dependsOn: () => [],
    desired: () => [],
    name,
    phase,
    plural,
    readLive: typeof items === 'function' ? items : async () => items,
    update: noop,
  }
}

export const tenant = (key: string, fields: Record<string, unknown> = {}): ResourceItem => ({fields: {name: key.toUpperCase(), ...fields}, key, kind: 'tenant'})
export const role = (key: string): ResourceItem => ({fields: {description: `${key} role`, permissionNames: []}, key, kind: 'role'})

export const tenantsKind = (items: ResourceItem[] = [tenant('beta'), tenant('acme', {selfProvisioningDomains: ['acme.com']})]) => fakeKind('tenant', 'tenants', items)
export const rolesKind = (items: ResourceItem[] = [role('admin')]) => fakeKind('role', 'roles', items, 1)

export async function tempDir(): Promise<{dir: string; cleanup(): Promise<void>}> {
  const dir = await mkdtemp(path.join(tmpdir(), 'descope-mgmt-backup-'))
  return {
    async cleanup() {
      await rm(dir, {force: true, recursive: true})
    },
    dir,
  }
}

export const daysAgo = (days: number, from = new Date('2025-06-01T12:00:00Z')) => new Date(from.getTime() - (days * 24 * 60 * 60 * 1000))
export const NOW = new Date('2025-06-01T12:00:00Z')

/** A backup with sensible defaults; the clock and kinds can be overridden. */
export function backup(dir: string, overrides: Partial<CreateBackupOptions> = {}) {
  return createBackup({
    client: fakeClient,
    dir,
    environment: 'staging',
    gitCwd: false,
    kinds: [rolesKind(), tenantsKind()],
    operation: 'manual',
    projectId: PROJECT,
    toolVersion: '9.9.9',
    ...overrides,
  })
}

export async function editJson(file: string, edit: (value: Record<string, unknown>) => void): Promise<void> {
  const value = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>
  edit(value)
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`)
}
