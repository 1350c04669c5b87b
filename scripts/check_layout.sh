#!/bin/sh
# DESIGN rule 2: files under modules/, plugins/ and examples/ include nothing from kernel/, and
# module targets get sdk/include and nothing else on their include path.
set -e
cd "$(dirname "$0")/.."
bad=$(grep -rnE '#\s*include\s*[<"][^>"]*(kernel/|\.\./kernel|server\.h|command\.h)' modules examples plugins 2>/dev/null || true)
if [ -n "$bad" ]; then
  echo "module code includes kernel headers:"; echo "$bad"; exit 1
fi
# Every module target in compile_commands.json has only sdk/include as a project include dir.
cc="${1:-build}/compile_commands.json"
if [ -f "$cc" ]; then
  leaks=$(/usr/bin/python3 - "$cc" <<'PY'
import json, sys, re, os
root = os.getcwd()
out = []
for e in json.load(open(sys.argv[1])):
    f = e["file"]
    if not any(f.startswith(os.path.join(root, d) + "/") for d in ("modules", "examples")):
        continue
    for inc in re.findall(r"-I\s*(\S+)", e["command"]):
        if inc.startswith(root) and not inc.rstrip("/").endswith("sdk/include"):
            out.append(f + ": " + inc)
print("\n".join(out))
PY
)
  if [ -n "$leaks" ]; then
    echo "module targets see more than sdk/include:"; echo "$leaks"; exit 1
  fi
fi
echo "layout: modules see only the SDK"
echo "1 passed, 0 failed"
