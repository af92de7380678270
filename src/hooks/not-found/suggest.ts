import type {Hook} from '@oclif/core'

import {Errors} from '@oclif/core'

import {ExitCode} from '../../lib/errors.js'
import {correctedCommandLine, suggestCommands} from '../../lib/suggestions.js'

/**
 * A mistyped command. On a terminal, @oclif/plugin-not-found asks whether to run the closest
 * command. Without one (scripts, CI, a pipe) nothing can answer a prompt: this prints the closest
 * commands as corrected command lines and exits 3, invalid input (as JSON with --json).
 */
const hook: Hook.CommandNotFound = async function (options) {
  const argv = options.argv ?? []
  const json = argv.includes('--json')
  if (!json && process.stdin.isTTY && process.stdout.isTTY) {
    const {default: prompt} = await import('@oclif/plugin-not-found')
    // Declining the prompt is invalid input too, not plugin-not-found's 127.
    const context = {...this, error: (input: Error | string, errorOptions: {exit?: number} = {}) => this.error(input, {...errorOptions, exit: ExitCode.InvalidInput})}
    return prompt.call(context as typeof this, options)
  }

  const {bin} = this.config
  const commands = this.config.commands
  .filter(command => !command.hidden)
  .flatMap(command => [command.id, ...command.aliases].map(id => ({
    takesArgs: command.strict === false || Object.keys(command.args ?? {}).length > 0,
    words: id.split(':'),
  })))
  const typed = options.id.split(':')
  let suggestions = suggestCommands(typed, commands)
  let lines = suggestions.map(suggestion => correctedCommandLine(bin, suggestion, argv))
  if (suggestions.length === 0) {
    // A mistyped topic alone (`tenat`): the topic, whose help lists its commands.
    const topics = this.config.topics.filter(topic => !topic.hidden).map(topic => ({takesArgs: false, words: topic.name.split(':')}))
    suggestions = suggestCommands(typed, topics)
    lines = suggestions.map(suggestion => correctedCommandLine(bin, suggestion, []))
  }

  const topic = typed.length > 1 && this.config.findTopic(typed[0]) ? ` ${typed[0]}` : ''
  const message = `"${typed.join(' ')}" is not a ${bin} command.`
  const hint = `\`${bin} help${topic}\` lists the commands${topic ? ` of ${typed[0]}` : ''}.`
  if (json) {
    const error = {
      code: 'command_not_found', exitCode: ExitCode.InvalidInput, hint, message, suggestions: lines,
    }
    process.stdout.write(`${JSON.stringify({error}, null, 2)}\n`)
  } else {
    const meant = suggestions.length === 1
      ? `Did you mean "${suggestions[0].command.join(' ')}"? Run:`
      : 'Did you mean one of these?'
    const suggested = lines.length > 0 ? `${meant}\n${lines.map(line => `  ${line}`).join('\n')}\n` : ''
    process.stderr.write(`Error: ${message}\n${suggested}Hint: ${hint}\n`)
  }

  throw Object.assign(new Errors.ExitError(ExitCode.InvalidInput), {skipOclifErrorHandling: true})
}

export default hook
