import type {Hook} from '@oclif/core'

/**
 * An unknown flag of a command that does not say which flag was meant itself (the bundled
 * plugins' commands, other plugins): adds "Did you mean --x?" to oclif's message before oclif
 * prints it. Runs after every command, so it imports nothing until there is such an error.
 */
const hook: Hook.Finally = async function ({Command, error}) {
  if (!error || !Command || !error.message.includes('Nonexistent flag')) return
  // Commands that print their own errors (descope-mgmt's) have done so already.
  if ((error as {skipOclifErrorHandling?: boolean}).skipOclifErrorHandling) return
  const {suggestFlags} = await import('../../lib/suggestions.js')
  const known = Object.entries(Command.flags).flatMap(([name, flag]) => [name, ...(flag.aliases ?? [])])
  const suggestions = suggestFlags(error.message, known)
  if (suggestions.length === 0) return
  error.message = error.message.replace(/(Nonexistent flags?: [^\n]*)/, `$1\nDid you mean ${suggestions.join(' or ')}?`)
}

export default hook
