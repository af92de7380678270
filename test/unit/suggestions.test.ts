import {expect} from 'chai'

import {
  type CommandCandidate, correctedCommandLine, shellQuote, suggestCommands,
} from '../../src/lib/suggestions.js'

const ids = 'tenant:list tenant:get tenant:create tenant:delete permission:list role:list plan apply drift help plugins plugins:install'
const takingArgs = new Set(['apply', 'help', 'plugins:install', 'tenant:delete', 'tenant:get'])
const commands: CommandCandidate[] = ids.split(' ').map(id => ({takesArgs: takingArgs.has(id), words: id.split(':')}))

const suggest = (line: string) => suggestCommands(line.split(' '), commands).map(({command, rest}) => [...command, ...rest].join(' '))

describe('suggestions for a mistyped command or flag', () => {
  it('finds the command of a typo, a swap, a missing letter or a shortened word', () => {
    expect(suggest('tenat list')).to.deep.equal(['tenant list'])
    expect(suggest('tenant lsit')).to.deep.equal(['tenant list'])
    expect(suggest('plna')).to.deep.equal(['plan'])
    expect(suggest('list tenant')).to.deep.equal(['tenant list'])
    expect(suggest('perm list')).to.deep.equal(['permission list'])
    expect(suggest('TENANT LST')).to.deep.equal(['tenant list'])
  })

  it('keeps the typed words after the command as its arguments, when it takes some', () => {
    expect(suggest('tenant gt acme')).to.deep.equal(['tenant get acme'])
    expect(suggest('aply plan.json')).to.deep.equal(['apply plan.json'])
    expect(suggest('hlep tenant')).to.deep.equal(['help tenant'])
    // `plugins` takes no argument: `instal x` is a mistyped subcommand, not arguments.
    expect(suggest('plugins instal x')).to.deep.equal(['plugins install x'])
    expect(suggest('tenat list extra')).to.deep.equal([])
  })

  it('lists every command at the best distance, and nothing when none is close', () => {
    expect(suggest('tenant lete')).to.deep.equal(['tenant delete', 'tenant get'])
    expect(suggest('xyzzy')).to.deep.equal([])
    expect(suggest('tenant frobnicate')).to.deep.equal([])
  })

  it('writes the corrected command line with the arguments and flags, quoted for a shell', () => {
    const [suggestion] = suggestCommands(['tenant', 'gt', 'acme'], commands)
    expect(correctedCommandLine('descope-mgmt', suggestion, ['-e', 'staging', '--name', 'Acme Inc', '--attribute', "owner=O'Neil"]))
    .to.equal(String.raw`descope-mgmt tenant get acme -e staging --name 'Acme Inc' --attribute 'owner=O'\''Neil'`)
    expect(shellQuote('--domain=acme.com')).to.equal('--domain=acme.com')
    expect(shellQuote('')).to.equal("''")
    expect(shellQuote('$HOME')).to.equal("'$HOME'")
  })
})
