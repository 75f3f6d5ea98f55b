import { xmlEscape as esc } from './feeds';

type Json = Record<string, unknown>;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function refName(schema: unknown): string | undefined {
  const ref = (schema as Json | undefined)?.$ref;
  return typeof ref === 'string' ? ref.split('/').pop() : undefined;
}

function schemaLabel(schema: unknown): string {
  const name = refName(schema);
  if (name) return `<a href="#schema-${esc(name)}">${esc(name)}</a>`;
  const s = schema as Json | undefined;
  if (!s) return '';
  if (s.type === 'array') return `array of ${schemaLabel(s.items)}`;
  if (typeof s.type === 'string') return esc(s.type);
  return 'object';
}

function contentRows(content: unknown): string {
  if (!content || typeof content !== 'object') return '';
  return Object.entries(content as Json)
    .map(([type, media]) => `<code>${esc(type)}</code> ${schemaLabel((media as Json).schema)}`)
    .join('<br>');
}

/**
 * Renders an OpenAPI 3.1 document as one self-contained HTML page (no script, no CDN): every
 * operation with its roles, parameters, request body and responses, then every named schema.
 *
 * @example
 * ```ts
 * const html = renderDocsHtml(openApiDocument());
 * ```
 */
export function renderDocsHtml(doc: Json): string {
  const info = (doc.info ?? {}) as Json;
  const paths = (doc.paths ?? {}) as Record<string, Json>;
  const schemas = (((doc.components ?? {}) as Json).schemas ?? {}) as Record<string, unknown>;
  const ops: string[] = [];
  const toc: string[] = [];
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      const id = String(op.operationId ?? `${method}-${path}`);
      toc.push(
        `<li><a href="#op-${esc(id)}"><code>${method.toUpperCase()} ${esc(path)}</code></a> ${esc(String(op.summary ?? ''))}</li>`,
      );
      const params = ((op.parameters ?? []) as Json[])
        .map(
          (p) =>
            `<tr><td><code>${esc(String(p.name))}</code></td><td>${esc(String(p.in))}</td><td>${p.required ? 'yes' : 'no'}</td><td>${schemaLabel(p.schema)}</td><td>${esc(String(p.description ?? (p.schema as Json | undefined)?.description ?? ''))}</td></tr>`,
        )
        .join('');
      const body = op.requestBody as Json | undefined;
      const responses = Object.entries((op.responses ?? {}) as Record<string, Json>)
        .map(
          ([status, r]) =>
            `<tr><td>${esc(status)}</td><td>${esc(String(r.description ?? ''))}</td><td>${contentRows(r.content)}</td></tr>`,
        )
        .join('');
      const auth = (op['x-nguon-auth'] ?? {}) as Json;
      const security = auth.public === false ? 'bearer token' : 'public';
      const roles = auth.roles;
      ops.push(`<section id="op-${esc(id)}">
<h3><span class="m m-${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code></h3>
<p><strong>${esc(String(op.summary ?? ''))}</strong> — <code>${esc(id)}</code> · ${esc(security)}${Array.isArray(roles) ? ` · roles: ${esc(roles.join(', '))} · scope: ${esc(String(auth.scope))}` : ''}</p>
${op.description ? `<p>${esc(String(op.description))}</p>` : ''}
${params ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th>type</th><th>description</th></tr>${params}</table>` : ''}
${body ? `<p>Request body: ${contentRows(body.content)}</p>` : ''}
<table><tr><th>status</th><th>meaning</th><th>body</th></tr>${responses}</table>
</section>`);
    }
  }
  const schemaSections = Object.entries(schemas)
    .map(
      ([name, schema]) =>
        `<section id="schema-${esc(name)}"><h3>${esc(name)}</h3><pre>${esc(JSON.stringify(schema, null, 2))}</pre></section>`,
    )
    .join('\n');
  const title = `${String(info.title ?? 'API')} ${String(info.version ?? '')}`.trim();
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1rem 2rem;color:#1b1b1b}
code,pre{font:13px ui-monospace,monospace}pre{background:#f5f5f5;padding:.75rem;overflow:auto;max-height:30rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
section{border-top:1px solid #eee;padding:.5rem 0}.m{display:inline-block;min-width:4.5em;color:#fff;border-radius:3px;padding:0 .3em;text-align:center}
.m-get{background:#1f6feb}.m-post{background:#2da44e}.m-patch{background:#bf8700}.m-put{background:#8250df}.m-delete{background:#cf222e}
</style></head><body>
<h1>${esc(title)}</h1>
${info.description ? `<p>${esc(String(info.description))}</p>` : ''}
<p>The machine-readable document is at <a href="/openapi.json">/openapi.json</a>.</p>
<h2>Operations</h2><ul>${toc.join('\n')}</ul>
${ops.join('\n')}
<h2>Schemas</h2>
${schemaSections}
</body></html>
`;
}
