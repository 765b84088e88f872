package io.flowersim.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.client.Parameters;
import io.flowersim.simulation.Simulation;
import io.flowersim.simulation.SimulationFile;
import io.flowersim.task.FederatedTask;
import io.flowersim.task.TaskRegistry;
import io.flowersim.task.TaskSettings;
import io.flowersim.task.fashionmnist.FashionMnistTask;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes what a Fashion-MNIST simulation file gives each client, so that another simulator (Flower,
 * pfl: bench/vs-flower/) can run the very same clients from the very same start:
 * <ul>
 *   <li>{@code partitions.json}: {@code train[p]} and {@code eval[p]}, the example indices (into
 *       the IDX training set) that client {@code p} trains on and evaluates on, as the task splits
 *       them (spec.clients.partitioning, then the held-out tail of each partition);</li>
 *   <li>{@code initial.json} and {@code initial.f32}: the task's initial parameters (the seeded
 *       initialization of the network), tensor names and shapes in the JSON, the values in the
 *       order of the tensors as little-endian float32.</li>
 * </ul>
 * Usage: {@code ExportFashionMnistSplit <simulation.yaml> <out-dir>}.
 */
public final class ExportFashionMnistSplit {

  private ExportFashionMnistSplit() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: ExportFashionMnistSplit <simulation.yaml> <out-dir>");
      System.exit(2);
    }
    FlowerSimulation sim = SimulationFile.read(Path.of(args[0]));
    FederatedTask task = TaskRegistry.load().create(sim.getSpec().task);
    if (!(task instanceof FashionMnistTask fm)) {
      throw new IllegalArgumentException("spec.task: expected a Fashion-MNIST task "
          + "(fashion-mnist-mlp, fashion-mnist-cnn), got " + sim.getSpec().task);
    }
    TaskSettings settings = Simulation.settings(sim.getSpec());
    fm.setup(settings);
    Path out = Files.createDirectories(Path.of(args[1]));
    writeSplit(fm, settings.numClients(), out.resolve("partitions.json"));
    writeParameters(fm.initialParameters(), out.resolve("initial.json"),
        out.resolve("initial.f32"));
  }

  private static void writeSplit(FashionMnistTask task, int clients, Path file)
      throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put("task", task.name());
    root.put("clients", clients);
    ArrayNode train = root.putArray("train");
    ArrayNode eval = root.putArray("eval");
    for (int p = 0; p < clients; p++) {
      ArrayNode t = train.addArray();
      for (int i : task.trainIndices(p)) {
        t.add(i);
      }
      ArrayNode e = eval.addArray();
      for (int i : task.evalIndices(p)) {
        e.add(i);
      }
    }
    json.writeValue(file.toFile(), root);
  }

  private static void writeParameters(Parameters params, Path manifest, Path values)
      throws IOException {
    ObjectMapper json = new ObjectMapper();
    ArrayNode tensors = json.createArrayNode();
    for (Parameters.Tensor t : params.tensors()) {
      ObjectNode n = tensors.addObject();
      n.put("name", t.name());
      ArrayNode shape = n.putArray("shape");
      for (int d : t.shape()) {
        shape.add(d);
      }
      n.put("offset", t.offset());
      n.put("size", t.size());
    }
    json.writerWithDefaultPrettyPrinter().writeValue(manifest.toFile(), tensors);
    float[] v = params.values();
    ByteBuffer buf = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(v);
    try (DataOutputStream os = new DataOutputStream(Files.newOutputStream(values))) {
      os.write(buf.array());
    }
  }
}
