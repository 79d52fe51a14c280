// Bundles the npm packages the site uses into web/static/vendor/ (run by `make install`
// after `npm ci`). The output is a build artefact, not committed; third-party licences
// travel with it in THIRD-PARTY-LICENSES.txt.
import {build} from "esbuild";
import {mkdirSync, readFileSync, writeFileSync, existsSync, readdirSync} from "node:fs";
import {dirname, join, resolve} from "node:path";
import {fileURLToPath} from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "web", "static", "vendor");
mkdirSync(out, {recursive: true});

const bundles = {"editor.js": "frontend/editor.js", "force.js": "frontend/force.js"};
const packages = new Set();
for (const [name, entry] of Object.entries(bundles)) {
  const result = await build({
    entryPoints: [join(root, entry)], outfile: join(out, name), bundle: true, minify: true,
    format: "iife", target: ["es2020"], legalComments: "none", metafile: true, logLevel: "warning",
  });
  for (const input of Object.keys(result.metafile.inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) packages.add(m[1]);
  }
}

const notices = [...packages].sort().map((pkg) => {
  const dir = join(root, "node_modules", pkg);
  const meta = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const file = readdirSync(dir).find((f) => /^licen[cs]e/i.test(f));
  const text = file ? readFileSync(join(dir, file), "utf8").trim() : `License: ${meta.license}`;
  return `${pkg} ${meta.version} (${meta.license})\n\n${text}\n`;
});
writeFileSync(join(out, "THIRD-PARTY-LICENSES.txt"),
  "Third-party code bundled into editor.js and force.js by frontend/build.mjs.\n\n" +
  notices.join("\n" + "-".repeat(72) + "\n\n"));
for (const name of Object.keys(bundles)) {
  if (!existsSync(join(out, name))) throw new Error(`bundle ${name} was not written`);
}
console.log(`web/static/vendor: ${Object.keys(bundles).join(", ")} (${packages.size} packages)`);
