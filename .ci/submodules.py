"""Import circles between the files of one stage (src/<stage>/*.rs), which layers.py, looking
at top-level modules only, does not see. Prints them and exits 1, or prints "no circles"."""
import os
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else "src"
found = []
for stage in sorted(os.listdir(root)):
    d = os.path.join(root, stage)
    if not os.path.isdir(d):
        continue
    files = {f[:-3]: os.path.join(d, f) for f in os.listdir(d)
             if f.endswith(".rs") and not f.startswith("tests")}
    graph = {}
    for name, path in files.items():
        text = re.split(r"#\[cfg\(test\)\]\s*mod tests", open(path).read())[0]
        code = "\n".join(l for l in text.splitlines() if not l.strip().startswith("//"))
        used = re.findall(r"(?:super|crate::" + stage + r")::(\w+)", code)
        graph[name] = {u for u in used if u in files and u not in (name, "mod")}

    def walk(node, path):
        for nxt in sorted(graph[node]):
            if nxt in path:
                cycle = path[path.index(nxt):] + [nxt]
                if cycle[0] == min(cycle[:-1]):
                    found.append(f"{stage}: " + " -> ".join(cycle))
            else:
                walk(nxt, path + [nxt])

    for n in sorted(graph):
        walk(n, [n])
for c in sorted(set(found)):
    print(c)
print("circles inside a stage" if found else "no circles inside a stage")
sys.exit(1 if found else 0)
