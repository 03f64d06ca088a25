#!/usr/bin/env bash
# Bounded benchmark of nn-spark in Spark local mode (local[2]): scoring rows/s against the library's
# Predictor in one JVM, and training time to a target test accuracy against MLlib's
# MultilayerPerceptronClassifier. Not part of `mvn verify`.
#   nn-spark/scripts/spark-bench.sh [all|score|train] [repeats]   (from the repository root)
# Needs `mvn install -DskipTests` first (the other modules' jars); Fashion-MNIST is used when
# installed (apt-get install -y dataset-fashion-mnist). Prints the CPU with the figures.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
java_home=""
for c in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
  [[ -x "$c/bin/java" && -f "$c/release" ]] || continue
  v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$c/release")
  [[ -n "$v" ]] && (( v >= 21 )) && java_home="$c"
done
[[ -n "$java_home" ]] || { echo "no JDK >= 21 found" >&2; exit 1; }
mvn -o -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
echo "# CPU: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
# the flags Spark's launcher gives its JVMs on Java 17+, and the incubator module for our SIMD backend
exec "$java_home/bin/java" -Xmx6g --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED \
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED \
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED \
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED \
  -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true \
  -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" dev.simdnn.spark.SparkBench "$@"
