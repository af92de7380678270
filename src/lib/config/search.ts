/**
 * Where the configuration is looked for, without the parsers: a command run outside any project
 * learns that there is no configuration without loading cosmiconfig, yaml or zod.
 */
import {access} from 'node:fs/promises'
import path from 'node:path'

/** Where the configuration is looked for, in each folder from the working folder up. */
export const searchPlaces = [
  'descope.yaml',
  'descope.yml',
  '.descoperc',
  '.descoperc.yaml',
  '.descoperc.yml',
  '.descoperc.json',
  'descope.config.js',
  'descope.config.mjs',
  'package.json',
] as const

/** The folders searched from `cwd`: it and every parent up to the filesystem root. */
export function searchFolders(cwd: string): string[] {
  const folders: string[] = []
  let current = path.resolve(cwd)
  for (;;) {
    folders.push(current)
    const parent = path.dirname(current)
    if (parent === current) return folders
    current = parent
  }
}

/** Whether any folder from `cwd` up holds a file the search would read (a package.json counts). */
export async function hasConfigCandidate(cwd: string): Promise<boolean> {
  const candidates = searchFolders(cwd).flatMap(folder => searchPlaces.map(place => path.join(folder, place)))
  const found = await Promise.all(candidates.map(file => access(file).then(() => true, () => false)))
  return found.includes(true)
}
