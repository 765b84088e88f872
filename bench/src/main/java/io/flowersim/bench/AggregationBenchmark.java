package io.flowersim.bench;

import io.flowersim.client.Parameters;
import io.flowersim.strategy.Aggregation;
import java.io.File;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * FedAvg aggregation throughput, next to STREAM-like copy and triad kernels that say what this
 * machine's memory can deliver to one thread.
 *
 * <ul>
 *   <li>{@code fedAvg}: {@link Aggregation#weightedAverage} over {@value #CLIENTS} updates of
 *       {@value #PARAMS} floats (a 4 MB model), i.e. one FedAvg round with 100 fit results. Bytes
 *       counted: the updates read, 100 x 4 MB = 400 MB per operation (the 4 MB accumulator that is
 *       read and written once per update is not counted; it stays in the last-level cache).
 *   <li>{@code streamCopy}: {@code a[i] = b[i]}; bytes counted as STREAM does, 2 x 4 x n.
 *   <li>{@code streamTriad}: {@code a[i] = b[i] + q * c[i]}; bytes counted as STREAM does, 3 x 4 x n
 *       (the write-allocate read of {@code a} is not counted, as in STREAM).
 * </ul>
 *
 * <p>The STREAM kernels run at two sizes: {@value #PARAMS} floats per array (the model's size; 12
 * MB for triad, which fits a 32 MB L3, so it measures cache bandwidth) and {@value #STREAM_LARGE}
 * floats per array (128 MiB each, 384 MiB in all, about the 400 MB that {@code fedAvg} reads, so it
 * measures memory bandwidth). All kernels run on one thread, as the aggregation does.
 *
 * <p>Mode is average time per operation; GB/s (10^9 bytes per second) is computed from it by
 * {@link #main}, which runs the benchmarks through JMH's API and prints a table. {@code java -jar
 * bench/target/benchmarks.jar AggregationBenchmark} runs them with JMH's own command line too.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1536m", "-Xmx1536m"})
public class AggregationBenchmark {

  public static final int CLIENTS = 100;
  public static final int PARAMS = 1_000_000;
  public static final int STREAM_LARGE = 32 * 1024 * 1024;

  /** Bytes that one fedAvg operation reads: every update once. */
  public static final long FEDAVG_BYTES = (long) CLIENTS * PARAMS * Float.BYTES;

  /** 100 client updates of one 1M-float tensor, with different example counts. */
  @State(Scope.Benchmark)
  public static class Updates {
    List<Aggregation.Weighted> updates;

    @Setup(Level.Trial)
    public void setUp() {
      SplittableRandom random = new SplittableRandom(42);
      updates = new ArrayList<>(CLIENTS);
      for (int k = 0; k < CLIENTS; k++) {
        float[] values = new float[PARAMS];
        for (int i = 0; i < values.length; i++) {
          values[i] = (float) (random.nextDouble() - 0.5);
        }
        Parameters p = Parameters.builder().add("w", new int[] {PARAMS}, values).build();
        updates.add(new Aggregation.Weighted(p, 32 + random.nextInt(600)));
      }
    }
  }

  /** Three float arrays for the STREAM kernels. */
  @State(Scope.Benchmark)
  public static class StreamArrays {
    @Param({"1000000", "33554432"})
    int n;

    float[] a;
    float[] b;
    float[] c;

    @Setup(Level.Trial)
    public void setUp() {
      a = new float[n];
      b = new float[n];
      c = new float[n];
      for (int i = 0; i < n; i++) {
        a[i] = 1f;
        b[i] = 2f + (i & 7);
        c[i] = 0.5f * (i & 3);
      }
    }
  }

  @Benchmark
  public Parameters fedAvg(Updates u) {
    return Aggregation.weightedAverage(u.updates);
  }

  @Benchmark
  public float[] streamCopy(StreamArrays s) {
    float[] a = s.a;
    float[] b = s.b;
    for (int i = 0; i < a.length; i++) {
      a[i] = b[i];
    }
    return a;
  }

  @Benchmark
  public float[] streamTriad(StreamArrays s) {
    float[] a = s.a;
    float[] b = s.b;
    float[] c = s.c;
    float q = 3f;
    for (int i = 0; i < a.length; i++) {
      a[i] = b[i] + q * c[i];
    }
    return a;
  }

  /** Bytes one operation of {@code benchmark} moves, by the conventions in the class comment. */
  static long bytesPerOp(String benchmark, int n) {
    if (benchmark.endsWith(".fedAvg")) {
      return FEDAVG_BYTES;
    }
    if (benchmark.endsWith(".streamCopy")) {
      return 2L * Float.BYTES * n;
    }
    if (benchmark.endsWith(".streamTriad")) {
      return 3L * Float.BYTES * n;
    }
    throw new IllegalArgumentException(benchmark);
  }

  /**
   * Runs the benchmarks and prints a table with GB/s. Arguments: {@code --quick} (fewer, shorter
   * iterations), {@code --log FILE} (JMH's own output; default jmh-aggregation.log), {@code --json
   * FILE} (JMH's JSON results).
   */
  public static void main(String[] args) throws Exception {
    boolean quick = false;
    String log = "jmh-aggregation.log";
    String json = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--log" -> log = args[++i];
        case "--json" -> json = args[++i];
        default -> {
          System.err.println("usage: AggregationBenchmark [--quick] [--log FILE] [--json FILE]");
          System.exit(2);
        }
      }
    }
    ChainedOptionsBuilder options = new OptionsBuilder()
        .include(AggregationBenchmark.class.getName() + "\\.")
        .output(log);
    if (quick) {
      options.forks(1)
          .warmupIterations(2).warmupTime(TimeValue.seconds(1))
          .measurementIterations(5).measurementTime(TimeValue.seconds(1));
    } else {
      options.forks(2);
    }
    if (json != null) {
      options.resultFormat(ResultFormatType.JSON).result(json);
    }
    File logFile = new File(log).getAbsoluteFile();
    System.out.println("aggregation: JMH " + (quick ? "quick" : "full")
        + " run, log in " + logFile);
    Collection<RunResult> results = new Runner(options.build()).run();
    printTable(results);
  }

  private static void printTable(Collection<RunResult> results) {
    double dramTriad = Double.NaN;
    List<String[]> rows = new ArrayList<>();
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark();
      String nParam = r.getParams().getParam("n");
      int n = nParam == null ? PARAMS : Integer.parseInt(nParam);
      Result<?> primary = r.getPrimaryResult();
      double ms = primary.getScore();
      double msError = primary.getScoreError();
      double gbPerS = bytesPerOp(name, n) / 1e9 / (ms / 1e3);
      if (name.endsWith(".streamTriad") && n == STREAM_LARGE) {
        dramTriad = gbPerS;
      }
      String what = name.substring(name.lastIndexOf('.') + 1);
      String size = what.equals("fedAvg") ? CLIENTS + " x " + PARAMS : n + " / array";
      rows.add(new String[] {what, size, String.format(Locale.ROOT, "%.2f", ms),
          Double.isNaN(msError) ? "-" : String.format(Locale.ROOT, "%.2f", msError),
          String.format(Locale.ROOT, "%.2f", gbPerS)});
    }
    System.out.println();
    System.out.printf(Locale.ROOT, "%-12s %-18s %10s %9s %8s %14s%n",
        "kernel", "floats", "ms/op", "+/- 99.9%", "GB/s", "vs DRAM triad");
    for (String[] row : rows) {
      double gb = Double.parseDouble(row[4]);
      String ratio = Double.isNaN(dramTriad) ? "-"
          : String.format(Locale.ROOT, "%.0f%%", 100 * gb / dramTriad);
      System.out.printf(Locale.ROOT, "%-12s %-18s %10s %9s %8s %14s%n",
          row[0], row[1], row[2], row[3], row[4], ratio);
    }
    System.out.println("GB/s = 10^9 bytes per second; fedAvg counts the updates read (400 MB/op), "
        + "copy 2 x 4 B and triad 3 x 4 B per element (STREAM's convention).");
  }
}
