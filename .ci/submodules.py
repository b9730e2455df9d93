"""Import circles between the files of one stage (src/<stage>/*.rs), and between the files of any
module split into a directory below it (src/<stage>/<module>/*.rs), which layers.py, looking at
top-level modules only, does not see. Prints them and exits 1, or prints "no circles"."""
import os
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else "src"
found = []


def check(d, path):
    """The files of directory d (module path `path`, e.g. "ingest" or "ingest::csv") as a graph:
    an edge where one names a sibling through `super::` or its whole crate path."""
    files = {f[:-3]: os.path.join(d, f) for f in os.listdir(d)
             if f.endswith(".rs") and not f.startswith("tests")}
    graph = {}
    for name, file in files.items():
        text = re.split(r"#\[cfg\(test\)\]\s*mod tests", open(file).read())[0]
        code = "\n".join(l for l in text.splitlines() if not l.strip().startswith("//"))
        used = re.findall(r"(?:super|crate::" + re.escape(path) + r")::(\w+)", code)
        graph[name] = {u for u in used if u in files and u not in (name, "mod")}

    def walk(node, trail):
        for nxt in sorted(graph[node]):
            if nxt in trail:
                cycle = trail[trail.index(nxt):] + [nxt]
                if cycle[0] == min(cycle[:-1]):
                    found.append(f"{path}: " + " -> ".join(cycle))
            else:
                walk(nxt, trail + [nxt])

    for n in sorted(graph):
        walk(n, [n])
    for sub in sorted(os.listdir(d)):
        if os.path.isdir(os.path.join(d, sub)) and sub not in ("snapshots", "tests"):
            check(os.path.join(d, sub), f"{path}::{sub}")


for stage in sorted(os.listdir(root)):
    if os.path.isdir(os.path.join(root, stage)):
        check(os.path.join(root, stage), stage)
for c in sorted(set(found)):
    print(c)
print("circles inside a stage" if found else "no circles inside a stage")
sys.exit(1 if found else 0)
