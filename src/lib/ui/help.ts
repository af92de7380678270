/**
 * The CLI's help class (package.json `oclif.helpClass`): oclif's own, except that text without an
 * EJS tag is not handed to EJS. oclif renders every summary, description and flag text of a help
 * screen as an EJS template, and EJS compiles each one into a new function: about 80 compilations
 * for the root help, most of them for text with no `<%` in it. The output is the same.
 */
import {type Config, Help} from '@oclif/core'

type HelpOptions = ConstructorParameters<typeof Help>[1]

export default class CliHelp extends Help {
  constructor(config: Config, options?: HelpOptions) {
    super(config, options)
    const renderTemplate = this.render
    this.render = (input: string): string => (input.includes('<%') ? renderTemplate(input) : input)
  }
}
