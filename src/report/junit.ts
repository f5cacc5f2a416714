// JUnit XML for CI systems: one testsuite per spec file, one testcase per check; a failure
// element with the reason (and the counterexample table) when a check misses its
// expectation, an error element when the spec or its model is unusable.

export interface JunitCase {
  readonly suite: string; // spec file
  readonly name: string; // check name
  readonly seconds: number;
  readonly outcome: 'passed' | 'failed' | 'error';
  readonly message?: string; // one line
  readonly detail?: string; // the reason and the counterexample table
  readonly summary?: string; // the verdict line, for system-out
}

const escapeXml = (s: string): string =>
  s
    // Only characters XML 1.0 allows: no control characters, no lone surrogates, no U+FFFE/U+FFFF.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

export function junitXml(cases: readonly JunitCase[]): string {
  const suites = new Map<string, JunitCase[]>();
  for (const c of cases) suites.set(c.suite, [...(suites.get(c.suite) ?? []), c]);
  const count = (cs: readonly JunitCase[], o: JunitCase['outcome']) => cs.filter((c) => c.outcome === o).length;
  const time = (cs: readonly JunitCase[]) => cs.reduce((t, c) => t + c.seconds, 0).toFixed(3);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mmucheck" tests="${cases.length}" failures="${count(cases, 'failed')}" errors="${count(cases, 'error')}" time="${time(cases)}">`,
  ];
  for (const [suite, cs] of suites) {
    out.push(
      `  <testsuite name="${escapeXml(suite)}" tests="${cs.length}" failures="${count(cs, 'failed')}" errors="${count(cs, 'error')}" skipped="0" time="${time(cs)}">`,
    );
    for (const c of cs) {
      out.push(`    <testcase classname="${escapeXml(suite)}" name="${escapeXml(c.name)}" time="${c.seconds.toFixed(3)}">`);
      if (c.outcome !== 'passed') {
        const tag = c.outcome === 'failed' ? 'failure' : 'error';
        out.push(
          `      <${tag} message="${escapeXml(c.message ?? '')}" type="${c.outcome === 'failed' ? 'expectation' : 'input'}">${escapeXml(c.detail ?? c.message ?? '')}</${tag}>`,
        );
      }
      if (c.summary) out.push(`      <system-out>${escapeXml(c.summary)}</system-out>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
