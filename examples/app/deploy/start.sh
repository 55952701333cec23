#!/bin/sh
# deploy-vm's start-command for the example app: stop the running release (its pid is in
# the app folder), then start this release in the background and return. deploy-vm runs
# it in the release's folder with DEPLOY_KIT_RELEASE_DIR and DEPLOY_KIT_APP_DIR set.
set -eu
pidfile="$DEPLOY_KIT_APP_DIR/app.pid"
if [ -f "$pidfile" ]; then
  old=$(cat "$pidfile")
  kill "$old" 2>/dev/null || true
  # wait (up to 5 s) for it to let go of the port
  i=0
  while kill -0 "$old" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
fi
nohup "${NODE:-node}" "$DEPLOY_KIT_RELEASE_DIR/server.js" >"$DEPLOY_KIT_RELEASE_DIR/app.log" 2>&1 </dev/null &
echo $! >"$pidfile"
echo "started release $DEPLOY_KIT_RELEASE (pid $!)"
