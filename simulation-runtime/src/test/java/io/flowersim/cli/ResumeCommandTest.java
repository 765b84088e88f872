package io.flowersim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowersim.simulation.ExitCode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `flowersim run --out DIR` checkpoints; `--resume` continues, or refuses with exit 2. */
class ResumeCommandTest {

  static final String SIM = """
      apiVersion: flowersim.io/v1alpha1
      kind: FlowerSimulation
      metadata:
        name: resumable
      spec:
        task: synthetic
        taskConfig: {samplesPerClient: "32"}
        rounds: 3
        clients:
          count: 20
          dropoutRate: 0.1
        strategy:
          name: FedYogi
          fractionFit: 0.25
          fractionEvaluate: 0.25
          minFitClients: 5
          minEvaluateClients: 5
          minAvailableClients: 20
      """;

  @TempDir
  Path dir;

  record Outcome(int code, String out, String err) {}

  private static Outcome run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = FlowersimCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Outcome(code, out.toString(), err.toString());
  }

  private Path file(String name, String yaml) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, yaml);
    return f;
  }

  static JsonNode rounds(Path out) throws Exception {
    JsonNode history = new ObjectMapper().readTree(out.resolve("history.json").toFile());
    history.get("rounds").forEach(r -> ((ObjectNode) r).remove("durationSeconds"));
    return history.get("rounds");
  }

  @Test
  void aRunResumedWithMoreRoundsEqualsTheLongerRun() throws Exception {
    Path sim = file("sim.yaml", SIM);
    Path out = dir.resolve("out");
    Outcome three = run("run", sim.toString(), "--out", out.toString());
    assertThat(three.code()).as(three.err()).isZero();
    try (Stream<Path> files = Files.list(out.resolve("checkpoints"))) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly(
          "round-0000000001.ckpt", "round-0000000002.ckpt", "round-0000000003.ckpt");
    }

    Outcome resumed = run("run", sim.toString(), "--out", out.toString(), "--resume",
        "--rounds", "5");
    Outcome straight = run("run", sim.toString(), "--out", dir.resolve("straight").toString(),
        "--rounds", "5");

    assertThat(resumed.code()).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains("resuming after round 3 of 5 from "
        + out.resolve("checkpoints"));
    assertThat(rounds(out)).hasSize(5).isEqualTo(rounds(dir.resolve("straight")));
  }

  @Test
  void withoutACheckpointOrFromAnotherSpecResumeIsRefused() throws Exception {
    Path sim = file("sim.yaml", SIM);
    Path out = dir.resolve("out");

    Outcome none = run("run", sim.toString(), "--out", out.toString(), "--resume");
    assertThat(none.code()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(none.err()).contains("--resume: no checkpoint in " + out.resolve("checkpoints")
        + " to resume from");
    assertThat(out).doesNotExist();

    assertThat(run("run", sim.toString(), "--out", out.toString()).code()).isZero();
    Outcome other = run("run", file("other.yaml", SIM.replace("count: 20", "count: 30")
        .replace("minAvailableClients: 20", "minAvailableClients: 30")).toString(), "--out",
        out.toString(), "--resume");
    assertThat(other.code()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(other.err()).contains("--resume: the checkpoint after round 3 in "
        + out.resolve("checkpoints") + " was made from another spec: clients.count: 30, but the "
        + "checkpoint was made with 20; strategy.minAvailableClients: 30, but the checkpoint was "
        + "made with 20");

    Outcome fewer = run("run", sim.toString(), "--out", out.toString(), "--resume", "--rounds",
        "2");
    assertThat(fewer.code()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(fewer.err()).contains("rounds: 2, but the checkpoint's run had 3");
  }

  /**
   * kill -9 of a real `flowersim run` process while it runs: whatever moment it hit, the newest
   * checkpoint is whole, and resuming from it gives the rounds of a run that was never killed.
   */
  @Test
  void aProcessKilledMidRunResumesToTheUninterruptedHistory() throws Exception {
    Path sim = file("sim.yaml", SIM.replace("rounds: 3", "rounds: 40")
        .replace("samplesPerClient: \"32\"", "samplesPerClient: \"400\""));
    Path out = dir.resolve("killed");
    Process child = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), FlowersimCommand.class.getName(),
        "run", sim.toString(), "--out", out.toString()))
        .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
    Path checkpoints = out.resolve("checkpoints");
    try {
      long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (checkpointCount(checkpoints) < 2 && child.isAlive() && System.nanoTime() < giveUp) {
        Thread.sleep(20);
      }
    } finally {
      child.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no flush
      child.waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(checkpointCount(checkpoints)).as(Files.readString(dir.resolve("child.log")))
        .isGreaterThanOrEqualTo(2);

    Outcome resumed = run("run", sim.toString(), "--out", out.toString(), "--resume");
    Outcome straight = run("run", sim.toString(), "--out", dir.resolve("straight").toString());

    assertThat(resumed.code()).as(resumed.err()).isZero();
    assertThat(resumed.err()).doesNotContain("unreadable");
    assertThat(rounds(out)).hasSize(40).isEqualTo(rounds(dir.resolve("straight")));
  }

  private static long checkpointCount(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".ckpt")).count();
    }
  }

}
