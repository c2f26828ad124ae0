#!/usr/bin/env bash
# Refresh the chart libraries vendored in src/dyads/web/static/vendor/ from the npm registry.
# Nothing is fetched at run time: the dashboard serves these files itself (no CDN).
# vega-interpreter ships only as an ES module importing vega-util; it is wrapped here into a
# script that takes those names from the `vega` global, so pages need no 'unsafe-eval' (CSP).
set -euo pipefail
VEGA=6.4.0 VEGA_LITE=6.5.0 VEGA_EMBED=7.3.0 VEGA_INTERPRETER=2.3.2
out="$(cd "$(dirname "$0")/.." && pwd)/src/dyads/web/static/vendor"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent "vega@$VEGA" "vega-lite@$VEGA_LITE" "vega-embed@$VEGA_EMBED" "vega-interpreter@$VEGA_INTERPRETER" >/dev/null
for name in vega vega-lite vega-embed vega-interpreter; do mkdir "$name"; tar xzf "$name"-[0-9]*.tgz -C "$name"; done
mkdir -p "$out"
for name in vega vega-lite vega-embed; do
  sed '/^\/\/# sourceMappingURL=/d' "$name/package/build/$name.min.js" > "$out/$name.min.js"
  cp "$name/package/LICENSE" "$out/$name.LICENSE"
done
{
  echo "/* vega-interpreter $VEGA_INTERPRETER (BSD-3-Clause), wrapped by scripts/vendor-js.sh to use the vega global. */"
  echo "(function (vega) {"
  sed -e "s/^import {\(.*\)} from 'vega-util';/const {\1} = vega;/" \
      -e "s/^export { expression as expressionInterpreter };/globalThis.vegaInterpreter = { expressionInterpreter: expression };/" \
      -e '/^\/\/# sourceMappingURL=/d' vega-interpreter/package/build/vega-interpreter.js
  echo "})(globalThis.vega);"
} > "$out/vega-interpreter.js"
cp vega-interpreter/package/LICENSE "$out/vega-interpreter.LICENSE"
printf 'vega %s\nvega-lite %s\nvega-embed %s\nvega-interpreter %s\n' "$VEGA" "$VEGA_LITE" "$VEGA_EMBED" "$VEGA_INTERPRETER" > "$out/VERSIONS"
echo "vendored into $out:"; cat "$out/VERSIONS"
