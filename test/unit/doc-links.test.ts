// The README is a front page and docs/ holds the rest: every relative link in them resolves, to
// a file that exists and, with an anchor, to a heading of that file (GitHub's anchors: the
// heading lowercased, punctuation dropped, spaces as hyphens).
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

function markdownFiles(): string[] {
  const out = ["README.md", "CHANGELOG.md"];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith(".md")) out.push(rel);
    }
  };
  walk("docs");
  return out;
}

/** GitHub's anchor of a heading. */
export function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function anchors(file: string): Set<string> {
  const text = fs.readFileSync(path.join(ROOT, file), "utf8").replace(/```[\s\S]*?```/g, "");
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of text.matchAll(/^#{1,6} (.+)$/gm)) {
    const base = anchorOf(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

function links(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), "utf8").replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((href) => !/^[a-z]+:/.test(href));
}

describe("links in the README and docs/", () => {
  it.each(markdownFiles())("every relative link in %s resolves", (file) => {
    const broken: string[] = [];
    for (const href of links(file)) {
      const [target, anchor] = href.split("#");
      const resolved = target === "" ? file : path.normalize(path.join(path.dirname(file), target!));
      const full = path.join(ROOT, resolved);
      if (!fs.existsSync(full)) broken.push(`${href} (no file ${resolved})`);
      else if (anchor !== undefined && resolved.endsWith(".md") && !anchors(resolved).has(anchor)) broken.push(`${href} (no heading #${anchor} in ${resolved})`);
    }
    expect(broken).toEqual([]);
  });

  it("the anchor rule is GitHub's", () => {
    expect(anchorOf("Compatibility, and what is not supported")).toBe("compatibility-and-what-is-not-supported");
    expect(anchorOf("Other languages: YAML, Python, Go")).toBe("other-languages-yaml-python-go");
    expect(anchorOf("After an interrupted `up`")).toBe("after-an-interrupted-up");
  });
});

describe("the README is a front page", () => {
  it("is at most about 450 lines, with a contents list near the top and the compatibility table before the quick start", () => {
    const text = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    expect(text.split("\n").length).toBeLessThanOrEqual(450);
    const at = (heading: string) => text.indexOf(`\n## ${heading}\n`);
    expect(at("Contents")).toBeGreaterThan(0);
    expect(at("Contents")).toBeLessThan(at("Compatibility, and what is not supported"));
    expect(at("Compatibility, and what is not supported")).toBeLessThan(at("Quick start"));
  });
});
