// Java: class, file and method names and one `at ...(File.java:42)` line of a stack trace
// (module and class-loader prefixes such as `java.base/` and `app//` are skipped).
import type { PatternFamily } from './library.ts';

const r = String.raw;

/** `java.base@17/`, `app//` before the class in Java 9+ traces: matched, not captured. */
const MODULE = r`(?:[\w$.@+-]+/+)?`;

export const java: PatternFamily = {
  common: {
    JAVACLASS: r`(?:[a-zA-Z$_][a-zA-Z$_0-9]*\.)*[a-zA-Z$_][a-zA-Z$_0-9]*`,
    // Spaces for `Native Method` and `Unknown Source`.
    JAVAFILE: '[a-zA-Z$_0-9. -]+',
    JAVAMETHOD: '(?:<(?:cl)?init>|[a-zA-Z$_][a-zA-Z$_0-9]*)',
    JAVATHREAD: '[A-Z]{2}-Processor[0-9]+',
    JAVALOGMESSAGE: '.*',
  },
  legacy: {
    JAVASTACKTRACEPART: r`%{SPACE}at ${MODULE}%{JAVACLASS:class}\.%{JAVAMETHOD:method}\(%{JAVAFILE:file}(?::%{NUMBER:line})?\)`,
  },
  ecs: {
    JAVASTACKTRACEPART: r`%{SPACE}at ${MODULE}%{JAVACLASS:[java][log][origin][class][name]}\.%{JAVAMETHOD:[log][origin][function]}\(%{JAVAFILE:[log][origin][file][name]}(?::%{INT:[log][origin][file][line]:int})?\)`,
  },
};
