#!/usr/bin/env python3
"""Writes a deterministic corpus of Rust and TS/JS files for the whole-run benchmark.

usage: gen_corpus.py DIR [FILES]

The files are shaped like application code (modules with imports, types, async functions,
classes, JSX, format strings and the odd hardcoded URL) so that parsing and checking cost
what they cost on real projects. Same arguments, same bytes.
"""
import os
import random
import sys

RUST_FN = '''
/// Loads {noun} number `id` and checks that it belongs to `owner`.
pub async fn load_{noun}_{i}(pool: &PgPool, id: i64, owner: &str) -> Result<{Noun}, AppError> {{
    let row = sqlx::query_as::<_, {Noun}>("SELECT * FROM {noun}s WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await?
        .ok_or(AppError::NotFound(id))?;
    if row.owner != owner {{
        tracing::warn!(id, owner, "{noun} {{}} is not owned by the caller", id);
        return Err(AppError::Forbidden);
    }}
    let total: i64 = row.items.iter().map(|item| item.quantity * item.price).sum();
    match total {{
        0 => Ok(row),
        t if t > {limit} => Err(AppError::Limit(format!("total {{}} over {limit}", t))),
        _ => Ok({Noun} {{ total, ..row }}),
    }}
}}
'''

RUST_STRUCT = '''
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct {Noun} {{
    pub id: i64,
    pub owner: String,
    pub total: i64,
    pub items: Vec<Item>,
    pub tags: std::collections::HashMap<String, String>,
}}

impl {Noun} {{
    pub fn new(id: i64, owner: impl Into<String>) -> Self {{
        Self {{ id, owner: owner.into(), total: 0, items: Vec::new(), tags: Default::default() }}
    }}

    pub fn tag(&mut self, key: &str, value: &str) -> &mut Self {{
        self.tags.insert(key.to_string(), value.to_string());
        self
    }}
}}
'''

TS_FN = '''
export async function load{Noun}{i}(id: string, options: RequestOptions = {{}}): Promise<{Noun}> {{
  const response = await fetch(`${{API_BASE}}/{noun}s/${{encodeURIComponent(id)}}`, {{
    headers: {{ Authorization: `Bearer ${{options.token ?? ""}}` }},
  }});
  if (!response.ok) {{
    throw new HttpError(response.status, `cannot load {noun} ${{id}}`);
  }}
  const body = (await response.json()) as {Noun}Dto;
  return {{
    ...body,
    total: body.items.reduce((sum, item) => sum + item.quantity * item.price, 0),
    tags: new Map(Object.entries(body.tags ?? {{}})),
  }};
}}
'''

TS_CLASS = '''
export interface {Noun}Dto {{
  id: string;
  owner: string;
  items: Array<{{ quantity: number; price: number }}>;
  tags?: Record<string, string>;
}}

export class {Noun}Store {{
  private readonly cache = new Map<string, {Noun}>();

  constructor(private readonly client: HttpClient, private readonly limit = {limit}) {{}}

  async get(id: string): Promise<{Noun} | undefined> {{
    if (this.cache.has(id)) return this.cache.get(id);
    const value = await this.client.get<{Noun}>(`/{noun}s/${{id}}`);
    if (value && value.total <= this.limit) this.cache.set(id, value);
    return value;
  }}
}}
'''

TSX_COMPONENT = '''
export function {Noun}Card{i}({{ {noun}, onSelect }}: {{ {noun}: {Noun}; onSelect(id: string): void }}) {{
  const [open, setOpen] = useState(false);
  const total = useMemo(() => {noun}.items.reduce((s, i) => s + i.price, 0), [{noun}]);
  return (
    <div className="card" onClick={{() => onSelect({noun}.id)}}>
      <h2>{{{noun}.owner}}</h2>
      {{open ? <span>{{total.toFixed(2)}}</span> : <button onClick={{() => setOpen(true)}}>Show</button>}}
    </div>
  );
}}
'''

JS_FN = '''
export async function load{Noun}{i}(id, options = {{}}) {{
  const response = await fetch(`${{API_BASE}}/{noun}s/${{encodeURIComponent(id)}}`, {{
    headers: {{ Authorization: `Bearer ${{options.token ?? ""}}` }},
  }});
  if (!response.ok) {{
    throw new HttpError(response.status, `cannot load {noun} ${{id}}`);
  }}
  const body = await response.json();
  return {{ ...body, total: body.items.reduce((sum, item) => sum + item.quantity * item.price, {limit} * 0) }};
}}

module.exports.load{Noun}{i} = load{Noun}{i};
'''

NOUNS = ["order", "invoice", "user", "account", "ticket", "project", "task", "payment", "report", "session"]
URLS = ['"https://api.payments-provider.io/v1"', '"http://localhost:3000/api"', '"/api/v1/items"', '"redis://127.0.0.1:6379"']


def fill(template, rng, i):
    noun = rng.choice(NOUNS)
    return template.format(noun=noun, Noun=noun.capitalize(), i=i, limit=rng.randint(100, 100000))


def rust_file(rng, n):
    parts = ["//! Generated module %d.\n\nuse sqlx::PgPool;\nuse crate::error::AppError;\n" % n]
    for i in range(rng.randint(4, 12)):
        parts.append(fill(rng.choice([RUST_FN, RUST_STRUCT]), rng, i))
    if rng.random() < 0.3:
        parts.append("\npub const ENDPOINT: &str = %s;\n" % rng.choice(URLS))
    parts.append("\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn it_works() {\n        assert_eq!(2 + 2, 4);\n    }\n}\n")
    return "".join(parts)


def ts_file(rng, n, tsx):
    parts = ['import { useMemo, useState } from "react";\nimport type { HttpClient, RequestOptions } from "./http";\n\n']
    parts.append("const API_BASE = import.meta.env.VITE_API_URL || %s;\n" % rng.choice(URLS).replace('"', "'"))
    templates = [TS_FN, TS_CLASS, TSX_COMPONENT] if tsx else [TS_FN, TS_CLASS]
    for i in range(rng.randint(4, 12)):
        parts.append(fill(rng.choice(templates), rng, i))
    return "".join(parts)


def js_file(rng, n):
    parts = ['const {{ HttpError }} = require("./http");\n\n'.format()]
    parts.append("const API_BASE = process.env.API_URL || %s;\n" % rng.choice(URLS).replace('"', "'"))
    for i in range(rng.randint(4, 12)):
        parts.append(fill(JS_FN, rng, i))
    return "".join(parts)


def main():
    out = sys.argv[1]
    files = int(sys.argv[2]) if len(sys.argv) > 2 else 2400
    rng = random.Random(42)
    for n in range(files):
        kind = n % 4
        directory = os.path.join(out, "crates" if kind == 0 else "web", "m%02d" % (n % 40))
        os.makedirs(directory, exist_ok=True)
        if kind == 0:
            path, text = os.path.join(directory, "f%05d.rs" % n), rust_file(rng, n)
        elif kind == 1:
            path, text = os.path.join(directory, "f%05d.tsx" % n), ts_file(rng, n, True)
        elif kind == 2:
            path, text = os.path.join(directory, "f%05d.ts" % n), ts_file(rng, n, False)
        else:
            path, text = os.path.join(directory, "f%05d.js" % n), js_file(rng, n)
        with open(path, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
