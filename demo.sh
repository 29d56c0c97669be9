#!/usr/bin/env bash
# The one-command demo: builds the plugin zip and the simulator jar, resolves the Kafka 4.3.1 broker
# and Connect jars (demo/runtime/pom.xml), then runs io.ltx2.connect.demo.DemoMain, which starts a KRaft broker, a
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
      echo "Building the plugin, the simulator and the demo, and resolving the Kafka jars (mvn verify without running tests; the first run downloads from Maven Central)..."
      build_log=$(mktemp)
      # -DskipTests, not -Dmaven.test.skip: the demo launcher and the simulator live in test source
      # roots (src/demo/java, src/simulator/java), so the test sources must compile. Checkstyle is
      # the build's gate, not the demo's: skipped here.
      if ! mvn -B -q -DskipTests -Dcheckstyle.skip verify >"$build_log" 2>&1; then
        cat "$build_log" >&2; rm -f "$build_log"; exit 1
      fi
      rm -f "$build_log"
    fi
    ;;
esac

# The launcher's class path: the demo (src/demo/java, compiled into target/test-classes), the plugin
# classes and the test-scope dependencies the build lists in target/demo.classpath (pom.xml, execution
# demo-classpath). The simulator it starts runs from its own jar.
classpath="target/test-classes:target/classes"
if [ -f target/demo.classpath ]; then
  classpath="$classpath:$(cat target/demo.classpath)"
elif [ "${DEMO_SKIP_BUILD:-}" = "1" ]; then
  echo "target/demo.classpath is missing: run ./demo.sh once without DEMO_SKIP_BUILD=1" >&2; exit 1
fi
exec java -Xmx512m -XX:+UseSerialGC -Dlog4j2.configurationFile=demo/log4j2-demo.xml \
  -cp "$classpath" io.ltx2.connect.demo.DemoMain "$@"
