import {expect} from 'chai'
import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {flowFromV2} from '../../../src/lib/flows/format.js'
import {buildPlan} from '../../../src/lib/plan/build.js'
import {flowItem, flowsKind} from '../../../src/lib/resources/flows.js'
import {roleItem, rolesKind} from '../../../src/lib/resources/roles.js'
import {tenantItem, tenantsKind} from '../../../src/lib/resources/tenants.js'
import {codeSpan, GITHUB_COMMENT_LIMIT, renderPlanMarkdown} from '../../../src/lib/ui/plan-markdown.js'
import {repoRoot} from '../../helpers/cli.js'

const tenantPlan = (options: {prune?: boolean; protect?: string[]; desiredName?: string} = {}) =>
  buildPlan({
    desired: [
      tenantItem({id: 'acme', name: options.desiredName ?? 'Acme', selfProvisioningDomains: ['acme.com']}, true),
      tenantItem({
        customAttributes: {plan: 'silver', seats: 5}, id: 'globex', name: 'Globex Corp', selfProvisioningDomains: ['globex.io'],
      }, true),
    ],
    kinds: [tenantsKind, rolesKind],
    live: [
      tenantItem({
        customAttributes: {plan: 'gold'}, id: 'globex', name: 'Globex', selfProvisioningDomains: ['globex.com'],
      }),
      tenantItem({id: 'old', name: 'Old'}),
      tenantItem({id: 'keep', name: 'Keep'}),
    ],
    projectId: 'P2Project',
    protect: options.protect ?? [],
    prune: options.prune ?? false,
    tool: 'test',
  })

const emptyPlan = () => buildPlan({
  desired: [], kinds: [tenantsKind], live: [], projectId: 'P2Other', prune: false, tool: 'test',
})

/** The `<details>` blocks (HTML blocks start a line) pair up, and every fenced block is closed. */
function expectBalanced(markdown: string): void {
  expect(markdown.match(/^<details>/gm)?.length ?? 0).to.equal(markdown.match(/^<\/details>$/gm)?.length ?? 0)
  expect(markdown.match(/^\s*`{3,}/gm)?.length ?? 0).to.satisfy((count: number) => count % 2 === 0)
}

describe('renderPlanMarkdown', () => {
  it('renders a heading, the verdict, the summary table and one collapsible section per kind', () => {
    const markdown = renderPlanMarkdown([{environment: 'staging', plan: tenantPlan()}])
    expect(markdown).to.equal([
      '<!-- descope-mgmt plan: staging -->',
      '### descope-mgmt plan: `staging`',
      '',
      '**2 changes pending:** 1 to create, 1 to update, 0 to delete. Project `P2Project`.',
      '',
      '| Kind | Create | Update | Delete | Kept |',
      '| :--- | ---: | ---: | ---: | ---: |',
      '| Tenants | 1 | 1 | 0 | 2 |',
      '| Roles | 0 | 0 | 0 | 0 |',
      '',
      '<details><summary><b>Tenants</b>: 1 to create, 1 to update, 0 to delete, 2 kept</summary>',
      '',
      '- **create** `acme`',
      '  - `name`: `"Acme"`',
      '  - `selfProvisioningDomains`: `["acme.com"]`',
      '- **update** `globex`',
      '  - `customAttributes.plan`: `"gold"` → `"silver"`',
      '  - `customAttributes.seats`: `5`',
      '  - `name`: `"Globex"` → `"Globex Corp"`',
      '  - `selfProvisioningDomains[]`: removed `"globex.com"`',
      '  - `selfProvisioningDomains[]`: added `"globex.io"`',
      '- **kept**, not in the configuration (`--prune` would delete them): `keep`, `old`',
      '',
      '</details>',
      '',
    ].join('\n'))
  })

  it('shows deletes and protected resources of a pruning plan', () => {
    const markdown = renderPlanMarkdown([{environment: 'production', plan: tenantPlan({prune: true, protect: ['keep']})}])
    expect(markdown).to.contain('**3 changes pending:** 1 to create, 1 to update, 1 to delete. 1 change held back (protected or immutable). Project `P2Project`, with `--prune`.')
    expect(markdown).to.contain('| Tenants | 1 | 1 | 1 | 1 |')
    expect(markdown).to.contain('- **delete** `old`\n')
    expect(markdown).to.contain('- **kept** `keep`: protected, not deleted (use `--allow-protected`)')
  })

  it('says "No changes" and leaves out empty sections', () => {
    const markdown = renderPlanMarkdown([{environment: 'staging', plan: emptyPlan()}])
    expect(markdown).to.contain('**No changes:** the live project matches the configuration. Project `P2Other`.')
    expect(markdown).to.contain('| Tenants | 0 | 0 | 0 | 0 |')
    expect(markdown).to.not.contain('<details>')
  })

  it('is deterministic and has no ANSI codes', () => {
    const first = renderPlanMarkdown([{environment: 'staging', plan: tenantPlan()}])
    const again = renderPlanMarkdown([{environment: 'staging', plan: {...tenantPlan(), createdAt: '2000-01-01T00:00:00.000Z'}}])
    expect(again).to.equal(first)
    // eslint-disable-next-line no-control-regex
    expect(first).to.not.match(/\u001B/)
  })

  it('keeps user data inside code spans, so a name cannot break the table, inject HTML or mention anyone', () => {
    const hostile = 'A|B</details><script>x</script>\n\n# @octocat ``tick` ![i](http://x)'
    const markdown = renderPlanMarkdown([{environment: 'staging', plan: tenantPlan({desiredName: hostile})}])
    const line = markdown.split('\n').find(text => text.startsWith('  - `name`'))!
    // One code span, fenced with more backticks than the name holds, on one line.
    expect(line).to.equal('  - `name`: ```"A|B</details><script>x</script>\\n\\n# @octocat ``tick` ![i](http://x)"```')
    expectBalanced(markdown)
    expect(markdown.match(/^<\/details>/gm)).to.have.length(1)
    // The table rows hold only kind titles and numbers.
    expect(markdown.split('\n').filter(text => text.startsWith('|'))).to.have.length(4)
  })

  it('escapes what codeSpan is given and shortens long values', () => {
    expect(codeSpan('plain')).to.equal('`plain`')
    expect(codeSpan('`edge`')).to.equal('`` `edge` ``')
    expect(codeSpan('a\u2028b\tc')).to.equal('`a\\u2028b\\tc`')
    expect(codeSpan('x'.repeat(50), 10)).to.equal(`\`${'x'.repeat(9)}…\``)
    const markdown = renderPlanMarkdown([{environment: 'staging', plan: tenantPlan({desiredName: 'n'.repeat(500)})}], {maxValueLength: 40})
    expect(markdown).to.contain(`  - \`name\`: \`"${'n'.repeat(38)}…\``)
  })

  it('gives one section per environment, with an overall verdict', () => {
    const markdown = renderPlanMarkdown([{environment: 'staging', plan: tenantPlan()}, {environment: 'production', plan: emptyPlan()}])
    expect(markdown.split('\n').slice(0, 4)).to.deep.equal([
      '<!-- descope-mgmt plan: staging,production -->',
      '### descope-mgmt plan: `staging`, `production`',
      '',
      '**Changes pending in 1 of 2 environments:** 2 changes in all.',
    ])
    const staging = markdown.indexOf('#### `staging`')
    const production = markdown.indexOf('#### `production`')
    expect(staging).to.be.greaterThan(0)
    expect(production).to.be.greaterThan(staging)
    expect(markdown.slice(staging, production)).to.contain('- **create** `acme`')
    expect(markdown.slice(production)).to.contain('**No changes:**')
  })

  it('names the project when the target came from flags rather than an environment', () => {
    const markdown = renderPlanMarkdown([{plan: emptyPlan()}])
    expect(markdown).to.contain('### descope-mgmt plan: project `P2Other`')
  })

  it('cuts a plan longer than GitHub\'s comment limit between entries, with a note', () => {
    const desired = Array.from({length: 3000}, (_, index) => tenantItem({
      customAttributes: {note: 'x'.repeat(60)}, id: `tenant-${String(index).padStart(4, '0')}`, name: `Tenant ${index}`, selfProvisioningDomains: [`t${index}.example.com`],
    }, true))
    const plan = buildPlan({
      desired, kinds: [tenantsKind], live: [], projectId: 'P2Big', prune: false, tool: 'test',
    })
    const markdown = renderPlanMarkdown([{environment: 'production', plan}])
    expect(markdown.length).to.be.at.most(GITHUB_COMMENT_LIMIT)
    expect(markdown.length).to.be.greaterThan(GITHUB_COMMENT_LIMIT - 2000)
    const shown = markdown.match(/^- \*\*create\*\*/gm)!.length
    expect(shown).to.be.greaterThan(100).and.lessThan(3000)
    expect(markdown).to.contain(`> This plan is too long for one comment (limit 65,536 characters): ${shown} of 3000 entries are shown.`)
    expect(markdown).to.contain('> Run `descope-mgmt plan -e production` for the full plan.')
    expect(markdown).to.contain(`- … ${3000 - shown} more entries not shown here.\n\n</details>`)
    // The summary is whole even when the details are cut.
    expect(markdown).to.contain('| Tenants | 3000 | 0 | 0 | 0 |')
    expectBalanced(markdown)
  })

  it('keeps every section closed when a small limit cuts several environments', () => {
    const entries = [{environment: 'a', plan: tenantPlan()}, {environment: 'b', plan: tenantPlan({prune: true})}]
    const maxLength = renderPlanMarkdown(entries).length - 200
    const markdown = renderPlanMarkdown(entries, {maxLength})
    expect(markdown.length).to.be.at.most(maxLength)
    expectBalanced(markdown)
    expect(markdown).to.contain('entries are shown').and.contain('#### `b`').and.contain('`descope-mgmt plan -e a -e b`')
  })

  it('shows a flow change as its structural diff in a fenced block', async () => {
    const live = flowFromV2(JSON.parse(await readFile(path.join(repoRoot, 'test/fixtures/flows/sign-up-or-in.v2.json'), 'utf8')) as Record<string, unknown>)
    const desired = structuredClone(live)
    desired.metadata.name = 'Renamed'
    const plan = buildPlan({
      desired: [flowItem(desired)], kinds: [flowsKind], live: [flowItem(live)], projectId: 'P1', prune: false, tool: 'test',
    })
    const markdown = renderPlanMarkdown([{environment: 'staging', plan}])
    expect(markdown).to.match(/- \*\*update\*\* `sign-up-or-in`\n {2}```text\n {2}\s*Metadata:\n {2}\s+name: "Sign Up or In" → "Renamed"\n {2}```/)
    expect(markdown).to.not.contain('contents.tasks')
    expectBalanced(markdown)
  })

  it('mentions the built-ins a pruning plan keeps, once', () => {
    const plan = buildPlan({
      desired: [], kinds: [rolesKind], live: [roleItem({name: 'Tenant Admin'})], projectId: 'P1', prune: true, tool: 'test',
    })
    expect(renderPlanMarkdown([{environment: 'staging', plan}])).to.contain('1 item that Descope provides (built-in roles, permissions, default flows) kept; they are not counted above.')
  })
})
