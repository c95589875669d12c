#!/usr/bin/env bash
# Installs what VendorMatch needs beyond the Swift toolchain on Debian 12; idempotent, quiet when nothing is
# missing. `--build`: only what building and `vendormatch serve` need (libsqlite3-dev, GRDB's system SQLite;
# the README's first command). No flag: that plus what the tests need (Tests/run.sh, the second command).
#
#   apt:  libprotobuf-c-dev protobuf-c-compiler  the C client of Tests/ci.d/c-client.sh (protoc-c, libprotobuf-c)
#         libssl-dev                             OpenSSL for that C client's TLS run (the server's TLS is
#                                                swift-nio-ssl's own BoringSSL: `serve` needs no system OpenSSL)
#         libopenblas0                           OpenBLAS, optional: the MiniLM encoder loads it at run time when
#                                                present (faster than its built-in sgemm where OpenBLAS knows the
#                                                CPU); the tests cover both
#         libxgboost-dev                         XGBoost, loaded at run time by `vendormatch train`
#         prometheus                             a real Prometheus server and `promtool` for Tests/ci.d/prometheus-metrics.sh
#                                                (the test runs its own on a free loopback port)
#         chromium chromium-driver               the headless browser of Tests/ci.d/console-browser.sh (the web console)
#         postgresql                             a real PostgreSQL server for Tests/ci.d/postgres-rankers.sh (the
#                                                PostgreSQL store and several rankers on it; the test starts its own
#                                                on a free loopback port; `serve` never needs it)
#   pip:  protobuf grpcio-tools                  the Python client of Tests/ci.d/python-interop.sh
#         ranx pytrec-eval-terrier               the reference metrics of Tests/ci.d/trec-metrics.sh, demo-data.sh
#         selenium axe-selenium-python           drive chromium and check accessibility in Tests/ci.d/console-browser.sh
#         connectrpc protoc-gen-connectrpc       the Connect protocol's own Python client and its code generator, for
#                                                Tests/ci.d/connect-interop.sh
#
# Missing apt packages: as root, `apt-get update` and `apt-get install`; otherwise prints the command to
# run and exits 2. Missing pip packages are installed for this python3 (as the user when not root).
set -euo pipefail

apt_packages=(libsqlite3-dev libprotobuf-c-dev protobuf-c-compiler libssl-dev libopenblas0 libxgboost-dev prometheus chromium chromium-driver postgresql)
# pip name → the module that shows it is installed
pip_packages=(protobuf grpcio-tools ranx pytrec-eval-terrier selenium axe-selenium-python connectrpc protoc-gen-connectrpc)
pip_modules=(google.protobuf grpc_tools ranx pytrec_eval selenium axe_selenium_python connectrpc protoc_gen_connectrpc)

# --list: print the Debian packages (for .ci/run's explicit apt-get line) and stop.
if [ "${1:-}" = "--list" ]; then echo "${apt_packages[*]}"; exit 0; fi
# --build: the build's own system library only, no pip packages.
build_only=false
if [ "${1:-}" = "--build" ]; then build_only=true; apt_packages=(libsqlite3-dev); fi

if command -v dpkg >/dev/null 2>&1; then
    missing=()
    for package in "${apt_packages[@]}"; do
        dpkg -s "$package" 2>/dev/null | grep -q '^Status: install ok installed$' || missing+=("$package")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        if [ "$(id -u)" -ne 0 ]; then
            echo "install-system-packages: missing Debian packages; run this, then try again:" >&2
            echo "sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
            exit 2
        fi
        echo "install-system-packages: apt-get install ${missing[*]}" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
else
    echo "install-system-packages: no dpkg (not Debian); make sure these or their equivalents are installed: ${apt_packages[*]}" >&2
fi

if $build_only; then exit 0; fi
missing=()
for i in "${!pip_packages[@]}"; do
    # find_spec: present without importing it (importing ranx takes seconds); a directory left behind by an
    # uninstall (numba's caches) is found as a namespace package with no origin, and does not count.
    python3 -c "import importlib.util, sys; s = importlib.util.find_spec('${pip_modules[$i]}'); sys.exit(s is None or s.origin in (None, 'namespace'))" 2>/dev/null \
        || missing+=("${pip_packages[$i]}")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "install-system-packages: pip install ${missing[*]}" >&2
    flags=(-q --disable-pip-version-check --root-user-action=ignore)
    # Debian's own python3 refuses pip installs outside a virtual environment (PEP 668); these go to
    # /usr/local (root) or ~/.local, beside, not over, Debian's packages.
    if python3 -c 'import os, sys, sysconfig; sys.exit(0 if sys.prefix == sys.base_prefix and os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")) else 1)'; then
        flags+=(--break-system-packages)
    fi
    python3 -m pip install "${flags[@]}" "${missing[@]}"
fi
