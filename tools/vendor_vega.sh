#!/usr/bin/env bash
# Re-vendor the chart runtime so the built book draws charts with no network.
# Run by hand when Altair moves to a new Vega-Lite major; needs npm (the npm registry).
set -euo pipefail
VEGA=${VEGA:-6.4.0}; VEGA_LITE=${VEGA_LITE:-6.4.3}; VEGA_EMBED=${VEGA_EMBED:-7.3.0}
out="$(cd "$(dirname "$0")/.." && pwd)/book/_static/vendor"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent "vega@$VEGA" "vega-lite@$VEGA_LITE" "vega-embed@$VEGA_EMBED" >/dev/null
for f in *.tgz; do mkdir -p "${f%.tgz}"; tar xzf "$f" -C "${f%.tgz}"; done
# One file, in load order: vega-embed's UMD wrapper reads window.vega and window.vegaLite at load.
{
  echo "/* vega $VEGA, vega-lite $VEGA_LITE, vega-embed $VEGA_EMBED (BSD-3-Clause, https://vega.github.io), concatenated in load order by tools/vendor_vega.sh */"
  cat "vega-$VEGA/package/build/vega.min.js"; echo
  cat "vega-lite-$VEGA_LITE/package/build/vega-lite.min.js"; echo
  cat "vega-embed-$VEGA_EMBED/package/build/vega-embed.min.js"; echo
} > "$out/vega-bundle.min.js"
cp "vega-$VEGA/package/LICENSE" "$out/LICENSE-vega.txt"
echo "wrote $out/vega-bundle.min.js"
