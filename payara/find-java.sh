# Sourced by launch.sh and src/test/run-tests.sh: finds a Java 21 or newer (Payara Micro 7 needs it) and
# exports JAVA_HOME and PATH so that it is the `java` (and Maven's JVM) from here on.
# Looks at $JAVA_HOME first, then the JDKs under /usr/lib/jvm (newest first), then `java` on the PATH.
# Without one, says what to install and exits.

switchboard_java_feature() { # prints the feature release (17, 21, 25...) of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -1
}

# JVM options the launchers add for the Java found, unless the given options (JAVA_OPTS) already decide them:
# on Java 25+, compact object headers (JEP 519: 8-byte headers), 3-4 KB less per idle connection here
# (src/docs/benchmarks.md, "Performance, step 3").
switchboard_jvm_defaults() {
  local given="$1"
  if [ "$(switchboard_java_feature "$JAVA_HOME/bin/java")" -ge 25 ] 2>/dev/null && [[ "$given" != *CompactObjectHeaders* ]]; then
    echo "-XX:+UseCompactObjectHeaders"
  fi
}

switchboard_find_java() {
  local min=21 candidate version
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for candidate in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -V -r); do
    candidates+=("${candidate%/}")
  done
  if command -v java >/dev/null; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for candidate in "${candidates[@]}"; do
    [ -x "$candidate/bin/java" ] || continue
    version="$(switchboard_java_feature "$candidate/bin/java")"
    if [ -n "$version" ] && [ "$version" -ge "$min" ]; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  cat >&2 <<MSG
Switchboard runs on Payara Micro 7, which needs Java $min or newer; none was found
(looked at JAVA_HOME=${JAVA_HOME:-<unset>}, /usr/lib/jvm/*, and java on the PATH).
Install one (Temurin 21 or 25 from https://adoptium.net; on Debian 13, 'apt install openjdk-21-jdk')
or point JAVA_HOME at it.
MSG
  exit 1
}

switchboard_find_java
