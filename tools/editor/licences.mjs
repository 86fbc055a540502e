// The licence texts of every package bundled into the editor (all of node_modules but the build tools).
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";

const root = process.argv[2];
const names = readdirSync(root).flatMap((n) =>
  n.startsWith("@") ? readdirSync(join(root, n)).map((m) => `${n}/${m}`) : [n],
);
for (const name of names.sort()) {
  if (name.startsWith(".") || name.includes("esbuild")) continue;
  const dir = join(root, name);
  const meta = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const file = readdirSync(dir).find((f) => /^licen[sc]e/i.test(f));
  console.log(`== ${name} ${meta.version} (${meta.license})\n`);
  console.log(file && existsSync(join(dir, file)) ? readFileSync(join(dir, file), "utf8") : `${meta.license}\n`);
}
