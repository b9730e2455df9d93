"""No source file in src/ is over 600 lines, its test module not counted (issue 16): a file's
lines up to its `#[cfg(test)] mod tests`, files named tests*.rs left out. Prints the files over and exits 1,
or prints the largest."""
import os
import re
import sys

LIMIT = 600
# Files not split yet (stop 72 split the other 25), each held to its size now so that it cannot
# grow: split one, and take it off this list.
NOT_YET = {
    "src/ingest/open.rs": 990,
    "src/ingest/scan.rs": 957,
    "src/spikes/history.rs": 1195,
    "src/spikes/night.rs": 1066,
}
root = sys.argv[1] if len(sys.argv) > 1 else "src"
sizes = []
for d, _, names in os.walk(root):
    for f in names:
        if f.endswith(".rs") and not f.startswith("tests"):
            path = os.path.join(d, f)
            text = open(path, encoding="utf-8").read()
            code = re.split(r"^#\[cfg\(test\)\]\s*mod tests\b", text, maxsplit=1, flags=re.M)[0]
            sizes.append((code.count("\n"), path))
sizes.sort(reverse=True)
over = [(n, p) for n, p in sizes if n > NOT_YET.get(p, LIMIT)]
for n, p in over:
    limit = NOT_YET.get(p, LIMIT)
    print(f"{p}: {n} lines (over {limit}, its test module not counted)")
left = sorted(p for n, p in sizes if LIMIT < n <= NOT_YET.get(p, LIMIT))
if over:
    sys.exit(1)
n, p = next((n, p) for n, p in sizes if p not in NOT_YET)
print(f"no source file over {LIMIT} lines but {len(left)} not split yet: the largest else is {p} with {n}")
