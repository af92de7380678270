/**
 * A preload module (`node --import ./enospc.mjs`) that simulates a full disk under one folder:
 * every write to a file below $ENOSPC_DIR writes the first half of its data, then fails with
 * ENOSPC, as a disk that fills up in the middle of a write does. Opening and creating files still
 * works. Used by files.test.ts through NODE_OPTIONS, so the CLI runs unchanged.
 */
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import {syncBuiltinESMExports} from 'node:module'
import path from 'node:path'

const root = process.env.ENOSPC_DIR ? path.resolve(process.env.ENOSPC_DIR) : undefined

function under(file) {
  if (!root || (typeof file !== 'string' && !(file instanceof URL))) return false
  const resolved = path.resolve(file instanceof URL ? file.pathname : file)
  return resolved === root || resolved.startsWith(root + path.sep)
}

function enospc(syscall, file) {
  const error = new Error(`ENOSPC: no space left on device, ${syscall}${file ? ` '${file}'` : ''}`)
  error.code = 'ENOSPC'
  error.errno = -28
  error.syscall = syscall
  if (file) error.path = file
  return error
}

function half(data, encoding) {
  const buffer = typeof data === 'string' ? Buffer.from(data, typeof encoding === 'string' ? encoding : 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  return buffer.subarray(0, Math.floor(buffer.length / 2))
}

if (root) {
  const full = new WeakMap()
  const originalOpen = fsp.open
  const probe = await originalOpen(process.execPath, 'r')
  const FileHandle = Object.getPrototypeOf(probe)
  await probe.close()
  const originalWrite = FileHandle.write
  const originalWriteFile = FileHandle.writeFile

  fsp.open = async function (file, ...rest) {
    const handle = await originalOpen.call(this, file, ...rest)
    if (under(file)) full.set(handle, String(file))
    return handle
  }

  FileHandle.write = async function (data, ...rest) {
    const file = full.get(this)
    if (file === undefined) return originalWrite.call(this, data, ...rest)
    if (typeof data === 'string' || ArrayBuffer.isView(data)) await originalWrite.call(this, half(data, rest[1] ?? rest[0]))
    throw enospc('write', file)
  }

  FileHandle.writeFile = async function (data, ...rest) {
    const file = full.get(this)
    if (file === undefined) return originalWriteFile.call(this, data, ...rest)
    await originalWriteFile.call(this, half(data, typeof rest[0] === 'string' ? rest[0] : rest[0]?.encoding))
    throw enospc('write', file)
  }

  const originalWriteFileP = fsp.writeFile
  fsp.writeFile = async function (file, data, options) {
    if (!under(file)) return originalWriteFileP.call(this, file, data, options)
    await originalWriteFileP.call(this, file, half(data, typeof options === 'string' ? options : options?.encoding), options)
    throw enospc('write', String(file))
  }

  const originalAppendFileP = fsp.appendFile
  fsp.appendFile = async function (file, data, options) {
    if (!under(file)) return originalAppendFileP.call(this, file, data, options)
    await originalAppendFileP.call(this, file, half(data, typeof options === 'string' ? options : options?.encoding), options)
    throw enospc('write', String(file))
  }

  const originalWriteFileSync = fs.writeFileSync
  fs.writeFileSync = function (file, data, options) {
    if (!under(file)) return originalWriteFileSync.call(this, file, data, options)
    originalWriteFileSync.call(this, file, half(data, typeof options === 'string' ? options : options?.encoding), options)
    throw enospc('write', String(file))
  }

  // `import {open} from 'node:fs/promises'` binds the named exports: bring them up to date.
  syncBuiltinESMExports()
}
