#!/usr/bin/env bash
# The test command of README.md: installs what the tests need (Tools/install-system-packages.sh; exits 2
# with the apt-get line to run when that needs root), then the Swift test suites, then every
# cross-language / end-to-end check in Tests/ci.d/ (each runs against the freshly built binary).
set -euo pipefail
cd "$(dirname "$0")/.."

bash Tools/install-system-packages.sh

swift build --build-tests
swift test --skip-build 2>&1 | tee /tmp/vendormatch-swift-test.log
grep -q "Test run with .* passed" /tmp/vendormatch-swift-test.log

passed=0
failed=0
for script in Tests/ci.d/*.sh; do
    [ -e "$script" ] || continue
    echo "== $script"
    if bash "$script"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $script"; fi
done
echo "ci.d: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
