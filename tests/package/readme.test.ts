import * as assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
const repository = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { repository: { url: string } }).repository.url
  .replace(/^git\+/, "")
  .replace(/\.git$/, "");

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

/**
 * The READMEs that ship in the packages are read on the npm page, where a relative link is broken:
 * every link is an in-page anchor that exists, or absolute; links into this repository point at files
 * that exist, under the repository package.json names.
 */
describe("README links work on the npm page", () => {
  for (const file of ["README.md", "emulator/README.md"]) {
    it(file, () => {
      const text = readFileSync(path.join(ROOT, file), "utf8");
      const anchors = new Set([...text.matchAll(/^#+ (.+)$/gm)].map((m) => anchor(m[1]!)));
      const links = [...text.replace(/```[\s\S]*?```/g, "").matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
      for (const link of links) {
        if (link.startsWith("#")) {
          assert.ok(anchors.has(link.slice(1)), `${file}: no heading for ${link}`);
          continue;
        }
        assert.match(link, /^https:\/\//, `${file}: relative link ${link} is broken on npm`);
        const inRepo = new RegExp(`^${repository.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}/(?:blob|tree)/main/(.+?)(?:#.*)?$`).exec(link);
        if (inRepo) assert.ok(existsSync(path.join(ROOT, inRepo[1]!)), `${file}: ${link} names a file that does not exist`);
      }
    });
  }
});
