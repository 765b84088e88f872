package io.flowersim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowersim.server.HistoryJson;
import io.flowersim.simulation.ExitCode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Issue 17's classes of bad input: each is refused with exit code 2 and one line naming the field
 * (or option) and what is allowed, and nothing is written.
 */
class BadInputTest {

  static final String VALID = FlowersimCommandTest.VALID;

  @TempDir
  Path dir;

  record Outcome(int code, String out, String err) {
    /** The error lines, without the logger's. */
    Stream<String> errors() {
      return err.lines().filter(l -> l.startsWith("error: "));
    }
  }

  private static Outcome cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = FlowersimCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return new Outcome(cli.execute(args), out.toString(), err.toString());
  }

  private Outcome runAndExpectRefusal(Path file, String expected, String... options) {
    Path out = dir.resolve("out");
    String[] args = Stream.concat(Stream.of("run", file.toString(), "--out", out.toString()),
        Stream.of(options)).toArray(String[]::new);
    Outcome o = cli(args);
    assertThat(o.code()).as(o.err()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(o.errors()).as(o.err()).hasSize(1);
    assertThat(o.errors().findFirst().orElseThrow()).contains(expected);
    assertThat(o.err()).doesNotContain("\tat ");
    assertThat(out).doesNotExist();
    String[] validateArgs = Stream.concat(Stream.of("validate", file.toString()),
        Stream.of(options)).toArray(String[]::new);
    Outcome validated = cli(validateArgs);
    assertThat(validated.code()).as("validate: " + validated.err())
        .isEqualTo(ExitCode.INVALID_INPUT);
    return o;
  }

  private Path file(String yaml) throws Exception {
    return Files.writeString(dir.resolve("sim.yaml"), yaml);
  }

  static Stream<Arguments> yaml() {
    return Stream.of(
        Arguments.of(".nan in the spec", VALID.replace("fractionFit: 0.25", "fractionFit: .nan"),
            "spec.strategy.fractionFit: must be a finite number, got .nan"),
        Arguments.of(".inf in the spec", VALID.replace("{cpus: 1}", "{cpus: .inf}"),
            "spec.clients.resources.cpus: must be a finite number, got .inf"),
        Arguments.of("-.inf in taskConfig", VALID.replace("\"32\"", "-.inf"),
            "spec.taskConfig.samplesPerClient: must be a finite number, got -.inf"),
        Arguments.of("a quoted whole number", VALID.replace("rounds: 2", "rounds: \"3\""),
            "spec.rounds: expected a whole number, got the string \"3\" (write numbers and "
                + "true/false unquoted; the API server refuses them quoted)"),
        Arguments.of("a quoted number", VALID.replace("fractionFit: 0.25", "fractionFit: \"0.25\""),
            "spec.strategy.fractionFit: expected a number, got the string \"0.25\""),
        Arguments.of("a quoted boolean",
            VALID.replace("  rounds: 2", "  rounds: 2\n  suspend: \"no\""),
            "spec.suspend: expected true or false, got the string \"no\""),
        Arguments.of("a number where a string belongs", VALID.replace("task: synthetic", "task: 7"),
            "spec.task: expected a string, got the number 7 (quote it: \"7\")"),
        Arguments.of("an unquoted taskConfig value", VALID.replace("\"32\"", "32"),
            "spec.taskConfig.samplesPerClient: expected a string, got the number 32"),
        Arguments.of("a key that is not a string", VALID.replace("{samplesPerClient: \"32\"}",
            "{1: \"32\"}"), "spec.taskConfig: keys must be strings, got 1 (a number) (quote it)"),
        Arguments.of("an alias expands as kubectl does", VALID.replace("fractionFit: 0.25",
            "fractionFit: &r 0.25") + "  roundTimeoutSeconds: *r\n",
            "spec.roundTimeoutSeconds: expected a whole number, got 0.25"),
        Arguments.of("an alias bomb", "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            + "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
            + "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
            + "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
            + "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
            + "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n" + VALID,
            "(document): more than 50 aliases of lists or mappings"),
        Arguments.of("clients per round beyond internal sizes", VALID.replace("count: 20",
            "count: 2000000000").replace("minAvailableClients: 20", "minAvailableClients: 5")
            .replace("fractionEvaluate: 0.25", "fractionEvaluate: 0.000001"),
            "spec.strategy.fractionFit: a round would sample 500000000 clients"),
        Arguments.of("Krum with more malicious clients than a round tolerates", VALID.replace(
            "name: FedAvg", "name: Krum\n    numMaliciousClients: 2"),
            "spec.strategy.numMaliciousClients: Krum needs at least 2 * numMaliciousClients + 3 "
                + "= 7 clients per round, but a round samples 5"),
        Arguments.of("two documents", VALID + "---\n" + VALID,
            "(document): the file holds 2 YAML documents; expected one FlowerSimulation"),
        Arguments.of("a duplicate key", VALID.replace("rounds: 2", "rounds: 2\n  rounds: 3"),
            "malformed YAML"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("yaml")
  void yamlIsReadAsTheApiServerTypesIt(String kind, String yaml, String expected)
      throws Exception {
    runAndExpectRefusal(file(yaml), expected);
  }

  static Stream<Arguments> taskConfig() {
    String tc = "{samplesPerClient: \"32\"}";
    return Stream.of(
        Arguments.of("a typo in a key", VALID.replace(tc, "{locaEpochs: \"2\"}"),
            "spec.taskConfig.locaEpochs: unknown key; known keys: dimensions, classes, "
                + "separation, noise, samplesPerClient, evalSamplesPerClient, testSamples, "
                + "learningRate, localEpochs, batchSize"),
        Arguments.of("not a number", VALID.replace(tc, "{learningRate: \"fast\"}"),
            "spec.taskConfig.learningRate: must be a number > 0, got \"fast\""),
        Arguments.of("a number out of range", VALID.replace(tc, "{learningRate: \"-1\"}"),
            "spec.taskConfig.learningRate: must be a number > 0, got \"-1\""),
        Arguments.of("NaN as a string", VALID.replace(tc, "{learningRate: \"NaN\"}"),
            "spec.taskConfig.learningRate: must be a number > 0, got \"NaN\""),
        Arguments.of("an overflowing whole number",
            VALID.replace(tc, "{localEpochs: \"99999999999999999999\"}"),
            "spec.taskConfig.localEpochs: must be a whole number >= 1, got "
                + "\"99999999999999999999\""),
        Arguments.of("a fraction for a whole number", VALID.replace(tc, "{batchSize: \"1.5\"}"),
            "spec.taskConfig.batchSize: must be a whole number >= 1, got \"1.5\""),
        Arguments.of("more shards per client than classes", VALID.replace(tc, "{classes: \"3\"}")
                .replace("resources: {cpus: 1}", "resources: {cpus: 1}\n    partitioning: "
                    + "{type: shard, shardsPerClient: 4}"),
            "spec.clients.partitioning.shardsPerClient: the task (spec.taskConfig.classes) has "
                + "only 3 labels, so at most 3, got 4"),
        Arguments.of("more pathological labels per client than classes", VALID.replace(tc,
                "{classes: \"3\"}").replace("resources: {cpus: 1}", "resources: {cpus: 1}\n"
                + "    partitioning: {type: pathological, classesPerClient: 4}"),
            "spec.clients.partitioning.classesPerClient: the task (spec.taskConfig.classes) has "
                + "only 3 labels, so at most 3, got 4"),
        Arguments.of("Scaffold on a task whose clients take no control variates",
            VALID.replace(tc, "{}").replace("task: synthetic", "task: fashion-mnist-mlp")
                .replace("name: FedAvg", "name: Scaffold"),
            "spec.strategy.name: Scaffold needs a task whose clients train with control "
                + "variates (ControlVariateClient, e.g. synthetic); task fashion-mnist-mlp does "
                + "not"),
        Arguments.of("data larger than one array", VALID.replace(tc,
                "{samplesPerClient: \"2000000000\", dimensions: \"20\"}"),
            "spec.taskConfig.samplesPerClient: a client's examples (samplesPerClient x "
                + "dimensions) would be 40000000000 values, more than one Java array holds"),
        Arguments.of("data larger than the heap", VALID.replace(tc,
                "{testSamples: \"1000000000\", dimensions: \"2\"}"),
            "spec.taskConfig: the test set, a client's examples and the model would take"));
  }

  /** Both commands refuse it before any data is made: validate sets the task up as run does. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("taskConfig")
  void eachTaskConfigKeyIsCheckedAsTheTaskDeclaresIt(String kind, String yaml, String expected)
      throws Exception {
    runAndExpectRefusal(file(yaml), expected, "--cpus", "2");
  }

  @Test
  void anAliasOfAScalarIsItsValue() throws Exception {
    Outcome o = cli("validate", file(VALID.replace("minFitClients: 5", "minFitClients: &five 5")
        .replace("minEvaluateClients: 5", "minEvaluateClients: *five")).toString(), "--cpus", "2");
    assertThat(o.code()).as(o.err()).isZero();
  }

  @Test
  void nonFiniteCommandLineNumbersAreRefused() throws Exception {
    runAndExpectRefusal(file(VALID), "--cpus: must be a finite number > 0, got NaN", "--cpus",
        "NaN");
    runAndExpectRefusal(file(VALID), "--gpus: must be a finite number >= 0, got Infinity",
        "--gpus", "Infinity");
  }

  @Test
  void aDirectoryIsNotASimulationFile() throws Exception {
    runAndExpectRefusal(Files.createDirectories(dir.resolve("a-dir")),
        "not a regular file (a directory)");
  }

  @Test
  @EnabledOnOs({OS.LINUX, OS.MAC})
  void aDeviceIsRefusedWithoutReadingIt() {
    runAndExpectRefusal(Path.of("/dev/zero"), "/dev/zero: not a regular file (a device, FIFO or "
        + "socket)");
  }

  @Test
  @EnabledOnOs({OS.LINUX, OS.MAC})
  void aFifoIsRefusedWithoutOpeningIt() throws Exception {
    Path fifo = dir.resolve("fifo");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).isTrue();
    runAndExpectRefusal(fifo, "not a regular file (a device, FIFO or socket)");
  }

  @Test
  void aFileOverTheSizeLimitIsRefusedUnread() throws Exception {
    Path big = dir.resolve("big.yaml");
    try (var channel = java.nio.channels.FileChannel.open(big,
        java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
      // Sparse: the size is there, the bytes are not.
      channel.write(java.nio.ByteBuffer.wrap(new byte[] {'\n'}), 1L << 30);
    }
    runAndExpectRefusal(big, "larger than 1572864 bytes");
  }

  @Test
  void textThatIsNotUtf8IsSaidSo() throws Exception {
    byte[] latin1 = VALID.replace("name: tiny", "name: tiny # caf\u00e9")
        .getBytes(StandardCharsets.ISO_8859_1);
    Path f = Files.write(dir.resolve("latin1.yaml"), latin1);
    int offset = VALID.indexOf("name: tiny") + "name: tiny # caf".length() + 1;
    runAndExpectRefusal(f, "not UTF-8 text (byte " + offset + " starts no UTF-8 character)");
  }

  @Test
  void anOutDirectoryThatCannotBeWrittenIsRefusedBeforeAnythingRuns() throws Exception {
    Path notADir = Files.writeString(dir.resolve("a-file"), "x");
    Outcome o = cli("run", file(VALID).toString(), "--out", notADir.toString(), "--cpus", "2");
    assertThat(o.code()).as(o.err()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(o.errors()).singleElement().asString()
        .contains("--out " + notADir + ": exists and is not a directory");
    assertThat(o.out()).doesNotContain("round 1");

    Outcome under = cli("run", file(VALID).toString(), "--out",
        notADir.resolve("sub").toString(), "--cpus", "2");
    assertThat(under.code()).as(under.err()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(under.errors()).singleElement().asString()
        .contains(": " + notADir + " is not a directory");
  }

  @Test
  void aRunThatDivergesStopsWithExitCode1AndAValidHistory() throws Exception {
    String diverging = VALID.replace("task: synthetic", "task: " + DivergingTestingTask.NAME)
        .replace("{samplesPerClient: \"32\"}", "{divergeAt: \"2\"}").replace("rounds: 2",
            "rounds: 4");
    Path out = dir.resolve("out");
    Outcome o = cli("run", file(diverging).toString(), "--out", out.toString(), "--cpus", "2");

    assertThat(o.code()).as(o.err()).isEqualTo(ExitCode.RUN_FAILED);
    assertThat(o.errors().findFirst().orElseThrow()).isEqualTo("error: diverged at round 2: "
        + "centralizedLoss is NaN (spec.onDivergence: Continue would go on)");
    var history = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(out.resolve("history.json").toFile());
    assertThat(history.path("rounds")).hasSize(2);
    assertThat(history.path("rounds").get(1).path("nonFinite").path("centralizedLoss").asText())
        .isEqualTo("NaN");

    Outcome goesOn = cli("run", file(diverging.replace("  rounds: 4",
        "  rounds: 4\n  onDivergence: Continue")).toString(), "--out", out.toString(), "--cpus",
        "2");
    assertThat(goesOn.code()).as(goesOn.err()).isEqualTo(ExitCode.OK);
    assertThat(HistoryJson.read(out.resolve("history.json")).rounds).hasSize(4);

    Outcome unknown = cli("validate", file(diverging.replace("  rounds: 4",
        "  rounds: 4\n  onDivergence: Ignore")).toString());
    assertThat(unknown.code()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(unknown.err()).contains("spec.onDivergence: unknown value \"Ignore\"; allowed: "
        + "Stop, Continue");
  }
}
