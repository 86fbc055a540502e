#!/bin/sh
# Build the query page's SPARQL editor (CodeMirror 6) from the npm registry into one file:
#   src/ipgraph/web/static/vendor/editor.js, with the licences of what it bundles beside it.
# The built file is committed, so installing ipgraph needs neither npm nor the network.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../../src/ipgraph/web/static/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/editor.js" "$here/package.json" "$here/package-lock.json" "$work/"
cd "$work"
npm ci --no-audit --no-fund --ignore-scripts
node node_modules/esbuild/bin/esbuild editor.js --bundle --minify --format=iife \
  --global-name=IpgraphEditor --legal-comments=none --outfile="$out/editor.js"
node "$here/licences.mjs" "$work/node_modules" > "$out/editor.LICENSES.txt"
echo "wrote $out/editor.js and editor.LICENSES.txt"
