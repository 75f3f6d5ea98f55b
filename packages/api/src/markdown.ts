import { AUTH_RULES } from './authz';
import { ROLES } from './roles';
import { ROUTE_LIST } from './routes';
import { WORKFLOW_STEPS } from './workflow';

const cell = (s: string) => s.replaceAll('|', '\\|');

/**
 * The route table as a markdown table: method and path, operationId, who may call it (roles and
 * scope rule, or public) and the success status. The package README embeds it.
 *
 * @example
 * ```ts
 * console.log(routeTableMarkdown());
 * ```
 */
export function routeTableMarkdown(): string {
  const lines = [
    '| method and path | operationId | auth (roles · scope) | success | summary |',
    '|---|---|---|---|---|',
  ];
  for (const r of ROUTE_LIST) {
    const auth = r.auth.kind === 'public' ? 'public' : `${r.auth.roles.join(', ')} · ${r.auth.scope}`;
    lines.push(
      `| \`${r.method} ${r.path}\` | \`${r.operationId}\` | ${auth} | ${r.success.status} | ${cell(r.summary)} |`,
    );
  }
  return lines.join('\n');
}

/**
 * The authorisation matrix as a markdown table: one row per operation, one column per role (✓
 * allowed, · denied, `public` for routes without a token), then the scope rule and the rule ids,
 * followed by the text of every rule.
 *
 * @example
 * ```ts
 * console.log(authorizationMatrixMarkdown());
 * ```
 */
export function authorizationMatrixMarkdown(): string {
  const lines = [
    `| operationId | ${ROLES.join(' | ')} | scope | rules |`,
    `|---|${ROLES.map(() => ':-:|').join('')}---|---|`,
  ];
  for (const r of ROUTE_LIST) {
    const auth = r.auth;
    const marks = ROLES.map((role) =>
      auth.kind === 'public' ? 'public' : (auth.roles as readonly string[]).includes(role) ? '✓' : '·',
    );
    lines.push(
      `| \`${r.operationId}\` | ${marks.join(' | ')} | ${auth.kind === 'public' ? '—' : auth.scope} | ${auth.rules.join(', ')} |`,
    );
  }
  lines.push('');
  for (const rule of Object.values(AUTH_RULES)) lines.push(`- **${rule.id} ${rule.title}.** ${rule.text}`);
  return lines.join('\n');
}

/**
 * The bulletin workflow ({@link WORKFLOW_STEPS}) as a markdown table.
 *
 * @example
 * ```ts
 * console.log(workflowMarkdown());
 * ```
 */
export function workflowMarkdown(): string {
  const lines = ['| operation | from | to | roles | rule |', '|---|---|---|---|---|'];
  for (const step of WORKFLOW_STEPS) {
    const op = step.approve
      ? `\`${step.operationId}\` + \`approve: true\`${step.priorities ? `, ${step.priorities.join('/')} only` : ''}`
      : `\`${step.operationId}\``;
    lines.push(`| ${op} | ${step.from.join(', ')} | ${step.to} | ${step.roles.join(', ')} | ${step.rule} |`);
  }
  return lines.join('\n');
}

const BLOCKS = {
  routes: routeTableMarkdown,
  authz: authorizationMatrixMarkdown,
  workflow: workflowMarkdown,
} as const;

/**
 * Replaces the generated blocks of a README (between `<!-- routes:start -->` and
 * `<!-- routes:end -->`, and the same for `authz` and `workflow`) with fresh tables.
 *
 * @example
 * ```ts
 * writeFileSync('README.md', renderReadme(readFileSync('README.md', 'utf8')));
 * ```
 */
export function renderReadme(readme: string): string {
  let out = readme;
  for (const [name, render] of Object.entries(BLOCKS)) {
    const start = `<!-- ${name}:start -->`;
    const end = `<!-- ${name}:end -->`;
    const from = out.indexOf(start);
    const to = out.indexOf(end);
    if (from === -1 || to < from) continue;
    out = `${out.slice(0, from + start.length)}\n${render()}\n${out.slice(to)}`;
  }
  return out;
}
