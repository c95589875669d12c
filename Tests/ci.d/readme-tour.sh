#!/usr/bin/env bash
# The README tour's sample shortlist is what its commands print: `demo-data --seed 2`, `import` as the tour
# runs it (need vectors stored, the default), then the tour's shortlist command read from README.md; the
# README's sample (the first vendor's block) must match the output line for line, numbers within 0.002 (the
# MiniLM backend, chosen by CPU, may move a third decimal). Release build: encoding the 12,205 needs takes a
# debug build many minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product vendormatch >/dev/null
bin="$(swift build -c release --show-bin-path)/vendormatch"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

"$bin" demo-data --out "$tmp/market" --seed 2 >/dev/null
"$bin" import "$tmp/market" --db "$tmp/m.sqlite" >"$tmp/import.log" 2>&1 || { cat "$tmp/import.log"; exit 1; }

python3 - "$bin" "$tmp" <<'PY'
import re, shlex, subprocess, sys

binary, tmp = sys.argv[1], sys.argv[2]
readme = open("README.md", encoding="utf-8").read().split("\n")

# The tour's shortlist command, continuation lines joined.
i = next(n for n, line in enumerate(readme) if line.startswith("$B shortlist --db /tmp/m.sqlite"))
command = readme[i]
while command.rstrip().endswith("\\"):
    i += 1
    command = command.rstrip()[:-1] + " " + readme[i].strip()
args = shlex.split(command.split("#")[0])
args = [binary] + [a.replace("/tmp/m.sqlite", f"{tmp}/m.sqlite") for a in args[1:]]

# The README's sample: the code block that starts with the first vendor.
start = next(n for n, line in enumerate(readme) if re.match(r"^ 1\. \S", line) and readme[n - 1] == "```")
end = next(n for n in range(start, len(readme)) if readme[n] == "```")
sample = readme[start:end]

out = subprocess.run(args, check=True, capture_output=True, text=True).stdout.split("\n")
first = next(n for n, line in enumerate(out) if line.startswith(" 1. "))
printed = out[first:first + len(sample)]

number = re.compile(r"[-+]?\d+\.\d+")
def shape(line):
    return number.sub("#", line), [float(x) for x in number.findall(line)]

bad = []
for k, (want, got) in enumerate(zip(sample, printed + [""] * len(sample))):
    (wt, wn), (gt, gn) = shape(want), shape(got)
    if wt != gt or len(wn) != len(gn) or any(abs(a - b) > 0.002 for a, b in zip(wn, gn)):
        bad.append(f"README line {start + k + 1}:\n  README: {want}\n  prints: {got}")
if bad:
    print("the README's sample shortlist is not what its command prints:\n" + "\n".join(bad))
    print("command: " + " ".join(shlex.quote(a) for a in args))
    sys.exit(1)
print(f"readme-tour: the sample's {len(sample)} lines match `{' '.join(args[1:4])} …`")
PY
echo "readme-tour: OK"
