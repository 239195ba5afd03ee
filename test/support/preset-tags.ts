// The source-tag check of presets (test/rulebook/presets.test.ts and the international mechanism
// files): every figure carries [V], [D] or [R] on its line, in the comment block just above, or on
// an enclosing line.
const TAG = /\[(V|D|R)\]/;

/**
 * Lines of a preset with a number but no source tag ([V], [D] or [R]) on the line, in the comment
 * block just above it, or on an enclosing (less indented) line. Years and ids are not figures.
 */
export function untaggedFigures(text: string): string[] {
  const out: string[] = [];
  const stack: { indent: number; tagged: boolean }[] = [];
  let pending = false;
  text.split("\n").forEach((raw, i) => {
    const hash = raw.search(/(^|\s)#/);
    const code = hash >= 0 ? raw.slice(0, hash) : raw;
    const comment = hash >= 0 ? raw.slice(hash) : "";
    if (code.trim() === "") {
      if (TAG.test(comment)) pending = true;
      else if (raw.trim() === "") pending = false;
      return;
    }
    const indent = code.search(/\S/);
    while (stack.length > 0 && (stack[stack.length - 1]?.indent ?? -1) >= indent) stack.pop();
    const tagged = TAG.test(comment) || pending || stack.some((x) => x.tagged);
    pending = false;
    stack.push({ indent, tagged });
    const figures = code.replace(/\b(from|to|year|id|years|startMonth|deadlineYearOffset)\s*:\s*[\w.-]+/g, "");
    if (/(:\s*|-\s+|,\s*|\{\s*|\[\s*)-?\d[\d.]*\s*(,|\}|\]|$)/.test(figures) && !tagged) out.push(`line ${i + 1}: ${raw.trim()}`);
  });
  return out;
}
