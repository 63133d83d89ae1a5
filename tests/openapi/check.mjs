// Validates docs/openapi.json with a real OpenAPI 3.1 validator, checks that
// it has every endpoint of the server (GET /api/v1/ listing, if given), and
// checks recorded replies against its schemas.
//   node check.mjs docs/openapi.json [endpoints.json] [replies.jsonl]
// replies.jsonl: {"method","path","status","type","body"} per line (body parsed JSON or null).
import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const [docPath, endpointsPath, repliesPath] = process.argv.slice(2);
const doc = JSON.parse(readFileSync(docPath, "utf8"));
let failures = 0;
const fail = (m) => { failures++; console.log("FAIL " + m); };

const v = new Validator();
const res = await v.validate(doc);
if (!res.valid) fail("docs/openapi.json is not a valid OpenAPI document: " + JSON.stringify(res.errors).slice(0, 2000));
else console.log(`ok   docs/openapi.json is valid OpenAPI ${v.version}`);

const routes = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => ({
  method: m.toUpperCase(), path: p, re: new RegExp("^" + p.replace(/[.]/g, "\\.").replace(/\{id\}/g, "[1-9][0-9]*") + "$"), op: ops[m],
})));

if (endpointsPath) {
  const eps = JSON.parse(readFileSync(endpointsPath, "utf8")).endpoints;
  const missing = eps.filter((e) => !routes.some((r) => r.method === e.method && r.path === e.path));
  const extra = routes.filter((r) => !eps.some((e) => r.method === e.method && r.path === e.path));
  if (missing.length || extra.length)
    fail(`endpoints: not in the document ${JSON.stringify(missing.map((e) => e.method + " " + e.path))}, ` +
         `not in the server ${JSON.stringify(extra.map((e) => e.method + " " + e.path))}`);
  else console.log(`ok   the document has the server's ${eps.length} endpoints and no others`);
}

if (repliesPath) {
  const ajv = new Ajv2020({ strict: false, allErrors: false });
  addFormats(ajv);
  ajv.addSchema({ $id: "doc", components: doc.components }, "doc");
  const fix = (s) => JSON.parse(JSON.stringify(s).replaceAll('"#/components/', '"doc#/components/'));
  const cache = new Map();
  let n = 0, unknown = 0;
  for (const line of readFileSync(repliesPath, "utf8").split("\n")) {
    if (!line.trim()) continue;
    const r = JSON.parse(line);
    const path = r.path.split("?")[0];
    const route = routes.find((x) => x.method === r.method && x.re.test(path));
    if (!route) { unknown++; continue; }
    const resp = route.op.responses[String(r.status)] || route.op.responses.default;
    const content = resp.content || {};
    const type = (r.type || "").split(";")[0].trim();
    const media = content[type] || (type.endsWith("json") ? content["application/json"] : null);
    if (!media) { fail(`${r.method} ${r.path} ${r.status}: content type ${type} is not documented`); continue; }
    if (r.body === null || !(type.endsWith("json"))) { n++; continue; }
    const key = route.method + route.path + r.status + type;
    let validate = cache.get(key);
    if (!validate) { validate = ajv.compile(fix(media.schema)); cache.set(key, validate); }
    if (!validate(r.body)) fail(`${r.method} ${r.path} ${r.status}: ${ajv.errorsText(validate.errors)}: ${JSON.stringify(r.body).slice(0, 300)}`);
    n++;
  }
  console.log(`${failures ? "FAIL" : "ok  "} ${n} replies checked against the document (${unknown} to unknown paths)`);
}
process.exit(failures ? 1 : 0);
