#!/usr/bin/env bash
# The one-command demo: builds the plugin zip, resolves the Kafka 4.3.1 broker and Connect jars
# (demo/runtime/pom.xml), then runs io.ltx2.connect.demo.DemoMain, which starts a KRaft broker, a
# Connect worker with the plugin on its plugin.path and the APIXO simulator (each its own JVM, on
# 127.0.0.1), deploys both connectors from config/, writes sample requests and prints the events.
# Needs only Java 17+ and Maven. ./demo.sh --help lists the flags (existing Kafka, Connect or API).
set -euo pipefail
cd "$(dirname "$0")"

for tool in java mvn; do
  command -v "$tool" >/dev/null || { echo "demo.sh needs $tool on the PATH" >&2; exit 2; }
done

case " $* " in
  *" -h "*|*" --help "*) ;;
  *)
    if [ "${DEMO_SKIP_BUILD:-}" != "1" ]; then
      echo "Building the plugin and resolving the Kafka jars (mvn verify without tests; the first run downloads from Maven Central)..."
      build_log=$(mktemp)
      if ! mvn -B -q -Dmaven.test.skip=true verify >"$build_log" 2>&1; then
        cat "$build_log" >&2; rm -f "$build_log"; exit 1
      fi
      rm -f "$build_log"
    fi
    ;;
esac

exec java -Xmx512m -XX:+UseSerialGC -Dlog4j2.configurationFile=demo/log4j2-demo.xml \
  -cp "target/classes:target/kafka-runtime/*" io.ltx2.connect.demo.DemoMain "$@"
